/**
 * FireHydrant's REST API and webhooks in a real n8n 2.41.1 (packed tarball, CLI imports, a running
 * server), against the loopback sandbox: REST Get Rows gives the export's rows, incremental runs
 * return exactly what changed in between, and the FireHydrant Trigger registers itself through the
 * webhooks API, accepts a signed delivery and rejects a tampered one.
 */
import * as path from 'node:path';

import { startSandbox, type Sandbox } from '../sandbox';
import {
	activateWorkflow,
	deactivateWorkflow,
	executeWorkflows,
	importCredentials,
	importWorkflows,
	waitForExecutions,
	type N8nHome,
} from '../support/n8n';
import { installProjectHome, removeProjectHome, useRunningN8n } from '../support/e2e';

jest.setTimeout(10 * 60_000);

const ROOT = path.resolve(__dirname, '..', '..');
const FIREHYDRANT = 'n8n-nodes-incident-data.fireHydrant';
const TRIGGER = 'n8n-nodes-incident-data.fireHydrantTrigger';
const CREDENTIAL = { id: 'fhRestCredential1', name: 'FireHydrant REST account' };
const SOURCES = [
	'incident',
	'incident_role_assignment',
	'incident_event',
	'incident_impact',
	'retrospective',
];
const SECRET = 'e2e-webhook-secret-5b7d9f1a3c';
const INCREMENTAL_PATH = 'fh-incremental-e2e';

let sandbox: Sandbox;
let home: N8nHome;

