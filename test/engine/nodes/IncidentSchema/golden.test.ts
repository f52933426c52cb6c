/**
 * Golden tests of Normalize Incidents: each vendor's sandbox data through that vendor's own node
 * (in n8n-core's engine), then the Incident Schema node; every column of at least five incidents
 * per source against values written out by hand below (checked against the sandbox's raw rows:
 * milestone times, role assignments, impacts, TeamAssignment events, custom field entries).
 *
 * Cases the sandboxes do not generate are crafted, and say so: a reopened incident, a removed
 * severity and timestamps with UTC offsets (incident.io: edited in the sandbox's data before the
 * node reads it; FireHydrant: a hand-written webhook delivery through the FireHydrant Trigger).
 * FireHydrant has no private or test-mode incidents (no such field in the export or the REST
 * incident), so is_private and mode are null there; incident.io's sandbox has both.
 */
import { createHmac } from 'node:crypto';

import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { FireHydrantApi } from '../../../../credentials/FireHydrantApi.credentials';
import { pacerRegistry } from '../../../../lib/pacer';
import { FireHydrantTrigger } from '../../../../nodes/FireHydrant/FireHydrantTrigger.node';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { signDelivery, type Json } from '../../../sandbox/incident-io';
import { fireHydrantCredential } from '../FireHydrant/setup';
import { runWebhook } from '../../harness';
import { deliver as deliverIncidentIo } from '../IncidentIo/setup';
import {
	doraNode,
	fireHydrantNode,
	incidentIoNode,
	rowsOf,
	runChain,
	schemaNode,
	SCHEMA_NODE,
} from './setup';

jest.setTimeout(90_000);

type ExpectedRow = Record<string, unknown>;

