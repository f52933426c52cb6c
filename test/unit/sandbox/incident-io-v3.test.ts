/**
 * The incident.io sandbox's `/v3/actions` and `/v3/follow_ups`: cursor pagination, one
 * `incident_mode` per request, day-granular `updated_at` filters (422 on gte with lte), and a
 * switch that makes them answer 404 the way an account or API without them would.
 *
 * UNVERIFIED (vendor notes): the published spec has no v3 actions or follow-ups; the notes say only
 * "paginated, updated_at filters, need incident_mode per mode". Assumed: v3 items have the v2
 * fields, the envelope is `{actions|follow_ups: [...], pagination_meta: {after?, page_size}}`, and
 * a page holds at most 250 records (as incidents).
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { ALL_MODES, V3_WORK_ITEM_PAGE_SIZE, type Json } from '../../sandbox/incident-io';
import {
	loadOpenApi,
	validateResponse,
	vendorSpecPath,
	type OpenApiDocument,
} from '../../sandbox/spec';
import { postJson, request, type HttpResult } from './http';

jest.setTimeout(30_000);

let sandbox: Sandbox;
let spec: OpenApiDocument;

beforeAll(async () => {
	sandbox = await startSandbox({ seed: 9, incidentIo: { incidents: 45, actionsPerIncident: 3 } });
	spec = loadOpenApi(vendorSpecPath('incident-io-openapi.json'));
});

afterAll(async () => {
	// beforeAll may have failed before the sandbox started; its error is the one to report.
	await sandbox?.close();
});

afterEach(() => sandbox.incidentIo.reset());

async function get(path: string): Promise<HttpResult> {
	return await request(`${sandbox.incidentIo.apiBaseUrl}${path}`, {
		headers: { Authorization: `Bearer ${sandbox.incidentIo.apiKey}` },
	});
}

interface V3Page {
	actions?: Json[];
	follow_ups?: Json[];
	pagination_meta: { after?: string; page_size: number };
}

const modeOf = (incidentId: unknown) =>
	String(sandbox.incidentIo.data.incidents.find((incident) => incident.id === incidentId)?.mode);

describe('incident.io sandbox v3 actions and follow-ups', () => {
	it.each([
		['/v3/actions', 'actions', '/v2/actions'],
		['/v3/follow_ups', 'follow_ups', '/v2/follow_ups'],
	] as const)(
		'%s pages through one mode at a time with records shaped like v2',
		async (path, key, v2Path) => {
			for (const mode of ALL_MODES) {
				const seen: Json[] = [];
				let after = '';
				for (let page = 0; page < 50; page++) {
					const result = await get(
						`${path}?incident_mode=${mode}&page_size=4${after ? `&after=${after}` : ''}`,
					);
					expect(result.status).toBe(200);
					const body = result.json as V3Page;
					expect(body.pagination_meta.page_size).toBe(4);
					seen.push(...(body[key] ?? []));
					if (!body.pagination_meta.after) break;
					after = body.pagination_meta.after;
				}
				const expected = (
					key === 'actions' ? sandbox.incidentIo.data.actions : sandbox.incidentIo.data.followUps
				).filter((record) => modeOf(record.incident_id) === mode);
				expect(seen.map((record) => record.id)).toEqual(expected.map((record) => record.id));
				// The items are checked against the v2 list's schema: the assumption that v3 keeps v2's fields.
				const issues = validateResponse(
					spec,
					{ path: v2Path, method: 'GET', status: 200, body: { [key]: seen } },
					{ forbidUndeclaredProperties: true },
				);
				expect(issues).toEqual([]);
			}
			expect((await get(`${path}?page_size=${V3_WORK_ITEM_PAGE_SIZE + 1}`)).status).toBe(422);
			expect((await get(`${path}?incident_mode=drill&page_size=10`)).status).toBe(422);
		},
	);

	it('matches updated_at[date_range] by whole days, refuses gte with lte and a repeated date_range', async () => {
		const action = sandbox.incidentIo.data.actions[5];
		const day = String(action.updated_at).slice(0, 10);
		const mode = modeOf(action.incident_id);
		const body = (
			await get(
				`/v3/actions?incident_mode=${mode}&page_size=250&updated_at[date_range]=${day}~${day}`,
			)
		).json as V3Page;
		expect(body.actions?.map((record) => record.id)).toContain(action.id);
		expect(body.actions?.every((record) => String(record.updated_at).startsWith(day))).toBe(true);
		expect(
			(await get('/v3/actions?page_size=10&updated_at[gte]=2024-01-01&updated_at[lte]=2024-02-01'))
				.status,
		).toBe(422);
		expect(
			(
				await get(
					'/v3/follow_ups?page_size=10&updated_at[date_range]=2024-01-01~2024-01-02&updated_at[date_range]=2024-01-03~2024-01-04',
				)
			).status,
		).toBe(422);
	});

	it('answers 404 for both v3 lists when switched off through the control API, and v2 keeps working', async () => {
		const off = await postJson(`${sandbox.baseUrl}/__sandbox/incident-io/v3-work-items`, {
			available: false,
		});
		expect(off.status).toBe(200);
		expect((await get('/v3/actions?page_size=10')).status).toBe(404);
		expect((await get('/v3/follow_ups?page_size=10')).status).toBe(404);
		expect((await get('/v2/actions?incident_mode=test')).status).toBe(200);
		expect(
			(
				await postJson(`${sandbox.baseUrl}/__sandbox/incident-io/v3-work-items`, {
					available: 'no',
				})
			).status,
		).toBe(400);
		sandbox.incidentIo.reset();
		expect((await get('/v3/actions?page_size=10')).status).toBe(200);
	});
});
