/**
 * incident.io in a real n8n 2.41.1: the packed tarball installed into a throwaway user folder,
 * credentials and workflows imported with the CLI, against the loopback sandbox. Covers a flattened
 * Return All, an incremental workflow run twice in production mode (so n8n saves its static data),
 * and the webhook trigger of a published workflow receiving signed, tampered and stale deliveries.
 */
import * as path from 'node:path';

import { startSandbox, type Sandbox } from '../sandbox';
import { signDelivery, type Json } from '../sandbox/incident-io';
import {
	activateWorkflow,
	executeWorkflows,
	importCredentials,
	importWorkflows,
	waitForExecutions,
	type ExecutionResult,
	type N8nHome,
} from '../support/n8n';
import { installProjectHome, removeProjectHome, useRunningN8n } from '../support/e2e';
import { webhookNode } from '../support/workflow';

jest.setTimeout(10 * 60_000);

const ROOT = path.resolve(__dirname, '..', '..');
const INCIDENT_IO = 'n8n-nodes-incident-data.incidentIo';
const TRIGGER = 'n8n-nodes-incident-data.incidentIoTrigger';
const CREDENTIAL = { id: 'incidentIoCred01', name: 'incident.io account' };
const TRIGGER_WEBHOOK_ID = 'iio-e2e-trigger-hook';
const INCREMENTAL_PATH = 'iio-e2e-incremental';

let sandbox: Sandbox;
let home: N8nHome;

