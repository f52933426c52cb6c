/**
 * FireHydrant in a real n8n 2.41.1: the packed tarball installed into a throwaway user folder,
 * credentials and workflows imported with the CLI, runs through `n8n execute-batch` and a running
 * server, against the loopback sandbox.
 */
import * as path from 'node:path';

import { startSandbox, type Sandbox } from '../sandbox';
import {
	activateWorkflow,
	executeWorkflows,
	importCredentials,
	importWorkflows,
	runWorkflow,
	waitForExecutions,
	type ExecutionResult,
	type N8nHome,
} from '../support/n8n';
import { attachCredentials, dataTableReader, readTemplate } from '../support/templates';
import { installProjectHome, removeProjectHome, useRunningN8n } from '../support/e2e';

jest.setTimeout(10 * 60_000);

const ROOT = path.resolve(__dirname, '..', '..');
const FIREHYDRANT = 'n8n-nodes-incident-data.fireHydrant';
const EXPORT_TRIGGER = 'n8n-nodes-incident-data.fireHydrantExportTrigger';
const CREDENTIAL = { id: 'incidentDataFireHydrant', name: 'FireHydrant account' };
const WRONG_CREDENTIAL = { id: 'wrongFireHydrant01', name: 'FireHydrant wrong token' };
const WRONG_TOKEN = 'fhb-e2e-wrong-token-987654321';
const SOURCES = [
	'incident',
	'incident_role_assignment',
	'incident_event',
	'incident_impact',
	'retrospective',
];

let sandbox: Sandbox;
let home: N8nHome;

