/**
 * Self-test of the engine harness: fixture nodes run through n8n-core's real engine against a
 * loopback server. Also pins down how n8n-core 2.41's request helpers behave, which the pack's
 * nodes rely on (see the 'request helpers' test).
 */
import { createHmac } from 'node:crypto';

import { NodeApiError, type INode, type INodeParameters } from 'n8n-workflow';

import {
	FIXTURE_HTTP_TYPE,
	FIXTURE_POLL_TYPE,
	FIXTURE_WEBHOOK_TYPE,
	fixtureCredentialTypes,
	fixtureNodeTypes,
	startFixtureServer,
	type FixtureServer,
} from './fixtures';
import {
	START_NODE_NAME,
	START_NODE_TYPE,
	chain,
	disposeEngineEnvironment,
	runPoll,
	runWebhook,
	runWorkflow,
	type EngineCredential,
	type EngineRunOptions,
} from './harness';

const API_KEY = 'fixture-secret';
const HTTP_NODE = 'Fixture HTTP';

let server: FixtureServer;

beforeAll(async () => {
	server = await startFixtureServer();
});
afterAll(async () => {
	await server.close();
	await disposeEngineEnvironment();
});
beforeEach(() => {
	server.requests.length = 0;
	server.events.length = 0;
	server.sessions.issued = 0;
	server.sessions.current = undefined;
});

const fixtureCredential = (): EngineCredential => ({
	id: 'fixture-cred',
	name: 'Fixture',
	type: 'fixtureApi',
	data: { apiKey: API_KEY, baseUrl: server.baseUrl },
});

async function runHttpNode(
	parameters: INodeParameters,
	options: Partial<EngineRunOptions> & { node?: Partial<INode> } = {},
) {
	const { node, ...rest } = options;
	return await runWorkflow({
		nodeTypes: fixtureNodeTypes,
		credentialTypes: fixtureCredentialTypes,
		credentials: [fixtureCredential()],
		workflow: chain({ name: HTTP_NODE, type: FIXTURE_HTTP_TYPE, parameters, ...node }),
		...rest,
	});
}

