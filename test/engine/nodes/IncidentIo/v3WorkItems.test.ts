/**
 * Actions and follow-ups through `/v3/actions` and `/v3/follow_ups`, in the real engine: cursor
 * pagination, one pass per incident mode, one `updated_at[date_range]` per incremental request,
 * and the fallback to the unpaginated v2 lists (with a hint) where v3 answers 404.
 *
 * UNVERIFIED (vendor notes): v3 actions and follow-ups are not in the published spec; the notes say
 * only "paginated, updated_at filters, need incident_mode per mode". Assumed: v3 items carry the v2
 * fields, the envelope is `{actions|follow_ups: [...], pagination_meta: {after?, page_size}}`, pages
 * hold up to 250 records, and date filters match whole days like the incident list's.
 */
import type { IDataObject } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../../sandbox';
import { ALL_MODES, V3_WORK_ITEM_PAGE_SIZE, type Json } from '../../../sandbox/incident-io';
import {
	expectSuccess,
	NODE_NAME,
	rowsOf,
	runIncidentIo,
	scaleRateLimits,
	sortedIds,
} from './setup';

jest.setTimeout(60_000);

let sandbox: Sandbox;

beforeAll(async () => {
	// Enough actions and follow-ups that the standard mode alone spans more than one 250-record page.
	sandbox = await startSandbox({
		seed: 31,
		incidentIo: {
			incidents: 100,
			actionsPerIncident: 6,
			followUpsPerIncident: 6,
			updatesPerIncident: 0,
		},
	});
	scaleRateLimits(sandbox, 0.05);
});

afterAll(async () => {
	await sandbox.close();
});

beforeEach(() => {
	sandbox.incidentIo.reset();
	scaleRateLimits(sandbox, 0.05);
	sandbox.requests.length = 0;
});

const STREAMS = [
	{
		resource: 'action',
		key: 'actions',
		v3: '/incident-io/v3/actions',
		v2: '/incident-io/v2/actions',
	},
	{
		resource: 'followUp',
		key: 'followUps',
		v3: '/incident-io/v3/follow_ups',
		v2: '/incident-io/v2/follow_ups',
	},
] as const;

const incremental = (resource: string, options: IDataObject = {}) => ({
	resource,
	operation: 'getMany',
	returnAll: true,
	options: { incremental: true, ...options },
});

function recordsOf(key: 'actions' | 'followUps'): Json[] {
	return key === 'actions' ? sandbox.incidentIo.data.actions : sandbox.incidentIo.data.followUps;
}

function requestsTo(path: string) {
	return sandbox.requests.filter((request) => request.kind === 'api' && request.path === path);
}

const modeOf = (incidentId: unknown) =>
	String(sandbox.incidentIo.data.incidents.find((incident) => incident.id === incidentId)?.mode);

