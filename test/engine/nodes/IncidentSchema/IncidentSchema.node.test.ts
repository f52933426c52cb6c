/**
 * The Incident Schema node in n8n-core's engine: bad input as a user meets it (the error, Continue
 * On Fail, hints), one workflow that normalizes the same outage from FireHydrant and incident.io,
 * Compute Metrics with deployments, and To DORA Failure feeding the Datadog DORA node's Failure → Send.
 */
import { createHash } from 'node:crypto';

import type { IConnections, IDataObject, INode, INodeParameters } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { pacerRegistry } from '../../../../lib/pacer';
import { startSandbox, type Sandbox } from '../../../sandbox';
import type { Json } from '../../../sandbox/incident-io';
import { runWorkflow, START_NODE_NAME } from '../../harness';
import { Append, APPEND_TYPE } from './append.node';
import {
	credentialsFor,
	credentialTypes,
	doraNode,
	fireHydrantNode,
	incidentIoNode,
	nodeTypes,
	rowsOf,
	runChain,
	schemaNode,
	SCHEMA_NODE,
} from './setup';

jest.setTimeout(60_000);

const NOW = new Date('2026-03-10T12:00:00Z');
let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({
		seed: 3,
		fireHydrant: { incidents: 6, nights: 2, eventsPerIncident: 4, now: NOW },
		incidentIo: { incidents: 12, now: NOW },
	});
});

afterAll(async () => {
	await sandbox.close();
});

beforeEach(() => {
	pacerRegistry.clear();
	sandbox.reset();
});

const normalize = (options: INodeParameters = {}) =>
	schemaNode({ operation: 'normalize', options });

const datadogFailure = (id: string, extra: IDataObject = {}): IDataObject => ({
	id,
	type: 'dora_failure',
	started_at: '2026-03-02T10:00:00Z',
	finished_at: '2026-03-02T11:00:00Z',
	services: ['checkout-api'],
	name: `Failure ${id}`,
	...extra,
});

describe('Normalize Incidents: bad input in the engine', () => {
	it('an empty input: the run succeeds and the node emits nothing', async () => {
		const result = await runChain(sandbox, [normalize()], []);
		expect(result.status).toBe('success');
		expect(result.run.data.resultData.runData[SCHEMA_NODE]).toBeUndefined();
	});

	it('an item from an unknown tool fails the run with a NodeOperationError naming the item and the fields looked for', async () => {
		const result = await runChain(
			sandbox,
			[normalize()],
			[
				{ json: datadogFailure('dd-failure-0001') },
				{ json: { ticket: 'JIRA-1', summary: 'not an incident' } },
			],
		);
		expect(result.status).toBe('error');
		const error = result.nodeError(SCHEMA_NODE) as NodeOperationError;
		// The engine stores a plain copy of the error; its name says which class the node threw.
		expect((error as unknown as { name?: string }).name).toBe('NodeOperationError');
		expect(error.message).toBe('Item 1 is not an incident from any supported tool');
		expect(error.description).toContain('Looked for: _source (FireHydrant Export Data)');
	});

	it('under Continue On Fail the unknown item passes through with its fields and an error; the rest is normalized', async () => {
		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials: credentialsFor(sandbox),
			workflow: {
				nodes: [
					{
						id: 's',
						name: START_NODE_NAME,
						type: 'harness.start',
						typeVersion: 1,
						position: [0, 0],
						parameters: {},
					},
					{
						id: 'n',
						name: SCHEMA_NODE,
						type: 'n8n-nodes-incident-data.incidentSchema',
						typeVersion: 1,
						position: [200, 0],
						parameters: { operation: 'normalize' },
						onError: 'continueRegularOutput',
					},
				],
				connections: {
					[START_NODE_NAME]: { main: [[{ node: SCHEMA_NODE, type: 'main', index: 0 }]] },
				},
			},
			inputItems: [{ json: { ticket: 'JIRA-1' } }, { json: datadogFailure('dd-failure-0001') }],
		});
		const items = result.output(SCHEMA_NODE);
		expect(
			items.map((item) => [
				item.json.incident_key ?? null,
				item.json.ticket ?? null,
				item.json.error ?? null,
				item.pairedItem,
			]),
		).toEqual([
			['datadog:dd-failure-0001', null, null, [{ item: 1 }]],
			[null, 'JIRA-1', 'Item 0 is not an incident from any supported tool', { item: 0 }],
		]);
	});

	it('a timestamp that does not parse: the column is null and an execution hint counts it', async () => {
		const result = await runChain(
			sandbox,
			[normalize()],
			[{ json: datadogFailure('dd-failure-0002', { finished_at: 'soon' }) }],
		);
		const [row] = rowsOf(result);
		expect(row).toMatchObject({
			started_at: '2026-03-02T10:00:00.000Z',
			resolved_at: null,
			time_to_resolve_s: null,
		});
		expect(result.hints(SCHEMA_NODE).map((hint) => hint.message)).toEqual([
			'1 timestamp did not parse and was left null (item 0 resolved_at). Timestamps must be ISO 8601 or "YYYY-MM-DD HH:MM:SS UTC".',
		]);
	});
});