describe('runWorkflow', () => {
	test('runs the node with real helpers: authenticate block, expressions, pairedItem, hints, static data', async () => {
		const result = await runHttpNode(
			{ operation: 'get', label: '={{ $json.name.toUpperCase() }} #{{ $itemIndex }}' },
			{ inputItems: [{ json: { id: '1', name: 'alpha' } }, { json: { id: '2', name: 'beta' } }] },
		);

		expect(result.status).toBe('success');
		expect(result.error).toBeUndefined();
		const items = result.output(HTTP_NODE);
		expect(items.map((item) => item.json)).toEqual([
			{ id: '1', name: 'Item 1', label: 'ALPHA #0' },
			{ id: '2', name: 'Item 2', label: 'BETA #1' },
		]);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);

		// The generic authenticate block, with the credential type's default for `region`.
		expect(server.requests.map((request) => request.path)).toEqual(['/items/1', '/items/2']);
		for (const request of server.requests) {
			expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
			expect(request.headers['x-fixture-region']).toBe('eu');
		}

		expect(result.hints(HTTP_NODE)).toEqual([
			expect.objectContaining({ message: 'Fetched 2 of 2 item(s)', location: 'outputPane' }),
		]);
		expect(result.staticData).toEqual({
			global: { runs: 1 },
			[`node:${HTTP_NODE}`]: { lastIds: ['1', '2'] },
		});
		// A manual (editor) run: n8n would not save this static data.
		expect(result.staticDataPersisted).toBe(false);

		const fed = await runWorkflow({
			nodeTypes: fixtureNodeTypes,
			credentialTypes: fixtureCredentialTypes,
			credentials: [fixtureCredential()],
			workflow: {
				...chain({ name: HTTP_NODE, type: FIXTURE_HTTP_TYPE, parameters: { operation: 'get' } }),
				staticData: result.staticData,
			},
			inputItems: [{ json: { id: '3' } }],
			mode: 'trigger',
		});
		expect(fed.staticData).toEqual({
			global: { runs: 2 },
			[`node:${HTTP_NODE}`]: { lastIds: ['3'] },
		});
		expect(fed.staticDataPersisted).toBe(true);
	});

	test('continueOnFail: a failing item becomes {json:{error}} and the run succeeds', async () => {
		const result = await runHttpNode(
			{ operation: 'get' },
			{
				node: { onError: 'continueRegularOutput' },
				inputItems: [{ json: { id: '1' } }, { json: { id: 'missing' } }, { json: { id: '3' } }],
			},
		);

		expect(result.status).toBe('success');
		const items = result.output(HTTP_NODE);
		expect(items).toHaveLength(3);
		expect(items[0].json).toMatchObject({ id: '1' });
		expect(items[1].json).toEqual({ error: expect.stringMatching(/could not be found/i) });
		expect(items[1].pairedItem).toEqual({ item: 1 });
		expect(items[2].json).toMatchObject({ id: '3' });
		expect(result.staticData[`node:${HTTP_NODE}`]).toEqual({ lastIds: ['1', '3'] });
	});

	test('a failing node makes status, error and nodeError visible', async () => {
		const result = await runHttpNode(
			{ operation: 'get' },
			{ inputItems: [{ json: { id: 'broken' } }] },
		);

		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/service was not able to process your request/i);
		// n8n keeps a plain copy of the thrown error in run data (own fields, no prototype).
		expect(result.nodeError(HTTP_NODE)).not.toBeInstanceOf(NodeApiError);
		expect(result.nodeError(HTTP_NODE)).toMatchObject({
			name: 'NodeApiError',
			httpCode: '500',
			message: expect.stringMatching(/not able to process/),
			description: 'Upstream exploded',
		});
		expect(() => result.output(HTTP_NODE)).toThrow(/"Fixture HTTP" failed/);
		expect(() => result.output('Nowhere')).toThrow(
			/"Nowhere" did not run .*ran: Start, Fixture HTTP/,
		);
		expect(result.output(START_NODE_NAME)).toHaveLength(1);
	});

	test('prepareBinaryData(stream) stores the file in n8n’s binary data store', async () => {
		const result = await runHttpNode(
			{ operation: 'download' },
			{ inputItems: [{ json: { id: 'report.csv' } }] },
		);

		expect(result.status).toBe('success');
		const [item] = result.output(HTTP_NODE);
		expect(item.binary?.data).toMatchObject({
			fileName: 'report.csv',
			mimeType: 'text/csv',
			fileExtension: 'csv',
			bytes: 26,
			// n8n 2.x default: the filesystem store; `data` only names the mode.
			data: 'filesystem-v2',
			id: expect.stringMatching(/^filesystem-v2:/),
		});
		expect((await result.binary(HTTP_NODE)).toString('utf-8')).toBe(
			'id,title\n1,first\n2,second\n',
		);
	});

	test('request helpers: returnFullResponse, ignoreHttpStatusErrors, encoding stream, errors', async () => {
		const result = await runHttpNode({ operation: 'probe' });
		expect(result.status).toBe('success');
		const [{ json: observed }] = result.output(HTTP_NODE);

		// returnFullResponse + ignoreHttpStatusErrors: no throw on 4xx/5xx, parsed JSON body.
		const fullKeys = ['body', 'headers', 'statusCode', 'statusMessage'];
		expect(observed.ignored404).toEqual({
			keys: fullKeys,
			statusCode: 404,
			contentType: 'application/json',
			bodyIsReadable: false,
			body: { message: 'Item not found' },
		});
		expect(observed.ignored500).toMatchObject({
			statusCode: 500,
			body: { message: 'Upstream exploded' },
		});
		// encoding 'stream': the body is a Readable, with or without returnFullResponse, also on 4xx.
		expect(observed.stream200).toEqual({
			keys: fullKeys,
			statusCode: 200,
			contentType: 'text/csv',
			bodyIsReadable: true,
			body: 'id,title\n1,first\n2,second\n',
		});
		expect(observed.stream404).toMatchObject({
			statusCode: 404,
			bodyIsReadable: true,
			body: '{"message":"Item not found"}',
		});
		expect(observed.streamBodyOnly).toEqual({
			bodyIsReadable: true,
			body: 'id,title\n1,first\n2,second\n',
		});
		// `json: true` does not fail on a non-JSON body: it comes back as a string.
		expect(observed.textWithJsonTrue).toEqual({ type: 'string', body: 'plain hello' });
		// Without ignoreHttpStatusErrors: httpRequestWithAuthentication wraps in NodeApiError...
		expect(observed.authenticated404).toMatchObject({
			threw: true,
			name: 'NodeApiError',
			httpCode: '404',
		});
		// ...while plain httpRequest throws the transport error with `response.status`.
		expect(observed.plain404).toMatchObject({
			threw: true,
			name: 'AxiosError',
			responseStatus: 404,
		});
		// Helpers are unbound: `this.helpers.httpRequestWithAuthentication(...)` without
		// `.call(this, ...)` fails at runtime (TypeScript rejects it too).
		expect(observed.unboundHelper).toMatchObject({ threw: true, name: 'TypeError' });
	});

	test('preAuthentication: fetches the expirable token when empty and again after a 401', async () => {
		const sessionCredential = (sessionToken: string): EngineCredential => ({
			type: 'fixtureSessionApi',
			data: { baseUrl: server.baseUrl, sessionToken },
		});
		const runSession = async (token: string) =>
			await runHttpNode({ operation: 'session' }, { credentials: [sessionCredential(token)] });

		const fresh = await runSession('');
		expect(fresh.status).toBe('success');
		expect(fresh.output(HTTP_NODE)[0].json).toEqual({ user: 'fixture-user' });
		expect(
			server.requests.map(
				(request) => `${request.method} ${request.path} ${request.headers.authorization ?? '-'}`,
			),
		).toEqual([`POST /session -`, `GET /session/whoami Session session-1`]);

		server.requests.length = 0;
		const stale = await runSession('session-from-yesterday');
		expect(stale.status).toBe('success');
		expect(
			server.requests.map(
				(request) => `${request.method} ${request.path} ${request.headers.authorization ?? '-'}`,
			),
		).toEqual([
			`GET /session/whoami Session session-from-yesterday`,
			`POST /session -`,
			`GET /session/whoami Session session-2`,
		]);
	});

	test('chain() builds Start -> nodes with linear main connections', () => {
		const { nodes, connections } = chain(
			{ name: 'A', type: FIXTURE_HTTP_TYPE, parameters: {} },
			{ name: 'B', type: FIXTURE_HTTP_TYPE, parameters: {}, typeVersion: 2 },
		);
		expect(nodes.map((node) => [node.name, node.type, node.typeVersion])).toEqual([
			['Start', START_NODE_TYPE, 1],
			['A', FIXTURE_HTTP_TYPE, 1],
			['B', FIXTURE_HTTP_TYPE, 2],
		]);
		expect(connections).toEqual({
			Start: { main: [[{ node: 'A', type: 'main', index: 0 }]] },
			A: { main: [[{ node: 'B', type: 'main', index: 0 }]] },
		});
		expect(() => chain({ name: 'Start', type: FIXTURE_HTTP_TYPE, parameters: {} })).toThrow(
			/two nodes named "Start"/,
		);
	});
});

