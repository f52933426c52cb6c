/**
 * Table → Get Changes and the OpsLevel Trigger through n8n-core's real contexts: each push once,
 * rows marked upsert / delete / full, a new full push superseding older incrementals, a manual test
 * that leaves the cursor alone, and a failed run that never advances the cursor.
 */
import { readdirSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import type { IDataObject } from 'n8n-workflow';

import { IncidentDataSync } from '../../../../../../nodes/IncidentDataSync/IncidentDataSync.node';
import { destinationSink, FIXTURE_DESTINATION_TYPE, fixtureNodeTypes } from '../../../../fixtures';
import { chain, disposeEngineEnvironment, runWorkflow } from '../../../../harness';
import {
	FAULTS,
	generateExport,
	startFaultProxy,
	startS3Server,
	type FaultProxy,
	type GeneratedExport,
	type S3Server,
} from '../../../../../sandbox/opslevel';
import {
	credential,
	credentialTypes,
	CREDENTIAL_REF,
	jsonOf,
	NODE_NAME,
	nodeTypes,
	OPSLEVEL_TYPE,
	pollOpsLevelTrigger,
	runOpsLevel,
} from '../../setup';

jest.setTimeout(60_000);

let s3: S3Server;
let proxy: FaultProxy;
let exported: GeneratedExport;

const TABLES = ['services', 'teams'];

beforeEach(async () => {
	s3 = await startS3Server();
	proxy = await startFaultProxy(s3.endpoint);
	exported = generateExport({ seed: 9, size: 40, tables: TABLES });
	await s3.upload(exported.drops);
	landedLongAgo();
});

/**
 * Dates every stored object an hour back (s3rver's Last-Modified is the file's mtime): pushes whose
 * files all landed long ago, past any settle time. Objects uploaded after it count as just landed.
 */
function landedLongAgo(): void {
	const anHourAgo = new Date(Date.now() - 60 * 60_000);
	const walk = (folder: string) => {
		for (const entry of readdirSync(folder, { withFileTypes: true })) {
			const full = path.join(folder, entry.name);
			if (entry.isDirectory()) walk(full);
			else utimesSync(full, anHourAgo, anHourAgo);
		}
	};
	walk(s3.directory);
}

async function uploadLanded(objects: Parameters<S3Server['upload']>[0]): Promise<void> {
	await s3.upload(objects);
	landedLongAgo();
}

afterEach(async () => {
	await proxy.close();
	await s3.close();
});

afterAll(async () => {
	await disposeEngineEnvironment();
});

const SERVICES_HEADER =
	'id,name,alias,product,description,owner_id,language,framework,tier_index,lifecycle_index,maturity_level,html_url,created_at,updated_at,deleted_at';

function servicesPush(pushType: 'full' | 'incremental', date: string, lines: string[]) {
	return {
		key: `v1/${pushType}/services/${date}/03:15:00/services.csv.gz`,
		body: gzipSync([SERVICES_HEADER, ...lines].join('\n') + '\n'),
	};
}

const serviceLine = (id: string, name: string) =>
	`${id},${name},${name.toLowerCase()},NULL,NULL,1,Go,gin,1,1,Gold,https://app.opslevel.com/services/${id},2020-08-01 10:00:00,2020-08-01 10:00:00,`;

function countBy(rows: IDataObject[], field: string): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const row of rows) counts[String(row[field])] = (counts[String(row[field])] ?? 0) + 1;
	return counts;
}

