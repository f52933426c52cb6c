/**
 * The Datadog DORA sandbox against the recorded Datadog traffic: every recorded request, sent to
 * the sandbox, gets the recorded status and a body of the recorded shape. Plus what the recordings
 * do not show but the node relies on: keys, upserts, windows, limits, rate-limit headers, control.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import {
	RECORDED_EXCHANGES,
	recorded,
	recordedPath,
	type RecordedExchange,
} from '../../sandbox/datadog/recorded';
import { postJson, request, type HttpResult } from './http';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({
		seed: 5,
		datadog: { rateLimit: { limit: 50, periodSeconds: 60 } },
	});
});

afterAll(async () => {
	await sandbox.close();
});

beforeEach(() => sandbox.reset());

function keys(application = true): Record<string, string> {
	const headers: Record<string, string> = {
		'Content-Type': 'application/json',
		'DD-API-KEY': sandbox.datadog.apiKey,
	};
	if (application) headers['DD-APPLICATION-KEY'] = sandbox.datadog.applicationKey;
	return headers;
}

async function send(exchange: RecordedExchange): Promise<HttpResult> {
	return await request(`${sandbox.datadog.baseUrl}${recordedPath(exchange)}`, {
		method: exchange.request.method,
		headers: keys(),
		body: JSON.stringify(exchange.request.body),
	});
}

/** Same keys and value types, recursively; arrays by their first element. */
function shapeOf(value: unknown): unknown {
	if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])];
	if (value === null) return null;
	if (typeof value === 'object')
		return Object.fromEntries(
			Object.entries(value)
				.map(([key, entry]) => [key, shapeOf(entry)])
				.sort(),
		);
	return typeof value;
}

describe('recorded Datadog exchanges replayed against the sandbox', () => {
	it('covers every recording', () => {
		expect(RECORDED_EXCHANGES).toHaveLength(7);
	});

	it.each(
		RECORDED_EXCHANGES.filter(
			(exchange) =>
				!exchange.recording.includes('step 2') && !exchange.recording.includes('date-time'),
		).map((exchange) => [exchange.recording, exchange]),
	)('%s', async (_name, exchange) => {
		const response = await send(exchange);
		expect(response.status).toBe(exchange.response.status);
		expect(shapeOf(response.json)).toEqual(shapeOf(exchange.response.body));
		if (exchange.response.status === 400) expect(response.json).toEqual(exchange.response.body);
	});

	it('the deployment list returns the recorded event exactly, times as RFC 3339', async () => {
		const exchange = recorded(
			'Get a list of deployment events returns deployments with date-time timestamps',
		);
		const [event] = (
			exchange.response.body as { data: Array<{ id: string; attributes: Record<string, unknown> }> }
		).data;
		const { started_at: started, finished_at: finished, ...attributes } = event.attributes;
		sandbox.datadog.seed('deployment', [
			{ id: event.id, started_at: String(started), finished_at: String(finished), ...attributes },
		]);
		const response = await send(exchange);
		expect(response.status).toBe(200);
		expect(response.json).toEqual(exchange.response.body);
	});

	it('send with an id then patch: 200 with that id, then 202 {data: null}', async () => {
		const step1 = recorded('Patch a deployment event returns Accepted response (step 1');
		const step2 = recorded('Patch a deployment event returns Accepted response (step 2');
		expect((await send(step1)).json).toEqual(step1.response.body);
		const patched = await send(step2);
		expect(patched.status).toBe(202);
		expect(patched.json).toEqual(step2.response.body);
		expect(sandbox.datadog.event('deployment', '08a3dbc57bb781a5')).toMatchObject({
			changeFailure: true,
			remediation: { id: 'eG42zNIkVjM', type: 'rollback' },
		});
	});
});