describe('runPoll', () => {
	const pollNode = (parameters: INodeParameters = {}): INode => ({
		id: 'poll',
		name: 'Fixture Poll',
		type: FIXTURE_POLL_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters,
	});
	const poll = async (
		options: {
			mode?: 'trigger' | 'manual';
			staticData?: object;
			parameters?: INodeParameters;
		} = {},
	) =>
		await runPoll({
			nodeTypes: fixtureNodeTypes,
			credentialTypes: fixtureCredentialTypes,
			credentials: [fixtureCredential()],
			node: pollNode(options.parameters),
			mode: options.mode,
			staticData: options.staticData as Record<string, never> | undefined,
		});
	const nodeState = (staticData: object) =>
		(staticData as Record<string, unknown>)['node:Fixture Poll'];

	test('trigger mode: emits new items, advances the cursor, static data round-trips', async () => {
		server.events.push({ id: 1, title: 'one' }, { id: 2, title: 'two' });

		const first = await poll();
		expect(first.error).toBeUndefined();
		expect(first.items).toEqual([
			[
				{ json: { id: 1, title: 'one', activation: 'activate', mode: 'trigger' } },
				{ json: { id: 2, title: 'two', activation: 'activate', mode: 'trigger' } },
			],
		]);
		expect(nodeState(first.staticData)).toEqual({ polls: 1, lastId: 2 });
		expect(first.staticDataPersisted).toBe(true);
		expect(server.requests[0].headers.authorization).toBe(`Bearer ${API_KEY}`);

		const empty = await poll({ staticData: first.staticData });
		expect(empty.items).toBeNull();
		expect(server.requests[1].query.get('after')).toBe('2');
		expect(nodeState(empty.staticData)).toEqual({ polls: 2, lastId: 2 });
		// Changed, but n8n saves static data only when a poll emits.
		expect(empty.staticDataPersisted).toBe(false);

		server.events.push({ id: 3, title: 'three' });
		const next = await poll({ staticData: empty.staticData });
		expect(next.items?.[0].map((item) => item.json.id)).toEqual([3]);
		expect(nodeState(next.staticData)).toEqual({ polls: 3, lastId: 3 });
	});

	test('manual mode: a test fetch through WorkflowExecute, static data out but not persisted', async () => {
		server.events.push({ id: 1, title: 'one' }, { id: 2, title: 'two' });

		const result = await poll({
			mode: 'manual',
			staticData: { 'node:Fixture Poll': { lastId: 2 } },
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			[
				expect.objectContaining({
					json: { id: 2, title: 'two', activation: 'manual', mode: 'manual' },
				}),
			],
		]);
		expect(server.requests[0].query.get('after')).toBe('0');
		expect(nodeState(result.staticData)).toEqual({ polls: 1, lastId: 2 });
		expect(result.staticDataPersisted).toBe(false);
	});

	test('errors thrown by poll() are reported in both modes', async () => {
		for (const mode of ['trigger', 'manual'] as const) {
			const result = await poll({ mode, parameters: { path: '/items/broken' } });
			expect(result.items).toBeNull();
			// Trigger mode hands the thrown NodeApiError to __emitError; manual mode reads the
			// plain copy from run data. Either way the fields are there.
			expect(result.error).toMatchObject({ httpCode: '500', description: 'Upstream exploded' });
		}
	});
});

