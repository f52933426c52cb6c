import http from 'node:http';

import { startSandbox, type Sandbox } from '../../sandbox';
import { authorized, request, type ExportRequestJson } from './http';

const LIST = '/v1/integrations/data_export/export_requests';

/** Downloads until the connection closes, however it closes, and says what arrived. */
function downloadUntilClosed(
	url: string,
): Promise<{ status: number; contentLength: number; received: Buffer; complete: boolean }> {
	return new Promise((resolve, reject) => {
		http
			.get(url, { agent: false }, (response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				// A cut connection makes the response emit 'aborted'/'error'; 'close' always follows.
				response.on('error', () => undefined);
				response.on('close', () =>
					resolve({
						status: response.statusCode ?? 0,
						contentLength: Number(response.headers['content-length']),
						received: Buffer.concat(chunks),
						complete: response.complete,
					}),
				);
			})
			.on('error', reject);
	});
}

describe('FireHydrant sandbox: faults', () => {
	let sandbox: Sandbox;

	beforeAll(async () => {
		sandbox = await startSandbox({
			seed: 5,
			fireHydrant: { now: new Date('2025-06-01T08:00:00Z') },
		});
	});
	afterAll(async () => {
		await sandbox.close();
	});
	afterEach(() => sandbox.reset());

	const ping = () =>
		request(`${sandbox.baseUrl}/v1/ping`, { headers: authorized(sandbox.fireHydrant.apiToken) });
	const signedUrl = async (id: string): Promise<string> => {
		const result = await request(`${sandbox.baseUrl}${LIST}/${id}`, {
			headers: authorized(sandbox.fireHydrant.apiToken),
		});
		return (result.json as ExportRequestJson).url as string;
	};

	it.each([
		['Retry-After', 'retry-after'],
		['RateLimit-Reset', 'ratelimit-reset'],
		['X-RateLimit-Reset', 'x-ratelimit-reset'],
	] as const)('answers the next requests with 429 and a %s header', async (header, lowerCase) => {
		sandbox.fireHydrant.faults.rateLimit(2, { retryAfterSeconds: 7, header });
		for (let attempt = 0; attempt < 2; attempt++) {
			const limited = await ping();
			expect(limited.status).toBe(429);
			expect(limited.json).toEqual({ error: 'rate limit exceeded' });
			expect(limited.headers[lowerCase]).toBe('7');
			expect(limited.headers['ratelimit-limit']).toBe('50');
			for (const other of ['retry-after', 'ratelimit-reset', 'x-ratelimit-reset'].filter(
				(name) => name !== lowerCase,
			)) {
				expect(limited.headers).not.toHaveProperty(other);
			}
		}
		expect((await ping()).status).toBe(200);
	});

	it('can state a reset header as an epoch time', async () => {
		sandbox.fireHydrant.faults.rateLimit(1, {
			retryAfterSeconds: 30,
			header: 'X-RateLimit-Reset',
			resetAs: 'epochSeconds',
		});
		const limited = await ping();
		const reset = Number(limited.headers['x-ratelimit-reset']);
		expect(reset).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 29);
		expect(reset).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 31);
	});

	it('rate-limits unauthenticated requests too (the limiter sits in front of auth)', async () => {
		sandbox.fireHydrant.faults.rateLimit(1);
		expect((await request(`${sandbox.baseUrl}/v1/noauth/ping`)).status).toBe(429);
		expect((await request(`${sandbox.baseUrl}/v1/ping`)).status).toBe(401);
	});

	it('answers a burst of 5xx: HTML from the gateway for 503, the JSON error entity for 500', async () => {
		sandbox.fireHydrant.faults.serverErrors(2);
		sandbox.fireHydrant.faults.serverErrors(1, 500);
		const first = await ping();
		const second = await ping();
		const third = await ping();
		expect([first.status, second.status, third.status]).toEqual([503, 503, 500]);
		expect(first.headers['content-type']).toMatch(/^text\/html/);
		expect(first.text).toContain('503 Service Unavailable');
		expect(third.json).toEqual({
			detail: 'Internal Server Error',
			messages: ['Internal Server Error'],
			meta: {},
			code: 'internal_server_error',
		});
		expect((await ping()).status).toBe(200);
	});

	it('queues faults in the order they were added', async () => {
		sandbox.fireHydrant.faults.serverErrors(1, 502);
		sandbox.fireHydrant.faults.rateLimit(1);
		sandbox.fireHydrant.faults.serverErrors(1, 504);
		const statuses: number[] = [];
		for (let index = 0; index < 4; index++) statuses.push((await ping()).status);
		expect(statuses).toEqual([502, 429, 504, 200]);
	});

	it('never applies API faults to downloads or control requests', async () => {
		const id = sandbox.fireHydrant.exportRequests[0].id;
		const url = await signedUrl(id);
		sandbox.fireHydrant.faults.rateLimit(1);
		expect((await request(url)).status).toBe(200);
		expect((await request(`${sandbox.baseUrl}/__sandbox/firehydrant/totals`)).status).toBe(200);
		expect((await ping()).status).toBe(429);
		const kinds = sandbox.requests.map((recorded) => `${recorded.kind}:${recorded.status}`);
		expect(kinds).toEqual(['api:200', 'download:200', 'control:200', 'api:429']);
	});

	it('cuts the next downloads of one export after some bytes, so the client sees a premature close', async () => {
		const [target, other] = sandbox.fireHydrant.exportRequests.filter(
			(record) => sandbox.fireHydrant.rawCsv(record.id).length > 600,
		);
		const raw = sandbox.fireHydrant.rawCsv(target.id);
		sandbox.fireHydrant.faults.cutDownload(target.id, { times: 2, afterBytes: 500 });
		for (let attempt = 0; attempt < 2; attempt++) {
			const outcome = await downloadUntilClosed(await signedUrl(target.id));
			expect(outcome.status).toBe(200);
			expect(outcome.contentLength).toBe(raw.length);
			expect(outcome.complete).toBe(false);
			expect(outcome.received.equals(raw.subarray(0, 500))).toBe(true);
		}
		// Other exports are untouched, and the third download of the target is whole again.
		expect((await request(await signedUrl(other.id))).status).toBe(200);
		const whole = await request(await signedUrl(target.id));
		expect(whole.body.equals(raw)).toBe(true);
	});

	it('cuts with fetch too: the body read rejects', async () => {
		const id = sandbox.fireHydrant.exportRequests[2].id;
		sandbox.fireHydrant.faults.cutDownload(id);
		const response = await fetch(await signedUrl(id));
		expect(response.status).toBe(200);
		await expect(response.arrayBuffer()).rejects.toThrow();
	});

	it('forgets every fault on faults.reset()', async () => {
		const id = sandbox.fireHydrant.exportRequests[0].id;
		const url = await signedUrl(id);
		sandbox.fireHydrant.faults.rateLimit(3);
		sandbox.fireHydrant.faults.cutDownload(id);
		sandbox.fireHydrant.faults.reset();
		expect((await ping()).status).toBe(200);
		expect((await request(url)).body.equals(sandbox.fireHydrant.rawCsv(id))).toBe(true);
	});

	it('circularPagination: the last page of every list points back to page 1, until reset', async () => {
		const list = async (path: string) =>
			(
				await request(`${sandbox.baseUrl}${path}`, {
					headers: authorized(sandbox.fireHydrant.apiToken),
				})
			).json as { pagination: { page: number; pages: number; next: number | null } };
		sandbox.fireHydrant.faults.circularPagination();
		const exportsPage = await list(`${LIST}?per_page=200`);
		expect(exportsPage.pagination).toMatchObject({ page: 1, pages: 1, next: 1 });
		const { pages } = (await list('/v1/incidents?per_page=2')).pagination;
		expect(pages).toBeGreaterThan(2);
		expect((await list('/v1/incidents?per_page=2&page=2')).pagination.next).toBe(3);
		expect((await list(`/v1/incidents?per_page=2&page=${pages}`)).pagination.next).toBe(1);
		sandbox.fireHydrant.faults.reset();
		expect((await list(`${LIST}?per_page=200`)).pagination.next).toBeNull();
	});

	it('duplicateListEntries: every REST list page carries each record twice, until reset', async () => {
		const ids = async () =>
			(
				(
					await request(`${sandbox.baseUrl}/v1/incidents?per_page=5`, {
						headers: authorized(sandbox.fireHydrant.apiToken),
					})
				).json as { data: Array<{ id: string }> }
			).data.map((incident) => incident.id);
		const clean = await ids();
		sandbox.fireHydrant.faults.duplicateListEntries();
		expect(await ids()).toEqual(clean.flatMap((id) => [id, id]));
		sandbox.fireHydrant.faults.reset();
		expect(await ids()).toEqual(clean);
	});

	it('rejects nonsense fault arguments', () => {
		expect(() => sandbox.fireHydrant.faults.rateLimit(-1)).toThrow();
		expect(() => sandbox.fireHydrant.faults.serverErrors(1, 404)).toThrow(/5xx/);
		expect(() => sandbox.fireHydrant.faults.cutDownload('no-such-export')).toThrow(
			/unknown export/,
		);
	});
});
