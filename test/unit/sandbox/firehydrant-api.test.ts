import { startSandbox, type Sandbox } from '../../sandbox';
import {
	authorized,
	listAllExports,
	request,
	type ExportListJson,
	type ExportRequestJson,
} from './http';

const LIST = '/v1/integrations/data_export/export_requests';
const NOW = new Date('2025-03-10T12:00:00.000Z');

describe('FireHydrant sandbox: API', () => {
	let sandbox: Sandbox;

	beforeAll(async () => {
		sandbox = await startSandbox({ seed: 11, fireHydrant: { now: NOW } });
	});
	afterAll(async () => {
		await sandbox.close();
	});
	afterEach(() => sandbox.reset());

	const get = (path: string, token?: string, bearer = true) =>
		request(`${sandbox.baseUrl}${path}`, {
			headers: token === undefined ? {} : authorized(token, bearer),
		});

	describe('auth and ping', () => {
		it('answers /v1/ping with the bare token and with "Bearer <token>"', async () => {
			const bare = await get('/v1/ping', sandbox.fireHydrant.apiToken, false);
			const bearer = await get('/v1/ping', sandbox.fireHydrant.apiToken, true);
			expect(bare.status).toBe(200);
			expect(bearer.status).toBe(200);
			expect(bare.json).toEqual(bearer.json);
			expect(bare.json).toMatchObject({
				response: 'pong',
				actor: { type: 'firehydrant_bot' },
				organization: { name: expect.any(String) },
			});
		});

		it('answers /v1/noauth/ping without a token', async () => {
			const result = await get('/v1/noauth/ping');
			expect(result.status).toBe(200);
			expect(result.json).toEqual({ response: 'pong' });
		});

		it.each([
			['no Authorization header', undefined],
			['an unknown token', 'fhb-not-a-real-token'],
			['an empty token', ''],
		])('answers 401 with the error entity for %s', async (_label, token) => {
			const result = await get('/v1/ping', token);
			expect(result.status).toBe(401);
			expect(result.headers['content-type']).toMatch(/^application\/json/);
			expect(result.json).toEqual({
				detail: expect.any(String),
				messages: [expect.any(String)],
				meta: {},
				code: 'unauthorized',
			});
		});

		it('lets the limited token ping but answers 403 on data-export endpoints', async () => {
			const { limitedToken } = sandbox.fireHydrant;
			expect((await get('/v1/ping', limitedToken)).status).toBe(200);
			const list = await get(LIST, limitedToken);
			expect(list.status).toBe(403);
			expect(list.json).toMatchObject({
				code: 'forbidden',
				messages: [expect.stringMatching(/Owner/)],
			});
			const one = await get(`${LIST}/${sandbox.fireHydrant.exportRequests[0].id}`, limitedToken);
			expect(one.status).toBe(403);
		});

		it('answers 401 before 404 for unknown /v1 paths, 404 JSON with a token', async () => {
			expect((await get('/v1/nothing-here')).status).toBe(401);
			const result = await get('/v1/nothing-here', sandbox.fireHydrant.apiToken);
			expect(result.status).toBe(404);
			expect(result.json).toMatchObject({ code: 'not_found' });
			const outside = await get('/elsewhere');
			expect(outside.status).toBe(404);
			expect(outside.json).toMatchObject({ error: 'not found' });
		});

		it('answers 405 for a write method on a read-only endpoint', async () => {
			const result = await request(`${sandbox.baseUrl}${LIST}`, {
				method: 'POST',
				headers: authorized(sandbox.fireHydrant.apiToken),
			});
			expect(result.status).toBe(405);
		});
	});

	describe('export request list', () => {
		const list = async (query: Record<string, string>) => {
			const result = await get(
				`${LIST}?${new URLSearchParams(query)}`,
				sandbox.fireHydrant.apiToken,
			);
			expect(result.status).toBe(200);
			return result.json as ExportListJson;
		};

		it('lists every export oldest first, 20 per page by default, with Pagy-style pagination', async () => {
			const expected = sandbox.fireHydrant.exportRequests;
			expect(expected).toHaveLength(35); // 7 nights × 5 sources
			const first = await list({});
			expect(first.data).toHaveLength(20);
			expect(first.pagination).toEqual({
				count: 35,
				page: 1,
				items: 20,
				pages: 2,
				last: 2,
				prev: null,
				next: 2,
			});
			const second = await list({ page: '2' });
			expect(second.data).toHaveLength(15);
			expect(second.pagination).toEqual({
				count: 35,
				page: 2,
				items: 15,
				pages: 2,
				last: 2,
				prev: 1,
				next: null,
			});
			const ids = [...first.data, ...second.data].map((record) => record.id);
			expect(ids).toEqual(expected.map((record) => record.id));
			const createdAt = [...first.data, ...second.data].map((record) =>
				Date.parse(record.created_at),
			);
			expect(createdAt).toEqual([...createdAt].sort((a, b) => a - b));
		});

		it('honours per_page, clamps it to 200, and answers an empty page past the end', async () => {
			const small = await list({ per_page: '4', page: '3' });
			expect(small.data).toHaveLength(4);
			expect(small.pagination).toMatchObject({
				page: 3,
				items: 4,
				pages: 9,
				last: 9,
				prev: 2,
				next: 4,
			});
			const huge = await list({ per_page: '5000' });
			expect(huge.data).toHaveLength(35);
			expect(huge.pagination).toMatchObject({ pages: 1, next: null });
			const past = await list({ page: '7' });
			expect(past.data).toEqual([]);
			expect(past.pagination).toMatchObject({ page: 7, items: 0, next: null, prev: 2 });
		});

		it('filters with newer_than strictly on created_at, zone-less values read as UTC', async () => {
			const records = sandbox.fireHydrant.exportRequests;
			const pivot = records[12];
			const newer = await listAllExports(sandbox.baseUrl, sandbox.fireHydrant.apiToken, {
				newer_than: pivot.createdAt.toISOString(),
			});
			expect(newer.map((record) => record.id)).toEqual(
				records.slice(13).map((record) => record.id),
			);
			// The vendor doc's own example has no zone: 2023-04-01T00:00:00.
			const lastNight = records[records.length - 1].createdAt;
			const midnight = `${lastNight.toISOString().slice(0, 10)}T00:00:00`;
			const tonight = await listAllExports(sandbox.baseUrl, sandbox.fireHydrant.apiToken, {
				newer_than: midnight,
			});
			expect(tonight).toHaveLength(5);
			expect(tonight.every((record) => record.created_at.startsWith(midnight.slice(0, 10)))).toBe(
				true,
			);
			expect(
				await listAllExports(sandbox.baseUrl, sandbox.fireHydrant.apiToken, {
					newer_than: lastNight.toISOString(),
				}),
			).toEqual([]);
		});

		it('filters by status', async () => {
			const pending = sandbox.fireHydrant.addExportRequest({
				source: 'text/csv+incident-20220525',
				body: '',
				status: 'pending',
			});
			const errored = sandbox.fireHydrant.addExportRequest({
				source: 'text/csv+incident_event-20220525',
				body: '',
				status: 'errored',
			});
			const onlyPending = await list({ status: 'pending' });
			expect(onlyPending.data.map((record) => record.id)).toEqual([pending.id]);
			expect(onlyPending.data[0].url).toBeNull();
			expect((await list({ status: 'errored' })).data.map((record) => record.id)).toEqual([
				errored.id,
			]);
			expect((await list({ status: 'completed', per_page: '200' })).pagination.count).toBe(35);
			expect((await list({ per_page: '200' })).pagination.count).toBe(37);
		});

		it('answers 400 for an unparseable newer_than or an unknown status', async () => {
			const token = sandbox.fireHydrant.apiToken;
			expect((await get(`${LIST}?newer_than=yesterday`, token)).status).toBe(400);
			const badStatus = await get(`${LIST}?status=done`, token);
			expect(badStatus.status).toBe(400);
			expect(badStatus.json).toMatchObject({ detail: expect.stringMatching(/status/) });
		});

		it('answers one export by id, 404 with the error entity for an unknown id', async () => {
			const record = sandbox.fireHydrant.exportRequests[3];
			const result = await get(`${LIST}/${record.id}`, sandbox.fireHydrant.apiToken);
			expect(result.status).toBe(200);
			expect(result.json).toMatchObject({
				id: record.id,
				source: record.source,
				status: 'completed',
				created_at: record.createdAt.toISOString(),
				window_starts_at: record.windowStartsAt.toISOString(),
				window_ends_at: record.windowEndsAt.toISOString(),
			});
			const missing = await get(
				`${LIST}/00000000-0000-4000-8000-000000000000`,
				sandbox.fireHydrant.apiToken,
			);
			expect(missing.status).toBe(404);
			expect(missing.json).toEqual({
				detail: expect.any(String),
				messages: [expect.any(String)],
				meta: {},
				code: 'not_found',
			});
		});
	});

	describe('signed downloads', () => {
		const fetchRecord = async (id: string): Promise<ExportRequestJson> => {
			const result = await get(`${LIST}/${id}`, sandbox.fireHydrant.apiToken);
			return result.json as ExportRequestJson;
		};

		it('mints a fresh url on every read, each downloading the same bytes as text/csv with a length', async () => {
			const id = sandbox.fireHydrant.exportRequests[2].id;
			const first = await fetchRecord(id);
			const second = await fetchRecord(id);
			const listed = (await listAllExports(sandbox.baseUrl, sandbox.fireHydrant.apiToken)).find(
				(record) => record.id === id,
			);
			const urls = [first.url, second.url, listed?.url];
			expect(new Set(urls).size).toBe(3);
			for (const url of urls) {
				expect(url).toMatch(
					/\/storage\/fh-data-export-production\/.+\.csv\?GoogleAccessId=.+&Expires=\d+&Signature=/,
				);
				const download = await request(url as string);
				expect(download.status).toBe(200);
				expect(download.headers['content-type']).toBe('text/csv');
				expect(Number(download.headers['content-length'])).toBe(download.body.length);
				expect(download.body.equals(sandbox.fireHydrant.rawCsv(id))).toBe(true);
			}
			const expires = Number(new URL(first.url as string).searchParams.get('Expires'));
			expect(expires * 1000).toBeGreaterThan(Date.now() + 4 * 60_000);
			expect(expires * 1000).toBeLessThanOrEqual(Date.now() + 5 * 60_000 + 1000);
		});

		it('refuses an expired url with 400 ExpiredToken (XML), and a re-read url works again', async () => {
			sandbox.fireHydrant.setUrlLifetime(50);
			const id = sandbox.fireHydrant.exportRequests[0].id;
			const stale = await fetchRecord(id);
			await new Promise((resolve) => setTimeout(resolve, 80));
			const refused = await request(stale.url as string);
			expect(refused.status).toBe(400);
			expect(refused.headers['content-type']).toMatch(/^application\/xml/);
			expect(refused.text).toContain(
				'<Error><Code>ExpiredToken</Code><Message>Request has expired</Message>',
			);
			sandbox.fireHydrant.setUrlLifetime(60_000);
			const fresh = await fetchRecord(id);
			expect((await request(fresh.url as string)).status).toBe(200);
		});

		it('refuses a tampered or unsigned url with 403 (XML)', async () => {
			const { url } = await fetchRecord(sandbox.fireHydrant.exportRequests[1].id);
			const parsed = new URL(url as string);
			parsed.searchParams.set('Expires', String(Number(parsed.searchParams.get('Expires')) + 3600));
			const tampered = await request(parsed.toString());
			expect(tampered.status).toBe(403);
			expect(tampered.text).toContain('<Code>SignatureDoesNotMatch</Code>');
			// The same signature on another export's object does not open it either.
			const otherPath = new URL(
				(await fetchRecord(sandbox.fireHydrant.exportRequests[5].id)).url as string,
			).pathname;
			const moved = new URL(url as string);
			moved.pathname = otherPath;
			expect((await request(moved.toString())).status).toBe(403);
			const unsigned = await request(`${sandbox.baseUrl}${parsed.pathname}`);
			expect(unsigned.status).toBe(403);
			expect(unsigned.text).toContain('<Code>AccessDenied</Code>');
		});

		it('keeps listing an expunged export with a url whose download answers 404 NoSuchKey', async () => {
			const record = sandbox.fireHydrant.exportRequests[4];
			sandbox.fireHydrant.expunge(record.id);
			const listed = await fetchRecord(record.id);
			expect(listed.status).toBe('completed');
			expect(listed.url).toEqual(expect.any(String));
			const download = await request(listed.url as string);
			expect(download.status).toBe(404);
			expect(download.text).toContain('<Code>NoSuchKey</Code>');
			// Default ground truth leaves expunged exports out.
			const defaults = sandbox.fireHydrant.totals();
			sandbox.reset();
			expect(sandbox.fireHydrant.totals().rowsBySource.retrospective).toBeGreaterThanOrEqual(
				defaults.rowsBySource.retrospective,
			);
			expect((await request((await fetchRecord(record.id)).url as string)).status).toBe(200);
		});

		it('serves a byte range with 206, as the storage host does', async () => {
			const id = sandbox.fireHydrant.exportRequests[2].id;
			const raw = sandbox.fireHydrant.rawCsv(id);
			const { url } = await fetchRecord(id);
			const part = await request(url as string, { headers: { Range: 'bytes=10-' } });
			expect(part.status).toBe(206);
			expect(part.headers['content-range']).toBe(`bytes 10-${raw.length - 1}/${raw.length}`);
			expect(part.body.equals(raw.subarray(10))).toBe(true);
			const bad = await request(url as string, { headers: { Range: `bytes=${raw.length + 5}-` } });
			expect(bad.status).toBe(416);
		});

		it('records API calls as api and downloads as download', async () => {
			const { url } = await fetchRecord(sandbox.fireHydrant.exportRequests[0].id);
			await request(url as string);
			expect(sandbox.requests.map((recorded) => [recorded.kind, recorded.status])).toEqual([
				['api', 200],
				['download', 200],
			]);
			expect(sandbox.requests[0]).toMatchObject({
				method: 'GET',
				path: `${LIST}/${sandbox.fireHydrant.exportRequests[0].id}`,
				query: {},
			});
			expect(sandbox.requests[1].query).toHaveProperty('Signature');
		});
	});
});