describe('runWebhook', () => {
	const webhookNode: INode = {
		id: 'hook',
		name: 'Fixture Webhook',
		type: FIXTURE_WEBHOOK_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		webhookId: 'a3f1c2d4-0000-4000-8000-000000000001',
	};
	const deliver = async (rawBody: string, signature: string) =>
		await runWebhook({
			nodeTypes: fixtureNodeTypes,
			credentialTypes: fixtureCredentialTypes,
			credentials: [fixtureCredential()],
			node: webhookNode,
			request: {
				method: 'POST',
				headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-Signature': signature },
				rawBody: Buffer.from(rawBody),
			},
		});

	test('valid signature over the raw body: returns workflow data and updates static data', async () => {
		const rawBody = '{"incident":{"id":"inc-1"},"event":"created"}';
		const signature = createHmac('sha256', API_KEY).update(rawBody).digest('hex');

		const result = await deliver(rawBody, signature);
		expect(result.error).toBeUndefined();
		expect(result.response?.workflowData).toEqual([
			[{ json: { incident: { id: 'inc-1' }, event: 'created' } }],
		]);
		expect(result.responseStatus).toBeUndefined();
		expect(result.staticData).toEqual({ 'node:Fixture Webhook': { deliveries: 1 } });
		expect(result.staticDataPersisted).toBe(true);
	});

	test('invalid signature: the node answers 401 itself', async () => {
		const result = await deliver('{"event":"created"}', 'not-a-signature');
		expect(result.response).toEqual({ noWebhookResponse: true });
		expect(result.responseStatus).toBe(401);
		expect(result.responseBody).toEqual({ message: 'Bad signature' });
		expect(result.staticDataPersisted).toBe(false);
	});
});