describe('Table → Get Changes', () => {
	const params = {
		resource: 'table',
		operation: 'getChanges',
		tables: TABLES,
		startFrom: 'latestFull',
	};

	it('emits the latest full push marked full and every incremental after it, then only new pushes', async () => {
		const first = await runOpsLevel(s3.credentialData(), params);
		const rows = first.output(NODE_NAME).map((item) => item.json);
		const expected = exported.drops.reduce((sum, drop) => sum + drop.rows, 0);
		expect(rows).toHaveLength(expected);
		const services = rows.filter((row) => row._table === 'services');
		const fullRows = exported.drops.find(
			(drop) => drop.table === 'services' && drop.pushType === 'full',
		)?.rows;
		expect(countBy(services, '_change').full).toBe(fullRows);
		expect(countBy(services, '_change').delete).toBeGreaterThan(0);
		expect(countBy(services, '_change').upsert).toBeGreaterThan(0);
		for (const row of services.filter((candidate) => candidate._change === 'delete'))
			expect(row._deleted).toBe(true);
		// Pushes in time order: the full push's rows come first.
		expect(services[0]._change).toBe('full');

		const idle = await runOpsLevel(s3.credentialData(), params, { staticData: first.staticData });
		expect(idle.output(NODE_NAME)).toEqual([]);

		await uploadLanded([
			servicesPush('incremental', '2020-07-21', [
				serviceLine('501', 'Fresh'),
				`7,,,,,,,,,,,,,,2020-07-21 03:00:00`,
			]),
		]);
		const next = await runOpsLevel(s3.credentialData(), params, { staticData: idle.staticData });
		expect(next.output(NODE_NAME).map((item) => [item.json.id, item.json._change])).toEqual([
			['501', 'upsert'],
			['7', 'delete'],
		]);
	});

	it('a new full push supersedes the incrementals before it and is emitted marked full', async () => {
		const first = await runOpsLevel(s3.credentialData(), { ...params, tables: ['services'] });
		await uploadLanded([
			servicesPush('incremental', '2020-07-21', [serviceLine('601', 'Superseded')]),
			servicesPush('full', '2020-07-22', [serviceLine('1', 'Only'), serviceLine('2', 'Two')]),
			{
				...servicesPush('incremental', '2020-07-22', [serviceLine('3', 'After')]),
				key: 'v1/incremental/services/2020-07-22/04:00:00/services.csv.gz',
			},
		]);
		const next = await runOpsLevel(
			s3.credentialData(),
			{ ...params, tables: ['services'] },
			{ staticData: first.staticData },
		);
		expect(next.output(NODE_NAME).map((item) => [item.json.id, item.json._change])).toEqual([
			['1', 'full'],
			['2', 'full'],
			['3', 'upsert'],
		]);
	});

	it('a failed run does not advance the cursor, so the next run loses nothing', async () => {
		const first = await runOpsLevel(s3.credentialData(), params);
		await uploadLanded([servicesPush('incremental', '2020-07-21', [serviceLine('701', 'Late')])]);
		proxy.inject({
			...FAULTS.accessDenied(),
			method: 'GET',
			match: (url) => url.includes('2020-07-21'),
		});
		const failed = await runOpsLevel(s3.credentialData({ endpoint: proxy.endpoint }), params, {
			staticData: first.staticData,
		});
		expect(failed.nodeError(NODE_NAME)).toBeDefined();
		expect(failed.staticData).toEqual(first.staticData);
		const retried = await runOpsLevel(s3.credentialData(), params, {
			staticData: failed.staticData,
		});
		expect(retried.output(NODE_NAME).map((item) => item.json.id)).toEqual(['701']);
	});
});