describe('one outage in FireHydrant and incident.io', () => {
	it('FireHydrant export rows and incident.io incidents in one workflow → both rows, distinct keys, comparable columns', async () => {
		// The incident.io side of FireHydrant's incident #2749 ("inventory-sync returning elevated 5xx errors"), declared there too.
		const data = sandbox.incidentIo.data;
		const incident = data.incidents[0];
		incident.name = 'inventory-sync returning elevated 5xx errors';
		incident.severity = data.severities.find((severity) => severity.name === 'Major') as Json;
		incident.incident_status = data.statuses.find(
			(status) => status.category === 'learning',
		) as Json;
		incident.incident_timestamp_values = [
			{ incident_timestamp: data.timestamps[0], value: { value: '2026-03-09T10:03:37.295+01:00' } },
			{ incident_timestamp: data.timestamps[1], value: { value: '2026-03-09T09:16:10.095Z' } },
			{ incident_timestamp: data.timestamps[2], value: { value: '2026-03-09T19:06:16.448Z' } },
		];
		const nodes: INode[] = [
			{
				id: 's',
				name: START_NODE_NAME,
				type: 'harness.start',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'f',
				typeVersion: 1,
				position: [200, -100],
				...fireHydrantNode({
					resource: 'exportData',
					operation: 'getRows',
					selectBy: 'since',
					newerThan: '2026-01-01T00:00:00Z',
				}),
			} as INode,
			{
				id: 'i',
				typeVersion: 1,
				position: [200, 100],
				...incidentIoNode({
					resource: 'incident',
					operation: 'getMany',
					returnAll: true,
					flatten: false,
				}),
			} as INode,
			{
				id: 'a',
				name: 'Append',
				type: APPEND_TYPE,
				typeVersion: 1,
				position: [400, 0],
				parameters: {},
			},
			{ id: 'n', typeVersion: 1, position: [600, 0], ...normalize() } as INode,
		];
		const connections: IConnections = {
			[START_NODE_NAME]: {
				main: [
					[
						{ node: 'FireHydrant', type: 'main', index: 0 },
						{ node: 'incident.io', type: 'main', index: 0 },
					],
				],
			},
			FireHydrant: { main: [[{ node: 'Append', type: 'main', index: 0 }]] },
			'incident.io': { main: [[{ node: 'Append', type: 'main', index: 1 }]] },
			Append: { main: [[{ node: SCHEMA_NODE, type: 'main', index: 0 }]] },
		};
		const result = await runWorkflow({
			nodeTypes: { ...nodeTypes, [APPEND_TYPE]: new Append() },
			credentialTypes,
			credentials: credentialsFor(sandbox),
			workflow: { nodes, connections },
			mode: 'trigger',
		});
		const rows = rowsOf(result);
		expect(rows).toHaveLength(6 + 12);
		const fireHydrant = rows.find((row) => row.reference === '2749') as IDataObject;
		const incidentIo = rows.find((row) => row.reference === 'INC-1') as IDataObject;
		expect(fireHydrant.incident_key).toBe('firehydrant:07535863-fb2a-4bed-814d-5aa15b27d8e6');
		expect(incidentIo.incident_key).toBe(`incident_io:${String(incident.id)}`);
		expect(new Set(rows.map((row) => row.incident_key)).size).toBe(rows.length);
		const comparable = [
			'title',
			'status_category',
			'severity_rank',
			'started_at',
			'detected_at',
			'resolved_at',
			'time_to_resolve_s',
		];
		const pick = (row: IDataObject) =>
			Object.fromEntries(comparable.map((column) => [column, row[column]]));
		expect(pick(incidentIo)).toEqual(pick(fireHydrant));
		expect(pick(fireHydrant)).toEqual({
			title: 'inventory-sync returning elevated 5xx errors',
			status_category: 'resolved',
			severity_rank: 2,
			started_at: '2026-03-09T09:03:37.295Z',
			detected_at: '2026-03-09T09:16:10.095Z',
			resolved_at: '2026-03-09T19:06:16.448Z',
			time_to_resolve_s: 36159,
		});
		expect([fireHydrant.severity_raw, incidentIo.severity_raw]).toEqual(['SEV2', 'Major']);
	});
});