describe('behaviour the node relies on', () => {
	const failure = (id: string, startedAtSeconds: number) => ({
		data: { attributes: { id, started_at: startedAtSeconds, team: 'backend' } },
	});
	const url = (path: string) => `${sandbox.datadog.baseUrl}${path}`;

	it('upserts by id: the same id twice is one event, updated', async () => {
		await request(url('/api/v2/dora/failure'), {
			method: 'POST',
			headers: keys(false),
			body: JSON.stringify(failure('incident-0001-abcdef', 1_700_000_000)),
		});
		await request(url('/api/v2/dora/failure'), {
			method: 'POST',
			headers: keys(false),
			body: JSON.stringify(failure('incident-0001-abcdef', 1_700_000_060)),
		});
		expect(sandbox.datadog.count('failure')).toBe(1);
		expect(sandbox.datadog.event('failure', 'incident-0001-abcdef')).toMatchObject({
			writes: 2,
			startedAtMs: 1_700_000_060_000,
		});
	});

	it('sends need the API key only; reads need both keys', async () => {
		const body = JSON.stringify(failure('incident-0001-abcdef', 1_700_000_000));
		expect(
			(
				await request(url('/api/v2/dora/failure'), {
					method: 'POST',
					headers: { 'DD-API-KEY': 'wrong' },
					body,
				})
			).json,
		).toEqual({ errors: ['Forbidden'] });
		expect(
			(await request(url('/api/v2/dora/failure'), { method: 'POST', headers: keys(false), body }))
				.status,
		).toBe(200);
		expect(
			(await request(url('/api/v2/dora/failures/incident-0001-abcdef'), { headers: keys(false) }))
				.status,
		).toBe(403);
		expect(
			(await request(url('/api/v2/dora/failures/incident-0001-abcdef'), { headers: keys() }))
				.status,
		).toBe(200);
		expect((await request(url('/api/v1/validate'), { headers: keys(false) })).json).toEqual({
			valid: true,
		});
	});

	it('refuses invalid events with a JSON:API 400', async () => {
		const bad = [
			{ data: { attributes: { team: 'backend' } } },
			{ data: { attributes: { started_at: 2, finished_at: 1, team: 'backend' } } },
			{ data: { attributes: { started_at: 1_700_000_000 } } },
			{ data: { attributes: { started_at: 1_700_000_000, team: 'x', id: 'short' } } },
			{ data: { attributes: { started_at: 1_700_000_000, team: 'x', custom_tags: ['nokey'] } } },
		];
		for (const body of bad) {
			const response = await request(url('/api/v2/dora/failure'), {
				method: 'POST',
				headers: keys(false),
				body: JSON.stringify(body),
			});
			expect(response.status).toBe(400);
			expect(response.json).toEqual({
				errors: [{ status: '400', title: 'Bad Request', detail: expect.any(String) }],
			});
		}
		expect(sandbox.datadog.count('failure')).toBe(0);
	});

	it('lists by window ([from, to) on started_at), limit and sort, without a cursor', async () => {
		sandbox.datadog.seed(
			'failure',
			Array.from({ length: 20 }, (_, index) => ({
				id: `incident-${String(index).padStart(10, '0')}`,
				started_at: Date.UTC(2025, 0, 1, 0, index),
				team: 'backend',
			})),
		);
		const list = async (attributes: Record<string, unknown>) =>
			(
				await request(url('/api/v2/dora/failures'), {
					method: 'POST',
					headers: keys(),
					body: JSON.stringify({ data: { type: 'dora_failures_list_request', attributes } }),
				})
			).json as { data: Array<{ id: string; attributes: { started_at: string } }> };
		const window = { from: '2025-01-01T00:05:00Z', to: '2025-01-01T00:10:00Z' };
		expect(
			(await list({ ...window, limit: 100 })).data.map((event) => event.attributes.started_at),
		).toEqual([
			'2025-01-01T00:09:00Z',
			'2025-01-01T00:08:00Z',
			'2025-01-01T00:07:00Z',
			'2025-01-01T00:06:00Z',
			'2025-01-01T00:05:00Z',
		]);
		expect(
			(await list({ ...window, sort: 'started_at', limit: 2 })).data.map(
				(event) => event.attributes.started_at,
			),
		).toEqual(['2025-01-01T00:05:00Z', '2025-01-01T00:06:00Z']);
		expect(
			(await list({ from: '2025-01-01T00:00:00Z', to: '2025-01-02T00:00:00Z' })).data,
		).toHaveLength(10);
		expect(Object.keys(await list({ ...window }))).toEqual(['data']);
	});

	it('sends X-RateLimit headers and answers 429 over the limit', async () => {
		sandbox.datadog.setRateLimit({ limit: 3, periodSeconds: 60 });
		const statuses: number[] = [];
		let last: HttpResult | undefined;
		for (let index = 0; index < 4; index++) {
			last = await request(url('/api/v1/validate'), { headers: keys(false) });
			statuses.push(last.status);
		}
		expect(statuses).toEqual([200, 200, 200, 429]);
		expect(last?.json).toEqual({ errors: ['Too many requests'] });
		expect(last?.headers).toMatchObject({
			'x-ratelimit-limit': '3',
			'x-ratelimit-period': '60',
			'x-ratelimit-remaining': '0',
			'x-ratelimit-name': 'dora_metrics',
		});
		expect(Number(last?.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
	});

	it('is steerable through the control API', async () => {
		const control = `${sandbox.baseUrl}/__sandbox/datadog`;
		expect(
			(
				await postJson(`${control}/events`, {
					kind: 'failure',
					events: [{ id: 'incident-0001-abcdef', started_at: '2025-01-01T00:00:00Z', team: 'a' }],
				})
			).status,
		).toBe(201);
		expect(((await request(`${control}/events?kind=failure`)).json as unknown[]).length).toBe(1);
		expect((await postJson(`${control}/faults`, { kind: 'acceptDelayed', count: 1 })).status).toBe(
			200,
		);
		const delayed = await request(url('/api/v2/dora/failure'), {
			method: 'POST',
			headers: keys(false),
			body: JSON.stringify(failure('incident-0002-abcdef', 1_700_000_000)),
		});
		expect(delayed.status).toBe(202);
		expect((await postJson(`${control}/faults`, { kind: 'nonsense' })).status).toBe(400);
		expect((await request(`${control}`)).json).toMatchObject({
			apiKey: sandbox.datadog.apiKey,
			counts: { failure: 2, deployment: 0 },
		});
	});
});
