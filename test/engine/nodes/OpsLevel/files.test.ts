/**
 * Files and answers a real bucket can hold: corrupt gzip, empty and header-only files, CRLF and
 * quoted line breaks, more than 1,000 objects, a missing bucket (all from s3rver itself), and what
 * s3rver cannot answer (access denied, a bucket in another region, throttling) through a
 * fault-injecting proxy in front of it. Also the credential test.
 */
import { gzipSync } from 'node:zlib';

import { testBucketCredential } from '../../../../nodes/OpsLevel/methods/credentialTest';
import { disposeEngineEnvironment } from '../../harness';
import {
	CIRCULAR_TOKEN,
	FAULTS,
	startFaultProxy,
	startS3Server,
	TEST_ACCESS_KEY_ID,
	TEST_SECRET_ACCESS_KEY,
	type FaultProxy,
	type S3Server,
} from '../../../sandbox/opslevel';
import { errorText, NODE_NAME, runOpsLevel } from './setup';

jest.setTimeout(60_000);

let s3: S3Server;
let proxy: FaultProxy;

const HEADER = 'id,name,alias,description,created_at,updated_at,deleted_at';
const key = (pushType: string, table: string, date: string, time = '22:00:00') =>
	`v1/${pushType}/${table}/${date}/${time}/${table}.csv.gz`;

beforeAll(async () => {
	s3 = await startS3Server();
	proxy = await startFaultProxy(s3.endpoint);
	await s3.upload([
		// Not gzip at all, and gzip cut short.
		{ key: key('full', 'broken', '2024-01-01'), body: Buffer.from('id,name\n1,not gzipped\n') },
		{
			key: key('full', 'truncated', '2024-01-01'),
			body: gzipSync(`${HEADER}\n1,a,a,,2024-01-01 00:00:00,2024-01-01 00:00:00,\n`).subarray(
				0,
				30,
			),
		},
		// Zero bytes, and a gzip holding only the header.
		{ key: key('full', 'empty', '2024-01-01'), body: Buffer.alloc(0) },
		{ key: key('full', 'header_only', '2024-01-01'), body: gzipSync(`${HEADER}\r\n`) },
		// CRLF line ends with a quoted CRLF inside a cell, a quoted comma and doubled quotes.
		{
			key: key('full', 'crlf', '2024-01-01'),
			body: gzipSync(
				`${HEADER}\r\n1,Ledger,ledger,"Line one\r\nline two, with ""quotes""",2024-01-01 10:00:00,2024-01-02 11:30:00,\r\n2,Search,search,NULL,2024-01-01 10:00:00,2024-01-01 10:00:00,\r\n`,
			),
		},
		// A ragged row.
		{ key: key('full', 'ragged', '2024-01-01'), body: gzipSync(`${HEADER}\n1,a,a\n`) },
		// Below a root prefix.
		{
			key: `exports/opslevel/${key('full', 'nested', '2024-01-01')}`,
			body: gzipSync(`${HEADER}\n5,Nested,nested,NULL,2024-01-01 10:00:00,2024-01-01 10:00:00,\n`),
		},
	]);
	// More than 1,000 drops of one table, so listing must follow ListObjectsV2 continuation.
	const many = Array.from({ length: 1_030 }, (_, index) => {
		const day = new Date(Date.UTC(2021, 0, 1) + Math.floor(index / 3) * 86_400_000)
			.toISOString()
			.slice(0, 10);
		const time = ['01:00:00', '09:30:00', '17:45:00'][index % 3];
		return {
			key: key('incremental', 'checks', day, time),
			body: gzipSync(`id,name,deleted_at\n${index + 1},check ${index + 1},\n`),
		};
	});
	await s3.upload(many, 32);
});

afterAll(async () => {
	await proxy.close();
	await s3.close();
	await disposeEngineEnvironment();
});

beforeEach(() => proxy.clear());

const rowsOf = (result: Awaited<ReturnType<typeof runOpsLevel>>) =>
	result.output(NODE_NAME).map((item) => item.json);
