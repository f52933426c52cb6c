/**
 * The FireHydrant Trigger through n8n-core's real WebhookContext: signed deliveries from the
 * sandbox's sender are emitted, anything unsigned, mis-signed or tampered answers 401 and emits
 * nothing, and the bad bodies the issue names are refused or ignored without a crash.
 */
import { createHmac } from 'node:crypto';
import type { IDataObject, INode } from 'n8n-workflow';

import { FireHydrantApi } from '../../../credentials/FireHydrantApi.credentials';
import { FireHydrantTrigger } from '../../../nodes/FireHydrantTrigger/FireHydrantTrigger.node';
import { startSandbox, type Sandbox } from '../../sandbox';
import { runWebhook, type EngineWebhookResult } from '../harness';
import { fireHydrantCredential } from './setup';

jest.setTimeout(30_000);

const TRIGGER_TYPE = 'n8n-nodes-incident-data.fireHydrantTrigger';
const SECRET = 'whs-3f9a8c7e1d2b4a6f8e0c1b2a3d4e5f60';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ seed: 5, fireHydrant: { incidents: 6, nights: 2, eventsPerIncident: 2 } });
});

afterAll(async () => {
	await sandbox.close();
});

function triggerNode(parameters: IDataObject = {}): INode {
	return {
		id: 'fh-trigger',
		name: 'FireHydrant Trigger',
		type: TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		webhookId: 'f1a2b3c4-0000-4000-8000-000000000001',
		parameters: { webhookSecret: SECRET, resourceTypes: 'incidents', operations: '', ...parameters } as INode['parameters'],
		credentials: { fireHydrantApi: { id: 'fh-cred', name: 'FireHydrant sandbox' } },
	};
}

function sign(body: string | Buffer, secret = SECRET): string {
	return createHmac('sha256', secret).update(body).digest('hex');
}

async function deliver(
	rawBody: string,
	headers: Record<string, string>,
	options: { parameters?: IDataObject; staticData?: IDataObject } = {},
): Promise<EngineWebhookResult> {
	return await runWebhook({
		nodeTypes: { [TRIGGER_TYPE]: new FireHydrantTrigger() },
		credentialTypes: [new FireHydrantApi()],
		credentials: [fireHydrantCredential(sandbox)],
		node: triggerNode(options.parameters),
		staticData: options.staticData,
		request: { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, rawBody },
	});
}

function emitted(result: EngineWebhookResult): IDataObject[] {
	return (result.response?.workflowData?.[0] ?? []).map((item) => item.json);
}

const incidentId = () => sandbox.fireHydrant.rest.incidentIds()[0];
const body = (operation = 'updated', resourceType = 'incidents') =>
	sandbox.fireHydrant.rest.deliveryBody({ incidentId: incidentId(), operation, resourceType });

describe('FireHydrant Trigger', () => {
	it('emits a correctly signed delivery, with ISO 8601 timestamps beside the originals', async () => {
		const raw = body();
		const result = await deliver(raw, { 'fh-signature': sign(raw) });
		expect(result.error).toBeUndefined();
		const [item] = emitted(result);
		expect(item.resourceType).toBe('incidents');
		expect(item.operation).toBe('updated');
		const incident = (item.data as IDataObject).incident as IDataObject;
		expect(incident.id).toBe(incidentId());
		// FireHydrant writes `2023-07-25 13:34:49 UTC`; the original stays, `_iso` is added.
		expect(String(incident.created_at)).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
		expect(incident.created_at_iso).toBe(new Date(String(incident.created_at).replace(' UTC', 'Z').replace(' ', 'T')).toISOString());
	});

	it.each([
		['missing', undefined],
		['wrong secret', 'other-secret'],
		['not hex', 'zz'],
	])('answers 401 and emits nothing when the signature is %s', async (_name, secret) => {
		const raw = body();
		const headers: Record<string, string> = secret === undefined ? {} : { 'fh-signature': secret === 'zz' ? 'zz' : sign(raw, secret) };
		const result = await deliver(raw, headers);
		expect(result.responseStatus).toBe(401);
		expect(result.response?.workflowData).toBeUndefined();
	});

	it('answers 401 to a tampered body (signature of the original bytes)', async () => {
		const raw = body();
		const tampered = raw.replace('"updated"', '"deleted"');
		const result = await deliver(tampered, { 'fh-signature': sign(raw) });
		expect(result.responseStatus).toBe(401);
		expect(result.response?.workflowData).toBeUndefined();
	});

	it('verifies the raw bytes, not re-serialised JSON (whitespace is part of the signature)', async () => {
		const raw = JSON.stringify(JSON.parse(body()), null, 2);
		const result = await deliver(raw, { 'fh-signature': sign(raw).toUpperCase() });
		expect(emitted(result)).toHaveLength(1);
	});

	it('refuses an empty body and a non-JSON body with 400, emitting nothing', async () => {
		const empty = await deliver('', { 'fh-signature': sign('') });
		expect(empty.responseStatus).toBe(400);
		expect(empty.responseBody).toEqual({ message: 'The delivery has an empty body.' });
		const text = 'incident updated';
		const nonJson = await deliver(text, { 'fh-signature': sign(text), 'content-type': 'text/plain' });
		expect(nonJson.responseStatus).toBe(400);
		expect(nonJson.responseBody).toEqual({ message: 'The delivery body is not JSON.' });
		expect(nonJson.response?.workflowData).toBeUndefined();
	});

	it('acknowledges a replayed delivery without starting the workflow again', async () => {
		const raw = body('created');
		const first = await deliver(raw, { 'fh-signature': sign(raw) });
		expect(emitted(first)).toHaveLength(1);
		const replay = await deliver(raw, { 'fh-signature': sign(raw) }, { staticData: first.staticData });
		expect(replay.responseStatus).toBe(200);
		expect(replay.response?.workflowData).toBeUndefined();
		expect(replay.staticDataPersisted).toBe(false);
	});

	it('filters on resource type and operation', async () => {
		const raw = body('created', 'change_events');
		const filtered = await deliver(raw, { 'fh-signature': sign(raw) });
		expect(filtered.responseStatus).toBe(200);
		expect(filtered.response?.workflowData).toBeUndefined();
		const onlyResolved = body('updated');
		const result = await deliver(onlyResolved, { 'fh-signature': sign(onlyResolved) }, { parameters: { operations: 'resolved' } });
		expect(result.response?.workflowData).toBeUndefined();
		const all = await deliver(raw, { 'fh-signature': sign(raw) }, { parameters: { resourceTypes: '' } });
		expect(emitted(all)).toHaveLength(1);
	});

	it('fetches the full incident through the API when asked, and survives a deleted one', async () => {
		const raw = body();
		const result = await deliver(raw, { 'fh-signature': sign(raw) }, { parameters: { options: { fetchIncident: true } } });
		const [item] = emitted(result);
		const incident = item.incident as IDataObject;
		expect(incident.id).toBe(incidentId());
		expect(Array.isArray(incident.milestones)).toBe(true);

		sandbox.fireHydrant.rest.vanishIncident(incidentId());
		const again = body('deleted');
		const gone = await deliver(again, { 'fh-signature': sign(again) }, { parameters: { options: { fetchIncident: true } } });
		const [goneItem] = emitted(gone);
		expect(goneItem.incident).toBeNull();
		expect(String(goneItem.incidentError)).toContain('no longer exists');
		sandbox.fireHydrant.reset();
	});
});
