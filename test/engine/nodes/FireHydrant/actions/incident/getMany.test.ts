/**
 * FireHydrant Incident → Get Many through n8n-core's real engine against the sandbox: filters,
 * Limit pushed down to the request, Simplify, and incremental runs that return only what changed.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Sandbox } from '../../../../../sandbox';
import type { EngineRunResult } from '../../../../harness';
import {
	errorText,
	NODE_NAME,
	REST_ACCOUNT,
	rowsOf,
	runFireHydrant,
	useSandbox,
} from '../../setup';

jest.setTimeout(60_000);

let sandbox: Sandbox;
useSandbox(REST_ACCOUNT, (started) => {
	sandbox = started;
});

/** Runs the node like a trigger-started execution, so static data persists between runs. */
async function runPersisted(
	parameters: IDataObject,
	staticData: IDataObject,
): Promise<EngineRunResult> {
	return await runFireHydrant(sandbox, parameters as never, { staticData });
}

describe('FireHydrant Incident → Get Many', () => {
	it('Get Many filters and limits, and Simplify gives the flat row', async () => {
		const requestsBefore = sandbox.requests.length;
		const result = await runFireHydrant(sandbox, {
			resource: 'incident',
			operation: 'getMany',
			returnAll: false,
			limit: 7,
		});
		const incidents = rowsOf(result);
		expect(incidents).toHaveLength(7);
		expect(Object.keys(incidents[0])).toContain('resolved_at');
		expect(incidents[0].milestones).toBeUndefined();
		// The limit is pushed down to the request: one page of just 7.
		const listCalls = sandbox.requests
			.slice(requestsBefore)
			.filter((request) => request.path === '/v1/incidents');
		expect(listCalls.map((request) => request.query.per_page)).toEqual(['7']);

		const severity = String(incidents[0].severity);
		const filtered = rowsOf(
			await runFireHydrant(sandbox, {
				resource: 'incident',
				operation: 'getMany',
				returnAll: true,
				filters: { severities: severity },
				simplify: false,
			}),
		);
		expect(filtered.length).toBeGreaterThan(0);
		expect(filtered.every((incident) => incident.severity === severity)).toBe(true);
		expect(Array.isArray(filtered[0].milestones)).toBe(true);
	});

	it('Get Many incremental returns only changed incidents on the next run', async () => {
		const parameters = {
			resource: 'incident',
			operation: 'getMany',
			returnAll: true,
			options: { incremental: true, overlapMinutes: 10 },
		};
		const first = await runPersisted(parameters, {});
		expect(rowsOf(first).length).toBe(sandbox.fireHydrant.rest.incidentIds().length);
		const changed = sandbox.fireHydrant.rest.incidentIds()[0];
		sandbox.fireHydrant.rest.editIncident(changed, { name: 'Renamed during the test' });
		const second = rowsOf(await runPersisted(parameters, first.staticData));
		expect(second.map((incident) => incident.id)).toEqual([changed]);
		expect(second[0].name).toBe('Renamed during the test');
	});

	it('refuses a filter date that is no date before asking the API, naming the field, the item and what it got', async () => {
		const requestsBefore = sandbox.requests.length;
		const result = await runFireHydrant(sandbox, {
			resource: 'incident',
			operation: 'getMany',
			returnAll: true,
			filters: { updatedAfter: 'last tuesday' },
		});
		expect(result.status).toBe('error');
		expect(errorText(result)).toBe(
			'"Updated After" is not a date in item 0 | Enter a date such as 2024-05-01T00:00:00Z in "Updated After", or leave it empty; got "last tuesday".',
		);
		expect(
			sandbox.requests.slice(requestsBefore).filter((request) => request.path === '/v1/incidents'),
		).toHaveLength(0);
	});

	it('Get Many incremental with a Limit returns every change and says Limit was not applied', async () => {
		const parameters = {
			resource: 'incident',
			operation: 'getMany',
			returnAll: false,
			limit: 2,
			options: { incremental: true },
		};
		const result = await runPersisted(parameters, {});
		expect(result.status).toBe('success');
		expect(rowsOf(result).length).toBe(sandbox.fireHydrant.rest.incidentIds().length);
		expect(
			result
				.hints(NODE_NAME)
				.map((hint) => hint.message)
				.join('\n'),
		).toContain('"Limit" was not applied');
	});
});
