/**
 * OpsLevel in a real n8n 2.41.1: the packed tarball installed into a throwaway user folder, the
 * credential and workflows imported with the CLI, run in a running server against s3rver on
 * loopback holding a generated export.
 */
import { gzipSync } from 'node:zlib';

import * as path from 'node:path';

import {
	generateExport,
	rowsChecksum,
	startS3Server,
	type GeneratedExport,
	type S3Server,
} from '../sandbox/opslevel';
import {
	activateWorkflow,
	deactivateWorkflow,
	importCredentials,
	importWorkflows,
	runWorkflow,
	startN8n,
	waitForExecutions,
	type N8nHome,
	type N8nServer,
} from '../support/n8n';
import { installProjectHome, removeProjectHome } from '../support/e2e';

jest.setTimeout(10 * 60_000);

const ROOT = path.resolve(__dirname, '..', '..');
const OPSLEVEL = 'n8n-nodes-incident-data.opsLevel';
const TRIGGER = 'n8n-nodes-incident-data.opsLevelTrigger';
const CREDENTIAL = { id: 'opsLevelBucket01', name: 'OpsLevel export bucket' };

let s3: S3Server;
let exported: GeneratedExport;
let home: N8nHome;
let server: N8nServer;

const stateWorkflow = {
	id: 'olState000001',
	name: 'OpsLevel current state of services',
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
			id: 'o',
			name: 'OpsLevel',
			type: OPSLEVEL,
			typeVersion: 1,
			position: [220, 0],
			parameters: {
				resource: 'table',
				operation: 'getCurrentState',
				table: 'services',
				returnAll: true,
			},
			credentials: { opsLevelS3Api: CREDENTIAL },
		},
	],
	connections: { Start: { main: [[{ node: 'OpsLevel', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
	active: false,
};

const triggerWorkflow = {
	id: 'olTrigger00001',
	name: 'OpsLevel new pushes of teams',
	nodes: [
		{
			id: 't',
			name: 'OpsLevel Trigger',
			type: TRIGGER,
			typeVersion: 1,
			position: [0, 0],
			// The drops are uploaded moments before the poll: a settle time of 0 reads them at once
			// (waiting for a push to settle has its own engine tests).
			parameters: {
				tables: ['teams'],
				startFrom: 'latestFull',
				options: { settleMinutes: 0 },
				pollTimes: { item: [{ mode: 'everyHour' }] },
			},
			credentials: { opsLevelS3Api: CREDENTIAL },
		},
	],
	connections: {},
	settings: { executionOrder: 'v1' },
	active: false,
};

beforeAll(async () => {
	s3 = await startS3Server();
	exported = generateExport({ seed: 21, size: 300, tables: ['services', 'teams', 'users'] });
	await s3.upload(exported.drops);
	home = await installProjectHome(ROOT);
	await importCredentials(home, [
		{ ...CREDENTIAL, type: 'opsLevelS3Api', data: s3.credentialData() },
	]);
	await importWorkflows(home, [stateWorkflow, triggerWorkflow]);
	server = await startN8n(home);
});

afterAll(async () => {
	await server?.stop();
	await s3?.close();
	removeProjectHome(home);
});

describe('OpsLevel in a running n8n', () => {
	it("the credential test lists the bucket through the node's credentialTest", async () => {
		const result = await server.rest<{ status: string; message: string }>(
			'POST',
			'/credentials/test',
			{
				credentials: { ...CREDENTIAL, type: 'opsLevelS3Api', data: s3.credentialData() },
			},
		);
		expect(result).toEqual({
			status: 'OK',
			message: `Connection successful: found OpsLevel exports under s3://${s3.bucket}/v1/`,
		});
	});

	it("Get Current State of services equals the generator's ground truth (count and checksum)", async () => {
		const run = await runWorkflow(server, stateWorkflow.id);
		expect(run.status).toBe('success');
		const rows = run.output('OpsLevel').map((item) => item.json);
		expect(rows).toHaveLength(exported.truth.services.count);
		expect(rowsChecksum(rows)).toBe(exported.truth.services.checksum);
	});

	it('the trigger, polled twice with a new push in between, emits each push once', async () => {
		await activateWorkflow(server, triggerWorkflow.id);
		const [first] = await waitForExecutions(server, triggerWorkflow.id, 1, 120_000);
		expect(first.status).toBe('success');
		const teamRows = exported.drops
			.filter((drop) => drop.table === 'teams')
			.reduce((sum, drop) => sum + drop.rows, 0);
		expect(first.output('OpsLevel Trigger')).toHaveLength(teamRows);

		await s3.upload([
			{
				key: 'v1/incremental/teams/2020-07-21/03:15:00/teams.csv.gz',
				body: gzipSync(
					'id,name,alias,manager_id,responsibilities,html_url,created_at,updated_at,deleted_at\r\n' +
						'7001,Platform,platform,NULL,NULL,https://app.opslevel.com/teams/platform,2020-07-21 01:00:00,2020-07-21 01:00:00,\r\n',
				),
			},
		]);
		// Publishing again polls at once, with the cursor the first poll saved.
		await deactivateWorkflow(server, triggerWorkflow.id);
		await activateWorkflow(server, triggerWorkflow.id);
		const executions = await waitForExecutions(server, triggerWorkflow.id, 2, 120_000);
		expect(executions).toHaveLength(2);
		expect(
			executions[1].output('OpsLevel Trigger').map((item) => [item.json.id, item.json._change]),
		).toEqual([['7001', 'upsert']]);
	});
});
