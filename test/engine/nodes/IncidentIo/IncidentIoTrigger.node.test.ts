/**
 * The incident.io Trigger through n8n-core's real WebhookContext, with deliveries signed the way
 * Svix signs them: valid ones are emitted once, anything invalid answers 401 and emits nothing.
 */
import type { IDataObject } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../../sandbox';
import { signDelivery, signingSecretFor, type Json } from '../../../sandbox/incident-io';
import { runWebhook } from '../../harness';
import { credentialTypes, deliver, incidentIoCredential, nodeTypes, triggerNode } from './setup';

jest.setTimeout(30_000);

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ seed: 31, incidentIo: { incidents: 20 } });
});

afterAll(async () => {
	await sandbox.close();
});

const EVENT = 'public_incident.incident_updated_v2';

function request(delivery: { headers: Record<string, string>; body: string }) {
	return { method: 'POST' as const, headers: delivery.headers, rawBody: delivery.body };
}

function emitted(result: Awaited<ReturnType<typeof deliver>>) {
	return result.response?.workflowData?.[0] ?? [];
}

/** A private incident of the sandbox and a signed update of it, which carries only its id. */
function privateIncidentDelivery() {
	const privateIncident = sandbox.incidentIo.data.incidents.find(
		(incident) => incident.visibility === 'private',
	) as Json;
	const delivery = signDelivery(
		'private_incident.incident_updated_v2',
		{ id: privateIncident.id },
		{ secret: sandbox.incidentIo.webhookSecret },
	);
	return { privateIncident, delivery };
}

