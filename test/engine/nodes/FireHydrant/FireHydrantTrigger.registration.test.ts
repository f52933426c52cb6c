/**
 * The FireHydrant Trigger's webhook lifecycle (`webhookMethods.default.checkExists/create/delete`)
 * through n8n-core's real HookContext against the sandbox's Webhooks API (`/v1/webhooks`): what
 * publishing registers and stores, how a webhook removed in FireHydrant is noticed, and what the
 * user reads when the token is refused (401) or may not manage webhooks (403).
 */
import { NodeApiError, NodeOperationError, type IDataObject, type INode } from 'n8n-workflow';

import { FireHydrantApi } from '../../../../credentials/FireHydrantApi.credentials';
import { FireHydrantTrigger } from '../../../../nodes/FireHydrant/FireHydrantTrigger.node';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { runHook, type EngineHookResult, type HookMethod } from '../../harness';
import { fireHydrantCredential } from './setup';

jest.setTimeout(30_000);

const TRIGGER_TYPE = 'n8n-nodes-incident-data.fireHydrantTrigger';
const TRIGGER_NAME = 'FireHydrant Trigger';
const STATIC_KEY = `node:${TRIGGER_NAME}`;
const WEBHOOK_ID = 'f1a2b3c4-0000-4000-8000-0000000000aa';
const SECRET = 'whs-9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e';
const WORKFLOW_ID = 'hookWf1';
/** The production URL n8n gives the node: webhook base URL, webhookId, description path. */
const PRODUCTION_URL = `http://localhost:5678/webhook/${WEBHOOK_ID}/webhook`;

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({
		seed: 11,
		fireHydrant: { incidents: 2, nights: 1, eventsPerIncident: 1 },
	});
});

afterAll(async () => {
	await sandbox.close();
});

beforeEach(() => {
	sandbox.fireHydrant.rest.reset();
});

function triggerNode(secret = SECRET): INode {
	return {
		id: 'fh-trigger',
		name: TRIGGER_NAME,
		type: TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		webhookId: WEBHOOK_ID,
		parameters: { webhookSecret: secret, resourceTypes: 'incidents', operations: '' },
		credentials: { fireHydrantApi: { id: 'fh-cred', name: 'FireHydrant sandbox' } },
	};
}

async function hook(
	method: HookMethod,
	options: {
		staticData?: IDataObject;
		token?: string;
		mode?: 'manual';
		secret?: string;
		credentialSecret?: string;
	} = {},
): Promise<EngineHookResult> {
	const credential = fireHydrantCredential(sandbox, options.token);
	return await runHook({
		nodeTypes: { [TRIGGER_TYPE]: new FireHydrantTrigger() },
		credentialTypes: [new FireHydrantApi()],
		credentials: [
			{
				...credential,
				data: { ...credential.data, webhookSigningSecret: options.credentialSecret ?? '' },
			},
		],
		node: triggerNode(options.secret),
		method,
		staticData: options.staticData,
		mode: options.mode,
		workflowId: WORKFLOW_ID,
	});
}

/** The webhook id the node keeps in its static data, if any. */
function storedId(result: EngineHookResult): unknown {
	return (result.staticData[STATIC_KEY] as IDataObject | undefined)?.webhookId;
}

/** Publishes as n8n does: checkExists, then create when it answered false. */
async function publish(
	staticData?: IDataObject,
	secrets: { secret?: string; credentialSecret?: string } = {},
): Promise<EngineHookResult> {
	const check = await hook('checkExists', { staticData, ...secrets });
	expect(check.error).toBeUndefined();
	if (check.returned === true) return check;
	const created = await hook('create', { staticData: check.staticData, ...secrets });
	expect(created.error).toBeUndefined();
	return created;
}

function apiError(result: EngineHookResult): NodeApiError {
	expect(result.error).toBeInstanceOf(NodeApiError);
	return result.error as NodeApiError;
}

/** Everything a user or a log could see of the error. */
function visibleText(error: NodeApiError): string {
	return [error.message, error.description ?? '', JSON.stringify(error)].join(' | ');
}

