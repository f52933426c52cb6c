/**
 * FireHydrant's page walks through n8n-core's real engine against the sandbox: a list whose pages
 * go round ends the run with a clear error instead of looping, and REST Get Rows honours Limit
 * (no request once the rows are in hand) and Deduplicate. Requests are counted at the sandbox.
 */
import type { IDataObject } from 'n8n-workflow';

import { pacerRegistry } from '../../../../../lib/pacer';
import type { Sandbox } from '../../../../sandbox';
import {
	ALL_SOURCES,
	errorText,
	getRows,
	REST_ACCOUNT,
	rowsOf,
	runFireHydrant,
	useSandbox,
} from '../setup';

jest.setTimeout(60_000);

let sandbox: Sandbox;
useSandbox(REST_ACCOUNT, (started) => {
	sandbox = started;
});

const restRows = (extra: IDataObject = {}) => ({
	resource: 'exportData',
	operation: 'getRows',
	dataSource: 'rest',
	...extra,
});

/** API requests the sandbox received for a path (a string is matched exactly, a pattern as a test). */
function requestsTo(path: string | RegExp): number {
	return sandbox.requests.filter(
		(request) =>
			request.kind === 'api' &&
			(typeof path === 'string' ? request.path === path : path.test(request.path)),
	).length;
}

describe('FireHydrant pagination that goes round', () => {
	it('Export Get Rows stops with a clear error when the export request list answers page 1 again', async () => {
		sandbox.fireHydrant.faults.circularPagination();
		const result = await runFireHydrant(sandbox, getRows());
		expect(result.status).toBe('error');
		const text = errorText(result);
		expect(text).toContain(
			'FireHydrant sent the page number "1" of GET /v1/integrations/data_export/export_requests a second time',
		);
		expect(text).toContain('went in a circle');
		expect(requestsTo('/v1/integrations/data_export/export_requests')).toBe(1);
	});

	it('REST Get Rows stops with a clear error when the incident list answers page 1 again', async () => {
		sandbox.fireHydrant.faults.circularPagination();
		const result = await runFireHydrant(sandbox, restRows({ sources: ['incident'] }));
		expect(result.status).toBe('error');
		expect(errorText(result)).toContain(
			'FireHydrant sent the page number "1" of GET /v1/incidents a second time',
		);
		expect(requestsTo('/v1/incidents')).toBe(1);
	});

	it('Incident Get Many (Return All) stops with a clear error when the incident list answers page 1 again', async () => {
		sandbox.fireHydrant.faults.circularPagination();
		const result = await runFireHydrant(sandbox, {
			resource: 'incident',
			operation: 'getMany',
			returnAll: true,
		});
		expect(result.status).toBe('error');
		expect(errorText(result)).toContain('of GET /v1/incidents a second time');
		expect(requestsTo('/v1/incidents')).toBe(1);
	});
});

describe('FireHydrant REST Get Rows: Limit and Deduplicate', () => {
	it('stops requesting once Limit rows are in hand: no sub-requests for incidents past the limit', async () => {
		const everything = rowsOf(await runFireHydrant(sandbox, restRows({ sources: ALL_SOURCES })));
		const incidentCount = everything.filter((row) => row._source === 'incident').length;
		expect(incidentCount).toBe(14);
		expect(requestsTo(/^\/v1\/incidents\/[^/]+\/events$/)).toBe(14);

		sandbox.reset();
		pacerRegistry.clear();
		const limited = await runFireHydrant(
			sandbox,
			restRows({ sources: ALL_SOURCES, returnAll: false, limit: 10 }),
		);
		expect(limited.status).toBe('success');
		const rows = rowsOf(limited);
		expect(rows).toEqual(everything.slice(0, 10));
		// Only the incidents whose rows are among the 10 were asked about, and no report page.
		const incidentsInRows = new Set(
			rows.map((row) => String(row._source === 'incident' ? row.id : row.incident_id)),
		);
		expect(requestsTo(/^\/v1\/incidents\/[^/]+\/events$/)).toBe(incidentsInRows.size);
		expect(incidentsInRows.size).toBeLessThan(4);
		expect(requestsTo('/v1/post_mortems/reports')).toBe(0);
	});

	it('asks the incident list for only Limit records when each incident is one row', async () => {
		const result = await runFireHydrant(
			sandbox,
			restRows({ sources: ['incident'], returnAll: false, limit: 3 }),
		);
		expect(rowsOf(result)).toHaveLength(3);
		const listRequests = sandbox.requests.filter((request) => request.path === '/v1/incidents');
		expect(listRequests.map((request) => request.query.per_page)).toEqual(['3']);
	});

	it('Deduplicate keeps one row per source and record id; turned off, every record read is a row', async () => {
		const clean = rowsOf(await runFireHydrant(sandbox, restRows({ sources: ALL_SOURCES })));

		sandbox.reset();
		pacerRegistry.clear();
		sandbox.fireHydrant.faults.duplicateListEntries();
		const deduplicated = rowsOf(await runFireHydrant(sandbox, restRows({ sources: ALL_SOURCES })));
		expect(deduplicated).toEqual(clean);
		// A repeated incident of the same version costs no second round of sub-requests.
		expect(requestsTo(/^\/v1\/incidents\/[^/]+\/events$/)).toBe(14);

		sandbox.reset();
		pacerRegistry.clear();
		sandbox.fireHydrant.faults.duplicateListEntries();
		const kept = rowsOf(
			await runFireHydrant(
				sandbox,
				restRows({ sources: ['incident', 'retrospective'], restOptions: { deduplicate: false } }),
			),
		);
		const cleanOfThose = clean.filter(
			(row) => row._source === 'incident' || row._source === 'retrospective',
		);
		expect(kept).toHaveLength(cleanOfThose.length * 2);
		expect(new Set(kept.map((row) => `${String(row._source)}:${String(row.id)}`)).size).toBe(
			cleanOfThose.length,
		);
	});
});