describe('incident.io Trigger', () => {
	it('accepts a signed delivery and emits its payload', async () => {
		const incident = sandbox.incidentIo.data.incidents[0];
		const delivery = signDelivery(EVENT, incident, { secret: sandbox.incidentIo.webhookSecret });
		const result = await deliver(sandbox, request(delivery));
		expect(result.responseStatus).toBeUndefined();
		const items = emitted(result);
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({
			event_type: EVENT,
			webhook_id: delivery.webhookId,
			fetched: false,
		});
		expect((items[0].json.data as Json).id).toBe(incident.id);
	});

	it('accepts any of several v1 signatures (key rotation)', async () => {
		const delivery = signDelivery(
			EVENT,
			{ id: 'x' },
			{ secret: sandbox.incidentIo.webhookSecret, extraSignatures: ['v1,AAAA', 'v2,whatever'] },
		);
		expect(emitted(await deliver(sandbox, request(delivery)))).toHaveLength(1);
	});

	it.each([
		['a tampered body', { tamper: (body: string) => body.replace('"id"', '"id_"') }],
		['a stale timestamp', { timestampSeconds: Math.floor(Date.now() / 1000) - 301 }],
		['a timestamp from the future', { timestampSeconds: Math.floor(Date.now() / 1000) + 400 }],
		['a missing signature header', { omit: ['webhook-signature' as const] }],
		['a missing id header', { omit: ['webhook-id' as const] }],
		['a missing timestamp header', { omit: ['webhook-timestamp' as const] }],
		["another endpoint's secret", { secret: signingSecretFor(999) }],
	])('refuses %s with 401 and emits nothing', async (_name, options) => {
		const delivery = signDelivery(
			EVENT,
			{ id: 'abc' },
			{ secret: sandbox.incidentIo.webhookSecret, ...options },
		);
		const result = await deliver(sandbox, request(delivery));
		expect(result.responseStatus).toBe(401);
		expect(result.response?.noWebhookResponse).toBe(true);
		expect(emitted(result)).toHaveLength(0);
		expect(JSON.stringify(result.responseBody)).not.toContain(sandbox.incidentIo.webhookSecret);
	});

	it('answers 400 to a correctly signed body that is not JSON', async () => {
		const delivery = signDelivery(EVENT, null, {
			secret: sandbox.incidentIo.webhookSecret,
			rawBody: 'event_type=x',
		});
		const result = await deliver(sandbox, {
			...request(delivery),
			headers: { ...delivery.headers, 'content-type': 'text/plain' },
		});
		expect(result.responseStatus).toBe(400);
		expect(emitted(result)).toHaveLength(0);
	});

	it('emits a delivery repeated with the same webhook-id once', async () => {
		const delivery = signDelivery(
			EVENT,
			{ id: 'dup' },
			{ secret: sandbox.incidentIo.webhookSecret },
		);
		const first = await deliver(sandbox, request(delivery));
		expect(emitted(first)).toHaveLength(1);
		const again = signDelivery(
			EVENT,
			{ id: 'dup' },
			{ secret: sandbox.incidentIo.webhookSecret, webhookId: delivery.webhookId },
		);
		const second = await deliver(sandbox, request(again), {}, first.staticData);
		expect(emitted(second)).toHaveLength(0);
		expect(second.responseStatus).toBe(200);
		expect(second.responseBody).toMatchObject({ duplicate: true });
	});

	it('drops event types outside the filter', async () => {
		const delivery = signDelivery(
			'public_incident.follow_up_created_v2',
			{ id: 'f' },
			{ secret: sandbox.incidentIo.webhookSecret },
		);
		const result = await deliver(sandbox, request(delivery), { events: [EVENT] });
		expect(emitted(result)).toHaveLength(0);
		expect(result.responseStatus).toBe(200);
		expect(result.responseBody).toMatchObject({ ignored: 'public_incident.follow_up_created_v2' });
	});

	it('fetches the full incident for a private-incident event, which carries only an id', async () => {
		const { privateIncident, delivery } = privateIncidentDelivery();
		const items = emitted(await deliver(sandbox, request(delivery)));
		expect(items).toHaveLength(1);
		expect(items[0].json.fetched).toBe(true);
		expect((items[0].json.data as Json).name).toBe(privateIncident.name);
		expect((items[0].json.data as Json).reference).toBe(privateIncident.reference);
	});

	it('two identical deliveries arriving together (same webhook-id) start the workflow once', async () => {
		const delivery = signDelivery(
			EVENT,
			{ id: 'together' },
			{ secret: sandbox.incidentIo.webhookSecret },
		);
		// Each request loads the static data as saved before either began, as n8n does.
		const results = await Promise.all([
			deliver(sandbox, request(delivery)),
			deliver(sandbox, request(delivery)),
		]);
		expect(results.map((result) => emitted(result).length).sort()).toEqual([0, 1]);
		const duplicate = results.find((result) => emitted(result).length === 0);
		expect(duplicate?.responseBody).toMatchObject({ duplicate: true });
		expect([200, 409]).toContain(duplicate?.responseStatus);
	});

	it('a delivery whose record could not be fetched (401) runs when Svix retries it', async () => {
		const { delivery } = privateIncidentDelivery();
		const failed = await runWebhook({
			nodeTypes,
			credentialTypes,
			credentials: [incidentIoCredential(sandbox, 'inc_wrong_key_0123456789')],
			node: triggerNode(),
			request: request(delivery),
		});
		expect(failed.error).toBeDefined();
		const retried = await deliver(sandbox, request(delivery), {}, failed.staticData);
		expect(emitted(retried)).toHaveLength(1);
		expect(emitted(retried)[0].json.fetched).toBe(true);
	});

	describe('Fetch Full Record when the record cannot be read', () => {
		it('a deleted record (404) emits the delivery with data null and the reason, as delivered beside it', async () => {
			const delivery = signDelivery(
				'private_incident.incident_updated_v2',
				{ id: '01DELETEDINCIDENT0000000000' },
				{ secret: sandbox.incidentIo.webhookSecret },
			);
			const result = await deliver(sandbox, request(delivery));
			expect(result.error).toBeUndefined();
			const [item] = emitted(result);
			expect(item.json).toMatchObject({
				event_type: 'private_incident.incident_updated_v2',
				webhook_id: delivery.webhookId,
				fetched: false,
				data: null,
				deliveredData: { id: '01DELETEDINCIDENT0000000000' },
			});
			expect(String(item.json.dataError)).toMatch(/404.*deleted/);
		});

		it('a private record the API key may not read (403) emits the delivery with data null and the scope to add', async () => {
			const { privateIncident, delivery } = privateIncidentDelivery();
			const result = await runWebhook({
				nodeTypes,
				credentialTypes,
				credentials: [incidentIoCredential(sandbox, sandbox.incidentIo.noPrivateKey)],
				node: triggerNode(),
				request: request(delivery),
			});
			expect(result.error).toBeUndefined();
			const [item] = emitted(result);
			expect(item.json).toMatchObject({
				fetched: false,
				data: null,
				deliveredData: { id: privateIncident.id },
			});
			expect(String(item.json.dataError)).toMatch(
				/403.*View all incident data, including private incidents/,
			);
			expect(JSON.stringify(item.json)).not.toContain(sandbox.incidentIo.noPrivateKey);
			// Accepted: remembered like any other delivery, so Svix's retry of it is a replay.
			expect(
				(result.staticData['node:incident.io Trigger'] as IDataObject).seenDeliveries,
			).toContain(delivery.webhookId);
		});
	});
});