describe('FireHydrant Trigger webhook registration', () => {
	it('create registers the URL n8n gives the node, with the secret and subscriptions, and stores the id', async () => {
		const result = await hook('create');
		expect(result.error).toBeUndefined();
		expect(result.returned).toBe(true);
		expect(result.webhookUrl).toBe(PRODUCTION_URL);

		const registered = [...sandbox.fireHydrant.rest.webhooks.values()];
		expect(registered).toHaveLength(1);
		expect(registered[0]).toMatchObject({
			url: PRODUCTION_URL,
			secret: SECRET,
			subscriptions: 'incidents',
			state: 'active',
		});
		expect(storedId(result)).toBe(registered[0].id);
		expect(result.staticDataPersisted).toBe(true);
	});

	it('the editor test URL (manual mode) is what gets registered while listening for a test event', async () => {
		const result = await hook('create', { mode: 'manual' });
		expect(result.error).toBeUndefined();
		expect(result.webhookUrl).toBe(`http://localhost:5678/webhook-test/${WEBHOOK_ID}/webhook`);
		expect([...sandbox.fireHydrant.rest.webhooks.values()].map((webhook) => webhook.url)).toEqual([
			result.webhookUrl,
		]);
	});

	const registrationsReceived = () =>
		sandbox.requests.filter(
			(request) => request.method === 'POST' && request.path === '/v1/webhooks',
		).length;

	it('does not retry POST /v1/webhooks after a 502 or a reset: a retry could leave a second webhook', async () => {
		for (const fault of ['502', 'reset'] as const) {
			sandbox.reset();
			if (fault === '502') sandbox.fireHydrant.faults.serverErrors(1, 502);
			else sandbox.fireHydrant.faults.resetConnections(1);
			const result = await hook('create');
			expect({ fault, failed: result.error instanceof NodeApiError }).toEqual({
				fault,
				failed: true,
			});
			expect({ fault, sent: registrationsReceived() }).toEqual({ fault, sent: 1 });
		}
	});

	it('checkExists is false without a stored id and asks FireHydrant nothing', async () => {
		const before = sandbox.fireHydrant.rest.apiRequests;
		const result = await hook('checkExists');
		expect(result.error).toBeUndefined();
		expect(result.returned).toBe(false);
		expect(sandbox.fireHydrant.rest.apiRequests).toBe(before);
	});

	it('checkExists is true for the registered webhook; publishing again creates no duplicate', async () => {
		const created = await publish();
		const check = await hook('checkExists', { staticData: created.staticData });
		expect(check.error).toBeUndefined();
		expect(check.returned).toBe(true);
		expect(storedId(check)).toBe(storedId(created));

		await publish(check.staticData);
		expect(sandbox.fireHydrant.rest.webhooks.size).toBe(1);
	});

	it('checkExists is false when the stored webhook was deleted in FireHydrant, and drops the stale id', async () => {
		const created = await publish();
		sandbox.fireHydrant.rest.webhooks.delete(String(storedId(created)));

		const check = await hook('checkExists', { staticData: created.staticData });
		expect(check.error).toBeUndefined();
		expect(check.returned).toBe(false);
		expect(storedId(check)).toBeUndefined();
		expect(check.staticDataPersisted).toBe(true);

		// n8n then calls create: the URL is registered again under a new id.
		const recreated = await hook('create', { staticData: check.staticData });
		expect(recreated.error).toBeUndefined();
		const [webhook] = [...sandbox.fireHydrant.rest.webhooks.values()];
		expect(storedId(recreated)).toBe(webhook.id);
		expect(webhook.id).not.toBe(storedId(created));
	});

	it('checkExists is false when the stored webhook now points elsewhere (edited in FireHydrant)', async () => {
		const created = await publish();
		const remote = sandbox.fireHydrant.rest.webhooks.get(String(storedId(created)));
		if (remote === undefined) throw new Error('sandbox lost the created webhook');
		remote.url = 'https://elsewhere.example.com/hook';

		const check = await hook('checkExists', { staticData: created.staticData });
		expect(check.returned).toBe(false);
		expect(storedId(check)).toBeUndefined();
	});

	it('delete removes the webhook in FireHydrant and clears the stored id', async () => {
		const created = await publish();
		const removed = await hook('delete', { staticData: created.staticData });
		expect(removed.error).toBeUndefined();
		expect(removed.returned).toBe(true);
		expect(sandbox.fireHydrant.rest.webhooks.size).toBe(0);
		expect(storedId(removed)).toBeUndefined();
		expect(removed.staticDataPersisted).toBe(true);
	});

	it('delete of a webhook already gone in FireHydrant (404) counts as deleted, not as an error', async () => {
		const created = await publish();
		sandbox.fireHydrant.rest.webhooks.delete(String(storedId(created)));
		const before = sandbox.fireHydrant.rest.apiRequests;

		const removed = await hook('delete', { staticData: created.staticData });
		expect(removed.error).toBeUndefined();
		expect(removed.returned).toBe(true);
		expect(storedId(removed)).toBeUndefined();
		// The DELETE was sent (and answered 404), not skipped.
		expect(sandbox.fireHydrant.rest.apiRequests).toBe(before + 1);
	});

	it('create without a webhook secret registers nothing and names the field to fill in', async () => {
		const result = await runHook({
			nodeTypes: { [TRIGGER_TYPE]: new FireHydrantTrigger() },
			credentialTypes: [new FireHydrantApi()],
			credentials: [fireHydrantCredential(sandbox)],
			node: { ...triggerNode(), parameters: { ...triggerNode().parameters, webhookSecret: '' } },
			method: 'create',
		});
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect((result.error as NodeOperationError).description).toMatch(/"Webhook Secret"/);
		expect((result.error as NodeOperationError).description).toMatch(
			/"Webhook Signing Secret" of the FireHydrant credential/,
		);
		expect(sandbox.fireHydrant.rest.webhooks.size).toBe(0);
		expect(storedId(result)).toBeUndefined();
	});

	describe('a refused token', () => {
		const WRONG_TOKEN = 'fhb-wrong-token-5e1d9c0a7b3f4e2d8c6a';

		it('401 on create: NodeApiError that says to check the token, without the token', async () => {
			const result = await hook('create', { token: WRONG_TOKEN });
			const error = apiError(result);
			expect(error.httpCode).toBe('401');
			expect(error.message).toMatch(/FireHydrant answered 401/);
			expect(error.description).toMatch(/POST \S+\/v1\/webhooks/);
			expect(error.description).toMatch(/could not manage its webhook/);
			expect(error.description).toMatch(/Check the API token in the FireHydrant credential/);
			expect(visibleText(error)).not.toContain(WRONG_TOKEN);
			expect(storedId(result)).toBeUndefined();
			expect(sandbox.fireHydrant.rest.webhooks.size).toBe(0);
		});

		it('401 on checkExists: NodeApiError, and the stored id is kept (the webhook may still exist)', async () => {
			const created = await publish();
			const result = await hook('checkExists', {
				staticData: created.staticData,
				token: WRONG_TOKEN,
			});
			const error = apiError(result);
			expect(error.httpCode).toBe('401');
			expect(error.description).toMatch(/Check the API token in the FireHydrant credential/);
			expect(visibleText(error)).not.toContain(WRONG_TOKEN);
			expect(storedId(result)).toBe(storedId(created));
		});

		it('403 on create (token without the Owner role): says an Owner API key is needed, without the token', async () => {
			const token = sandbox.fireHydrant.limitedToken;
			const result = await hook('create', { token });
			const error = apiError(result);
			expect(error.httpCode).toBe('403');
			expect(error.message).toMatch(/FireHydrant answered 403/);
			expect(error.description).toMatch(/may not manage webhooks/);
			expect(error.description).toMatch(/created by an account Owner/);
			expect(visibleText(error)).not.toContain(token);
			expect(storedId(result)).toBeUndefined();
			expect(sandbox.fireHydrant.rest.webhooks.size).toBe(0);
		});

		it('403 on checkExists (permission withdrawn): says an Owner API key is needed, keeps the id', async () => {
			const created = await publish();
			sandbox.fireHydrant.rest.deny('^/v1/webhooks');
			const result = await hook('checkExists', { staticData: created.staticData });
			const error = apiError(result);
			expect(error.httpCode).toBe('403');
			expect(error.description).toMatch(/GET \S+\/v1\/webhooks\//);
			expect(error.description).toMatch(/created by an account Owner/);
			expect(visibleText(error)).not.toContain(sandbox.fireHydrant.apiToken);
			expect(storedId(result)).toBe(storedId(created));
		});

		it('403 on delete: an error (the webhook still exists in FireHydrant), the id is kept for a retry', async () => {
			const created = await publish();
			const token = sandbox.fireHydrant.limitedToken;
			const result = await hook('delete', { staticData: created.staticData, token });
			const error = apiError(result);
			expect(error.httpCode).toBe('403');
			expect(error.description).toMatch(/created by an account Owner/);
			expect(visibleText(error)).not.toContain(token);
			expect(storedId(result)).toBe(storedId(created));
			expect(sandbox.fireHydrant.rest.webhooks.size).toBe(1);
		});
	});

	describe('the webhook secret', () => {
		const NEW_SECRET = 'whs-changed-1f2e3d4c5b6a79880a1b';

		it('changing the Webhook Secret and publishing again re-registers: the old webhook is replaced by one with the new secret', async () => {
			const created = await publish();
			const oldId = storedId(created);

			const check = await hook('checkExists', {
				staticData: created.staticData,
				secret: NEW_SECRET,
			});
			expect(check.error).toBeUndefined();
			expect(check.returned).toBe(false);
			const recreated = await hook('create', { staticData: check.staticData, secret: NEW_SECRET });
			expect(recreated.error).toBeUndefined();

			const registered = [...sandbox.fireHydrant.rest.webhooks.values()];
			expect(registered).toHaveLength(1);
			expect(registered[0]).toMatchObject({ url: PRODUCTION_URL, secret: NEW_SECRET });
			expect(registered[0].id).not.toBe(oldId);
			expect(storedId(recreated)).toBe(registered[0].id);
			// Published again with the new secret: nothing more to do.
			const again = await hook('checkExists', {
				staticData: recreated.staticData,
				secret: NEW_SECRET,
			});
			expect(again.returned).toBe(true);
		});

		it('static data keeps a fingerprint of the secret beside the webhook id, never the secret itself', async () => {
			const created = await publish();
			const state = created.staticData[STATIC_KEY] as IDataObject;
			expect(typeof state.secretFingerprint).toBe('string');
			expect(JSON.stringify(created.staticData)).not.toContain(SECRET);
		});

		it('a webhook registered before the fingerprint was kept is replaced once on the next publish', async () => {
			const created = await publish();
			const legacy = { [STATIC_KEY]: { webhookId: storedId(created) } };
			const republished = await publish(legacy);
			expect(storedId(republished)).not.toBe(storedId(created));
			expect(
				[...sandbox.fireHydrant.rest.webhooks.values()].map((webhook) => webhook.secret),
			).toEqual([SECRET]);
			const check = await hook('checkExists', { staticData: republished.staticData });
			expect(check.returned).toBe(true);
		});

		it("registers the credential's Webhook Signing Secret when the node's Webhook Secret is empty", async () => {
			const credentialSecret = 'cred-whs-5a4b3c2d1e0f9a8b7c6d';
			const created = await publish(undefined, { secret: '', credentialSecret });
			expect(
				[...sandbox.fireHydrant.rest.webhooks.values()].map((webhook) => webhook.secret),
			).toEqual([credentialSecret]);

			// Changing it in the credential and publishing again re-registers too.
			const changed = 'cred-whs-changed-0f1e2d3c4b5a6978';
			const republished = await publish(created.staticData, {
				secret: '',
				credentialSecret: changed,
			});
			expect(storedId(republished)).not.toBe(storedId(created));
			expect(
				[...sandbox.fireHydrant.rest.webhooks.values()].map((webhook) => webhook.secret),
			).toEqual([changed]);
		});

		it("the node's Webhook Secret, when set, is registered instead of the credential's", async () => {
			await publish(undefined, { credentialSecret: 'cred-whs-not-used-123456789' });
			expect(
				[...sandbox.fireHydrant.rest.webhooks.values()].map((webhook) => webhook.secret),
			).toEqual([SECRET]);
		});
	});
});
