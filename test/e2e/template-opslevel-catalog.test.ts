/**
 * workflows/sync-opslevel-service-catalog-to-postgres.json in a real n8n 2.41.1, as a user runs it:
 * the file imported as it ships, credentials set on its nodes, OpsLevel drops on s3rver, n8n's own
 * Postgres node writing to a real PostgreSQL. Two runs with new pushes in between leave exactly the
 * catalog's ground truth (from the generator's model, not from the node); a run while Postgres is
 * down fails with the Postgres node's error and removes nothing, and the rerun completes.
 */
import * as path from 'node:path';

import {
	generateExport,
	rowsChecksum,
	startS3Server,
	type GeneratedExport,
	type S3Server,
} from '../sandbox/opslevel';
import { removeProjectHome } from '../support/e2e';
import { runWorkflow, startN8n, type N8nHome, type N8nServer } from '../support/n8n';
import { startPostgres, type PostgresServer } from '../support/postgres';
import {
	installTemplate,
	postgresCredentialData,
	type TemplateWorkflow,
} from '../support/templates';

jest.setTimeout(10 * 60_000);

const ROOT = path.resolve(__dirname, '..', '..');
const TEMPLATE = 'sync-opslevel-service-catalog-to-postgres.json';
const OPSLEVEL_CREDENTIAL = {
	id: 'tplOpsLevelBucket',
	name: 'OpsLevel export bucket',
	type: 'opsLevelS3Api',
};
const POSTGRES_CREDENTIAL = { id: 'tplPostgres00001', name: 'Warehouse', type: 'postgres' };
const TABLES = ['services', 'teams'];

let s3: S3Server;
let pg: PostgresServer;
let home: N8nHome;
let server: N8nServer;
let workflowId: string;
let template: TemplateWorkflow;
/** Two days of pushes, then five: the same seed gives the same first pushes. */
let early: GeneratedExport;
let later: GeneratedExport;

interface CatalogRow {
	id: string;
	name: string | null;
	row_data: Record<string, unknown>;
}

async function catalog(table: string): Promise<CatalogRow[]> {
	return pg.query<CatalogRow>(`SELECT id, name, row_data FROM opslevel_${table} ORDER BY id`);
}

async function expectGroundTruth(truth: GeneratedExport['truth']): Promise<void> {
	for (const table of TABLES) {
		const rows = await catalog(table);
		expect({ table, count: rows.length }).toEqual({ table, count: truth[table].count });
		// The whole row as OpsLevel exported it, compared with the generator's own final state.
		expect({ table, checksum: rowsChecksum(rows.map((row) => row.row_data)) }).toEqual({
			table,
			checksum: truth[table].checksum,
		});
		// The typed columns agree with the row they came from.
		for (const row of rows) expect(row.name).toBe(row.row_data.name ?? null);
	}
}

beforeAll(async () => {
	early = generateExport({
		seed: 77,
		size: 120,
		tables: ['services', 'teams', 'users'],
		incrementals: 2,
		changeRate: 0.1,
	});
	later = generateExport({
		seed: 77,
		size: 120,
		tables: ['services', 'teams', 'users'],
		incrementals: 5,
		changeRate: 0.1,
	});
	[s3, pg] = await Promise.all([startS3Server(), startPostgres({ database: 'catalog' })]);
	await s3.upload(early.drops);
	({ home, template } = await installTemplate(ROOT, TEMPLATE, [
		{
			...OPSLEVEL_CREDENTIAL,
			nodeType: 'n8n-nodes-incident-data.opsLevel',
			data: s3.credentialData(),
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
	await Promise.all([s3?.close(), pg?.stop()]);
	removeProjectHome(home);
});

describe('Sync the OpsLevel service catalog to Postgres (template)', () => {
	it('the first run creates the tables and loads the current state of services and teams', async () => {
		const run = await runWorkflow(server, workflowId);
		expect(run.error).toBeUndefined();
		expect(run.status).toBe('success');
		await expectGroundTruth(early.truth);
	});

	it("the later pushes share the first ones byte for byte (the test's own premise)", () => {
		const laterByKey = new Map(later.drops.map((drop) => [drop.key, drop.body.toString('base64')]));
		for (const drop of early.drops)
			expect(laterByKey.get(drop.key)).toBe(drop.body.toString('base64'));
		expect(later.truth.services.checksum).not.toBe(early.truth.services.checksum);
	});

	it('with Postgres down the run fails at the Postgres node and nothing is removed; the rerun applies updates and deletions', async () => {
		const earlyKeys = new Set(early.drops.map((drop) => drop.key));
		await s3.upload(later.drops.filter((drop) => !earlyKeys.has(drop.key)));

		await pg.pause();
		const failed = await runWorkflow(server, workflowId);
		expect(failed.status).toBe('error');
		expect(failed.error?.node).toBe('Create Catalog Tables If Missing');
		expect(failed.error?.message).toMatch(/ECONNREFUSED|connect/i);
		await pg.start();
		// Nothing was written or deleted by the failed run.
		await expectGroundTruth(early.truth);

		const rerun = await runWorkflow(server, workflowId);
		expect(rerun.error).toBeUndefined();
		expect(rerun.status).toBe('success');
		await expectGroundTruth(later.truth);
	});

	it('running again with no new push changes nothing', async () => {
		const before = await catalog('services');
		const run = await runWorkflow(server, workflowId);
		expect(run.status).toBe('success');
		const after = await catalog('services');
		expect(after.map((row) => [row.id, row.row_data])).toEqual(
			before.map((row) => [row.id, row.row_data]),
		);
		await expectGroundTruth(later.truth);
	});
});