describe.each(STREAMS)('incident.io $resource through $v3', ({ resource, key, v3, v2 }) => {
	it('returns the records of every mode, one pass per mode, over more than one page', async () => {
		const standard = recordsOf(key).filter((record) => modeOf(record.incident_id) === 'standard');
		// The precondition of the pagination check: one mode alone needs a second page.
		expect(standard.length).toBeGreaterThan(V3_WORK_ITEM_PAGE_SIZE);

		const result = await runIncidentIo(sandbox, {
			resource,
			operation: 'getMany',
			returnAll: true,
		});
		expectSuccess(result);
		const rows = rowsOf(result);
		expect(rows.map((row) => row.id).sort()).toEqual(
			recordsOf(key)
				.map((record) => record.id)
				.sort(),
		);
		expect(new Set(rows.map((row) => modeOf(row.incident_id)))).toEqual(new Set(ALL_MODES));

		const requests = requestsTo(v3);
		expect(new Set(requests.map((request) => request.query.incident_mode))).toEqual(
			new Set(ALL_MODES),
		);
		expect(
			requests.every((request) => request.query.page_size === String(V3_WORK_ITEM_PAGE_SIZE)),
		).toBe(true);
		expect(
			requests.some((request) => request.query.incident_mode === 'standard' && request.query.after),
		).toBe(true);
		expect(requestsTo(v2)).toHaveLength(0);
		expect(result.hints(NODE_NAME)).toEqual([]);
	});

	it('Limit stops paging once enough records arrived', async () => {
		const result = await runIncidentIo(sandbox, {
			resource,
			operation: 'getMany',
			returnAll: false,
			limit: 7,
		});
		expectSuccess(result);
		expect(rowsOf(result)).toHaveLength(7);
		const requests = requestsTo(v3);
		expect(requests).toHaveLength(1);
		expect(requests[0].query.page_size).toBe('7');
	});

	it('incremental: one updated_at[date_range] per request, exactly the changed records on the second run', async () => {
		const first = await runIncidentIo(sandbox, incremental(resource));
		expectSuccess(first);
		expect(rowsOf(first)).toHaveLength(recordsOf(key).length);

		// Spread over the list, so records of several modes change.
		const touched = sandbox.incidentIo.touch({ [key]: 9, offset: 1 })[key];
		expect(
			new Set(
				touched.map((id) => modeOf(recordsOf(key).find((record) => record.id === id)?.incident_id)),
			).size,
		).toBeGreaterThan(1);
		sandbox.requests.length = 0;
		const second = await runIncidentIo(sandbox, incremental(resource), {
			staticData: first.staticData,
		});
		expectSuccess(second);
		expect(sortedIds(second)).toEqual([...touched].sort());

		const requests = requestsTo(v3);
		expect(new Set(requests.map((request) => request.query.incident_mode))).toEqual(
			new Set(ALL_MODES),
		);
		for (const request of requests) {
			// The sandbox answers 422 to a repeated date_range and to gte with lte, so a 200 here
			// also means exactly one date_range was sent.
			expect(request.status).toBe(200);
			expect(request.query['updated_at[date_range]']).toMatch(
				/^\d{4}-\d{2}-\d{2}~\d{4}-\d{2}-\d{2}$/,
			);
			expect(request.query['updated_at[gte]']).toBeUndefined();
			expect(request.query['updated_at[lte]']).toBeUndefined();
		}
		expect(requestsTo(v2)).toHaveLength(0);
	});

	it('falls back to the v2 list when v3 answers 404, says so in a hint, and still syncs incrementally', async () => {
		sandbox.incidentIo.v3WorkItemsAvailable = false;
		const all = await runIncidentIo(sandbox, { resource, operation: 'getMany', returnAll: true });
		expectSuccess(all);
		expect(sortedIds(all)).toEqual(
			recordsOf(key)
				.map((record) => record.id)
				.sort(),
		);
		const hints = all.hints(NODE_NAME).map((hint) => hint.message);
		expect(hints).toHaveLength(1);
		expect(hints[0]).toContain(`answered 404 for ${v3.replace('/incident-io', '')}`);
		expect(hints[0]).toContain(v2.replace('/incident-io', ''));
		// v3 is asked once; every mode then goes to v2.
		expect(requestsTo(v3)).toHaveLength(1);
		expect(new Set(requestsTo(v2).map((request) => request.query.incident_mode))).toEqual(
			new Set(ALL_MODES),
		);

		const first = await runIncidentIo(sandbox, incremental(resource));
		expectSuccess(first);
		const touched = sandbox.incidentIo.touch({ [key]: 4, offset: 3 })[key];
		sandbox.requests.length = 0;
		const second = await runIncidentIo(sandbox, incremental(resource), {
			staticData: first.staticData,
		});
		expectSuccess(second);
		expect(sortedIds(second)).toEqual([...touched].sort());
		// v2 takes no date filter: none is sent there, the window is applied to the records.
		expect(
			requestsTo(v2).every((request) => request.query['updated_at[date_range]'] === undefined),
		).toBe(true);
	});
});