const latestFull = (table: string) => ({
	resource: 'table',
	operation: 'getRows',
	source: 'latestFull',
	table,
	returnAll: true,
});

describe('files', () => {
	it.each(['broken', 'truncated'])(
		'a corrupt gzip (%s) fails with an error naming the key',
		async (table) => {
			const result = await runOpsLevel(s3.credentialData(), latestFull(table));
			const text = errorText(result);
			expect(text).toContain(
				`The object "${key('full', table, '2024-01-01')}" is not a valid gzip file`,
			);
			expect(text).toContain('re-send this push');
		},
	);

	it('an empty file and a header-only file have no rows, and are not errors', async () => {
		for (const table of ['empty', 'header_only']) {
			const result = await runOpsLevel(s3.credentialData(), latestFull(table));
			expect(errorText(result)).toBe(' | ');
			expect(rowsOf(result)).toEqual([]);
		}
	});

	it('reads CRLF files with quoted line breaks, commas and quotes', async () => {
		const rows = rowsOf(await runOpsLevel(s3.credentialData(), latestFull('crlf')));
		expect(rows).toEqual([
			{
				id: '1',
				name: 'Ledger',
				alias: 'ledger',
				description: 'Line one\r\nline two, with "quotes"',
				created_at: '2024-01-01T10:00:00.000Z',
				updated_at: '2024-01-02T11:30:00.000Z',
				deleted_at: null,
				_table: 'crlf',
				_pushType: 'full',
				_pushTimestamp: '2024-01-01T22:00:00.000Z',
			},
			expect.objectContaining({ id: '2', description: null }),
		]);
	});

	it('a ragged row names the key and the line', async () => {
		const text = errorText(await runOpsLevel(s3.credentialData(), latestFull('ragged')));
		expect(text).toContain(
			`The object "${key('full', 'ragged', '2024-01-01')}" is not well-formed CSV: Invalid CSV at line 2`,
		);
	});

	it('lists more than 1,000 objects by following continuation tokens, and the latest push is the last one', async () => {
		const drops = rowsOf(
			await runOpsLevel(s3.credentialData(), {
				resource: 'push',
				operation: 'getMany',
				tables: ['checks'],
				returnAll: true,
			}),
		);
		expect(drops).toHaveLength(1_030);
		expect(new Set(drops.map((drop) => drop.key)).size).toBe(1_030);
		const latest = rowsOf(
			await runOpsLevel(s3.credentialData(), {
				resource: 'table',
				operation: 'getRows',
				source: 'latestIncremental',
				table: 'checks',
				returnAll: true,
			}),
		);
		expect(latest).toEqual([
			expect.objectContaining({ id: '1030', _pushTimestamp: '2021-12-10T01:00:00.000Z' }),
		]);
	});
});

describe('bounds on S3 requests', () => {
	const listings = () => proxy.requests.filter((request) => request.url.includes('list-type=2'));

	it('a listing whose continuation token comes back ends with a clear error instead of listing for ever', async () => {
		proxy.circularListing();
		const result = await runOpsLevel(s3.credentialData({ endpoint: proxy.endpoint }), {
			resource: 'push',
			operation: 'getMany',
			tables: ['crlf'],
			returnAll: true,
		});
		expect(result.status).toBe('error');
		const text = errorText(result);
		expect(text).toContain(
			`OpsLevel export bucket (S3) sent the continuation token "${CIRCULAR_TOKEN}" of ListObjectsV2 s3://${s3.bucket}/v1/full/crlf/ a second time`,
		);
		expect(text).toContain('went in a circle');
		expect(listings()).toHaveLength(2);
	});

	it("a silent endpoint ends the run after the credential's timeout, saying so", async () => {
		proxy.stall({ method: 'GET', match: (url) => url.includes('list-type=2') });
		const result = await runOpsLevel(
			s3.credentialData({ endpoint: proxy.endpoint, timeoutSeconds: 1 }),
			latestFull('crlf'),
		);
		expect(result.status).toBe('error');
		const text = errorText(result);
		expect(text).toContain('OpsLevel export bucket (S3) could not be reached');
		expect(text).toContain(
			'No answer within 1 s (the Timeout of the OpsLevel Export Bucket credential)',
		);
		// Every attempt the SDK makes is bounded: four tries, then the error.
		expect(listings()).toHaveLength(4);
	});

	it('a GetObject body that stalls part-way ends the run with an error naming the object', async () => {
		proxy.stall({
			method: 'GET',
			match: (url) => url.includes('/crlf.csv.gz') && !url.includes('list-type'),
			afterBodyBytes: 20,
		});
		const result = await runOpsLevel(
			s3.credentialData({ endpoint: proxy.endpoint, timeoutSeconds: 1 }),
			latestFull('crlf'),
		);
		expect(result.status).toBe('error');
		expect(errorText(result)).toContain(
			`The download of "${key('full', 'crlf', '2024-01-01')}" stopped: nothing arrived for 1 s`,
		);
	});
});

