/**
 * Commit at the end of the workflow, through n8n-core's real WorkflowExecute: an incremental
 * source holds its new position as pending until the Incident Data Sync node commits it after the
 * destination, so a destination that fails gets the same rows again on the next run, and every row
 * arrives exactly once. Also: manual runs never move a position, a reset during a run wins over
 * that run's commit (compare-and-set), and each input item keeps its own position.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { IncidentDataSync } from '../../../../../nodes/IncidentDataSync/IncidentDataSync.node';
import { startSandbox, type Sandbox } from '../../../../sandbox';
import { FIXTURE_DESTINATION_TYPE, destinationSink, fixtureNodeTypes } from '../../../fixtures';
import { chain, runWorkflow, type ChainNode, type EngineRunResult } from '../../../harness';
import {
	credentialTypes,
	incidentIoCredential,
	INCIDENT_IO_TYPE,
	NODE_NAME,
	nodeTypes as incidentIoTypes,
	scaleRateLimits,
} from '../../IncidentIo/setup';

jest.setTimeout(90_000);

const SYNC_TYPE = 'n8n-nodes-incident-data.incidentDataSync';
const CREDENTIAL_REF = { incidentIoApi: { id: 'iio-cred', name: 'incident.io sandbox' } };

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ seed: 31, incidentIo: { incidents: 40 } });
	scaleRateLimits(sandbox, 0.05);
});

afterAll(async () => {
	await sandbox.close();
});

const incrementalIncidents = (
	options: IDataObject = {},
	filters: IDataObject = {},
): INodeParameters => ({
	resource: 'incident',
	operation: 'getMany',
	returnAll: true,
	filters: filters as INodeParameters,
	options: { incremental: true, ...options } as INodeParameters,
});

const source = (parameters: INodeParameters): ChainNode => ({
	name: NODE_NAME,
	type: INCIDENT_IO_TYPE,
	parameters,
	credentials: CREDENTIAL_REF,
});
const destination = (sink: string): ChainNode => ({
	name: 'Warehouse',
	type: FIXTURE_DESTINATION_TYPE,
	parameters: { sink },
});
const sync = (operation: string, extra: INodeParameters = {}): ChainNode => ({
	name: `Sync ${operation}`,
	type: SYNC_TYPE,
	parameters: { operation, ...extra },
});

async function run(
	nodes: ChainNode[],
	staticData: IDataObject | undefined,
	options: { mode?: 'trigger' | 'manual'; inputItems?: Array<{ json: IDataObject }> } = {},
): Promise<EngineRunResult> {
	return await runWorkflow({
		nodeTypes: { ...incidentIoTypes, ...fixtureNodeTypes, [SYNC_TYPE]: new IncidentDataSync() },
		credentialTypes,
		credentials: [incidentIoCredential(sandbox)],
		workflow: { ...chain(...nodes), staticData, id: 'sync1' },
		inputItems: options.inputItems,
		mode: options.mode ?? 'trigger',
	});
}

/** `id@updated_at` of each delivered row: one version of one record. */
const versions = (rows: IDataObject[]) =>
	rows.map((row) => `${String(row.id)}@${String(row.updated_at)}`);

function syncState(result: EngineRunResult): Record<string, IDataObject> {
	return (result.staticData.global as IDataObject | undefined)?.incidentDataSync as Record<
		string,
		IDataObject
	>;
}

