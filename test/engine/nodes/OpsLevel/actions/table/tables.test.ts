/**
 * The OpsLevel node in n8n-core's real engine against a real S3 protocol server (s3rver on
 * loopback) holding a generated export: one full push and six daily incrementals of six tables.
 * Current state must equal the generator's ground truth, which it computes from its own model.
 */
import type { IDataObject } from 'n8n-workflow';

import { disposeEngineEnvironment } from '../../../../harness';
import {
	generateExport,
	LATE_COLUMN,
	NEVER_SEEN_ID,
	rowsChecksum,
	startS3Server,
	type GeneratedExport,
	type S3Server,
} from '../../../../../sandbox/opslevel';
import { errorText, runOpsLevel, NODE_NAME } from '../../setup';

jest.setTimeout(60_000);

let s3: S3Server;
let exported: GeneratedExport;

beforeAll(async () => {
	s3 = await startS3Server();
	exported = generateExport({ seed: 5, size: 60 });
	await s3.upload(exported.drops);
});

afterAll(async () => {
	await s3.close();
	await disposeEngineEnvironment();
});

const rowsOf = (result: Awaited<ReturnType<typeof runOpsLevel>>): IDataObject[] =>
	result.output(NODE_NAME).map((item) => item.json);

describe('Table → Get Current State', () => {
	it.each(['services', 'teams', 'users', 'repositories', 'checks', 'check_results'])(
		'%s equals the ground truth (latest full push + six incrementals, tombstones applied)',
		async (table) => {
			const result = await runOpsLevel(s3.credentialData(), {
				resource: 'table',
				operation: 'getCurrentState',
				table,
				returnAll: true,
			});
			expect(errorText(result)).toBe(' | ');
			const rows = rowsOf(result);
			const truth = exported.truth[table];
			expect(rows).toHaveLength(truth.count);
			expect(rowsChecksum(rows)).toBe(truth.checksum);
			const ids = new Set(rows.map((row) => row.id));
			for (const deleted of truth.deletedIds) expect(ids.has(deleted)).toBe(false);
			expect(ids.has(NEVER_SEEN_ID)).toBe(false);
			for (const row of rows) {
				expect(row._table).toBe(table);
				expect(['full', 'incremental']).toContain(row._pushType);
				expect(row._deleted).toBeUndefined();
			}
		},
	);

	it('fills a column that appears only in later pushes with null on older rows', async () => {
		const result = await runOpsLevel(s3.credentialData(), {
			resource: 'table',
			operation: 'getCurrentState',
			table: 'services',
			returnAll: true,
		});
		const rows = rowsOf(result);
		const fromFull = rows.filter((row) => row._pushType === 'full');
		const rewrittenLate = rows.filter(
			(row) => row._pushType === 'incremental' && row[LATE_COLUMN.column] !== null,
		);
		expect(fromFull.length).toBeGreaterThan(0);
		expect(rewrittenLate.length).toBeGreaterThan(0);
		for (const row of fromFull) expect(row).toHaveProperty(LATE_COLUMN.column, null);
		// Quoted line breaks, commas and quotes survive the round trip.
		expect(
			rows.some((row) => typeof row.description === 'string' && row.description.includes('\n')),
		).toBe(true);
	});

	it('with Include Deleted Rows, deleted ids come back marked, the rest unchanged', async () => {
		const result = await runOpsLevel(s3.credentialData(), {
			resource: 'table',
			operation: 'getCurrentState',
			table: 'teams',
			returnAll: true,
			options: { includeDeleted: true },
		});
		const rows = rowsOf(result);
		const deleted = rows.filter((row) => row._deleted === true);
		// Every deleted id, plus the tombstone of an id no push ever created.
		expect(deleted.map((row) => row.id).sort()).toEqual(
			[...exported.truth.teams.deletedIds, NEVER_SEEN_ID].sort(),
		);
		for (const row of deleted) {
			expect(Object.keys(row).sort()).toEqual([
				'_deleted',
				'_pushTimestamp',
				'_pushType',
				'_table',
				'deleted_at',
				'id',
			]);
			expect(row.deleted_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
		}
		expect(rowsChecksum(rows.filter((row) => row._deleted !== true))).toBe(
			exported.truth.teams.checksum,
		);
	});

	it('Limit returns only that many rows', async () => {
		const result = await runOpsLevel(s3.credentialData(), {
			resource: 'table',
			operation: 'getCurrentState',
			table: 'users',
			returnAll: false,
			limit: 3,
		});
		expect(rowsOf(result)).toHaveLength(3);
	});

	it('a table without a full push says so and names where it looked', async () => {
		const result = await runOpsLevel(s3.credentialData(), {
			resource: 'table',
			operation: 'getCurrentState',
			table: 'scorecards',
		});
		expect(errorText(result)).toContain('There is no full push of table "scorecards"');
		expect(errorText(result)).toContain(`s3://${s3.bucket}/v1/full/scorecards/`);
	});
});

describe('Table → Get Rows', () => {
	it('reads the latest full push with NULL as null and ISO timestamps, each row tagged with its push', async () => {
		const full = exported.drops.find(
			(drop) => drop.table === 'services' && drop.pushType === 'full',
		);
		const result = await runOpsLevel(s3.credentialData(), {
			resource: 'table',
			operation: 'getRows',
			source: 'latestFull',
			table: 'services',
			returnAll: true,
		});
		const rows = rowsOf(result);
		expect(rows).toHaveLength(full?.rows ?? -1);
		expect(rows[0]).toMatchObject({
			_table: 'services',
			_pushType: 'full',
			_pushTimestamp: '2020-07-14T22:00:00.000Z',
			deleted_at: null,
		});
		expect(rows[0].created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
		expect(rows.some((row) => row.product === null)).toBe(true);
		expect(rows.some((row) => row.product === 'NULL')).toBe(false);
	});

	it('with both options off, cells stay exactly as written', async () => {
		const result = await runOpsLevel(s3.credentialData(), {
			resource: 'table',
			operation: 'getRows',
			source: 'latestFull',
			table: 'services',
			returnAll: false,
			limit: 50,
			options: { nullCells: false, isoTimestamps: false },
		});
		const rows = rowsOf(result);
		expect(rows).toHaveLength(50);
		expect(rows[0].created_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
		expect(rows[0].deleted_at).toBe('');
		expect(rows.some((row) => row.product === 'NULL')).toBe(true);
	});

	it('reads the latest incremental: tombstones become {id, deleted_at, _deleted: true}', async () => {
		const result = await runOpsLevel(s3.credentialData(), {
			resource: 'table',
			operation: 'getRows',
			source: 'latestIncremental',
			table: 'teams',
			returnAll: true,
		});
		const rows = rowsOf(result);
		expect(
			rows.every(
				(row) =>
					row._pushType === 'incremental' && row._pushTimestamp === '2020-07-20T03:15:00.000Z',
			),
		).toBe(true);
		const tombstones = rows.filter((row) => row._deleted === true);
		expect(tombstones.length).toBeGreaterThan(0);
		for (const row of tombstones) {
			expect(Object.keys(row).sort()).toEqual([
				'_deleted',
				'_pushTimestamp',
				'_pushType',
				'_table',
				'deleted_at',
				'id',
			]);
		}
	});

	it('reads one given key, colons and all', async () => {
		const key = 'v1/incremental/check_results/2020-07-16/03:15:00/check_results.csv.gz';
		const drop = exported.drops.find((candidate) => candidate.key === key);
		const result = await runOpsLevel(s3.credentialData(), {
			resource: 'table',
			operation: 'getRows',
			source: 'key',
			key,
			returnAll: true,
		});
		const rows = rowsOf(result);
		expect(rows).toHaveLength(drop?.rows ?? -1);
		expect(rows[0]).toMatchObject({
			_table: 'check_results',
			_pushType: 'incremental',
			_pushTimestamp: '2020-07-16T03:15:00.000Z',
		});
	});

	it('a key that is not an OpsLevel drop is refused with the expected shape', async () => {
		const result = await runOpsLevel(s3.credentialData(), {
			resource: 'table',
			operation: 'getRows',
			source: 'key',
			key: 'exports/services.csv.gz',
		});
		expect(errorText(result)).toContain('"exports/services.csv.gz" is not an OpsLevel drop');
	});

	it('a missing key names the key', async () => {
		const key = 'v1/full/services/2001-01-01/00:00:00/services.csv.gz';
		const result = await runOpsLevel(s3.credentialData(), {
			resource: 'table',
			operation: 'getRows',
			source: 'key',
			key,
		});
		expect(errorText(result)).toContain('NoSuchKey');
		expect(errorText(result)).toContain(key);
	});

	it('pairs every row with its input item, and Continue On Fail turns a bad item into an error item', async () => {
		const result = await runOpsLevel(
			s3.credentialData(),
			{
				resource: 'table',
				operation: 'getRows',
				source: 'latestFull',
				table: '={{ $json.table }}',
				returnAll: false,
				limit: 2,
			},
			{
				inputItems: [
					{ json: { table: 'teams' } },
					{ json: { table: 'no_such_table' } },
					{ json: { table: 'users' } },
				],
				node: { continueOnFail: true },
			},
		);
		const items = result.output(NODE_NAME);
		expect(items.map((item) => [item.pairedItem, item.json._table ?? 'error'])).toEqual([
			[{ item: 0 }, 'teams'],
			[{ item: 0 }, 'teams'],
			[{ item: 1 }, 'error'],
			[{ item: 2 }, 'users'],
			[{ item: 2 }, 'users'],
		]);
		expect(String(items[2].json.error)).toContain('no full push of table "no_such_table"');
	});
});

describe('Push → Get Many', () => {
	it('lists every drop with its parts, filtered by push type, tables and date', async () => {
		const all = rowsOf(
			await runOpsLevel(s3.credentialData(), {
				resource: 'push',
				operation: 'getMany',
				returnAll: true,
			}),
		);
		expect(all).toHaveLength(exported.drops.length);
		expect(all[0]).toEqual(
			expect.objectContaining({
				pushType: 'full',
				table: expect.any(String),
				date: '2020-07-14',
				timestamp: '22:00:00',
				size: expect.any(Number),
			}),
		);
		expect(typeof all[0].lastModified).toBe('string');

		const filtered = rowsOf(
			await runOpsLevel(s3.credentialData(), {
				resource: 'push',
				operation: 'getMany',
				pushType: 'incremental',
				tables: ['services', 'teams'],
				since: '2020-07-18',
				returnAll: true,
			}),
		);
		expect(filtered.map((drop) => drop.key).sort()).toEqual(
			exported.drops
				.filter(
					(drop) =>
						drop.pushType === 'incremental' &&
						['services', 'teams'].includes(drop.table) &&
						drop.date >= '2020-07-18',
				)
				.map((drop) => drop.key)
				.sort(),
		);

		const limited = rowsOf(
			await runOpsLevel(s3.credentialData(), {
				resource: 'push',
				operation: 'getMany',
				returnAll: false,
				limit: 4,
			}),
		);
		expect(limited).toHaveLength(4);
	});
});
