/**
 * The sandbox's FireHydrant REST API: answers derived from the same history as the exports,
 * checked against FireHydrant's OpenAPI spec, with `updated_after` semantics, webhooks CRUD,
 * the switchable account-wide rate limit and a webhook sender that signs deliveries.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { startSandbox, type Sandbox } from '../../sandbox';
import {
	loadOpenApi,
	validateResponse,
	vendorSpecPath,
	type OpenApiDocument,
} from '../../sandbox/spec';
import { authorized, postJson, request } from './http';

let sandbox: Sandbox;
let spec: OpenApiDocument;

beforeAll(async () => {
	sandbox = await startSandbox({
		seed: 3,
		fireHydrant: { incidents: 45, nights: 3, eventsPerIncident: 4 },
	});
	spec = loadOpenApi(vendorSpecPath('firehydrant-openapi.yaml'));
});

afterAll(async () => {
	// beforeAll may have failed before the sandbox started; its error is the one to report.
	await sandbox?.close();
});

afterEach(() => sandbox.reset());

const get = (path: string, token = sandbox.fireHydrant.apiToken) =>
	request(`${sandbox.baseUrl}${path}`, { headers: authorized(token) });

interface Page {
	data: Array<Record<string, unknown>>;
	pagination: { count: number; next: number | null; page: number };
}

function expectSpec(path: string, method: string, status: number, body: unknown): void {
	expect(validateResponse(spec, { path, method, status, body })).toEqual([]);
}

describe('sandbox FireHydrant REST: incidents', () => {
	it('lists incidents in pages, per the spec, with every incident the exports hold', async () => {
		const first = await get('/v1/incidents?per_page=20');
		expect(first.status).toBe(200);
		expectSpec('/v1/incidents', 'GET', 200, first.json);
		const page = first.json as Page;
		expect(page.data).toHaveLength(20);
		expect(page.pagination.count).toBe(sandbox.fireHydrant.totals().incidents);
		expect(page.pagination.next).toBe(2);
		const last = (await get('/v1/incidents?per_page=20&page=3')).json as Page;
		expect(last.pagination.next).toBeNull();
		expect(last.data).toHaveLength(5);
		const exportIds = sandbox.fireHydrant
			.expectedRows('incident')
			.map((row) => row.id)
			.sort();
		expect(sandbox.fireHydrant.rest.incidentIds().slice().sort()).toEqual(exportIds);
	});

	it('clamps per_page to 200', async () => {
		const page = (await get('/v1/incidents?per_page=500')).json as Page;
		expect(page.data).toHaveLength(45);
	});

	it('updated_after / updated_before are strict, on the newest visible change; live edits count', async () => {
		const id = sandbox.fireHydrant.rest.incidentIds()[4];
		const updated = sandbox.fireHydrant.rest.incidentUpdatedAt(id);
		const at = new Date(updated).toISOString();
		const after = (await get(`/v1/incidents?per_page=200&updated_after=${at}`)).json as Page;
		expect(after.data.map((incident) => incident.id)).not.toContain(id);
		const justBefore = new Date(updated - 1).toISOString();
		expect(
			((await get(`/v1/incidents?per_page=200&updated_after=${justBefore}`)).json as Page).data.map(
				(i) => i.id,
			),
		).toContain(id);
		expect(
			((await get(`/v1/incidents?per_page=200&updated_before=${at}`)).json as Page).data.map(
				(i) => i.id,
			),
		).not.toContain(id);

		const now = new Date().toISOString();
		expect(((await get(`/v1/incidents?updated_after=${now}`)).json as Page).data).toHaveLength(0);
		sandbox.fireHydrant.rest.editIncident(id, { name: 'Edited' });
		const edited = (await get(`/v1/incidents?updated_after=${now}`)).json as Page;
		expect(edited.data.map((incident) => [incident.id, incident.name])).toEqual([[id, 'Edited']]);
	});

	it('rejects an unparseable updated_after with 400', async () => {
		const result = await get('/v1/incidents?updated_after=yesterday');
		expect(result.status).toBe(400);
		expect((result.json as { detail: string }).detail).toContain('updated_after');
	});

	it('serves one incident, its role assignments, events and impacts, per the spec', async () => {
		const id = sandbox.fireHydrant.rest.incidentIds()[0];
		const incident = await get(`/v1/incidents/${id}`);
		expectSpec('/v1/incidents/{incident_id}', 'GET', 200, incident.json);
		const roles = await get(`/v1/incidents/${id}/role_assignments`);
		expectSpec('/v1/incidents/{incident_id}/role_assignments', 'GET', 200, roles.json);
		const events = await get(`/v1/incidents/${id}/events?per_page=200`);
		expectSpec('/v1/incidents/{incident_id}/events', 'GET', 200, events.json);
		const services = await get(`/v1/incidents/${id}/impact/services`);
		expectSpec('/v1/incidents/{incident_id}/impact/{type}', 'GET', 200, services.json);
		const expectedEvents = sandbox.fireHydrant
			.expectedRows('incident_event')
			.filter((row) => row.incident_id === id);
		expect((events.json as Page).data.map((event) => event.id).sort()).toEqual(
			expectedEvents.map((row) => row.id).sort(),
		);
		const expectedRoles = sandbox.fireHydrant
			.expectedRows('incident_role_assignment')
			.filter((row) => row.incident_id === id);
		expect((roles.json as Page).data.map((role) => [role.id, role.status]).sort()).toEqual(
			expectedRoles.map((row) => [row.id, row.status]).sort(),
		);
	});

	it('lists post-mortem reports with updated_since (strict)', async () => {
		const all = (await get('/v1/post_mortems/reports?per_page=200')).json as Page;
		expect(all.data.length).toBe(sandbox.fireHydrant.expectedRows('retrospective').length);
		const newest = all.data[0];
		const since = (await get(`/v1/post_mortems/reports?updated_since=${String(newest.updated_at)}`))
			.json as Page;
		expect(since.data.map((report) => report.id)).not.toContain(newest.id);
	});

	it('answers 401 without or with a wrong token, 404 for unknown and vanished incidents, 403 for denied paths', async () => {
		expect((await request(`${sandbox.baseUrl}/v1/incidents`)).status).toBe(401);
		expect((await get('/v1/incidents', 'fhb-wrong')).status).toBe(401);
		expect((await get('/v1/incidents/nope')).status).toBe(404);
		const id = sandbox.fireHydrant.rest.incidentIds()[1];
		sandbox.fireHydrant.rest.vanishIncident(id);
		expect((await get(`/v1/incidents/${id}/events`)).status).toBe(404);
		expect(sandbox.fireHydrant.rest.incidentIds()).toContain(id);
		sandbox.fireHydrant.rest.deny('^/v1/post_mortems');
		const denied = await get('/v1/post_mortems/reports');
		expect(denied.status).toBe(403);
		expect(denied.json).toMatchObject({ code: 'forbidden' });
	});
});

describe('sandbox FireHydrant REST: rate limit', () => {
	it('is off by default', async () => {
		const statuses = await Promise.all(
			Array.from({ length: 60 }, () => get('/v1/incidents?per_page=1').then((r) => r.status)),
		);
		expect(statuses.every((status) => status === 200)).toBe(true);
	});

	it('when on, answers 429 with Retry-After past the limit, and frees up after the window', async () => {
		await postJson(`${sandbox.baseUrl}/__sandbox/firehydrant/rest/rate-limit`, {
			enabled: true,
			limit: 5,
			windowMs: 300,
		});
		const statuses: number[] = [];
		for (let index = 0; index < 7; index++)
			statuses.push((await get('/v1/incidents?per_page=1')).status);
		expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
		const limited = await get('/v1/incidents?per_page=1');
		expect(limited.headers['retry-after']).toBe('1');
		expect(limited.headers['ratelimit-limit']).toBe('5');
		expect(limited.json).toEqual({ error: 'rate limit exceeded' });
		await new Promise((resolve) => setTimeout(resolve, 350));
		expect((await get('/v1/incidents?per_page=1')).status).toBe(200);
	});
});

describe('sandbox FireHydrant REST: webhooks', () => {
	it('creates, lists, reads and deletes webhooks per the spec; the limited token gets 403', async () => {
		const headers = {
			...authorized(sandbox.fireHydrant.apiToken),
			'Content-Type': 'application/json',
		};
		const created = await request(`${sandbox.baseUrl}/v1/webhooks`, {
			method: 'POST',
			headers,
			body: JSON.stringify({ url: 'https://example.test/hook', secret: 's3cret' }),
		});
		expect(created.status).toBe(201);
		const webhook = created.json as { id: string; url: string };
		expectSpec('/v1/webhooks', 'POST', 201, webhook);
		const one = await get(`/v1/webhooks/${webhook.id}`);
		expectSpec('/v1/webhooks/{webhook_id}', 'GET', 200, one.json);
		expect((await get('/v1/webhooks')).json).toMatchObject({
			data: [{ id: webhook.id, url: 'https://example.test/hook' }],
		});
		expect((await get('/v1/webhooks', sandbox.fireHydrant.limitedToken)).status).toBe(403);
		const deleted = await request(`${sandbox.baseUrl}/v1/webhooks/${webhook.id}`, {
			method: 'DELETE',
			headers,
		});
		expect(deleted.status).toBe(204);
		expect((await get(`/v1/webhooks/${webhook.id}`)).status).toBe(404);
	});

	it('delivers signed JSON to registered urls: fh-signature is hex HMAC-SHA256 of the raw body', async () => {
		const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
		const receiver = http.createServer((incoming, response) => {
			const chunks: Buffer[] = [];
			incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
			incoming.on('end', () => {
				received.push({ headers: incoming.headers, body: Buffer.concat(chunks).toString('utf8') });
				response.writeHead(200).end('ok');
			});
		});
		await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
		try {
			const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
			const headers = {
				...authorized(sandbox.fireHydrant.apiToken),
				'Content-Type': 'application/json',
			};
			await request(`${sandbox.baseUrl}/v1/webhooks`, {
				method: 'POST',
				headers,
				body: JSON.stringify({ url, secret: 'k3y' }),
			});
			const incidentId = sandbox.fireHydrant.rest.incidentIds()[0];
			const results = (
				await postJson(`${sandbox.baseUrl}/__sandbox/firehydrant/rest/deliver`, {
					incidentId,
					operation: 'created',
				})
			).json as Array<{ status: number }>;
			expect(results.map((result) => result.status)).toEqual([200]);
			const [delivery] = received;
			expect(delivery.headers['fh-signature']).toBe(
				createHmac('sha256', 'k3y').update(delivery.body).digest('hex'),
			);
			const payload = JSON.parse(delivery.body) as {
				data: { incident: { id: string; created_at: string } };
				event: unknown;
			};
			expect(payload.event).toEqual({ operation: 'created', resource_type: 'incidents' });
			expect(payload.data.incident.id).toBe(incidentId);
			expect(payload.data.incident.created_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);

			await sandbox.fireHydrant.deliverWebhook({ incidentId, tamper: true });
			const tampered = received[1];
			expect(tampered.headers['fh-signature']).not.toBe(
				createHmac('sha256', 'k3y').update(tampered.body).digest('hex'),
			);
		} finally {
			await new Promise((resolve) => receiver.close(resolve));
		}
	});
});