function manualWorkflow(
	id: string,
	name: string,
	parameters: Record<string, unknown>,
	credential = CREDENTIAL,
) {
	return {
		id,
		name,
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
				id: 'f',
				name: 'FireHydrant',
				type: FIREHYDRANT,
				typeVersion: 1,
				position: [220, 0],
				parameters,
				credentials: { fireHydrantApi: credential },
			},
		],
		connections: { Start: { main: [[{ node: 'FireHydrant', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

// The template ships without credential ids: the FireHydrant node gets the credential as a user picks it.
const template = attachCredentials(readTemplate('firehydrant-export-to-data-table.json'), {
	'n8n-nodes-incident-data.fireHydrant': { ...CREDENTIAL, type: 'fireHydrantApi' },
});

const readTable = dataTableReader('fhReadTable0001', 'firehydrant_incidents');

const triggerWorkflow = {
	id: 'fhExportTrigger01',
	name: 'FireHydrant export trigger',
	nodes: [
		{
			id: 't',
			name: 'FireHydrant Export Trigger',
			type: EXPORT_TRIGGER,
			typeVersion: 1,
			position: [0, 0],
			parameters: {
				startFrom: 'available',
				sources: ['incident'],
				pollTimes: { item: [{ mode: 'everyHour' }] },
			},
			credentials: { fireHydrantApi: CREDENTIAL },
		},
	],
	connections: {},
	settings: { executionOrder: 'v1' },
	active: false,
};

const since = () => new Date(Date.now() - 30 * 24 * 3600 * 1000).toISOString();

beforeAll(async () => {
	sandbox = await startSandbox({
		seed: 3,
		fireHydrant: { incidents: 20, nights: 4, eventsPerIncident: 4 },
	});
	home = await installProjectHome(ROOT);
	await importCredentials(home, [
		{
			...CREDENTIAL,
			type: 'fireHydrantApi',
			data: { apiToken: sandbox.fireHydrant.apiToken, region: 'custom', baseUrl: sandbox.baseUrl },
		},
		{
			...WRONG_CREDENTIAL,
			type: 'fireHydrantApi',
			data: { apiToken: WRONG_TOKEN, region: 'custom', baseUrl: sandbox.baseUrl },
		},
	]);
	await importWorkflows(home, [
		manualWorkflow('fhGetRows00001', 'FireHydrant rows', {
			resource: 'exportData',
			operation: 'getRows',
			selectBy: 'since',
			newerThan: since(),
		}),
		manualWorkflow('fhRequests0001', 'FireHydrant export requests', {
			resource: 'exportRequest',
			operation: 'getMany',
			returnAll: true,
		}),
		manualWorkflow('fhFiles0000001', 'FireHydrant export files', {
			resource: 'exportData',
			operation: 'getRows',
			selectBy: 'since',
			newerThan: since(),
			sources: ['incident'],
			output: 'files',
		}),
		manualWorkflow(
			'fhWrongToken01',
			'FireHydrant wrong token',
			{ resource: 'exportData', operation: 'getRows', selectBy: 'since', newerThan: since() },
			WRONG_CREDENTIAL,
		),
		template,
		readTable,
		triggerWorkflow,
	]);
});

afterAll(async () => {
	await sandbox?.close();
	removeProjectHome(home);
});

describe('FireHydrant in a real n8n', () => {
	let results: Map<string, ExecutionResult>;

	beforeAll(async () => {
		results = await executeWorkflows(home, [
			'fhGetRows00001',
			'fhRequests0001',
			'fhFiles0000001',
			'fhWrongToken01',
		]);
	});

	it('Get Rows returns the deduplicated rows of every source', () => {
		const run = results.get('fhGetRows00001');
		expect(run?.status).toBe('success');
		const rows = run?.output('FireHydrant').map((item) => item.json) ?? [];
		for (const source of SOURCES) {
			const expected = sandbox.fireHydrant.expectedRows(source);
			const got = rows.filter((row) => row._source === source);
			expect(got.map((row) => `${String(row.id)}@${String(row.updated_at)}`).sort()).toEqual(
				expected.map((row) => `${row.id}@${row.updated_at}`).sort(),
			);
		}
		expect(
			run
				?.output('FireHydrant')
				.every((item) => JSON.stringify(item.pairedItem) === JSON.stringify({ item: 0 })),
		).toBe(true);
	});

	it('Get Many lists the completed export requests', () => {
		const run = results.get('fhRequests0001');
		const completed = sandbox.fireHydrant.exportRequests.filter(
			(request) => request.status === 'completed',
		);
		expect(
			run
				?.output('FireHydrant')
				.map((item) => item.json.id)
				.sort(),
		).toEqual(completed.map((request) => request.id).sort());
	});

	it('the file output carries each report as binary data', () => {
		const run = results.get('fhFiles0000001');
		const items = run?.output('FireHydrant') ?? [];
		const expected = sandbox.fireHydrant.exportRequests.filter((request) =>
			request.source.includes('+incident-'),
		);
		expect(items).toHaveLength(expected.length);
		expect(items.every((item) => item.binary !== undefined)).toBe(true);
	});

	it('a wrong token fails with the hint and without the token', () => {
		const run = results.get('fhWrongToken01');
		expect(run?.status).toBe('error');
		const text = JSON.stringify(run?.error);
		expect(text).toMatch(/401|API token/);
		expect(text).not.toContain(WRONG_TOKEN);
	});
});

// Data tables live in n8n's backend modules, which only a running server starts (not `n8n execute`).
describe('in a running n8n', () => {
	const server = useRunningN8n(() => home);

	it('the credential test passes with a good token and fails, without showing it, with a wrong one', async () => {
		const test = async (credential: typeof CREDENTIAL, apiToken: string) =>
			await server().rest<{ status: string; message: string }>('POST', '/credentials/test', {
				credentials: {
					...credential,
					type: 'fireHydrantApi',
					data: { apiToken, region: 'custom', baseUrl: sandbox.baseUrl },
				},
			});
		const good = await test(CREDENTIAL, sandbox.fireHydrant.apiToken);
		expect(good.status).toBe('OK');
		const bad = await test(WRONG_CREDENTIAL, WRONG_TOKEN);
		expect(bad.status).toBe('Error');
		expect(JSON.stringify(bad)).not.toContain(WRONG_TOKEN);
		const pings = sandbox.requests.filter((request) => request.path === '/v1/ping');
		expect(pings.length).toBeGreaterThanOrEqual(2);
	});

	it('the bundled template upserts one row per incident into the data table; a second run adds none', async () => {
		const expectedIds = sandbox.fireHydrant
			.expectedRows('incident')
			.map((row) => row.id)
			.sort();
		const first = await runWorkflow(server(), template.id);
		expect(first.status).toBe('success');
		expect(first.output('Upsert Into Data Table')).toHaveLength(expectedIds.length);
		const table = await runWorkflow(server(), readTable.id);
		expect(
			table
				.output('Rows')
				.map((item) => item.json.incident_id)
				.sort(),
		).toEqual(expectedIds);

		const second = await runWorkflow(server(), template.id);
		expect(second.status).toBe('success');
		expect((await runWorkflow(server(), readTable.id)).output('Rows')).toHaveLength(
			expectedIds.length,
		);
	});

	it('the Export Trigger emits the available incident rows when its workflow is published', async () => {
		await activateWorkflow(server(), triggerWorkflow.id);
		const [execution] = await waitForExecutions(server(), triggerWorkflow.id, 1, 120_000);
		expect(execution.status).toBe('success');
		const rows = execution.output('FireHydrant Export Trigger').map((item) => item.json);
		expect(rows.map((row) => row.id).sort()).toEqual(
			sandbox.fireHydrant
				.expectedRows('incident')
				.map((row) => row.id)
				.sort(),
		);
	});
});