describe('credential settings', () => {
	it('reads below the root prefix, with or without its trailing slash', async () => {
		for (const rootPrefix of ['exports/opslevel', 'exports/opslevel/']) {
			const rows = rowsOf(
				await runOpsLevel(s3.credentialData({ rootPrefix }), latestFull('nested')),
			);
			expect(rows).toEqual([expect.objectContaining({ id: '5', _table: 'nested' })]);
		}
	});

	it("authenticates with the n8n host's AWS credentials (here: the environment)", async () => {
		const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
		const data = s3.credentialData({
			endpoint: proxy.endpoint,
			authentication: 'host',
			accessKeyId: '',
			secretAccessKey: '',
		});
		try {
			// s3rver knows only its own key id: an unknown one from the host is refused, with what to check.
			process.env.AWS_ACCESS_KEY_ID = 'HOSTKEYFROMENV';
			process.env.AWS_SECRET_ACCESS_KEY = 'host-secret-from-env-123';
			const refused = errorText(await runOpsLevel(data, latestFull('crlf')));
			expect(refused).toContain('InvalidAccessKeyId');
			expect(refused).toContain('Check the Access Key ID and Secret Access Key');
			expect(proxy.requests.map((request) => request.accessKeyId)).toEqual(['HOSTKEYFROMENV']);

			proxy.clear();
			process.env.AWS_ACCESS_KEY_ID = TEST_ACCESS_KEY_ID;
			const rows = rowsOf(await runOpsLevel(data, latestFull('crlf')));
			expect(rows).toHaveLength(2);
			expect(proxy.requests.every((request) => request.accessKeyId === TEST_ACCESS_KEY_ID)).toBe(
				true,
			);
		} finally {
			if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
			else process.env.AWS_ACCESS_KEY_ID = saved.id;
			if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
			else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
		}
	});

	it('assumes the role (with its external ID) and reads with the temporary keys it got', async () => {
		proxy.inject(
			FAULTS.assumeRole({
				accessKeyId: TEST_ACCESS_KEY_ID,
				secretAccessKey: 'temporary-secret-456',
				sessionToken: 'temporary-session-789',
			}),
		);
		const data = s3.credentialData({
			endpoint: proxy.endpoint,
			accessKeyId: 'BASEKEYOFTHEUSER',
			secretAccessKey: 'base-secret-of-the-user-123',
			roleArn: 'arn:aws:iam::123456789012:role/opslevel-export-reader',
			externalId: 'opslevel-ext-42',
		});
		const rows = rowsOf(await runOpsLevel(data, latestFull('crlf')));
		expect(rows).toHaveLength(2);
		const [sts, ...s3Calls] = proxy.requests;
		expect(sts.accessKeyId).toBe('BASEKEYOFTHEUSER');
		const form = new URLSearchParams(sts.body);
		expect([form.get('Action'), form.get('RoleArn'), form.get('ExternalId')]).toEqual([
			'AssumeRole',
			'arn:aws:iam::123456789012:role/opslevel-export-reader',
			'opslevel-ext-42',
		]);
		expect(s3Calls.length).toBeGreaterThan(0);
		expect(
			s3Calls.every(
				(request) => request.accessKeyId === TEST_ACCESS_KEY_ID && request.sessionToken,
			),
		).toBe(true);
	});
});

