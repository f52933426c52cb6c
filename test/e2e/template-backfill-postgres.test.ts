/**
 * workflows/backfill-incident-history-into-postgres.json in a real n8n 2.41.1: FireHydrant's REST
 * API read window by window and incident.io's incidents, both normalized by the Incident Schema
 * node and upserted by n8n's own Postgres node into a real PostgreSQL. The table is compared with
 * the sandboxes' own data (not with the nodes' output); a second run after two incident.io
 * incidents changed rewrites exactly those two rows.
 */
import * as path from 'node:path';

import { startSandbox, type Sandbox } from '../sandbox';
import { removeProjectHome } from '../support/e2e';
import { runWorkflow, startN8n, type N8nHome, type N8nServer } from '../support/n8n';
import { startPostgres, type PostgresServer } from '../support/postgres';
import {
	installTemplate,
	postgresCredentialData,
	sandboxCredentialData,
	type TemplateWorkflow,
} from '../support/templates';

jest.setTimeout(10 * 60_000);

const ROOT = path.resolve(__dirname, '..', '..');
const TEMPLATE = 'backfill-incident-history-into-postgres.json';
const FIREHYDRANT_CREDENTIAL = {
	id: 'tplFireHydrant02',
	name: 'FireHydrant account',
	type: 'fireHydrantApi',
};
const INCIDENT_IO_CREDENTIAL = {
	id: 'tplIncidentIo001',
	name: 'incident.io account',
	type: 'incidentIoApi',
};
const POSTGRES_CREDENTIAL = { id: 'tplPostgres00003', name: 'Warehouse', type: 'postgres' };
/** Far enough back to cover both sandboxes' whole history, in 120-day windows. */
const START_DATE = new Date(Date.now() - 3 * 365 * 24 * 3600 * 1000).toISOString();
const WINDOW_DAYS = 120;

let sandbox: Sandbox;
let pg: PostgresServer;
let home: N8nHome;
let server: N8nServer;
let workflowId: string;
let template: TemplateWorkflow;

interface IncidentRow {
	incident_key: string;
	title: string | null;
	row_hash: string;
}

async function incidentsTable(): Promise<IncidentRow[]> {
	return pg.query<IncidentRow>(
		'SELECT incident_key, title, row_hash FROM incidents ORDER BY incident_key',
	);
}

function expectedTitles(): Map<string, string | null> {
	const expected = new Map<string, string | null>();
	for (const row of sandbox.fireHydrant.expectedRows('incident'))
		expected.set(`firehydrant:${row.id}`, row.name || null);
	for (const incident of sandbox.incidentIo.visibleIncidents()) {
		expected.set(
			`incident_io:${String(incident.id)}`,
			(incident.name as string | undefined) ?? null,
		);
	}
	return expected;
}

async function expectGroundTruth(): Promise<void> {
	const expected = expectedTitles();
	const rows = await incidentsTable();
	expect(rows.map((row) => row.incident_key)).toEqual([...expected.keys()].sort());
	for (const row of rows)
		expect({ key: row.incident_key, title: row.title }).toEqual({
			key: row.incident_key,
			title: expected.get(row.incident_key),
		});
}

beforeAll(async () => {
	[sandbox, pg] = await Promise.all([
		startSandbox({
			seed: 19,
			fireHydrant: { incidents: 10, nights: 3, eventsPerIncident: 3 },
			incidentIo: { incidents: 25 },
		}),
		startPostgres({ database: 'warehouse' }),
	]);
	({ home, template } = await installTemplate(
		ROOT,
		TEMPLATE,
		[
			{
				...FIREHYDRANT_CREDENTIAL,
				nodeType: 'n8n-nodes-incident-data.fireHydrant',
				data: sandboxCredentialData.fireHydrantApi(sandbox),
			},
			{
				...INCIDENT_IO_CREDENTIAL,
				nodeType: 'n8n-nodes-incident-data.incidentIo',
				data: sandboxCredentialData.incidentIoApi(sandbox),
			},
			{
				...POSTGRES_CREDENTIAL,
				nodeType: 'n8n-nodes-base.postgres',
				data: postgresCredentialData(pg),
			},
		],
		// What a user fills in: the range to load.
		(workflow) => {
			const range = workflow.nodes.find((node) => node.name === 'Backfill Range');
			const assignments = (
				range?.parameters.assignments as { assignments: Array<{ name: string; value: unknown }> }
			).assignments;
			for (const assignment of assignments) {
				if (assignment.name === 'startDate') assignment.value = START_DATE;
				if (assignment.name === 'windowDays') assignment.value = WINDOW_DAYS;
			}
		},
	));
	workflowId = template.id;
	server = await startN8n(home);
});

afterAll(async () => {
	await server?.stop();
	await Promise.all([sandbox?.close(), pg?.stop()]);
	removeProjectHome(home);
});

describe('Backfill incident history into Postgres (template)', () => {
	it('loads one row per incident of both tools, FireHydrant read in windows', async () => {
		const run = await runWorkflow(server, workflowId);
		expect(run.error).toBeUndefined();
		expect(run.status).toBe('success');
		// 3 years in 120-day windows: one FireHydrant read per window.
		const windows = Math.ceil((3 * 365) / WINDOW_DAYS);
		expect(run.output('One Item per Window')).toHaveLength(windows);
		await expectGroundTruth();
	});

	it('a second run after two incident.io incidents changed rewrites exactly those two rows', async () => {
		const before = new Map((await incidentsTable()).map((row) => [row.incident_key, row.row_hash]));
		const changed = sandbox.incidentIo.visibleIncidents().slice(0, 2);
		for (const incident of changed) {
			incident.name = `${String(incident.name)} (follow-up)`;
			incident.updated_at = new Date().toISOString();
		}
		const run = await runWorkflow(server, workflowId);
		expect(run.status).toBe('success');
		await expectGroundTruth();
		const rewritten = (await incidentsTable())
			.filter((row) => before.get(row.incident_key) !== row.row_hash)
			.map((row) => row.incident_key);
		expect(rewritten.sort()).toEqual(
			changed.map((incident) => `incident_io:${String(incident.id)}`).sort(),
		);
	});
});