describe('OpsLevel Trigger', () => {
	it('emits each push once, polled twice with a new push in between', async () => {
		const first = await pollOpsLevelTrigger(s3.credentialData(), {
			tables: ['teams'],
			startFrom: 'latestFull',
		});
		expect(first.error).toBeUndefined();
		expect(jsonOf(first.items)).toHaveLength(
			exported.drops
				.filter((drop) => drop.table === 'teams')
				.reduce((sum, drop) => sum + drop.rows, 0),
		);

		const idle = await pollOpsLevelTrigger(
			s3.credentialData(),
			{ tables: ['teams'], startFrom: 'latestFull' },
			{ staticData: first.staticData },
		);
		expect(idle.items).toBeNull();

		await uploadLanded([
			{
				key: 'v1/incremental/teams/2020-07-21/03:15:00/teams.csv.gz',
				body: gzipSync(
					'id,name,alias,manager_id,responsibilities,html_url,created_at,updated_at,deleted_at\r\n900,New team,new_team,NULL,NULL,https://app.opslevel.com/teams/new_team,2020-07-21 01:00:00,2020-07-21 01:00:00,\r\n',
				),
			},
		]);
		const next = await pollOpsLevelTrigger(
			s3.credentialData(),
			{ tables: ['teams'], startFrom: 'latestFull' },
			{ staticData: idle.staticData },
		);
		expect(jsonOf(next.items)).toEqual([
			expect.objectContaining({
				id: '900',
				_change: 'upsert',
				_table: 'teams',
				_pushType: 'incremental',
				_pushTimestamp: '2020-07-21T03:15:00.000Z',
			}),
		]);
		const after = await pollOpsLevelTrigger(
			s3.credentialData(),
			{ tables: ['teams'], startFrom: 'latestFull' },
			{ staticData: next.staticData },
		);
		expect(after.items).toBeNull();
	});

	it('Start From "now" emits nothing first, then only pushes that arrive later', async () => {
		const first = await pollOpsLevelTrigger(s3.credentialData(), {
			tables: ['services'],
			startFrom: 'now',
		});
		expect(first.items).toBeNull();
		await uploadLanded([servicesPush('incremental', '2020-07-21', [serviceLine('801', 'Later')])]);
		const second = await pollOpsLevelTrigger(
			s3.credentialData(),
			{ tables: ['services'], startFrom: 'now' },
			{ staticData: first.staticData },
		);
		expect(jsonOf(second.items).map((row) => row.id)).toEqual(['801']);
	});

	it('a manual test returns a sample of the newest push and leaves the cursor alone', async () => {
		const sample = await pollOpsLevelTrigger(
			s3.credentialData(),
			{ tables: ['services'], startFrom: 'latestFull' },
			{ mode: 'manual' },
		);
		const rows = jsonOf(sample.items);
		expect(rows.length).toBeGreaterThan(0);
		expect(rows.length).toBeLessThanOrEqual(20);
		expect(rows.every((row) => row._pushTimestamp === '2020-07-20T03:15:00.000Z')).toBe(true);
		expect(sample.staticData).toEqual({});
	});

	it('a failed poll does not advance the cursor', async () => {
		const first = await pollOpsLevelTrigger(s3.credentialData(), {
			tables: ['services'],
			startFrom: 'latestFull',
		});
		await uploadLanded([servicesPush('incremental', '2020-07-21', [serviceLine('901', 'Late')])]);
		proxy.inject({
			...FAULTS.accessDenied(),
			method: 'GET',
			match: (url) => url.includes('2020-07-21'),
		});
		const failed = await pollOpsLevelTrigger(
			s3.credentialData({ endpoint: proxy.endpoint }),
			{ tables: ['services'], startFrom: 'latestFull' },
			{ staticData: first.staticData },
		);
		expect(failed.error).toBeDefined();
		expect(failed.staticData).toEqual(first.staticData);
		const retried = await pollOpsLevelTrigger(
			s3.credentialData(),
			{ tables: ['services'], startFrom: 'latestFull' },
			{ staticData: failed.staticData },
		);
		expect(jsonOf(retried.items).map((row) => row.id)).toEqual(['901']);
	});
});

