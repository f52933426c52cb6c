/**
 * Changed-since syncs through the real engine: the first run returns everything, later runs only
 * what changed between runs, one `updated_at[date_range]` per request, and a failed run never
 * moves the cursor.
 */
import type { IDataObject } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../../sandbox';
import {
	errorText,
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
	sandbox = await startSandbox({ seed: 23, incidentIo: { incidents: 50 } });
	scaleRateLimits(sandbox, 0.05);
});

afterAll(async () => {
	await sandbox.close();
});

const incremental = (resource: string, options: IDataObject = {}) => ({
	resource,
	operation: 'getMany',
	returnAll: true,
	options: { incremental: true, ...options },
});

function incidentListRequests() {
	return sandbox.requests.filter(
		(request) => request.kind === 'api' && request.path === '/incident-io/v2/incidents',
	);
}

describe('incident.io incremental sync', () => {
	it('returns everything first, then exactly the incidents changed between runs', async () => {
		const first = await runIncidentIo(sandbox, incremental('incident'));
		expectSuccess(first);
		expect(rowsOf(first)).toHaveLength(sandbox.incidentIo.visibleIncidents().length);
		expect(first.staticDataPersisted).toBe(true);

		const touched = sandbox.incidentIo.touch({ incidents: 4, offset: 3 }).incidents;
		sandbox.requests.length = 0;
		const second = await runIncidentIo(sandbox, incremental('incident'), {
			staticData: first.staticData,
		});
		expectSuccess(second);
		expect(sortedIds(second)).toEqual([...touched].sort());
		const requests = incidentListRequests();
		expect(requests.length).toBeGreaterThan(0);
		for (const request of requests) {
			expect(request.query['updated_at[date_range]']).toMatch(
				/^\d{4}-\d{2}-\d{2}~\d{4}-\d{2}-\d{2}$/,
			);
			expect(request.query['updated_at[gte]']).toBeUndefined();
			expect(request.query['updated_at[lte]']).toBeUndefined();
		}

		// Nothing changed since: the overlap brings the touched incidents back, the cursor drops them.
		const third = await runIncidentIo(sandbox, incremental('incident'), {
			staticData: second.staticData,
		});
		expectSuccess(third);
		expect(rowsOf(third)).toHaveLength(0);
	});

	it('flattens incremental incidents when asked', async () => {
		const touched = sandbox.incidentIo.touch({ incidents: 1, offset: 10 }).incidents;
		const start = new Date(Date.now() - 60_000).toISOString();
		const result = await runIncidentIo(sandbox, {
			...incremental('incident', { startDate: start }),
			flatten: true,
		});
		expectSuccess(result);
		const rows = rowsOf(result);
		expect(rows.map((row) => row.id)).toContain(touched[0]);
		expect(rows.every((row) => typeof row.status === 'string')).toBe(true);
	});

	it('starts from Start Date on the first run', async () => {
		sandbox.incidentIo.reset();
		scaleRateLimits(sandbox, 0.05);
		const touched = sandbox.incidentIo.touch({ incidents: 2, offset: 1 }).incidents;
		const result = await runIncidentIo(
			sandbox,
			incremental('incident', { startDate: new Date(Date.now() - 30 * 60_000).toISOString() }),
		);
		expectSuccess(result);
		expect(sortedIds(result)).toEqual([...touched].sort());
	});

	it.each([
		['action', 'actions'],
		['followUp', 'followUps'],
	] as const)('syncs %s incrementally across every incident mode', async (resource, key) => {
		const first = await runIncidentIo(sandbox, incremental(resource));
		expectSuccess(first);
		const all =
			key === 'actions' ? sandbox.incidentIo.data.actions : sandbox.incidentIo.data.followUps;
		expect(rowsOf(first)).toHaveLength(all.length);
		const touched = sandbox.incidentIo.touch({ [key]: 3, offset: 2 })[key];
		const second = await runIncidentIo(sandbox, incremental(resource), {
			staticData: first.staticData,
		});
		expectSuccess(second);
		expect(sortedIds(second)).toEqual([...touched].sort());
	});

	it('leaves the cursor where it was when a run fails', async () => {
		const first = await runIncidentIo(sandbox, incremental('incident'));
		expectSuccess(first);
		const touched = sandbox.incidentIo.touch({ incidents: 2, offset: 20 }).incidents;
		// More 429s than the transport retries: the run fails.
		sandbox.incidentIo.forceRateLimit(10, 0);
		const failed = await runIncidentIo(sandbox, incremental('incident'), {
			staticData: first.staticData,
		});
		expect(failed.status).toBe('error');
		expect(failed.staticData).toEqual(first.staticData);
		sandbox.incidentIo.forceRateLimit(0);
		const retried = await runIncidentIo(sandbox, incremental('incident'), {
			staticData: failed.staticData,
		});
		expectSuccess(retried);
		expect(sortedIds(retried)).toEqual([...touched].sort());
	});

	it('keeps a record whose updated_at cannot be read, counts it in a hint, and does not repeat it', async () => {
		const first = await runIncidentIo(sandbox, incremental('incident'));
		expectSuccess(first);
		const record = sandbox.incidentIo.visibleIncidents()[7];
		// Today's date (so the day filter still matches it) with a time no clock shows.
		record.updated_at = `${new Date().toISOString().slice(0, 10)}T25:61:00Z`;
		const second = await runIncidentIo(sandbox, incremental('incident'), {
			staticData: first.staticData,
		});
		expectSuccess(second);
		expect(rowsOf(second).map((row) => row.id)).toContain(record.id);
		expect(
			second
				.hints(NODE_NAME)
				.map((hint) => hint.message)
				.join('\n'),
		).toContain('1 incident record(s) had no readable updated_at');
		const third = await runIncidentIo(sandbox, incremental('incident'), {
			staticData: second.staticData,
		});
		expectSuccess(third);
		expect(rowsOf(third).map((row) => row.id)).not.toContain(record.id);
	});

	it('with a Limit returns every change and says Limit was not applied', async () => {
		sandbox.incidentIo.reset();
		scaleRateLimits(sandbox, 0.05);
		const result = await runIncidentIo(sandbox, {
			...incremental('incident'),
			returnAll: false,
			limit: 3,
		});
		expectSuccess(result);
		expect(rowsOf(result)).toHaveLength(sandbox.incidentIo.visibleIncidents().length);
		expect(
			result
				.hints(NODE_NAME)
				.map((hint) => hint.message)
				.join('\n'),
		).toContain('"Limit" was not applied');
	});

	it('refuses a Start Date that is not a date', async () => {
		const result = await runIncidentIo(
			sandbox,
			incremental('incident', { startDate: '={{ "last tuesday" }}' }),
		);
		expect(result.status).toBe('error');
		expect(errorText(result)).toContain('"Start Date" must be a date such as 2024-05-01');
	});
});
