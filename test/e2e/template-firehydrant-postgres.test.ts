/**
 * workflows/load-firehydrant-exports-into-postgres.json in a real n8n 2.41.1: the template as it
 * ships, credentials set on its nodes, the FireHydrant sandbox's nightly reports, the Incident
 * Schema node, and n8n's own Postgres node upserting into a real PostgreSQL. The table is compared
 * with the sandbox's own ground truth (its newest row per incident), after a first run and after
 * a new report changed three incidents; an outage run fails at Postgres and the rerun completes.
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
const TEMPLATE = 'load-firehydrant-exports-into-postgres.json';
const FIREHYDRANT_CREDENTIAL = {
	id: 'tplFireHydrant01',
	name: 'FireHydrant account',
	type: 'fireHydrantApi',
};
const POSTGRES_CREDENTIAL = { id: 'tplPostgres00002', name: 'Warehouse', type: 'postgres' };

let sandbox: Sandbox;
let pg: PostgresServer;
let home: N8nHome;
let server: N8nServer;
let workflowId: string;
let template: TemplateWorkflow;

interface IncidentRow {
	incident_key: string;
	source: string;
	source_id: string;
	title: string | null;
	severity_raw: string | null;
	created_at: Date | null;
	row_hash: string;
}

function csvCell(value: string | null | undefined): string {
	if (value === null || value === undefined) return '';
	return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

async function incidentsTable(): Promise<IncidentRow[]> {
	return pg.query<IncidentRow>(
		'SELECT incident_key, source, source_id, title, severity_raw, created_at, row_hash FROM incidents ORDER BY incident_key',
	);
}

/** What the table must hold: one row per incident, from the sandbox's newest version of each. */
async function expectGroundTruth(): Promise<void> {
	const truth = sandbox.fireHydrant.expectedRows('incident');
	const rows = await incidentsTable();
	expect(rows.map((row) => row.incident_key)).toEqual(
		truth.map((row) => `firehydrant:${row.id}`).sort(),
	);
	const byKey = new Map(rows.map((row) => [row.incident_key, row]));
	for (const expected of truth) {
		const row = byKey.get(`firehydrant:${expected.id}`) as IncidentRow;
		expect({
			id: expected.id,
			source: row.source,
			source_id: row.source_id,
			title: row.title,
			severity: row.severity_raw,
		}).toEqual({
			id: expected.id,
			source: 'firehydrant',
			source_id: expected.id,
			title: expected.name || null,
			severity: expected.severity || null,
		});
		expect(row.created_at?.getTime()).toBe(
			Date.parse(expected.created_at.replace(' UTC', 'Z').replace(' ', 'T')),
		);
	}
}

beforeAll(async () => {
	[sandbox, pg] = await Promise.all([
		startSandbox({ seed: 11, fireHydrant: { incidents: 12, nights: 3, eventsPerIncident: 3 } }),
		startPostgres({ database: 'warehouse' }),
	]);
	({ home, template } = await installTemplate(ROOT, TEMPLATE, [
		{
			...FIREHYDRANT_CREDENTIAL,
			nodeType: 'n8n-nodes-incident-data.fireHydrant',
			data: sandboxCredentialData.fireHydrantApi(sandbox),
		},
		{
			...POSTGRES_CREDENTIAL,
			nodeType: 'n8n-nodes-base.postgres',
			data: postgresCredentialData(pg),
		},
	]));
	workflowId = template.id;
	server = await startN8n(home);
});

afterAll(async () => {
	await server?.stop();
	await Promise.all([sandbox?.close(), pg?.stop()]);
	removeProjectHome(home);
});

describe('Load FireHydrant exports into Postgres (template)', () => {
	it('the first run creates the table and holds one normalized row per incident, the newest version', async () => {
		const run = await runWorkflow(server, workflowId);
		expect(run.error).toBeUndefined();
		expect(run.status).toBe('success');
		await expectGroundTruth();
	});

	it('a new report that renames three incidents updates exactly those rows; no duplicates', async () => {
		const before = await incidentsTable();
		const incidentExport = sandbox.fireHydrant.exportRequests.find((record) =>
			/^text\/csv\+incident-/.test(record.source),
		);
		expect(incidentExport).toBeDefined();
		const header = sandbox.fireHydrant
			.rawCsv(incidentExport!.id)
			.toString('utf8')
			.split(/\r?\n/)[0]
			.replace(/^\uFEFF/, '')
			.split(',');
		const changed: Array<Record<string, string>> = sandbox.fireHydrant
			.expectedRows('incident')
			.slice(0, 3)
			.map((row) => ({
				...row,
				name: `${row.name} (renamed)`,
				updated_at: new Date(Date.now() - 60_000).toISOString(),
			}));
		const body =
			[
				header.join(','),
				...changed.map((row) => header.map((column) => csvCell(row[column])).join(',')),
			].join('\n') + '\n';
		sandbox.fireHydrant.addExportRequest({
			source: incidentExport!.source,
			body,
			createdAt: new Date(),
		});
		// The ground truth now has the renamed versions (the test's premise, checked).
		const truthNames = new Map(
			sandbox.fireHydrant.expectedRows('incident').map((row) => [row.id, row.name]),
		);
		for (const row of changed) expect(truthNames.get(row.id)).toBe(row.name);

		const run = await runWorkflow(server, workflowId);
		expect(run.error).toBeUndefined();
		expect(run.status).toBe('success');
		await expectGroundTruth();
		const after = await incidentsTable();
		const changedKeys = new Set(changed.map((row) => `firehydrant:${row.id}`));
		const hashBefore = new Map(before.map((row) => [row.incident_key, row.row_hash]));
		const rehashed = after
			.filter((row) => hashBefore.get(row.incident_key) !== row.row_hash)
			.map((row) => row.incident_key);
		expect(rehashed.sort()).toEqual([...changedKeys].sort());
	});

	it('with Postgres down the run fails at a Postgres node; after recovery the rerun leaves the ground truth', async () => {
		await pg.pause();
		const failed = await runWorkflow(server, workflowId);
		expect(failed.status).toBe('error');
		expect(failed.error?.node).toBe('Create Incidents Table If Missing');
		await pg.start();
		const rerun = await runWorkflow(server, workflowId);
		expect(rerun.status).toBe('success');
		await expectGroundTruth();
	});
});