function workflowFrom(
	id: string,
	name: string,
	start: Record<string, unknown>,
	parameters: Record<string, unknown>,
) {
	return {
		id,
		name,
		nodes: [
			start,
			{
				id: 'f',
				name: 'FireHydrant',
				type: FIREHYDRANT,
				typeVersion: 1,
				position: [220, 0],
				parameters,
				credentials: { fireHydrantApi: CREDENTIAL },
			},
		],
		connections: {
			[String(start.name)]: { main: [[{ node: 'FireHydrant', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

const manualStart = {
	id: 'm',
	name: 'Start',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
// Production webhook executions persist static data (manual runs never do), like a schedule would.
const webhookStart = {
	id: 'w',
	name: 'Every Call',
	type: 'n8n-nodes-base.webhook',
	typeVersion: 2,
	position: [0, 0],
	webhookId: '0c4f3b8e-2d6a-4b1e-9f7c-5a8d2e1b3c40',
	parameters: { path: INCREMENTAL_PATH, httpMethod: 'GET', responseMode: 'onReceived' },
};

const triggerWorkflow = {
	id: 'fhWebhookTrig01',
	name: 'FireHydrant webhook trigger',
	nodes: [
		{
			id: 't',
			name: 'FireHydrant Trigger',
			type: TRIGGER,
			typeVersion: 1,
			position: [0, 0],
			webhookId: '7e1d2c3b-4a5f-4e6d-8c7b-9a0f1e2d3c4b',
			parameters: { webhookSecret: SECRET, resourceTypes: 'incidents', operations: '' },
			credentials: { fireHydrantApi: CREDENTIAL },
		},
	],
	connections: {},
	settings: { executionOrder: 'v1' },
	active: false,
};

beforeAll(async () => {
	sandbox = await startSandbox({
		seed: 3,
		fireHydrant: { incidents: 12, nights: 4, eventsPerIncident: 3 },
	});
	home = await installProjectHome(ROOT);
	await importCredentials(home, [
		{
			...CREDENTIAL,
			type: 'fireHydrantApi',
			data: { apiToken: sandbox.fireHydrant.apiToken, region: 'custom', baseUrl: sandbox.baseUrl },
		},
	]);
	await importWorkflows(home, [
		workflowFrom('fhRestRows0001', 'FireHydrant REST rows', manualStart, {
			resource: 'exportData',
			operation: 'getRows',
			dataSource: 'rest',
			sources: SOURCES,
		}),
		workflowFrom('fhExportRows001', 'FireHydrant export rows', manualStart, {
			resource: 'exportData',
			operation: 'getRows',
			selectBy: 'since',
			newerThan: new Date(Date.now() - 30 * 24 * 3600 * 1000).toISOString(),
			sources: SOURCES,
		}),
		workflowFrom('fhIncremental01', 'FireHydrant incremental incidents', webhookStart, {
			resource: 'incident',
			operation: 'getMany',
			returnAll: true,
			options: { incremental: true, overlapMinutes: 0 },
		}),
		triggerWorkflow,
	]);
});

afterAll(async () => {
	await sandbox?.close();
	removeProjectHome(home);
});

describe('FireHydrant REST in a real n8n', () => {
	it('REST Get Rows returns the same rows as the data export for the same account', async () => {
		const results = await executeWorkflows(home, ['fhRestRows0001', 'fhExportRows001']);
		const rest = results.get('fhRestRows0001');
		const exported = results.get('fhExportRows001');
		expect(rest?.status).toBe('success');
		expect(exported?.status).toBe('success');
		const restRows = rest?.output('FireHydrant').map((item) => item.json) ?? [];
		const exportRows = exported?.output('FireHydrant').map((item) => item.json) ?? [];
		for (const source of SOURCES) {
			const ids = (rows: typeof restRows) =>
				rows
					.filter((row) => row._source === source)
					.map((row) => String(row.id))
					.sort();
			expect(ids(restRows)).toEqual(ids(exportRows));
			expect(ids(restRows).length).toBeGreaterThan(0);
		}
		// Role assignments and retrospectives carry every column in REST: equal but for the
		// account id (no REST entity has it) and the export request.
		const strip = (row: Record<string, unknown>) => ({
			...row,
			account_id: undefined,
			_exportRequestId: undefined,
		});
		for (const source of ['incident_role_assignment', 'retrospective']) {
			const byId = new Map(
				exportRows.filter((row) => row._source === source).map((row) => [row.id, strip(row)]),
			);
			for (const row of restRows.filter((candidate) => candidate._source === source))
				expect(strip(row)).toEqual(byId.get(row.id));
		}
	});
});

describe('in a running n8n', () => {
	const server = useRunningN8n(() => home);

	it('incremental: a second run returns exactly the incidents changed since the first', async () => {
		await activateWorkflow(server(), 'fhIncremental01');
		const call = async () => {
			const response = await fetch(`${server().url}/webhook/${INCREMENTAL_PATH}`);
			expect(response.status).toBe(200);
		};
		await call();
		const [first] = await waitForExecutions(server(), 'fhIncremental01', 1);
		expect(first.output('FireHydrant')).toHaveLength(sandbox.fireHydrant.rest.incidentIds().length);

		const changed = sandbox.fireHydrant.rest.incidentIds().slice(2, 4);
		for (const id of changed) sandbox.fireHydrant.rest.editIncident(id, { severity: 'SEV1' });
		await call();
		const runs = await waitForExecutions(server(), 'fhIncremental01', 2);
		const outputs = runs.map((run) =>
			run
				.output('FireHydrant')
				.map((item) => String(item.json.id))
				.sort(),
		);
		expect(outputs).toContainEqual([...changed].sort());
	});

	it('the trigger registers its URL through the webhooks API, accepts a signed delivery and rejects a tampered one', async () => {
		await activateWorkflow(server(), triggerWorkflow.id);
		const registered = [...sandbox.fireHydrant.rest.webhooks.values()];
		expect(registered).toHaveLength(1);
		expect(registered[0].url).toContain('/webhook/');
		expect(registered[0].secret).toBe(SECRET);

		const incidentId = sandbox.fireHydrant.rest.incidentIds()[0];
		const [accepted] = await sandbox.fireHydrant.deliverWebhook({
			incidentId,
			operation: 'updated',
		});
		expect(accepted.status).toBe(200);
		const [tampered] = await sandbox.fireHydrant.deliverWebhook({
			incidentId,
			operation: 'created',
			tamper: true,
		});
		expect(tampered.status).toBe(401);
		const [unsigned] = await sandbox.fireHydrant.deliverWebhook({ incidentId, signature: null });
		expect(unsigned.status).toBe(401);

		const executions = await waitForExecutions(server(), triggerWorkflow.id, 1);
		// Give a wrongly accepted delivery time to show up before counting.
		await new Promise((resolve) => setTimeout(resolve, 1500));
		const all = await waitForExecutions(server(), triggerWorkflow.id, 1);
		expect(all).toHaveLength(1);
		const item = executions[0].output('FireHydrant Trigger')[0].json as {
			operation: string;
			data: { incident: { id: string; created_at_iso: string } };
		};
		expect(item.operation).toBe('updated');
		expect(item.data.incident.id).toBe(incidentId);
		expect(item.data.incident.created_at_iso).toMatch(/Z$/);

		await deactivateWorkflow(server(), triggerWorkflow.id);
		// Unpublishing runs the node's delete hook, which removes the endpoint from FireHydrant.
		for (
			let waited = 0;
			sandbox.fireHydrant.rest.webhooks.size > 0 && waited < 15_000;
			waited += 250
		) {
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		const calls = sandbox.requests
			.filter((request) => request.path.startsWith('/v1/webhooks'))
			.map((request) => `${request.method} ${request.path} ${request.status}`);
		expect({ remaining: sandbox.fireHydrant.rest.webhooks.size, calls }).toEqual({
			remaining: 0,
			calls: expect.arrayContaining([
				expect.stringMatching(/^DELETE \/v1\/webhooks\/.+ 204$/),
			]) as unknown,
		});
	});
});