const returnAllWorkflow = {
	id: 'iioReturnAll01',
	name: 'incident.io all incidents',
	nodes: [
		{
			id: 'm',
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'i',
			name: 'incident.io',
			type: INCIDENT_IO,
			typeVersion: 1,
			position: [220, 0],
			parameters: { resource: 'incident', operation: 'getMany', returnAll: true, flatten: true },
			credentials: { incidentIoApi: CREDENTIAL },
		},
	],
	connections: { Start: { main: [[{ node: 'incident.io', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
	active: false,
};

// A webhook starts it, so it runs in production mode and n8n keeps the node's static data.
const incrementalWorkflow = {
	id: 'iioIncremental1',
	name: 'incident.io changed incidents',
	nodes: [
		webhookNode(INCREMENTAL_PATH, 'iio-e2e-incremental-id', {
			responseMode: 'lastNode',
			responseData: 'allEntries',
		}),
		{
			id: 'i',
			name: 'incident.io',
			type: INCIDENT_IO,
			typeVersion: 1,
			position: [220, 0],
			parameters: {
				resource: 'incident',
				operation: 'getMany',
				returnAll: true,
				options: { incremental: true },
			},
			credentials: { incidentIoApi: CREDENTIAL },
		},
	],
	connections: { Webhook: { main: [[{ node: 'incident.io', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
	active: false,
};

const triggerWorkflow = {
	id: 'iioTrigger0001',
	name: 'incident.io trigger',
	nodes: [
		{
			id: 't',
			name: 'incident.io Trigger',
			type: TRIGGER,
			typeVersion: 1,
			position: [0, 0],
			webhookId: TRIGGER_WEBHOOK_ID,
			parameters: { events: [], fetchFullRecord: 'never' },
			credentials: { incidentIoApi: CREDENTIAL },
		},
	],
	connections: {},
	settings: { executionOrder: 'v1' },
	active: false,
};

beforeAll(async () => {
	sandbox = await startSandbox({ seed: 9, incidentIo: { incidents: 80 } });
	home = await installProjectHome(ROOT);
	await importCredentials(home, [
		{
			...CREDENTIAL,
			type: 'incidentIoApi',
			data: {
				apiKey: sandbox.incidentIo.apiKey,
				baseUrl: sandbox.incidentIo.apiBaseUrl,
				webhookSigningSecret: sandbox.incidentIo.webhookSecret,
			},
		},
	]);
	await importWorkflows(home, [returnAllWorkflow, incrementalWorkflow, triggerWorkflow]);
});

afterAll(async () => {
	await sandbox?.close();
	removeProjectHome(home);
});

describe('incident.io in a real n8n', () => {
	let results: Map<string, ExecutionResult>;

	beforeAll(async () => {
		results = await executeWorkflows(home, [returnAllWorkflow.id]);
	});

	it('Return All (flattened) returns every incident, the hidden categories and modes included', () => {
		const run = results.get(returnAllWorkflow.id);
		expect(run?.status).toBe('success');
		const rows = run?.output('incident.io').map((item) => item.json) ?? [];
		expect(rows.map((row) => row.id).sort()).toEqual(
			sandbox.incidentIo
				.visibleIncidents()
				.map((incident) => incident.id)
				.sort(),
		);
		expect(new Set(rows.map((row) => row.status_category))).toEqual(
			new Set(['triage', 'live', 'learning', 'paused', 'closed', 'declined', 'canceled', 'merged']),
		);
		expect(
			rows.every((row) => typeof row.severity === 'string' && 'custom_fields.Affected Team' in row),
		).toBe(true);
	});
});

describe('in a running n8n', () => {
	const server = useRunningN8n(() => home);

	it('the credential test calls /v1/identity', async () => {
		const result = await server().rest<{ status: string }>('POST', '/credentials/test', {
			credentials: {
				...CREDENTIAL,
				type: 'incidentIoApi',
				data: { apiKey: sandbox.incidentIo.apiKey, baseUrl: sandbox.incidentIo.apiBaseUrl },
			},
		});
		expect(result.status).toBe('OK');
		const bad = await server().rest<{ status: string }>('POST', '/credentials/test', {
			credentials: {
				...CREDENTIAL,
				type: 'incidentIoApi',
				data: { apiKey: 'inc_wrong_key_123456', baseUrl: sandbox.incidentIo.apiBaseUrl },
			},
		});
		expect(bad.status).toBe('Error');
		expect(JSON.stringify(bad)).not.toContain('inc_wrong_key_123456');
	});

	it('an incremental workflow run twice returns exactly the records changed between the runs', async () => {
		await activateWorkflow(server(), incrementalWorkflow.id);
		const call = async () => {
			const response = await fetch(`${server().url}/webhook/${INCREMENTAL_PATH}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: '{}',
			});
			expect(response.status).toBe(200);
			const body = (await response.json()) as Json[] | Json;
			return Array.isArray(body) ? body : [body];
		};
		const first = await call();
		expect(first).toHaveLength(sandbox.incidentIo.visibleIncidents().length);
		const touched = sandbox.incidentIo.touch({ incidents: 5, offset: 2 }).incidents;
		const second = await call();
		expect(second.map((record) => record.id).sort()).toEqual([...touched].sort());
	});

	it('the trigger of a published workflow accepts a signed delivery and refuses a tampered and a stale one', async () => {
		await activateWorkflow(server(), triggerWorkflow.id);
		const url = `${server().url}/webhook/${TRIGGER_WEBHOOK_ID}/webhook`;
		const incident = sandbox.incidentIo.data.incidents[0];
		const post = async (delivery: { headers: Record<string, string>; body: string }) =>
			await fetch(url, { method: 'POST', headers: delivery.headers, body: delivery.body });
		const secret = sandbox.incidentIo.webhookSecret;

		const tampered = await post(
			signDelivery('public_incident.incident_updated_v2', incident, {
				secret,
				tamper: (body) => body.replace('"mode"', '"mode_"'),
			}),
		);
		expect(tampered.status).toBe(401);
		const stale = await post(
			signDelivery('public_incident.incident_updated_v2', incident, {
				secret,
				timestampSeconds: Math.floor(Date.now() / 1000) - 600,
			}),
		);
		expect(stale.status).toBe(401);
		const good = await post(
			signDelivery('public_incident.incident_updated_v2', incident, { secret }),
		);
		expect(good.status).toBe(200);

		const [execution] = await waitForExecutions(server(), triggerWorkflow.id, 1, 60_000);
		const item = execution.output('incident.io Trigger')[0].json;
		expect(item.event_type).toBe('public_incident.incident_updated_v2');
		expect((item.data as Json).id).toBe(incident.id);
		// Only the valid delivery started the workflow.
		await new Promise((resolve) => setTimeout(resolve, 1_500));
		expect(await waitForExecutions(server(), triggerWorkflow.id, 1, 5_000)).toHaveLength(1);
	});
});