describe('Incident Data Sync: commit when the workflow completes', () => {
	it('offers the rows again after the destination failed, so every row arrives exactly once', async () => {
		sandbox.incidentIo.reset();
		scaleRateLimits(sandbox, 0.05);
		const sink = destinationSink('exactly-once');
		const workflow = [source(incrementalIncidents()), destination('exactly-once'), sync('commit')];

		const initial = await run(workflow, undefined);
		expect(initial.status).toBe('success');
		expect(sink.delivered).toHaveLength(sandbox.incidentIo.visibleIncidents().length);

		const touched = sandbox.incidentIo.touch({ incidents: 4, offset: 5 }).incidents;
		sink.down = true;
		const failed = await run(workflow, initial.staticData);
		expect(failed.status).toBe('error');
		// The source did read the touched incidents; the warehouse refused them.
		expect(
			failed
				.output(NODE_NAME)
				.map((item) => item.json.id)
				.sort(),
		).toEqual([...touched].sort());
		const deliveredBefore = sink.delivered.length;

		sink.down = false;
		// n8n saves the failed run's static data too: the next run starts from exactly that.
		const retried = await run(workflow, failed.staticData);
		expect(retried.status).toBe('success');
		expect(
			sink.delivered
				.slice(deliveredBefore)
				.map((row) => row.id)
				.sort(),
		).toEqual([...touched].sort());

		const idle = await run(workflow, retried.staticData);
		expect(idle.status).toBe('success');
		const all = versions(sink.delivered);
		expect(new Set(all).size).toBe(all.length);
		expect(all.length).toBe(sandbox.incidentIo.visibleIncidents().length + touched.length);
	});

	it('without a Commit node moves the position when the node succeeds, and says how to do better', async () => {
		sandbox.incidentIo.reset();
		scaleRateLimits(sandbox, 0.05);
		const result = await run([source(incrementalIncidents()), destination('no-commit')], undefined);
		expect(result.status).toBe('success');
		const [entry] = Object.values(syncState(result));
		expect(entry.committed).toEqual(expect.objectContaining({ since: expect.any(String) }));
		expect(entry.pending).toBeUndefined();
		expect(
			result
				.hints(NODE_NAME)
				.map((hint) => hint.message)
				.join('\n'),
		).toContain('Incident Data Sync node (Commit Sync Position)');
	});

	it('keeps the position pending when "When the Workflow Completes" is chosen and no commit runs', async () => {
		sandbox.incidentIo.reset();
		scaleRateLimits(sandbox, 0.05);
		const result = await run(
			[
				source(incrementalIncidents({ advancePosition: 'workflowCompletes' })),
				destination('explicit'),
			],
			undefined,
		);
		expect(result.status).toBe('success');
		const [entry] = Object.values(syncState(result));
		expect(entry.committed).toBeUndefined();
		expect(entry.pending).toEqual(expect.objectContaining({ basedOn: 0 }));
		expect(
			result
				.hints(NODE_NAME)
				.map((hint) => hint.message)
				.join('\n'),
		).toContain('none runs after it');
	});

	it('never moves a position in a manual run, neither at the source nor at Commit', async () => {
		sandbox.incidentIo.reset();
		scaleRateLimits(sandbox, 0.05);
		const result = await run(
			[source(incrementalIncidents()), destination('manual'), sync('commit')],
			undefined,
			{ mode: 'manual' },
		);
		expect(result.status).toBe('success');
		expect(result.output(NODE_NAME).length).toBeGreaterThan(0);
		expect(result.staticData.global ?? {}).toEqual({});
		expect(
			result
				.hints('Sync commit')
				.map((hint) => hint.message)
				.join('\n'),
		).toContain('no sync position moved');
	});

	it('does not commit a position staged before a reset in the same execution (compare-and-set)', async () => {
		sandbox.incidentIo.reset();
		scaleRateLimits(sandbox, 0.05);
		const first = await run(
			[source(incrementalIncidents()), destination('cas'), sync('commit')],
			undefined,
		);
		const committedBefore = Object.values(syncState(first))[0].committed;
		expect(committedBefore).toBeDefined();
		sandbox.incidentIo.touch({ incidents: 2, offset: 1 });
		// The reset lands between the source's read and the commit, as an overlapping execution's would.
		const raced = await run(
			[
				source(incrementalIncidents()),
				destination('cas'),
				sync('reset', { sourceNodes: NODE_NAME }),
				sync('commit'),
			],
			first.staticData,
		);
		expect(raced.status).toBe('success');
		const [entry] = Object.values(syncState(raced));
		expect(entry.committed).toBeUndefined();
		expect(entry.pending).toBeUndefined();
		expect(entry.revision).toBe(2);
		expect(
			raced
				.hints('Sync commit')
				.map((hint) => hint.message)
				.join('\n'),
		).toContain('Another execution moved the sync position');
	});

	it('keeps the position an older version stored in the node, and moves it into the shared store', async () => {
		sandbox.incidentIo.reset();
		scaleRateLimits(sandbox, 0.05);
		const touched = sandbox.incidentIo.touch({ incidents: 3, offset: 4 }).incidents;
		const legacy = {
			[`node:${NODE_NAME}`]: {
				'incremental:incident': { since: new Date(Date.now() - 60_000).toISOString(), seen: [] },
			},
		};
		const result = await run(
			[source(incrementalIncidents()), destination('legacy'), sync('commit')],
			legacy,
		);
		expect(result.status).toBe('success');
		expect(
			result
				.output(NODE_NAME)
				.map((item) => item.json.id)
				.sort(),
		).toEqual([...touched].sort());
		const [entry] = Object.values(syncState(result));
		expect(entry.revision).toBe(1);
		expect(
			(result.staticData[`node:${NODE_NAME}`] as IDataObject)['incremental:incident'],
		).toBeUndefined();
	});

	it('leaves a position staged by another execution alone', async () => {
		sandbox.incidentIo.reset();
		scaleRateLimits(sandbox, 0.05);
		const staged = await run(
			[
				source(incrementalIncidents({ advancePosition: 'workflowCompletes' })),
				destination('other'),
			],
			undefined,
		);
		const committed = await run([sync('commit')], staged.staticData);
		const [entry] = Object.values(syncState(committed));
		expect(entry.committed).toBeUndefined();
		expect(entry.pending).toEqual(expect.objectContaining({ basedOn: 0 }));
	});

	it('moves the position at once after a run that returned no rows, Commit node or not', async () => {
		sandbox.incidentIo.reset();
		scaleRateLimits(sandbox, 0.05);
		const parameters = incrementalIncidents({
			advancePosition: 'workflowCompletes',
			overlapMinutes: 0,
		});
		const first = await run([source(parameters), destination('empty'), sync('commit')], undefined);
		const before = Object.values(syncState(first))[0];
		expect(before.revision).toBe(1);
		// Nothing changed since, and no Commit node in this workflow: there is nothing to deliver.
		const empty = await run([source(parameters), destination('empty')], first.staticData);
		expect(empty.output(NODE_NAME)).toHaveLength(0);
		const after = Object.values(syncState(empty))[0];
		expect(after.revision).toBe(2);
		expect(after.pending).toBeUndefined();
	});

	it('commits only the Source Nodes named', async () => {
		sandbox.incidentIo.reset();
		scaleRateLimits(sandbox, 0.05);
		const other = await run(
			[
				source(incrementalIncidents()),
				destination('named'),
				sync('commit', { sourceNodes: 'Some Other Node' }),
			],
			undefined,
		);
		expect(Object.values(syncState(other))[0].committed).toBeUndefined();
		const named = await run(
			[
				source(incrementalIncidents()),
				destination('named'),
				sync('commit', { sourceNodes: `Some Other Node, ${NODE_NAME}` }),
			],
			undefined,
		);
		expect(Object.values(syncState(named))[0].committed).toEqual(
			expect.objectContaining({ since: expect.any(String) }),
		);
	});

	it('lists the positions with Get Sync Positions', async () => {
		sandbox.incidentIo.reset();
		scaleRateLimits(sandbox, 0.05);
		const first = await run(
			[source(incrementalIncidents()), destination('list'), sync('commit')],
			undefined,
		);
		const listed = await run([sync('getPositions')], first.staticData);
		const [position] = listed.output('Sync getPositions').map((item) => item.json);
		expect(position).toEqual(
			expect.objectContaining({ node: NODE_NAME, revision: 1, pending: null }),
		);
		expect((position.scope as IDataObject).resource).toBe('incident');
	});
});

describe('Incremental positions per input item', () => {
	it('keys the position by the item’s parameters, so one item’s position never leaks into the next', async () => {
		sandbox.incidentIo.reset();
		scaleRateLimits(sandbox, 0.05);
		const parameters = incrementalIncidents({}, { modes: '={{ $json.modes }}' });
		const result = await run(
			[source(parameters), destination('per-item'), sync('commit')],
			undefined,
			{
				inputItems: [{ json: { modes: ['standard'] } }, { json: { modes: ['test'] } }],
			},
		);
		expect(result.status).toBe('success');
		const rows = result.output(NODE_NAME);
		const byItem = (item: number) =>
			rows
				.filter((row) => (row.pairedItem as { item: number }).item === item)
				.map((row) => row.json.id)
				.sort();
		const ofMode = (mode: string) =>
			sandbox.incidentIo
				.visibleIncidents()
				.filter((incident) => incident.mode === mode)
				.map((incident) => incident.id)
				.sort();
		expect(ofMode('test').length).toBeGreaterThan(0);
		expect(byItem(0)).toEqual(ofMode('standard'));
		expect(byItem(1)).toEqual(ofMode('test'));
		expect(Object.keys(syncState(result))).toHaveLength(2);
	});
});