const NOW = new Date('2026-03-10T12:00:00Z');
let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({
		seed: 3,
		fireHydrant: { incidents: 6, nights: 2, eventsPerIncident: 4, now: NOW },
		incidentIo: { incidents: 40, now: NOW },
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
const exportRows = () =>
	fireHydrantNode({
		resource: 'exportData',
		operation: 'getRows',
		selectBy: 'since',
		newerThan: '2026-01-01T00:00:00Z',
	});
const incidents = (flatten: boolean) =>
	incidentIoNode({ resource: 'incident', operation: 'getMany', returnAll: true, flatten });

/** Every column but the hash, which is checked for shape (its content is tested in the unit tests). */
function withoutHash(row: IDataObject): IDataObject {
	expect(row.row_hash).toMatch(/^[0-9a-f]{64}$/);
	const copy = { ...row };
	delete copy.row_hash;
	return copy;
}

function byKey(rows: IDataObject[]): Map<string, IDataObject> {
	return new Map(rows.map((row) => [String(row.incident_key), row]));
}

const FIREHYDRANT_EXPORT: ExpectedRow[] = [
	{
		incident_key: 'firehydrant:7ca57dc3-4ba4-4b51-b8c7-ed28aeffd6ca',
		source: 'firehydrant',
		source_id: '7ca57dc3-4ba4-4b51-b8c7-ed28aeffd6ca',
		reference: '2746',
		title: 'Certificate expired on inventory-sync 🔥',
		summary: null,
		status_raw: 'resolved',
		status_category: 'resolved',
		severity_raw: 'SEV4',
		severity_rank: 4,
		priority: 'P1',
		mode: null,
		is_private: null,
		services: ['search-indexer'],
		teams: null,
		environment: null,
		started_at: '2026-03-07T21:54:36.775Z',
		detected_at: '2026-03-07T22:38:58.886Z',
		acknowledged_at: '2026-03-07T22:42:21.096Z',
		mitigated_at: '2026-03-08T01:06:15.772Z',
		resolved_at: '2026-03-08T07:31:50.486Z',
		closed_at: null,
		created_at: '2026-03-07T22:38:31.681Z',
		updated_at: '2026-03-08T07:31:50.486Z',
		time_to_acknowledge_s: 2864,
		time_to_mitigate_s: 11498,
		time_to_resolve_s: 34633,
		customer_impact: true,
		commander: 'Priya Müller',
		url: null,
		postmortem_url: null,
		custom_fields: null,
	},
	{
		incident_key: 'firehydrant:3620f3bd-92a2-4b30-b0fa-e6981f3891ee',
		source: 'firehydrant',
		source_id: '3620f3bd-92a2-4b30-b0fa-e6981f3891ee',
		reference: '2747',
		title: '"Email Notifications" unavailable for São Paulo customers',
		summary: null,
		status_raw: 'resolved',
		status_category: 'resolved',
		severity_raw: 'SEV4',
		severity_rank: 4,
		priority: 'P4',
		mode: null,
		is_private: null,
		services: null,
		teams: null,
		environment: 'production-eu',
		started_at: '2026-03-08T14:38:39.260Z',
		detected_at: '2026-03-08T14:48:44.500Z',
		acknowledged_at: '2026-03-08T14:50:01.293Z',
		mitigated_at: '2026-03-08T17:23:38.223Z',
		resolved_at: '2026-03-08T19:13:00.276Z',
		closed_at: null,
		created_at: '2026-03-08T14:48:20.919Z',
		updated_at: '2026-03-08T19:13:00.276Z',
		time_to_acknowledge_s: 682,
		time_to_mitigate_s: 9898,
		time_to_resolve_s: 16461,
		customer_impact: false,
		commander: 'Siobhán Thompson',
		url: null,
		postmortem_url: null,
		custom_fields: null,
	},
	{
		incident_key: 'firehydrant:43759e38-b7a4-4976-baa2-6bf17d5401f3',
		source: 'firehydrant',
		source_id: '43759e38-b7a4-4976-baa2-6bf17d5401f3',
		reference: '2748',
		title: 'Certificate expired on search-indexer 🔥',
		summary: null,
		status_raw: 'resolved',
		status_category: 'resolved',
		severity_raw: 'SEV3',
		severity_rank: 3,
		priority: 'P1',
		mode: null,
		is_private: null,
		services: ['inventory-sync'],
		teams: null,
		environment: 'staging',
		started_at: '2026-03-09T02:53:43.199Z',
		detected_at: '2026-03-09T03:32:31.059Z',
		acknowledged_at: '2026-03-09T03:39:47.065Z',
		mitigated_at: '2026-03-09T09:14:16.613Z',
		resolved_at: '2026-03-09T11:13:14.508Z',
		closed_at: null,
		created_at: '2026-03-09T03:32:05.559Z',
		updated_at: '2026-03-09T11:13:14.508Z',
		time_to_acknowledge_s: 2763,
		time_to_mitigate_s: 22833,
		time_to_resolve_s: 29971,
		customer_impact: true,
		commander: 'Priya Okafor',
		url: null,
		postmortem_url: null,
		custom_fields: null,
	},
	{
		incident_key: 'firehydrant:07535863-fb2a-4bed-814d-5aa15b27d8e6',
		source: 'firehydrant',
		source_id: '07535863-fb2a-4bed-814d-5aa15b27d8e6',
		reference: '2749',
		title: 'inventory-sync returning elevated 5xx errors',
		summary: null,
		status_raw: 'resolved',
		status_category: 'resolved',
		severity_raw: 'SEV2',
		severity_rank: 2,
		priority: 'P1',
		mode: null,
		is_private: null,
		services: null,
		teams: ['Payments, Billing & Invoicing'],
		environment: null,
		started_at: '2026-03-09T09:03:37.295Z',
		detected_at: '2026-03-09T09:16:10.095Z',
		acknowledged_at: '2026-03-09T09:20:15.704Z',
		mitigated_at: '2026-03-09T12:03:06.719Z',
		resolved_at: '2026-03-09T19:06:16.448Z',
		closed_at: null,
		created_at: '2026-03-09T09:15:54.226Z',
		updated_at: '2026-03-09T19:06:16.448Z',
		time_to_acknowledge_s: 998,
		time_to_mitigate_s: 10769,
		time_to_resolve_s: 36159,
		customer_impact: true,
		commander: 'Priya Müller',
		url: null,
		postmortem_url: null,
		custom_fields: null,
	},
	{
		incident_key: 'firehydrant:0689697e-0d1a-44ea-8919-c0d8af4646e0',
		source: 'firehydrant',
		source_id: '0689697e-0d1a-44ea-8919-c0d8af4646e0',
		reference: '2750',
		title: 'Checkout latency above SLO, p99 > 2s',
		summary: null,
		status_raw: 'mitigated',
		status_category: 'mitigated',
		severity_raw: 'SEV4',
		severity_rank: 4,
		priority: 'P3',
		mode: null,
		is_private: null,
		services: ['notifications-worker'],
		teams: null,
		environment: null,
		started_at: '2026-03-09T14:05:33.452Z',
		detected_at: '2026-03-09T14:28:59.345Z',
		acknowledged_at: null,
		mitigated_at: '2026-03-09T21:46:38.491Z',
		resolved_at: null,
		closed_at: null,
		created_at: '2026-03-09T14:28:11.914Z',
		updated_at: '2026-03-09T21:46:38.491Z',
		time_to_acknowledge_s: null,
		time_to_mitigate_s: 27665,
		time_to_resolve_s: null,
		customer_impact: true,
		commander: 'Aiko van der Berg',
		url: null,
		postmortem_url: null,
		custom_fields: null,
	},
	{
		incident_key: 'firehydrant:03c05479-b489-4afa-b1b2-86833971d1d7',
		source: 'firehydrant',
		source_id: '03c05479-b489-4afa-b1b2-86833971d1d7',
		reference: '2751',
		title: 'Database failover on inventory-sync, writes failing',
		summary: null,
		status_raw: 'mitigated',
		status_category: 'mitigated',
		severity_raw: 'SEV3',
		severity_rank: 3,
		priority: 'P2',
		mode: null,
		is_private: null,
		services: null,
		teams: null,
		environment: 'staging',
		started_at: '2026-03-09T17:42:05.123Z',
		detected_at: '2026-03-09T18:13:06.243Z',
		acknowledged_at: '2026-03-09T18:19:10.243Z',
		mitigated_at: '2026-03-09T22:39:44.436Z',
		resolved_at: null,
		closed_at: null,
		created_at: '2026-03-09T18:12:39.380Z',
		updated_at: '2026-03-09T22:39:44.436Z',
		time_to_acknowledge_s: 2225,
		time_to_mitigate_s: 17859,
		time_to_resolve_s: null,
		customer_impact: true,
		commander: 'Ingrid Kowalski',
		url: null,
		postmortem_url: null,
		custom_fields: null,
	},
];

const INCIDENT_IO: ExpectedRow[] = [
	{
		incident_key: 'incident_io:010000012BWG8351TNMPNWAZ0X',
		source: 'incident_io',
		source_id: '010000012BWG8351TNMPNWAZ0X',
		reference: 'INC-1',
		title: 'payments is slow',
		summary: 'Customers saw problems with email.',
		status_raw: 'Triage',
		status_category: 'triage',
		severity_raw: 'Critical',
		severity_rank: 1,
		priority: null,
		mode: 'standard',
		is_private: false,
		services: ['search service', 'payments service'],
		teams: ['Product'],
		environment: null,
		started_at: '2026-03-03T19:39:03.000Z',
		detected_at: '2026-03-03T19:49:03.043Z',
		acknowledged_at: null,
		mitigated_at: null,
		resolved_at: null,
		closed_at: null,
		created_at: '2026-03-03T19:49:03.043Z',
		updated_at: '2026-03-04T01:57:37.710Z',
		time_to_acknowledge_s: null,
		time_to_mitigate_s: null,
		time_to_resolve_s: null,
		customer_impact: true,
		commander: 'Sam Mensah',
		url: 'https://app.incident.io/sandbox/incidents/1',
		postmortem_url: null,
		custom_fields: {
			'Affected Team': 'Product',
			'Affected Regions': ['EU', 'US'],
			'Customer Impact': '34% of requests failed',
			'Status Page': 'https://status.example.com/incidents/1',
			'Customers Affected': 213,
			'Affected Services': ['search service', 'payments service'],
		},
	},
	{
		incident_key: 'incident_io:010000012QT8P0W1W1RREN0QCM',
		source: 'incident_io',
		source_id: '010000012QT8P0W1W1RREN0QCM',
		reference: 'INC-3',
		title: 'checkout returns errors',
		summary: 'Customers saw problems with email.',
		status_raw: 'Triage',
		status_category: 'triage',
		severity_raw: 'Critical',
		severity_rank: 1,
		priority: null,
		mode: 'test',
		is_private: false,
		services: ['login service', 'checkout service'],
		teams: ['Payments'],
		environment: null,
		started_at: '2026-03-04T03:00:37.000Z',
		detected_at: '2026-03-04T03:10:37.533Z',
		acknowledged_at: null,
		mitigated_at: null,
		resolved_at: null,
		closed_at: null,
		created_at: '2026-03-04T03:10:37.533Z',
		updated_at: '2026-03-04T04:03:00.871Z',
		time_to_acknowledge_s: null,
		time_to_mitigate_s: null,
		time_to_resolve_s: null,
		customer_impact: true,
		commander: 'Fatima Silva',
		url: 'https://app.incident.io/sandbox/incidents/3',
		postmortem_url: null,
		custom_fields: {
			'Affected Team': 'Payments',
			'Affected Regions': ['LATAM'],
			'Customer Impact': '29% of requests failed',
			'Status Page': 'https://status.example.com/incidents/3',
			'Customers Affected': 90.46,
			'Affected Services': ['login service', 'checkout service'],
		},
	},
	{
		incident_key: 'incident_io:010000012XJ1639K7N8Q7GY81E',
		source: 'incident_io',
		source_id: '010000012XJ1639K7N8Q7GY81E',
		reference: 'INC-4',
		title: 'cache is down',
		summary: 'Customers saw problems with queue.',
		status_raw: 'Triage',
		status_category: 'triage',
		severity_raw: 'Major',
		severity_rank: 2,
		priority: null,
		mode: 'tutorial',
		is_private: true,
		services: ['billing service', 'queue service', 'login service'],
		teams: ['Payments'],
		environment: null,
		started_at: '2026-03-04T07:06:21.965Z',
		detected_at: '2026-03-04T07:16:21.000Z',
		acknowledged_at: null,
		mitigated_at: null,
		resolved_at: null,
		closed_at: null,
		created_at: '2026-03-04T07:16:21.000Z',
		updated_at: '2026-03-04T10:53:27.000Z',
		time_to_acknowledge_s: null,
		time_to_mitigate_s: null,
		time_to_resolve_s: null,
		customer_impact: true,
		commander: 'Lisa Curtis',
		url: 'https://app.incident.io/sandbox/incidents/4',
		postmortem_url: null,
		custom_fields: {
			'Affected Team': 'Payments',
			'Affected Regions': ['LATAM'],
			'Customer Impact': '22% of requests failed',
			'Status Page': 'https://status.example.com/incidents/4',
			'Customers Affected': 4212,
			'Affected Services': ['billing service', 'queue service', 'login service'],
		},
	},
	{
		incident_key: 'incident_io:010000016359Q5J0ZAZ9QN8B3H',
		source: 'incident_io',
		source_id: '010000016359Q5J0ZAZ9QN8B3H',
		reference: 'INC-21',
		title: 'queue drops requests',
		summary: 'Customers saw problems with webhooks.',
		status_raw: 'Closed',
		status_category: 'closed',
		severity_raw: 'Critical',
		severity_rank: 1,
		priority: null,
		mode: 'standard',
		is_private: false,
		services: ['payments service', 'DNS service', 'webhooks service'],
		teams: ['Payments'],
		environment: null,
		started_at: '2026-03-07T03:31:59.000Z',
		detected_at: '2026-03-07T03:41:59.425Z',
		acknowledged_at: null,
		mitigated_at: null,
		resolved_at: '2026-03-09T03:39:09.937Z',
		closed_at: null,
		created_at: '2026-03-07T03:41:59.425Z',
		updated_at: '2026-03-09T03:39:09.937Z',
		time_to_acknowledge_s: null,
		time_to_mitigate_s: null,
		time_to_resolve_s: 173230,
		customer_impact: true,
		commander: 'Sam Mensah',
		url: 'https://app.incident.io/sandbox/incidents/21',
		postmortem_url: null,
		custom_fields: {
			'Affected Team': 'Payments',
			'Affected Regions': ['EU', 'APAC'],
			'Customer Impact': '21% of requests failed',
			'Status Page': 'https://status.example.com/incidents/21',
			'Customers Affected': 190,
			'Affected Services': ['payments service', 'DNS service', 'webhooks service'],
		},
	},
	{
		incident_key: 'incident_io:010000017ZCSEFWB0XEM58SWF2',
		source: 'incident_io',
		source_id: '010000017ZCSEFWB0XEM58SWF2',
		reference: 'INC-31',
		title: 'search times out',
		summary: 'Customers saw problems with search.',
		status_raw: 'Canceled',
		status_category: 'cancelled',
		severity_raw: 'Major',
		severity_rank: 2,
		priority: null,
		mode: 'standard',
		is_private: false,
		services: ['DNS service', 'cache service', 'API service'],
		teams: ['Product'],
		environment: null,
		started_at: '2026-03-08T19:24:31.000Z',
		detected_at: '2026-03-08T19:34:31.306Z',
		acknowledged_at: null,
		mitigated_at: null,
		resolved_at: null,
		closed_at: null,
		created_at: '2026-03-08T19:34:31.306Z',
		updated_at: '2026-03-08T22:21:26.294Z',
		time_to_acknowledge_s: null,
		time_to_mitigate_s: null,
		time_to_resolve_s: null,
		customer_impact: true,
		commander: 'Nora Kim',
		url: 'https://app.incident.io/sandbox/incidents/31',
		postmortem_url: null,
		custom_fields: {
			'Affected Team': 'Product',
			'Affected Regions': ['LATAM', 'APAC', 'US'],
			'Customer Impact': '25% of requests failed',
			'Status Page': 'https://status.example.com/incidents/31',
			'Customers Affected': 3875,
			'Affected Services': ['DNS service', 'cache service', 'API service'],
		},
	},
];

describe('FireHydrant', () => {
	it('Export Data rows (all five sources) → one row per incident, every column as written here', async () => {
		const rows = rowsOf(await runChain(sandbox, [exportRows(), normalize()]));
		expect(rows.map(withoutHash)).toEqual(FIREHYDRANT_EXPORT);
	});

	it("Export Data → Get Rows from the REST API gives the export's rows (the REST API has no updated_at: the newest milestone stands in)", async () => {
		const rows = rowsOf(
			await runChain(sandbox, [
				fireHydrantNode({
					resource: 'exportData',
					operation: 'getRows',
					dataSource: 'rest',
					changedAfter: '2026-01-01T00:00:00Z',
				}),
				normalize(),
			]),
		);
		const byIncident = byKey(rows);
		expect(byIncident.size).toBe(FIREHYDRANT_EXPORT.length);
		for (const expected of FIREHYDRANT_EXPORT) {
			const row = withoutHash(byIncident.get(String(expected.incident_key)) as IDataObject);
			expect({ ...row, updated_at: 'n/a' }).toEqual({ ...expected, updated_at: 'n/a' });
		}
	});

	it("Incident → Get Many, full and simplified, give the export's incident with what each shape carries", async () => {
		const full = byKey(
			rowsOf(
				await runChain(sandbox, [
					fireHydrantNode({
						resource: 'incident',
						operation: 'getMany',
						returnAll: true,
						simplify: false,
					}),
					normalize(),
				]),
			),
		);
		const simple = byKey(
			rowsOf(
				await runChain(sandbox, [
					fireHydrantNode({
						resource: 'incident',
						operation: 'getMany',
						returnAll: true,
						simplify: true,
					}),
					normalize(),
				]),
			),
		);
		expect(full.size).toBe(6);
		expect(simple.size).toBe(6);
		const shared = [
			'reference',
			'title',
			'severity_raw',
			'severity_rank',
			'priority',
			'status_category',
			'started_at',
			'detected_at',
			'acknowledged_at',
			'mitigated_at',
			'resolved_at',
			'time_to_acknowledge_s',
			'time_to_mitigate_s',
			'time_to_resolve_s',
		];
		for (const expected of FIREHYDRANT_EXPORT) {
			const key = String(expected.incident_key);
			for (const column of shared) {
				expect([key, column, full.get(key)?.[column]]).toEqual([key, column, expected[column]]);
				expect([key, column, simple.get(key)?.[column]]).toEqual([key, column, expected[column]]);
			}
		}
		// Only the full object links the incident and names its commander and services; the simplified row has neither.
		const mitigated = 'firehydrant:0689697e-0d1a-44ea-8919-c0d8af4646e0';
		expect(full.get(mitigated)).toMatchObject({
			url: 'https://app.firehydrant.io/incidents/0689697e-0d1a-44ea-8919-c0d8af4646e0',
			commander: 'Aiko van der Berg',
			services: ['notifications-worker'],
			customer_impact: true,
		});
		expect(simple.get(mitigated)).toMatchObject({
			url: null,
			commander: null,
			services: null,
			customer_impact: null,
		});
	});

	const SECRET = 'whs-golden-0123456789abcdef0123456789';
	const triggerNode = (): INode => ({
		id: 'fh-trigger',
		name: 'FireHydrant Trigger',
		type: 'n8n-nodes-incident-data.fireHydrantTrigger',
		typeVersion: 1,
		position: [0, 0],
		webhookId: 'f1a2b3c4-0000-4000-8000-00000000aaaa',
		parameters: { webhookSecret: SECRET, resourceTypes: 'incidents', operations: '' },
		credentials: { fireHydrantApi: { id: 'fh-cred', name: 'FireHydrant sandbox' } },
	});

	async function throughTrigger(body: string): Promise<IDataObject[]> {
		const result = await runWebhook({
			nodeTypes: { 'n8n-nodes-incident-data.fireHydrantTrigger': new FireHydrantTrigger() },
			credentialTypes: [new FireHydrantApi()],
			credentials: [fireHydrantCredential(sandbox)],
			node: triggerNode(),
			request: {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					'fh-signature': createHmac('sha256', SECRET).update(body).digest('hex'),
				},
				rawBody: body,
			},
		});
		return (result.response?.workflowData?.[0] ?? []).map((item) => item.json);
	}

	it('a sandbox delivery through the FireHydrant Trigger gives the same incident as Incident → Get', async () => {
		const id = '0689697e-0d1a-44ea-8919-c0d8af4646e0';
		const delivered = await throughTrigger(
			sandbox.fireHydrant.rest.deliveryBody({
				incidentId: id,
				operation: 'updated',
				resourceType: 'incidents',
			}),
		);
		expect(delivered).toHaveLength(1);
		const [fromTrigger] = rowsOf(
			await runChain(
				sandbox,
				[normalize()],
				delivered.map((json) => ({ json })),
			),
		);
		const [fromRest] = rowsOf(
			await runChain(sandbox, [
				fireHydrantNode({
					resource: 'incident',
					operation: 'get',
					incidentId: id,
					simplify: false,
				}),
				normalize(),
			]),
		);
		// FireHydrant's webhook writes created_at to the second (`2026-03-09 14:28:11 UTC`); the API keeps milliseconds.
		expect(fromTrigger.created_at).toBe('2026-03-09T14:28:11.000Z');
		expect(fromRest.created_at).toBe('2026-03-09T14:28:11.914Z');
		expect({ ...fromTrigger, created_at: 'second', row_hash: 'differs' }).toEqual({
			...fromRest,
			created_at: 'second',
			row_hash: 'differs',
		});
	});

	it('crafted delivery: reopened, severity removed, UTC offsets, custom multi-select', async () => {
		// Not in the sandbox's generated history: written by hand, in the payload shape FireHydrant posts.
		const body = JSON.stringify({
			data: {
				incident: {
					id: 'fh-crafted-0001',
					number: 9001,
					name: 'Checkout down again',
					summary: 'Card payments failing in the EU',
					created_at: '2026-03-09 08:00:00 UTC',
					started_at: '2026-03-09T09:55:00+01:00',
					current_milestone: 'investigating',
					severity: '',
					priority: 'P1',
					milestones: [
						{ type: 'started', occurred_at: '2026-03-09T09:55:00+01:00' },
						{ type: 'acknowledged', occurred_at: '2026-03-09T04:05:00-05:00' },
						{ type: 'mitigated', occurred_at: '2026-03-09 09:30:00 UTC' },
						{ type: 'resolved', occurred_at: '2026-03-09T10:00:00Z' },
						{ type: 'investigating', occurred_at: '2026-03-09T11:00:00Z' },
					],
					services: [{ id: 'svc-1', name: 'checkout-api' }],
					environments: [{ id: 'env-1', name: 'production' }],
					team_assignments: [{ id: 'ta-1', team: { id: 'team-1', name: 'Payments' } }],
					role_assignments: [
						{
							id: 'ra-1',
							status: 'inactive',
							incident_role: { name: 'Incident Commander' },
							user: { name: 'Grace Hopper' },
							updated_at: '2026-03-09T09:10:00Z',
						},
						{
							id: 'ra-2',
							status: 'active',
							incident_role: { name: 'Incident Commander' },
							user: { name: 'Zoë Okafor' },
							updated_at: '2026-03-09T10:30:00Z',
						},
					],
					customers_impacted: 120,
					incident_url: 'https://app.firehydrant.io/incidents/fh-crafted-0001',
					custom_fields: [
						{ display_name: 'Regions', value_type: 'multi_select', value_array: ['EU', 'US'] },
						{
							display_name: 'Root Cause',
							value_type: 'string',
							value_string: 'Expired certificate',
						},
					],
				},
			},
			event: { operation: 'updated', resource_type: 'incidents' },
		});
		const delivered = await throughTrigger(body);
		const rows = rowsOf(
			await runChain(
				sandbox,
				[normalize()],
				delivered.map((json) => ({ json })),
			),
		);
		expect(rows.map(withoutHash)).toEqual([
			{
				incident_key: 'firehydrant:fh-crafted-0001',
				source: 'firehydrant',
				source_id: 'fh-crafted-0001',
				reference: '9001',
				title: 'Checkout down again',
				summary: 'Card payments failing in the EU',
				status_raw: 'investigating',
				status_category: 'active',
				severity_raw: null,
				severity_rank: null,
				priority: 'P1',
				mode: null,
				is_private: null,
				services: ['checkout-api'],
				teams: ['Payments'],
				environment: 'production',
				started_at: '2026-03-09T08:55:00.000Z',
				detected_at: null,
				acknowledged_at: '2026-03-09T09:05:00.000Z',
				// Reopened: the earlier mitigation and resolution no longer hold.
				mitigated_at: null,
				resolved_at: null,
				closed_at: null,
				created_at: '2026-03-09T08:00:00.000Z',
				updated_at: '2026-03-09T11:00:00.000Z',
				time_to_acknowledge_s: 600,
				time_to_mitigate_s: null,
				time_to_resolve_s: null,
				customer_impact: true,
				commander: 'Zoë Okafor',
				url: 'https://app.firehydrant.io/incidents/fh-crafted-0001',
				postmortem_url: null,
				custom_fields: { Regions: ['EU', 'US'], 'Root Cause': 'Expired certificate' },
			},
		]);
	});
});

describe('incident.io', () => {
	it('incidents (raw) → every column of five incidents: no resolution, multi-select, test mode, private, closed, cancelled', async () => {
		const rows = byKey(rowsOf(await runChain(sandbox, [incidents(false), normalize()])));
		expect(rows.size).toBe(40);
		for (const expected of INCIDENT_IO)
			expect(withoutHash(rows.get(String(expected.incident_key)) as IDataObject)).toEqual(expected);
	});

	it('flattened incidents give the same rows; the severity rank needs the raw record (or Severity Order)', async () => {
		const raw = byKey(rowsOf(await runChain(sandbox, [incidents(false), normalize()])));
		const flat = byKey(rowsOf(await runChain(sandbox, [incidents(true), normalize()])));
		const ordered = byKey(
			rowsOf(
				await runChain(sandbox, [
					incidents(true),
					normalize({ severityOrder: 'Critical, Major, Minor' }),
				]),
			),
		);
		for (const expected of INCIDENT_IO) {
			const key = String(expected.incident_key);
			expect({ ...withoutHash(flat.get(key) as IDataObject), severity_rank: 'n/a' }).toEqual({
				...expected,
				severity_rank: 'n/a',
			});
			expect(flat.get(key)?.severity_rank).toBeNull();
			expect(withoutHash(ordered.get(key) as IDataObject)).toEqual(expected);
			expect(ordered.get(key)?.row_hash).toBe(raw.get(key)?.row_hash);
		}
	});

	it("crafted in the sandbox's data: reopened with UTC offsets, and a removed severity", async () => {
		const data = sandbox.incidentIo.data;
		const live = data.statuses.find((status) => status.category === 'live') as Json;
		const reopened = data.incidents[1];
		reopened.incident_status = live;
		reopened.updated_at = '2026-03-05T09:00:00+02:00';
		reopened.incident_timestamp_values = [
			{ incident_timestamp: data.timestamps[0], value: { value: '2026-03-04T00:35:50+01:00' } },
			{ incident_timestamp: data.timestamps[1], value: { value: '2026-03-03T18:45:50-05:00' } },
			// Resolved once, then reopened: the status is live again.
			{ incident_timestamp: data.timestamps[2], value: { value: '2026-03-04T02:00:00Z' } },
		];
		delete data.incidents[4].severity;
		const rows = byKey(rowsOf(await runChain(sandbox, [incidents(false), normalize()])));
		expect(withoutHash(rows.get(`incident_io:${String(reopened.id)}`) as IDataObject)).toEqual({
			incident_key: `incident_io:${String(reopened.id)}`,
			source: 'incident_io',
			source_id: String(reopened.id),
			reference: 'INC-2',
			title: 'checkout is slow',
			summary: 'Customers saw problems with search.',
			status_raw: 'Investigating',
			status_category: 'active',
			severity_raw: 'Minor',
			severity_rank: 3,
			priority: null,
			mode: 'retrospective',
			is_private: false,
			services: ['database service'],
			teams: ['Payments'],
			environment: null,
			started_at: '2026-03-03T23:35:50.000Z',
			detected_at: '2026-03-03T23:45:50.000Z',
			acknowledged_at: null,
			mitigated_at: null,
			resolved_at: null,
			closed_at: null,
			created_at: '2026-03-03T23:45:50.000Z',
			updated_at: '2026-03-05T07:00:00.000Z',
			time_to_acknowledge_s: null,
			time_to_mitigate_s: null,
			time_to_resolve_s: null,
			customer_impact: true,
			commander: 'Ada Chen',
			url: 'https://app.incident.io/sandbox/incidents/2',
			postmortem_url: null,
			custom_fields: {
				'Affected Team': 'Payments',
				'Affected Regions': ['LATAM'],
				'Customer Impact': '16% of requests failed',
				'Status Page': 'https://status.example.com/incidents/2',
				'Customers Affected': 3070,
				'Affected Services': ['database service'],
			},
		});
		expect(rows.get(`incident_io:${String(data.incidents[4].id)}`)).toMatchObject({
			reference: 'INC-5',
			severity_raw: null,
			severity_rank: null,
		});
	});

	it("incident.io Trigger deliveries: an incident event gives the API's row; an ID-only private event is skipped with a hint", async () => {
		const incident = sandbox.incidentIo.data.incidents[0];
		const secret = sandbox.incidentIo.webhookSecret;
		const emitted: IDataObject[] = [];
		for (const [event, payload] of [
			['public_incident.incident_updated_v2', incident],
			['private_incident.incident_updated_v2', { id: 'private-only-id' }],
		] as const) {
			const delivery = signDelivery(event, payload, { secret });
			const result = await deliverIncidentIo(
				sandbox,
				{ method: 'POST', headers: delivery.headers, rawBody: delivery.body },
				{ fetchFullRecord: 'never' },
			);
			emitted.push(...(result.response?.workflowData?.[0] ?? []).map((item) => item.json));
		}
		expect(emitted).toHaveLength(2);
		const result = await runChain(
			sandbox,
			[normalize()],
			emitted.map((json) => ({ json })),
		);
		const rows = rowsOf(result);
		expect(rows.map(withoutHash)).toEqual([INCIDENT_IO[0]]);
		expect(result.hints(SCHEMA_NODE).map((hint) => hint.message)).toEqual([
			'1 incident.io delivery carries only an incident ID (private incidents) and was skipped. Set the trigger\'s "Fetch Full Record" to fetch them.',
		]);
	});
});

describe('Datadog DORA Metrics', () => {
	const seeded = [
		{
			id: 'ddf-0001-checkout-500s',
			started_at: '2026-03-02T10:00:00Z',
			finished_at: '2026-03-02T11:30:00Z',
			services: ['checkout-api'],
			team: 'payments',
			env: 'production',
			name: 'Checkout 500s',
			severity: 'SEV-1',
		},
		{
			id: 'ddf-0002-search-latency',
			started_at: '2026-03-03T08:15:00+02:00',
			finished_at: '2026-03-03T07:00:00Z',
			services: ['search'],
			env: 'staging',
			name: 'Search latency',
			severity: 'SEV-3',
		},
		{
			id: 'ddf-0003-login-failures',
			started_at: '2026-03-04T12:00:00Z',
			team: 'identity',
			name: 'Login failures',
			severity: 'SEV-2',
		},
		{
			id: 'ddf-0004-ledger-drift',
			started_at: '2026-03-05T00:00:00Z',
			finished_at: '2026-03-05T06:00:30Z',
			services: ['billing', 'ledger'],
			name: 'Billing ledger drift',
		},
		{
			id: 'ddf-0005-cdn-errors',
			started_at: '2026-03-06T23:59:59Z',
			finished_at: '2026-03-07T00:00:09Z',
			services: ['cdn'],
			team: 'edge',
			env: 'production',
			name: 'CDN errors',
			severity: 'High',
		},
	];
	const blank = {
		reference: null,
		summary: null,
		status_raw: null,
		priority: null,
		mode: null,
		is_private: null,
		detected_at: null,
		acknowledged_at: null,
		mitigated_at: null,
		closed_at: null,
		created_at: null,
		updated_at: null,
		time_to_acknowledge_s: null,
		time_to_mitigate_s: null,
		customer_impact: null,
		commander: null,
		url: null,
		postmortem_url: null,
		custom_fields: null,
	};

	it('failure events from Get Many (simplified and not) → every column of five incidents', async () => {
		sandbox.datadog.seed('failure', seeded);
		const list = (simplify: boolean) =>
			doraNode({
				resource: 'failure',
				operation: 'getMany',
				from: '2026-03-01T00:00:00Z',
				to: '2026-03-08T00:00:00Z',
				returnAll: true,
				simplify,
			});
		const expected = [
			{
				...blank,
				incident_key: 'datadog:ddf-0001-checkout-500s',
				source: 'datadog',
				source_id: 'ddf-0001-checkout-500s',
				title: 'Checkout 500s',
				status_category: 'resolved',
				severity_raw: 'SEV-1',
				severity_rank: 1,
				services: ['checkout-api'],
				teams: ['payments'],
				environment: 'production',
				started_at: '2026-03-02T10:00:00.000Z',
				resolved_at: '2026-03-02T11:30:00.000Z',
				time_to_resolve_s: 5400,
			},
			{
				...blank,
				incident_key: 'datadog:ddf-0002-search-latency',
				source: 'datadog',
				source_id: 'ddf-0002-search-latency',
				title: 'Search latency',
				status_category: 'resolved',
				severity_raw: 'SEV-3',
				severity_rank: 3,
				services: ['search'],
				teams: null,
				environment: 'staging',
				started_at: '2026-03-03T06:15:00.000Z',
				resolved_at: '2026-03-03T07:00:00.000Z',
				time_to_resolve_s: 2700,
			},
			{
				...blank,
				incident_key: 'datadog:ddf-0003-login-failures',
				source: 'datadog',
				source_id: 'ddf-0003-login-failures',
				title: 'Login failures',
				status_category: 'active',
				severity_raw: 'SEV-2',
				severity_rank: 2,
				services: null,
				teams: ['identity'],
				environment: null,
				started_at: '2026-03-04T12:00:00.000Z',
				resolved_at: null,
				time_to_resolve_s: null,
			},
			{
				...blank,
				incident_key: 'datadog:ddf-0004-ledger-drift',
				source: 'datadog',
				source_id: 'ddf-0004-ledger-drift',
				title: 'Billing ledger drift',
				status_category: 'resolved',
				severity_raw: null,
				severity_rank: null,
				services: ['billing', 'ledger'],
				teams: null,
				environment: null,
				started_at: '2026-03-05T00:00:00.000Z',
				resolved_at: '2026-03-05T06:00:30.000Z',
				time_to_resolve_s: 21630,
			},
			{
				...blank,
				incident_key: 'datadog:ddf-0005-cdn-errors',
				source: 'datadog',
				source_id: 'ddf-0005-cdn-errors',
				title: 'CDN errors',
				status_category: 'resolved',
				severity_raw: 'High',
				severity_rank: null,
				services: ['cdn'],
				teams: ['edge'],
				environment: 'production',
				started_at: '2026-03-06T23:59:59.000Z',
				resolved_at: '2026-03-07T00:00:09.000Z',
				time_to_resolve_s: 10,
			},
		];
		for (const simplify of [true, false]) {
			const rows = rowsOf(await runChain(sandbox, [list(simplify), normalize()]));
			const byId = byKey(rows.map(withoutHash));
			expect(byId.size).toBe(5);
			for (const row of expected) expect(byId.get(row.incident_key)).toEqual(row);
		}
	});
});
