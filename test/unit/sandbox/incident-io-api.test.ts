/**
 * The incident.io sandbox answers like the API: responses valid against the vendor's OpenAPI spec,
 * hidden-by-default categories and modes, cursor pagination, day-granular date filters that refuse
 * gte with lte, scoped keys, and both rate limits with 429 + Retry-After on a short window.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { HIDDEN_CATEGORIES, type Json } from '../../sandbox/incident-io';
import {
	loadOpenApi,
	validateResponse,
	vendorSpecPath,
	type OpenApiDocument,
} from '../../sandbox/spec';
import { request, type HttpResult } from './http';

jest.setTimeout(30_000);

let sandbox: Sandbox;
let spec: OpenApiDocument;

beforeAll(async () => {
	sandbox = await startSandbox({ seed: 5, incidentIo: { incidents: 45 } });
	spec = loadOpenApi(vendorSpecPath('incident-io-openapi.json'));
});

afterAll(async () => {
	// beforeAll may have failed before the sandbox started; its error is the one to report.
	await sandbox?.close();
});

afterEach(() => sandbox.incidentIo.reset());

async function get(path: string, key = sandbox.incidentIo.apiKey): Promise<HttpResult> {
	return await request(`${sandbox.incidentIo.apiBaseUrl}${path}`, {
		headers: { Authorization: `Bearer ${key}` },
	});
}

const ALL =
	'status_category[one_of]=triage&status_category[one_of]=live&status_category[one_of]=learning&status_category[one_of]=paused&status_category[one_of]=closed&status_category[one_of]=declined&status_category[one_of]=canceled&status_category[one_of]=merged&mode[one_of]=standard&mode[one_of]=retrospective&mode[one_of]=test&mode[one_of]=tutorial&mode[one_of]=stream';

describe('incident.io sandbox responses match the vendor spec', () => {
	const first = (list: () => Json[]) => String(list()[0].id);
	const cases: Array<[string, string, () => string]> = [
		['/v1/identity', '/v1/identity', () => ''],
		['/v2/incidents', `/v2/incidents?page_size=250&${ALL}`, () => ''],
		['/v2/incidents/{id}', '/v2/incidents/', () => first(() => sandbox.incidentIo.data.incidents)],
		['/v2/actions', '/v2/actions?incident_mode=test', () => ''],
		['/v2/actions/{id}', '/v2/actions/', () => first(() => sandbox.incidentIo.data.actions)],
		['/v2/follow_ups', '/v2/follow_ups', () => ''],
		[
			'/v2/follow_ups/{id}',
			'/v2/follow_ups/',
			() => first(() => sandbox.incidentIo.data.followUps),
		],
		['/v2/incident_updates', '/v2/incident_updates?page_size=250', () => ''],
		['/v2/custom_fields', '/v2/custom_fields', () => ''],
		[
			'/v2/custom_fields/{id}',
			'/v2/custom_fields/',
			() => first(() => sandbox.incidentIo.data.customFields),
		],
		[
			'/v1/custom_field_options',
			'/v1/custom_field_options?page_size=250&custom_field_id=',
			() => String(sandbox.incidentIo.data.customFields[0].id),
		],
		[
			'/v1/custom_field_options/{id}',
			'/v1/custom_field_options/',
			() => first(() => sandbox.incidentIo.data.customFieldOptions),
		],
		['/v2/incident_roles', '/v2/incident_roles', () => ''],
		['/v1/incident_statuses', '/v1/incident_statuses', () => ''],
		['/v2/incident_timestamps', '/v2/incident_timestamps', () => ''],
		['/v1/incident_types', '/v1/incident_types', () => ''],
		['/v1/severities', '/v1/severities', () => ''],
		['/v2/users', '/v2/users?include_inactive=true&page_size=250', () => ''],
		['/v2/users/{id}', '/v2/users/', () => first(() => sandbox.incidentIo.data.users)],
		['/v3/catalog_types', '/v3/catalog_types', () => ''],
		[
			'/v3/catalog_entries',
			'/v3/catalog_entries?page_size=250&catalog_type_id=',
			() => String(sandbox.incidentIo.data.catalogTypes[0].id),
		],
		[
			'/v3/catalog_entries/{id}',
			'/v3/catalog_entries/',
			() => first(() => sandbox.incidentIo.data.catalogEntries),
		],
	];

	it.each(cases)('%s', async (specPath, path, suffix) => {
		const result = await get(`${path}${suffix()}`);
		expect(result.status).toBe(200);
		const issues = validateResponse(
			spec,
			{ path: specPath, method: 'GET', status: 200, body: result.json },
			{ forbidUndeclaredProperties: true },
		)
			// UNVERIFIED (vendor notes): incidents can be in mode "stream", which the spec's IncidentV2
			// enum does not list yet. Assumed: the notes are newer than the spec; only that is tolerated.
			.filter((issue) => !(/\/mode$/.test(issue.path) && issue.message.endsWith('got "stream"')));
		expect(issues).toEqual([]);
	});
});

describe('incident.io sandbox behaviour', () => {
	it('hides declined, canceled and merged incidents and test/tutorial/stream modes unless asked', async () => {
		const plain = (await get('/v2/incidents?page_size=250')).json as { incidents: Json[] };
		expect(
			plain.incidents.every(
				(incident) =>
					!HIDDEN_CATEGORIES.includes(String((incident.incident_status as Json).category)),
			),
		).toBe(true);
		expect(
			plain.incidents.every((incident) =>
				['standard', 'retrospective'].includes(String(incident.mode)),
			),
		).toBe(true);
		const all = (await get(`/v2/incidents?page_size=250&${ALL}`)).json as { incidents: Json[] };
		expect(all.incidents).toHaveLength(sandbox.incidentIo.data.incidents.length);
	});

	it('pages with after and pagination_meta.after, and refuses pages above 250', async () => {
		const seen: string[] = [];
		let after = '';
		for (let page = 0; page < 20; page++) {
			const body = (await get(`/v2/incidents?page_size=10&${ALL}${after ? `&after=${after}` : ''}`))
				.json as { incidents: Json[]; pagination_meta: { after?: string } };
			seen.push(...body.incidents.map((incident) => String(incident.id)));
			if (!body.pagination_meta.after) break;
			after = body.pagination_meta.after;
		}
		expect(new Set(seen).size).toBe(sandbox.incidentIo.data.incidents.length);
		expect((await get('/v2/incidents?page_size=251')).status).toBe(422);
	});

	it('refuses updated_at gte with lte (422) and matches date_range by whole days', async () => {
		const refused = await get(
			'/v2/incidents?updated_at[gte]=2024-01-01&updated_at[lte]=2024-02-01',
		);
		expect(refused.status).toBe(422);
		expect(JSON.stringify(refused.json)).toContain('date_range');
		const incident = sandbox.incidentIo.data.incidents[7];
		const day = String(incident.updated_at).slice(0, 10);
		const body = (
			await get(`/v2/incidents?page_size=250&${ALL}&updated_at[date_range]=${day}~${day}`)
		).json as { incidents: Json[] };
		expect(body.incidents.map((candidate) => candidate.id)).toContain(incident.id);
		expect(body.incidents.every((candidate) => String(candidate.updated_at).startsWith(day))).toBe(
			true,
		);
	});

	it('answers 422 to an unknown status category or mode', async () => {
		expect((await get('/v2/incidents?status_category[one_of]=resolved')).status).toBe(422);
		expect((await get('/v2/actions?incident_mode=drill')).status).toBe(422);
	});

	it('answers 403 naming the scope a key lacks, and leaves private incidents out for keys without that scope', async () => {
		const refused = await get('/v3/catalog_types', sandbox.incidentIo.noCatalogKey);
		expect(refused.status).toBe(403);
		expect(JSON.stringify(refused.json)).toContain('View catalog types and entries');
		const publicOnly = (
			await get(`/v2/incidents?page_size=250&${ALL}`, sandbox.incidentIo.noPrivateKey)
		).json as { incidents: Json[] };
		expect(publicOnly.incidents.every((incident) => incident.visibility === 'public')).toBe(true);
		const privateIncident = sandbox.incidentIo.data.incidents.find(
			(incident) => incident.visibility === 'private',
		) as Json;
		expect(
			(await get(`/v2/incidents/${String(privateIncident.id)}`, sandbox.incidentIo.noPrivateKey))
				.status,
		).toBe(403);
		expect((await get('/v1/identity', 'wrong')).status).toBe(401);
	});

	it('enforces 60 incident lists per window with 429 and Retry-After, on a settable window', async () => {
		sandbox.incidentIo.setRateLimits({
			incidentList: { limit: 60, windowMs: 1_500 },
			general: { limit: 1200, windowMs: 1_500 },
		});
		const statuses: number[] = [];
		for (let index = 0; index < 61; index++)
			statuses.push((await get('/v2/incidents?page_size=1')).status);
		expect(statuses.slice(0, 60).every((status) => status === 200)).toBe(true);
		const limited = await get('/v2/incidents?page_size=1');
		expect(limited.status).toBe(429);
		expect(limited.headers['retry-after']).toMatch(/^\d+$/);
		expect((limited.json as Json).type).toBe('too_many_requests');
		// Other endpoints count against the general limit only.
		expect((await get('/v1/severities')).status).toBe(200);
		await new Promise((resolve) =>
			setTimeout(resolve, Number(limited.headers['retry-after']) * 1000),
		);
		expect((await get('/v2/incidents?page_size=1')).status).toBe(200);
	});

	it('enforces the general limit on every endpoint', async () => {
		sandbox.incidentIo.setRateLimits({ general: { limit: 5, windowMs: 60_000 } });
		const statuses: number[] = [];
		for (let index = 0; index < 6; index++) statuses.push((await get('/v1/severities')).status);
		expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
	});

	it('touch marks records changed now', async () => {
		const touched = sandbox.incidentIo.touch({ incidents: 2 });
		const changed = sandbox.incidentIo.data.incidents.filter((incident) =>
			touched.incidents.includes(String(incident.id)),
		);
		expect(
			changed.every((incident) => Date.now() - Date.parse(String(incident.updated_at)) < 5_000),
		).toBe(true);
	});
});