describe('bucket answers', () => {
	it('a missing bucket is named, with what to check', async () => {
		const text = errorText(
			await runOpsLevel(s3.credentialData({ bucket: 'no-such-bucket' }), latestFull('services')),
		);
		expect(text).toContain('NoSuchBucket');
		expect(text).toContain('The bucket "no-such-bucket" does not exist');
	});

	it('access denied names the bucket and the permission to grant, and hides the secret', async () => {
		proxy.inject(FAULTS.accessDenied());
		const text = errorText(
			await runOpsLevel(s3.credentialData({ endpoint: proxy.endpoint }), latestFull('crlf')),
		);
		expect(text).toContain('answered 403: AccessDenied');
		expect(text).toContain(`Grant s3:ListBucket on arn:aws:s3:::${s3.bucket}`);
		expect(text).not.toContain(TEST_SECRET_ACCESS_KEY);
	});

	it('access denied on the object asks for s3:GetObject', async () => {
		proxy.inject({
			...FAULTS.accessDenied(),
			method: 'GET',
			match: (url) => url.includes('/v1/full/crlf/2024-01-01/22:00:00/crlf.csv.gz'),
		});
		const text = errorText(
			await runOpsLevel(s3.credentialData({ endpoint: proxy.endpoint }), latestFull('crlf')),
		);
		expect(text).toContain(`Grant s3:GetObject on arn:aws:s3:::${s3.bucket}/*`);
	});

	it('a bucket in another region says which region to set', async () => {
		proxy.inject(FAULTS.wrongRegion(s3.bucket, 'eu-west-1'));
		const text = errorText(
			await runOpsLevel(s3.credentialData({ endpoint: proxy.endpoint }), latestFull('crlf')),
		);
		expect(text).toContain(
			`The bucket "${s3.bucket}" is in region eu-west-1. Set Region in the credential to eu-west-1.`,
		);
	});

	it('throttling (503 SlowDown) is retried by the SDK and the rows still arrive', async () => {
		proxy.inject(FAULTS.slowDown(2));
		const rows = rowsOf(
			await runOpsLevel(s3.credentialData({ endpoint: proxy.endpoint }), latestFull('crlf')),
		);
		expect(rows).toHaveLength(2);
		expect(proxy.requests.filter((request) => request.status === 503)).toHaveLength(2);
	});
});

describe('credential test', () => {
	it('passes against the bucket and names what it found', async () => {
		const result = await testBucketCredential({
			id: 'c',
			name: 'c',
			type: 'opsLevelS3Api',
			data: s3.credentialData(),
		});
		expect(result).toEqual({
			status: 'OK',
			message: `Connection successful: found OpsLevel exports under s3://${s3.bucket}/v1/`,
		});
	});

	it('fails with the reason and the fix when access is denied, without the secret', async () => {
		proxy.inject(FAULTS.accessDenied());
		const result = await testBucketCredential({
			id: 'c',
			name: 'c',
			type: 'opsLevelS3Api',
			data: s3.credentialData({ endpoint: proxy.endpoint }),
		});
		expect(result.status).toBe('Error');
		expect(result.message).toContain(`Grant s3:ListBucket on arn:aws:s3:::${s3.bucket}`);
		expect(result.message).not.toContain(TEST_SECRET_ACCESS_KEY);
	});

	it('names a missing field', async () => {
		const result = await testBucketCredential({
			id: 'c',
			name: 'c',
			type: 'opsLevelS3Api',
			data: s3.credentialData({ secretAccessKey: '' }),
		});
		expect(result).toEqual({
			status: 'Error',
			message: expect.stringContaining('Secret Access Key'),
		});
	});
});
