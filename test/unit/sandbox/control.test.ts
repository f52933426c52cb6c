import { startSandbox, type Sandbox } from '../../sandbox';
import { authorized, postJson, request, type ExportRequestJson } from './http';

/** The /__sandbox control API, as a sandbox in another process (benchmark, demo) is steered. */
describe('sandbox control API', () => {
	let sandbox: Sandbox;
	let control: string;

	beforeAll(async () => {
		sandbox = await startSandbox({
			seed: 8,
			fireHydrant: { now: new Date('2025-01-15T06:00:00Z'), incidents: 12, eventsPerIncident: 4 },
		});
		control = `${sandbox.baseUrl}/__sandbox`;
	});
	afterAll(async () => {
		await sandbox.close();
	});
	afterEach(() => sandbox.reset());

	const ping = () =>
		request(`${sandbox.baseUrl}/v1/ping`, { headers: authorized(sandbox.fireHydrant.apiToken) });

	it('describes the server and the FireHydrant module', async () => {
		const health = await request(`${control}/health`);
		expect(health.json).toEqual({
			ok: true,
			baseUrl: sandbox.baseUrl,
			modules: ['firehydrant', 'datadog', 'incident-io'],
		});
		const described = await request(`${control}/firehydrant`);
		expect(described.json).toMatchObject({
			baseUrl: sandbox.baseUrl,
			apiToken: sandbox.fireHydrant.apiToken,
			limitedToken: sandbox.fireHydrant.limitedToken,
			seed: 8,
			now: '2025-01-15T06:00:00.000Z',
			incidents: 12,
			events: 48,
			exportRequests: 35,
		});
	});

	it('serves totals, export requests, raw CSV and expected rows', async () => {
		expect((await request(`${control}/firehydrant/totals`)).json).toEqual(
			sandbox.fireHydrant.totals(),
		);
		const listed = (await request(`${control}/firehydrant/export-requests`)).json as Array<
			Record<string, string>
		>;
		expect(listed).toHaveLength(35);
		expect(listed[0]).toEqual({
			...sandbox.fireHydrant.exportRequests[0],
			createdAt: sandbox.fireHydrant.exportRequests[0].createdAt.toISOString(),
			windowStartsAt: sandbox.fireHydrant.exportRequests[0].windowStartsAt.toISOString(),
			windowEndsAt: sandbox.fireHydrant.exportRequests[0].windowEndsAt.toISOString(),
		});
		const raw = await request(`${control}/firehydrant/export-requests/${listed[1].id}/raw`);
		expect(raw.body.equals(sandbox.fireHydrant.rawCsv(listed[1].id))).toBe(true);
		const rows = await request(`${control}/firehydrant/expected-rows?source=incident_event`);
		expect(rows.json).toEqual(sandbox.fireHydrant.expectedRows('incident_event'));
		const some = await request(
			`${control}/firehydrant/expected-rows?source=incident&exportRequestIds=${listed[0].id},${listed[5].id}`,
		);
		expect(some.json).toEqual(
			sandbox.fireHydrant.expectedRows('incident', {
				exportRequestIds: [listed[0].id, listed[5].id],
			}),
		);
	});

	it('injects faults over HTTP, and never applies them to control requests', async () => {
		expect(
			(
				await postJson(`${control}/firehydrant/faults`, {
					kind: 'rateLimit',
					count: 1,
					retryAfterSeconds: 3,
					header: 'RateLimit-Reset',
				})
			).status,
		).toBe(200);
		expect(
			(
				await postJson(`${control}/firehydrant/faults`, {
					kind: 'serverErrors',
					count: 1,
					status: 502,
				})
			).status,
		).toBe(200);
		expect((await request(`${control}/firehydrant/totals`)).status).toBe(200);
		const limited = await ping();
		expect(limited.status).toBe(429);
		expect(limited.headers['ratelimit-reset']).toBe('3');
		expect((await ping()).status).toBe(502);
		expect((await ping()).status).toBe(200);
		expect(
			sandbox.requests
				.filter((recorded) => recorded.kind === 'control')
				.every((recorded) => recorded.status === 200),
		).toBe(true);
	});

	it('cuts downloads, expires urls, expunges and changes the url lifetime over HTTP', async () => {
		const [first, second, third] = sandbox.fireHydrant.exportRequests;
		const urlOf = async (id: string) =>
			(
				(
					await request(`${sandbox.baseUrl}/v1/integrations/data_export/export_requests/${id}`, {
						headers: authorized(sandbox.fireHydrant.apiToken),
					})
				).json as ExportRequestJson
			).url as string;
		await postJson(`${control}/firehydrant/faults`, {
			kind: 'cutDownload',
			exportRequestId: first.id,
			afterBytes: 10,
		});
		await expect(request(await urlOf(first.id))).rejects.toThrow();
		await postJson(`${control}/firehydrant/faults`, { kind: 'expireNextUrls', count: 1 });
		expect((await request(await urlOf(second.id))).status).toBe(400);
		expect((await request(await urlOf(second.id))).status).toBe(200);
		await postJson(`${control}/firehydrant/expunge`, { exportRequestId: third.id });
		expect((await request(await urlOf(third.id))).status).toBe(404);
		const lifetime = await postJson(`${control}/firehydrant/url-lifetime`, { ms: 1 });
		expect(lifetime.json).toEqual({ ok: true, ms: 1 });
		const quick = await urlOf(first.id);
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect((await request(quick)).status).toBe(400);
	});

	it('adds custom exports from text or base64', async () => {
		const text = await postJson(`${control}/firehydrant/export-requests`, {
			source: 'text/csv+incident-20220525',
			body: 'id,updated_at\r\nx-1,2025-01-01T00:00:00Z\r\n',
			createdAt: '2025-01-15T05:00:00Z',
		});
		expect(text.status).toBe(201);
		const created = text.json as Record<string, string>;
		expect(created).toMatchObject({
			source: 'text/csv+incident-20220525',
			status: 'completed',
			createdAt: '2025-01-15T05:00:00.000Z',
		});
		const binary = Buffer.from([0xef, 0xbb, 0xbf, 0x69, 0x64, 0x0a]);
		const base64 = await postJson(`${control}/firehydrant/export-requests`, {
			source: 'text/csv+retrospective-20220525',
			bodyBase64: binary.toString('base64'),
			status: 'errored',
		});
		const createdBinary = base64.json as Record<string, string>;
		expect(sandbox.fireHydrant.rawCsv(createdBinary.id).equals(binary)).toBe(true);
		expect(
			sandbox.fireHydrant.expectedRows('incident', { exportRequestIds: [created.id] }),
		).toEqual([{ id: 'x-1', updated_at: '2025-01-01T00:00:00Z' }]);
	});

	it('answers 400 for bad control input and 404 for unknown control paths', async () => {
		expect((await postJson(`${control}/firehydrant/faults`, { kind: 'meteor' })).status).toBe(400);
		expect(
			(await postJson(`${control}/firehydrant/faults`, { kind: 'rateLimit', count: -2 })).status,
		).toBe(400);
		expect(
			(await postJson(`${control}/firehydrant/expunge`, { exportRequestId: 'nope' })).status,
		).toBe(400);
		expect((await postJson(`${control}/firehydrant/export-requests`, { source: 'x' })).status).toBe(
			400,
		);
		expect((await request(`${control}/firehydrant/expected-rows`)).status).toBe(400);
		expect(
			(await request(`${control}/firehydrant/faults`, { method: 'POST', body: '{not json' }))
				.status,
		).toBe(400);
		expect((await request(`${control}/nothing`)).status).toBe(404);
		expect((await request(`${control}/firehydrant/nothing`)).status).toBe(404);
	});

	it('resets everything with POST /__sandbox/reset, and exposes the request log', async () => {
		sandbox.fireHydrant.faults.rateLimit(5);
		sandbox.fireHydrant.setUrlLifetime(1);
		sandbox.fireHydrant.addExportRequest({ source: 'text/csv+incident-20220525', body: '' });
		await ping();
		const log = (await request(`${control}/requests`)).json as Array<Record<string, unknown>>;
		expect(log.map((recorded) => [recorded.kind, recorded.status])).toEqual([
			['api', 429],
			['control', 0],
		]);
		expect((await postJson(`${control}/reset`, {})).status).toBe(200);
		expect(sandbox.requests.map((recorded) => recorded.path)).toEqual([]);
		expect((await ping()).status).toBe(200);
		expect(sandbox.fireHydrant.exportRequests).toHaveLength(35);
		expect((await request(`${control}/firehydrant`)).json).toMatchObject({
			urlLifetimeMs: 300_000,
		});
		expect((await request(`${control}/requests`, { method: 'DELETE' })).status).toBe(200);
		expect(sandbox.requests).toHaveLength(0);
	});
});
