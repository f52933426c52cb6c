/**
 * FireHydrant's REST API through n8n-core's real engine against the sandbox: Get Rows with Data
 * Source "REST API" gives the export's rows for the same account, incremental runs return exactly
 * what changed, and every bad answer the issue names ends in a message a user can act on.
 */
import type { IDataObject } from 'n8n-workflow';

import { pacerRegistry } from '../../../../../../lib/pacer';
import { IncidentDataSync } from '../../../../../../nodes/IncidentDataSync/IncidentDataSync.node';
import { REST_UNAVAILABLE_COLUMNS } from '../../../../../../nodes/FireHydrant/rest/rows';
import type { ExportSourceName } from '../../../../../../nodes/FireHydrant/constants';
import type { Sandbox } from '../../../../../sandbox';
import { destinationSink, FIXTURE_DESTINATION_TYPE, fixtureNodeTypes } from '../../../../fixtures';
import { chain, runWorkflow, type EngineRunResult } from '../../../../harness';
import {
	ALL_SOURCES,
	credentialTypes,
	errorText,
	FIREHYDRANT_TYPE,
	fireHydrantCredential,
	getRows,
	NODE_NAME,
	nodeTypes,
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

const SYNC_TYPE = 'n8n-nodes-incident-data.incidentDataSync';
const restRows = (extra: IDataObject = {}) => ({
	resource: 'exportData',
	operation: 'getRows',
	dataSource: 'rest',
	...extra,
});

function byId(rows: IDataObject[], source: string): Map<string, IDataObject> {
	return new Map(rows.filter((row) => row._source === source).map((row) => [String(row.id), row]));
}

/** Runs the node like a trigger-started execution, so static data persists between runs. */
async function runPersisted(
	parameters: IDataObject,
	staticData: IDataObject,
	token?: string,
): Promise<EngineRunResult> {
	return await runFireHydrant(sandbox, parameters as never, { staticData, token });
}

/**
 * Columns REST derives rather than reads: incidents and events have no updated_at in the API, so
 * it is the newest milestone (incidents) or occurred_at (events), which can be older than the
 * export's value when the newest change touched no milestone (a severity change, an edited note).
 */
const DERIVED: Partial<Record<ExportSourceName, string[]>> = {
	incident: ['updated_at', 'active_duration', 'active_duration_seconds'],
	incident_event: ['updated_at'],
};

describe('FireHydrant Get Rows from the REST API', () => {
	it('gives the export rows for the same account: same sources, ids, columns and values', async () => {
		const exported = rowsOf(await runFireHydrant(sandbox, getRows({ sources: ALL_SOURCES })));
		pacerRegistry.clear();
		const fromRest = rowsOf(await runFireHydrant(sandbox, restRows({ sources: ALL_SOURCES })));
		let derivedDifferences = 0;
		let compared = 0;
		for (const source of ALL_SOURCES as ExportSourceName[]) {
			const expected = byId(exported, source);
			const got = byId(fromRest, source);
			expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
			expect(got.size).toBeGreaterThan(0);
			const skipped = new Set([...REST_UNAVAILABLE_COLUMNS[source], '_exportRequestId']);
			const derived = new Set(DERIVED[source] ?? []);
			for (const [id, exportRow] of expected) {
				const restRow = got.get(id) as IDataObject;
				expect(Object.keys(restRow)).toEqual(Object.keys(exportRow));
				expect(restRow._exportRequestId).toBeNull();
				for (const column of skipped)
					if (column !== '_exportRequestId') expect(restRow[column]).toBeNull();
				for (const [column, value] of Object.entries(exportRow)) {
					if (skipped.has(column)) continue;
					if (derived.has(column) && restRow[column] !== value) {
						derivedDifferences++;
						// A derived updated_at is never later than the real one.
						if (column === 'updated_at')
							expect(Date.parse(String(restRow[column]))).toBeLessThan(Date.parse(String(value)));
						continue;
					}
					compared++;
					expect({ source, id, column, value: restRow[column] }).toEqual({
						source,
						id,
						column,
						value,
					});
				}
			}
		}
		expect(compared).toBeGreaterThan(500);
		// Derivation differs only for the few records whose last change touched no milestone.
		expect(derivedDifferences).toBeLessThan(compared / 50);
	});

	it('fills retrospective_started_at / retrospective_completed_at from the postmortem_* milestones the API serves', async () => {
		const exported = byId(
			rowsOf(await runFireHydrant(sandbox, getRows({ sources: ['incident'] }))),
			'incident',
		);
		pacerRegistry.clear();
		const fromRest = byId(
			rowsOf(await runFireHydrant(sandbox, restRows({ sources: ['incident'] }))),
			'incident',
		);
		const completed = [...exported.values()].filter(
			(row) => row.retrospective_started_at !== null || row.retrospective_completed_at !== null,
		);
		expect(completed.length).toBeGreaterThan(0);
		for (const row of completed) {
			const restRow = fromRest.get(String(row.id)) as IDataObject;
			expect({
				id: row.id,
				started: restRow.retrospective_started_at,
				completed: restRow.retrospective_completed_at,
			}).toEqual({
				id: row.id,
				started: row.retrospective_started_at,
				completed: row.retrospective_completed_at,
			});
		}
	});

	it('returns event_details as an object and tags/questions as values, like the export', async () => {
		const rows = rowsOf(
			await runFireHydrant(sandbox, restRows({ sources: ['incident_event', 'retrospective'] })),
		);
		const event = rows.find((row) => row._source === 'incident_event') as IDataObject;
		expect(typeof event.event_details).toBe('object');
		const retrospective = rows.find((row) => row._source === 'retrospective') as IDataObject;
		expect(Array.isArray(retrospective.tags)).toBe(true);
		expect(Array.isArray(retrospective.questions)).toBe(true);
	});

	it('skips and reports an incident deleted between the list and its detail calls', async () => {
		const gone = sandbox.fireHydrant.rest.incidentIds()[3];
		sandbox.fireHydrant.rest.vanishIncident(gone);
		const result = await runFireHydrant(sandbox, restRows({ sources: ALL_SOURCES }));
		expect(result.status).toBe('success');
		const rows = rowsOf(result);
		expect(rows.some((row) => row.id === gone || row.incident_id === gone)).toBe(false);
		expect(byId(rows, 'incident').size).toBe(sandbox.fireHydrant.rest.incidentIds().length - 1);
		expect(
			result
				.hints(NODE_NAME)
				.map((hint) => hint.message)
				.join('\n'),
		).toContain(`Incident ${gone} was deleted while this run read it`);
	});

	it('reads incrementally: a second run returns exactly the incidents changed since the first', async () => {
		const staticData: IDataObject = {};
		const parameters = restRows({
			sources: ['incident', 'incident_event'],
			restOptions: { incremental: true },
		});
		const first = await runPersisted(parameters, staticData);
		expect(first.status).toBe('success');
		expect(first.staticDataPersisted).toBe(true);
		expect(byId(rowsOf(first), 'incident').size).toBe(
			sandbox.fireHydrant.rest.incidentIds().length,
		);

		const changed = sandbox.fireHydrant.rest.incidentIds().slice(5, 8);
		for (const id of changed) sandbox.fireHydrant.rest.editIncident(id, { severity: 'SEV1' });
		pacerRegistry.clear();
		const second = await runPersisted(parameters, first.staticData);
		const rows = rowsOf(second);
		expect([...byId(rows, 'incident').keys()].sort()).toEqual([...changed].sort());
		// Their events come along, and nothing of any other incident.
		expect(
			rows
				.filter((row) => row._source === 'incident_event')
				.every((row) => changed.includes(String(row.incident_id))),
		).toBe(true);
		const query =
			sandbox.requests.filter((request) => request.path === '/v1/incidents').pop()?.query ?? {};
		expect(query.updated_after).toBeDefined();

		// The overlap (default 10 minutes) reads those changes once more; ids stay unique.
		const third = await runPersisted(parameters, second.staticData);
		expect([...byId(rowsOf(third), 'incident').keys()].sort()).toEqual([...changed].sort());
		const withoutOverlap = { ...parameters, restOptions: { incremental: true, overlapMinutes: 0 } };
		const fourth = await runPersisted(withoutOverlap, third.staticData);
		expect(byId(rowsOf(fourth), 'incident').size).toBe(0);
	});

	it('committed at the end of the workflow, offers the changed incidents again after the destination failed', async () => {
		const sink = destinationSink('firehydrant-commit');
		const { nodes, connections } = chain(
			{
				name: NODE_NAME,
				type: FIREHYDRANT_TYPE,
				parameters: restRows({
					sources: ['incident'],
					restOptions: { incremental: true, overlapMinutes: 0 },
				}) as never,
				credentials: { fireHydrantApi: { id: 'fh-cred', name: 'FireHydrant sandbox' } },
			},
			{
				name: 'Warehouse',
				type: FIXTURE_DESTINATION_TYPE,
				parameters: { sink: 'firehydrant-commit' },
			},
			{ name: 'Incident Data Sync', type: SYNC_TYPE, parameters: { operation: 'commit' } },
		);
		const run = async (staticData: IDataObject) =>
			await runWorkflow({
				nodeTypes: { ...nodeTypes, ...fixtureNodeTypes, [SYNC_TYPE]: new IncidentDataSync() },
				credentialTypes,
				credentials: [fireHydrantCredential(sandbox)],
				workflow: { nodes, connections, staticData },
				mode: 'trigger',
			});
		const first = await run({});
		expect(first.status).toBe('success');
		const initial = sink.delivered.length;
		const changed = sandbox.fireHydrant.rest.incidentIds().slice(10, 12);
		for (const id of changed) sandbox.fireHydrant.rest.editIncident(id, { severity: 'SEV2' });
		pacerRegistry.clear();
		sink.down = true;
		const failed = await run(first.staticData);
		expect(failed.status).toBe('error');
		sink.down = false;
		const retried = await run(failed.staticData);
		expect(retried.status).toBe('success');
		expect(
			sink.delivered
				.slice(initial)
				.map((row) => String(row.id))
				.sort(),
		).toEqual([...changed].sort());
	});

	it('does not move the cursor when a run fails', async () => {
		const parameters = restRows({ sources: ['incident'], restOptions: { incremental: true } });
		const first = await runPersisted(parameters, {});
		const cursorBefore = JSON.stringify(first.staticData);
		const failed = await runPersisted(parameters, first.staticData, 'fhb-not-a-valid-token');
		expect(failed.status).toBe('error');
		expect(JSON.stringify(failed.staticData)).toBe(cursorBefore);
	});
});

describe('FireHydrant REST errors from every endpoint used', () => {
	it('401 on the incident list names the credential', async () => {
		const result = await runFireHydrant(sandbox, restRows(), { token: 'fhb-wrong' });
		expect(result.status).toBe('error');
		expect(errorText(result)).toContain('FireHydrant answered 401');
		expect(errorText(result)).toContain('Check the API token in the FireHydrant credential');
		expect(errorText(result)).not.toContain(sandbox.fireHydrant.apiToken);
	});

	it.each([
		['role assignments', '/role_assignments$', ['incident_role_assignment']],
		['events', '/events$', ['incident_event']],
		['post-mortem reports', '^/v1/post_mortems/reports$', ['retrospective']],
		['incident list', '^/v1/incidents$', ['incident']],
	])('403 from %s says which permission is missing', async (_name, pattern, sources) => {
		sandbox.fireHydrant.rest.deny(pattern);
		const result = await runFireHydrant(sandbox, restRows({ sources }));
		expect(result.status).toBe('error');
		expect(errorText(result)).toContain('FireHydrant answered 403');
		expect(errorText(result)).toContain('lacks permission for this endpoint');
	});

	it('404 on Get Incident names the parameter to fix (sub-resource 404s: see the deleted-incident test)', async () => {
		const result = await runFireHydrant(sandbox, {
			resource: 'incident',
			operation: 'get',
			incidentId: 'gone',
		});
		expect(errorText(result)).toContain('Double-check the value in the parameter "Incident ID"');
	});

	it('continues on fail with an error item', async () => {
		const result = await runFireHydrant(
			sandbox,
			{ resource: 'incident', operation: 'get', incidentId: 'missing' },
			{ node: { continueOnFail: true } },
		);
		expect(result.status).toBe('success');
		expect(String(rowsOf(result)[0].error)).toContain('no incident with ID "missing"');
	});

	it('continue on fail keeps the input item json beside the error, paired with its item', async () => {
		const inputItems = [
			{ json: { incidentId: 'missing-1', ticket: 'OPS-1' } },
			{ json: { incidentId: 'missing-2', ticket: 'OPS-2' } },
		];
		const result = await runFireHydrant(
			sandbox,
			{ resource: 'incident', operation: 'get', incidentId: '={{ $json.incidentId }}' },
			{ node: { continueOnFail: true }, inputItems },
		);
		expect(result.status).toBe('success');
		const items = result.output(NODE_NAME);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(
			items.map((item) => ({ incidentId: item.json.incidentId, ticket: item.json.ticket })),
		).toEqual([
			{ incidentId: 'missing-1', ticket: 'OPS-1' },
			{ incidentId: 'missing-2', ticket: 'OPS-2' },
		]);
		expect(String(items[1].json.error)).toContain('no incident with ID "missing-2"');
	});
});