describe('FireHydrant sandbox: 30-day expunge', () => {
	it('answers 404 for exports created more than 30 days before now, and leaves them out of the ground truth', async () => {
		const sandbox = await startSandbox({
			seed: 3,
			fireHydrant: { now: NOW, nights: 33, incidents: 300, eventsPerIncident: 1 },
		});
		try {
			const records = sandbox.fireHydrant.exportRequests;
			const cutoff = NOW.getTime() - 30 * 86_400_000;
			const old = records.filter((record) => record.createdAt.getTime() < cutoff);
			expect(old.length).toBeGreaterThanOrEqual(5);
			const listed = await listAllExports(sandbox.baseUrl, sandbox.fireHydrant.apiToken, {
				per_page: '200',
			});
			const oldListed = listed.find((record) => record.id === old[0].id);
			expect(oldListed?.url).toEqual(expect.any(String));
			expect((await request(oldListed?.url as string)).status).toBe(404);
			const recentListed = listed[listed.length - 1];
			expect((await request(recentListed.url as string)).status).toBe(200);
			const oldIds = new Set(old.map((record) => record.id));
			const everything = sandbox.fireHydrant.expectedRows('incident', {
				exportRequestIds: records.map((record) => record.id),
			});
			const available = sandbox.fireHydrant.expectedRows('incident', {
				exportRequestIds: records
					.filter((record) => !oldIds.has(record.id))
					.map((record) => record.id),
			});
			expect(sandbox.fireHydrant.expectedRows('incident')).toEqual(available);
			expect(everything.length).toBeGreaterThan(available.length);
		} finally {
			await sandbox.close();
		}
	});
});