describe('Pushes whose files land over several minutes', () => {
	const params = {
		resource: 'table',
		operation: 'getChanges',
		tables: ['services'],
		startFrom: 'latestFull',
	};
	const part = (file: string, id: string) => ({
		...servicesPush('incremental', '2020-07-21', [serviceLine(id, `Part ${file}`)]),
		key: `v1/incremental/services/2020-07-21/03:15:00/${file}`,
	});

	it('Get Changes waits for a push to settle, so its late files are not lost', async () => {
		const first = await runOpsLevel(s3.credentialData(), params);
		// The push's first file has just landed; its second lands a few minutes later.
		await s3.upload([part('services.csv.gz', '1001')]);
		const early = await runOpsLevel(s3.credentialData(), params, { staticData: first.staticData });
		expect(early.output(NODE_NAME)).toEqual([]);
		await s3.upload([part('services_1.csv.gz', '1002')]);
		landedLongAgo();
		const settled = await runOpsLevel(s3.credentialData(), params, {
			staticData: early.staticData,
		});
		expect(settled.output(NODE_NAME).map((item) => item.json.id)).toEqual(['1001', '1002']);
	});

	it('reads a push at once with a settle time of 0', async () => {
		const first = await runOpsLevel(s3.credentialData(), params);
		await s3.upload([part('services.csv.gz', '1101')]);
		const now = await runOpsLevel(
			s3.credentialData(),
			{ ...params, options: { settleMinutes: 0 } },
			{ staticData: first.staticData },
		);
		expect(now.output(NODE_NAME).map((item) => item.json.id)).toEqual(['1101']);
	});

	it('the OpsLevel Trigger waits for a push to settle too', async () => {
		const first = await pollOpsLevelTrigger(s3.credentialData(), {
			tables: ['services'],
			startFrom: 'latestFull',
		});
		await s3.upload([part('services.csv.gz', '1201')]);
		const early = await pollOpsLevelTrigger(
			s3.credentialData(),
			{ tables: ['services'], startFrom: 'latestFull' },
			{ staticData: first.staticData },
		);
		expect(early.items).toBeNull();
		await s3.upload([part('services_1.csv.gz', '1202')]);
		landedLongAgo();
		const settled = await pollOpsLevelTrigger(
			s3.credentialData(),
			{ tables: ['services'], startFrom: 'latestFull' },
			{ staticData: early.staticData },
		);
		expect(jsonOf(settled.items).map((row) => row.id)).toEqual(['1201', '1202']);
	});
});

describe('Get Changes committed at the end of the workflow', () => {
	it('offers a push again after the destination failed, so its rows arrive exactly once', async () => {
		const sink = destinationSink('opslevel-commit');
		const { nodes, connections } = chain(
			{
				name: NODE_NAME,
				type: OPSLEVEL_TYPE,
				parameters: {
					resource: 'table',
					operation: 'getChanges',
					tables: ['services'],
					startFrom: 'latestFull',
				},
				credentials: CREDENTIAL_REF,
			},
			{
				name: 'Warehouse',
				type: FIXTURE_DESTINATION_TYPE,
				parameters: { sink: 'opslevel-commit' },
			},
			{
				name: 'Incident Data Sync',
				type: 'n8n-nodes-incident-data.incidentDataSync',
				parameters: { operation: 'commit' },
			},
		);
		const run = async (staticData?: IDataObject) =>
			await runWorkflow({
				nodeTypes: {
					...nodeTypes,
					...fixtureNodeTypes,
					'n8n-nodes-incident-data.incidentDataSync': new IncidentDataSync(),
				},
				credentialTypes,
				credentials: [credential(s3.credentialData())],
				workflow: { nodes, connections, staticData, id: 'olSync1' },
				mode: 'trigger',
			});
		const first = await run();
		expect(first.status).toBe('success');
		const initial = sink.delivered.length;
		expect(initial).toBeGreaterThan(0);

		await uploadLanded([
			servicesPush('incremental', '2020-07-21', [serviceLine('1301', 'Delivered once')]),
		]);
		sink.down = true;
		const failed = await run(first.staticData);
		expect(failed.status).toBe('error');
		sink.down = false;
		const retried = await run(failed.staticData);
		expect(retried.status).toBe('success');
		expect(sink.delivered.slice(initial).map((row) => row.id)).toEqual(['1301']);
	});
});