describe('Compute Metrics in the engine', () => {
	it('normalized incidents and Datadog deployments → one row per service with change failure rate', async () => {
		sandbox.datadog.seed('deployment', [
			{
				id: 'deploy-0001-checkout-api',
				service: 'checkout-api',
				started_at: '2026-03-02T09:00:00Z',
				finished_at: '2026-03-02T09:05:00Z',
			},
			{
				id: 'deploy-0002-checkout-api',
				service: 'checkout-api',
				started_at: '2026-03-03T09:00:00Z',
				finished_at: '2026-03-03T09:05:00Z',
			},
		]);
		// Marked as a change failure through the Datadog node itself.
		rowsOf(
			await runChain(sandbox, [
				doraNode({
					resource: 'deployment',
					operation: 'markChangeFailure',
					eventId: 'deploy-0002-checkout-api',
					changeFailure: true,
				}),
			]),
			'Datadog DORA Metrics',
		);
		const deployments = rowsOf(
			await runChain(sandbox, [
				doraNode({
					resource: 'deployment',
					operation: 'getMany',
					from: '2026-03-01T00:00:00Z',
					to: '2026-03-08T00:00:00Z',
					returnAll: true,
				}),
			]),
			'Datadog DORA Metrics',
		);
		expect(deployments).toHaveLength(2);
		const incidents = rowsOf(
			await runChain(
				sandbox,
				[normalize()],
				[
					{ json: datadogFailure('dd-failure-0001') },
					{
						json: datadogFailure('dd-failure-0002', {
							started_at: '2026-03-03T10:00:00Z',
							finished_at: '2026-03-03T10:30:00Z',
						}),
					},
				],
			),
		);
		const metrics = rowsOf(
			await runChain(
				sandbox,
				[schemaNode({ operation: 'computeMetrics', groupBy: 'service', window: 'month' })],
				[...incidents, ...deployments].map((json) => ({ json })),
			),
		);
		expect(metrics).toEqual([
			expect.objectContaining({
				group: 'checkout-api',
				window_start: '2026-03-01T00:00:00.000Z',
				window_end: '2026-04-01T00:00:00.000Z',
				incident_count: 2,
				open_at_window_end: 0,
				// 3600 and 1800 seconds: median 2700, p90 at position 0.9 → 1800 + 0.9 × 1800.
				time_to_resolve_median_s: 2700,
				time_to_resolve_p90_s: 3420,
				deployments: 2,
				failed_deployments: 1,
				change_failure_rate: 0.5,
			}),
		]);
	});

	it('an item that is neither a normalized incident nor a deployment fails with the fix', async () => {
		const result = await runChain(
			sandbox,
			[schemaNode({ operation: 'computeMetrics', groupBy: 'none', window: 'all' })],
			[{ json: datadogFailure('dd-failure-0001') }],
		);
		const error = result.nodeError(SCHEMA_NODE) as NodeOperationError;
		expect(error.message).toBe(
			'Item 0 is neither a normalized incident nor a Datadog DORA deployment event',
		);
		expect(error.description).toContain('Put Normalize Incidents before this node');
	});
});

describe('To DORA Failure → Datadog DORA Metrics Failure → Send', () => {
	it('sends one failure per incident with a service or team, under the Event ID derived from incident_key; the rest are counted in a hint', async () => {
		const result = await runChain(
			sandbox,
			[
				normalize(),
				schemaNode({ operation: 'toDoraFailure' }, { name: 'To DORA' }),
				doraNode({
					resource: 'failure',
					operation: 'send',
					eventId: '={{ $json.eventId }}',
					startedAt: '={{ $json.startedAt }}',
					finishedAt: '={{ $json.finishedAt }}',
					services: '={{ $json.services }}',
					team: '={{ $json.team }}',
					additionalFields: {
						env: '={{ $json.env }}',
						name: '={{ $json.name }}',
						severity: '={{ $json.severity }}',
					},
				}),
			],
			[
				{
					json: datadogFailure('dd-failure-0001', {
						team: 'payments',
						env: 'production',
						severity: 'SEV-1',
					}),
				},
				{
					json: datadogFailure('dd-failure-0002', {
						services: [],
						team: 'identity',
						finished_at: null,
					}),
				},
				{ json: datadogFailure('dd-failure-0003', { services: [] }) },
			],
		);
		expect(result.status).toBe('success');
		expect(result.hints('To DORA').map((hint) => hint.message)).toEqual([
			'1 incident(s) have no service and no team and were skipped: Datadog needs one of them to attribute a failure.',
		]);
		const sha = (text: string) => createHash('sha256').update(text).digest('hex');
		const first = sandbox.datadog.event('failure', sha('datadog:dd-failure-0001'));
		expect(first).toMatchObject({
			startedAtMs: Date.parse('2026-03-02T10:00:00Z'),
			finishedAtMs: Date.parse('2026-03-02T11:00:00Z'),
			attributes: expect.objectContaining({
				services: ['checkout-api'],
				team: 'payments',
				env: 'production',
				name: 'Failure dd-failure-0001',
				severity: 'SEV-1',
			}),
		});
		const second = sandbox.datadog.event('failure', sha('datadog:dd-failure-0002'));
		expect(second).toMatchObject({
			startedAtMs: Date.parse('2026-03-02T10:00:00Z'),
			finishedAtMs: undefined,
			attributes: expect.objectContaining({ team: 'identity' }),
		});
		expect(sandbox.datadog.count('failure')).toBe(2);
	});

	it('an item that is not a normalized incident fails, naming the item', async () => {
		const result = await runChain(
			sandbox,
			[schemaNode({ operation: 'toDoraFailure' })],
			[{ json: { id: 'x' } }],
		);
		const error = result.nodeError(SCHEMA_NODE) as NodeOperationError;
		expect(error.message).toBe('Item 0 is not a normalized incident');
	});
});
