/**
 * Commit at the end in a real n8n 2.41.1: a published workflow (started by a webhook, so n8n runs
 * it in production mode and saves its static data) reads incident.io incidents incrementally,
 * hands them to a destination that can be made to fail, and commits with the Incident Data Sync
 * node. When the destination fails, n8n still saves the static data; the next run must offer the
 * same incidents again.
 */
import * as path from 'node:path';

import { startSandbox, type Sandbox } from '../sandbox';
import type { Json } from '../sandbox/incident-io';
import { activateWorkflow, importCredentials, importWorkflows, type N8nHome } from '../support/n8n';
import { installProjectHome, removeProjectHome, useRunningN8n } from '../support/e2e';
import { webhookNode } from '../support/workflow';

jest.setTimeout(10 * 60_000);

const ROOT = path.resolve(__dirname, '..', '..');
const CREDENTIAL = { id: 'incidentIoCred02', name: 'incident.io account' };
const PATH = 'sync-e2e-commit';

let sandbox: Sandbox;
let home: N8nHome;

// Webhook → incident.io (Incremental) → "Warehouse down?" → Stop and Error | Incident Data Sync (Commit)
const workflow = {
	id: 'syncCommitE2e01',
	name: 'incident.io to a warehouse, committed at the end',
	nodes: [
		webhookNode(PATH, 'sync-e2e-commit-id', {
			responseMode: 'lastNode',
			responseData: 'allEntries',
		}),
		{
			id: 'i',
			name: 'incident.io',
			type: 'n8n-nodes-incident-data.incidentIo',
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
		{
			id: 'd',
			name: 'Warehouse down?',
			type: 'n8n-nodes-base.if',
			typeVersion: 1,
			position: [440, 0],
			parameters: {
				conditions: {
					boolean: [
						{
							value1: '={{ $("Webhook").first().json.body.warehouseDown === true }}',
							value2: true,
						},
					],
				},
			},
		},
		{
			id: 'e',
			name: 'Warehouse',
			type: 'n8n-nodes-base.stopAndError',
			typeVersion: 1,
			position: [660, -100],
			parameters: { errorMessage: 'The warehouse is down' },
		},
		{
			id: 'c',
			name: 'Incident Data Sync',
			type: 'n8n-nodes-incident-data.incidentDataSync',
			typeVersion: 1,
			position: [660, 100],
			parameters: { operation: 'commit' },
		},
	],
	connections: {
		Webhook: { main: [[{ node: 'incident.io', type: 'main', index: 0 }]] },
		'incident.io': { main: [[{ node: 'Warehouse down?', type: 'main', index: 0 }]] },
		'Warehouse down?': {
			main: [
				[{ node: 'Warehouse', type: 'main', index: 0 }],
				[{ node: 'Incident Data Sync', type: 'main', index: 0 }],
			],
		},
	},
	settings: { executionOrder: 'v1' },
	active: false,
};

beforeAll(async () => {
	sandbox = await startSandbox({ seed: 17, incidentIo: { incidents: 30 } });
	home = await installProjectHome(ROOT);
	await importCredentials(home, [
		{
			...CREDENTIAL,
			type: 'incidentIoApi',
			data: { apiKey: sandbox.incidentIo.apiKey, baseUrl: sandbox.incidentIo.apiBaseUrl },
		},
	]);
	await importWorkflows(home, [workflow]);
});

afterAll(async () => {
	await sandbox?.close();
	removeProjectHome(home);
});

describe('Incident Data Sync in a running n8n', () => {
	const server = useRunningN8n(() => home);

	it('offers the incidents again after the destination failed, and commits once it got through', async () => {
		await activateWorkflow(server(), workflow.id);
		const call = async (warehouseDown: boolean) =>
			await fetch(`${server().url}/webhook/${PATH}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ warehouseDown }),
			});
		const ids = async (response: Response) => {
			expect(response.status).toBe(200);
			const body = (await response.json()) as Json[] | Json;
			return (Array.isArray(body) ? body : [body]).map((record) => String(record.id)).sort();
		};

		const initial = await ids(await call(false));
		expect(initial).toEqual(
			sandbox.incidentIo
				.visibleIncidents()
				.map((incident) => String(incident.id))
				.sort(),
		);

		const touched = sandbox.incidentIo
			.touch({ incidents: 5, offset: 3 })
			.incidents.map(String)
			.sort();
		const failed = await call(true);
		expect(failed.status).toBeGreaterThanOrEqual(500);

		expect(await ids(await call(false))).toEqual(touched);
	});
});
