/**
 * Normalize Incidents as pure code: detection, bad input, versions, FireHydrant joins, hints, hash.
 * Items are written by hand in the shapes the pack's nodes emit.
 */
import { createHash } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import {
	normalizeItems,
	type NormalizeOptions,
} from '../../../../../nodes/IncidentSchema/schema/normalize';

const DETECT: NormalizeOptions = { source: 'detect', includeRaw: false, severityOrder: [] };

const fhIncident = (extra: IDataObject = {}): IDataObject => ({
	id: 'fh-1',
	account_id: 'acc',
	organization_id: 'org',
	created_at: '2026-02-01T10:05:00.000Z',
	updated_at: '2026-02-01T12:00:00.000Z',
	number: '17',
	name: 'Checkout down',
	severity: 'SEV2',
	priority: 'P1',
	started_at: '2026-02-01T10:00:00.000Z',
	detected_at: null,
	acknowledged_at: '2026-02-01T10:10:00.000Z',
	investigating_at: null,
	identified_at: null,
	mitigated_at: '2026-02-01T11:00:00.000Z',
	resolved_at: '2026-02-01T12:00:00.000Z',
	retrospective_started_at: null,
	retrospective_completed_at: null,
	opened_at: '2026-02-01T10:05:00.000Z',
	started_by: 'Ada',
	active_duration: 'PT2H',
	active_duration_seconds: 7200,
	_source: 'incident',
	_exportRequestId: 'exp-1',
	...extra,
});

const iioFlat = (extra: IDataObject = {}): IDataObject => ({
	id: '01IIO',
	reference: 'INC-9',
	name: 'Search slow',
	mode: 'standard',
	visibility: 'public',
	created_at: '2026-02-02T08:00:00.000Z',
	updated_at: '2026-02-02T09:00:00.000Z',
	severity: 'Major',
	status: 'Investigating',
	status_category: 'live',
	'timestamps.Impact started': '2026-02-02T07:50:00.000Z',
	...extra,
});

describe('Normalize Incidents: bad input', () => {
	it('an empty input gives no rows, no rejections and no hints', () => {
		expect(normalizeItems([], DETECT)).toEqual({ items: [], rejected: [], hints: [] });
	});

	it('an item from an unknown tool is rejected, naming the item and the fields looked for; the others still come out', () => {
		const result = normalizeItems([iioFlat(), { id: 'x', title: 'from somewhere else' }], DETECT);
		expect(result.items.map((item) => item.json.incident_key)).toEqual(['incident_io:01IIO']);
		expect(result.rejected).toHaveLength(1);
		expect(result.rejected[0].itemIndex).toBe(1);
		expect(result.rejected[0].message).toBe('Item 1 is not an incident from any supported tool');
		expect(result.rejected[0].description).toContain('_source (FireHydrant Export Data)');
		expect(result.rejected[0].description).toContain('event_type + data (incident.io Trigger)');
		expect(result.rejected[0].description).toContain(
			'type dora_failure / dora_deployment (Datadog DORA Metrics)',
		);
	});

	it('with a fixed source, an item of another tool is rejected and the message says which tool it looks like', () => {
		const result = normalizeItems([iioFlat()], { ...DETECT, source: 'firehydrant' });
		expect(result.items).toEqual([]);
		expect(result.rejected[0].message).toBe('Item 0 is not an incident from FireHydrant');
		expect(result.rejected[0].description).toBe(
			'It looks like an item from incident.io. Set "Source" to Detect or to incident.io.',
		);
	});

	it('a timestamp that does not parse leaves its column null, the rest of the row intact, and a hint counts it', () => {
		const result = normalizeItems(
			[fhIncident({ acknowledged_at: 'yesterday-ish', resolved_at: '2026-02-30T10:00:00Z' })],
			DETECT,
		);
		const [row] = result.items.map((item) => item.json);
		expect(row.acknowledged_at).toBeNull();
		expect(row.resolved_at).toBeNull();
		expect(row.time_to_acknowledge_s).toBeNull();
		expect(row.mitigated_at).toBe('2026-02-01T11:00:00.000Z');
		expect(row.time_to_mitigate_s).toBe(3600);
		expect(result.hints).toEqual([
			'2 timestamps did not parse and were left null (item 0 acknowledged_at, item 0 resolved_at). Timestamps must be ISO 8601 or "YYYY-MM-DD HH:MM:SS UTC".',
		]);
	});
});

describe('Normalize Incidents: versions, joins, hints', () => {
	it('several versions of one incident give one row: the newest updated_at, paired with every version', () => {
		const result = normalizeItems(
			[
				fhIncident({ updated_at: '2026-02-01T12:00:00Z', name: 'newest' }),
				fhIncident({ updated_at: '2026-02-01T13:00:00+02:00', name: 'older (11:00 UTC)' }),
				iioFlat(),
			],
			DETECT,
		);
		expect(
			result.items.map((item) => [item.json.incident_key, item.json.title, item.itemIndexes]),
		).toEqual([
			['firehydrant:fh-1', 'newest', [0, 1]],
			['incident_io:01IIO', 'Search slow', [2]],
		]);
	});

	it('FireHydrant export rows of the other sources are joined onto their incident; rows without one are counted', () => {
		const rows: IDataObject[] = [
			fhIncident(),
			{
				id: 'ra-1',
				incident_id: 'fh-1',
				status: 'inactive',
				incident_role_name: 'Incident Commander',
				assigned_user_name: 'First',
				updated_at: '2026-02-01T10:06:00Z',
				_source: 'incident_role_assignment',
			},
			{
				id: 'ra-2',
				incident_id: 'fh-1',
				status: 'active',
				incident_role_name: 'Incident Commander',
				assigned_user_name: 'Second',
				updated_at: '2026-02-01T10:30:00Z',
				_source: 'incident_role_assignment',
			},
			{
				id: 'im-1',
				incident_id: 'fh-1',
				impacted_type: 'service',
				impacted_slug: 'checkout-api',
				condition_name: 'Unavailable',
				updated_at: '2026-02-01T10:20:00Z',
				_source: 'incident_impact',
			},
			{
				id: 'im-2',
				incident_id: 'fh-1',
				impacted_type: 'environment',
				impacted_slug: 'production',
				condition_name: 'Degraded',
				updated_at: '2026-02-01T10:20:00Z',
				_source: 'incident_impact',
			},
			{
				id: 'ev-1',
				incident_id: 'fh-1',
				type: 'TeamAssignment',
				event_details: { team_name: 'Payments' },
				created_at: '2026-02-01T10:07:00Z',
				_source: 'incident_event',
			},
			// Reopened after its resolution: the newest status event wins over the milestone columns.
			{
				id: 'ev-2',
				incident_id: 'fh-1',
				type: 'IncidentStatus',
				event_details: { new_status: 'investigating' },
				created_at: '2026-02-01T12:30:00Z',
				_source: 'incident_event',
			},
			{
				id: 'rt-1',
				incident_id: 'fh-1',
				summary: 'Certificate expired',
				updated_at: '2026-02-03T10:00:00Z',
				_source: 'retrospective',
			},
			{
				id: 'ra-9',
				incident_id: 'fh-gone',
				status: 'active',
				incident_role_name: 'Scribe',
				assigned_user_name: 'X',
				_source: 'incident_role_assignment',
			},
		];
		const result = normalizeItems(rows, DETECT);
		expect(result.items).toHaveLength(1);
		expect(result.items[0].itemIndexes).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
		expect(result.items[0].json).toMatchObject({
			commander: 'Second',
			services: ['checkout-api'],
			environment: 'production',
			teams: ['Payments'],
			customer_impact: false,
			summary: 'Certificate expired',
			status_raw: 'investigating',
			status_category: 'active',
			mitigated_at: null,
			resolved_at: null,
			time_to_resolve_s: null,
			acknowledged_at: '2026-02-01T10:10:00.000Z',
		});
		expect(result.hints).toEqual([
			'1 FireHydrant export row (role assignments, events, impacts, retrospectives) had no incident row in the input and was not used. Include the "incident" source in Export Data → Get Rows.',
		]);
	});

	it('export rows beside a full REST incident fill only what the incident lacks', () => {
		const entity: IDataObject = {
			id: 'fh-2',
			number: 18,
			name: 'Search down',
			current_milestone: 'resolved',
			milestones: [
				{ type: 'started', occurred_at: '2026-02-01T10:00:00Z' },
				{ type: 'resolved', occurred_at: '2026-02-01T10:30:00Z' },
			],
			role_assignments: [
				{
					id: 'r1',
					status: 'active',
					incident_role: { name: 'Incident Commander' },
					user: { name: 'From REST' },
				},
			],
		};
		const rows: IDataObject[] = [
			entity,
			{
				id: 'ra-1',
				incident_id: 'fh-2',
				status: 'active',
				incident_role_name: 'Incident Commander',
				assigned_user_name: 'From export',
				_source: 'incident_role_assignment',
			},
			{
				id: 'ev-1',
				incident_id: 'fh-2',
				type: 'TeamAssignment',
				event_details: { team_name: 'Search' },
				created_at: '2026-02-01T10:01:00Z',
				_source: 'incident_event',
			},
		];
		const [row] = normalizeItems(rows, DETECT).items;
		expect(row.json).toMatchObject({
			commander: 'From REST',
			teams: ['Search'],
			status_category: 'resolved',
			time_to_resolve_s: 1800,
		});
		expect(row.itemIndexes).toEqual([0, 1, 2]);
	});

	it('a fixed source takes its own items', () => {
		const result = normalizeItems(
			[{ id: 'dd-1', type: 'dora_failure', started_at: '2026-02-01T00:00:00Z', team: 'core' }],
			{ ...DETECT, source: 'datadog' },
		);
		expect(result.rejected).toEqual([]);
		expect(
			result.items.map((item) => [
				item.json.incident_key,
				item.json.teams,
				item.json.status_category,
			]),
		).toEqual([['datadog:dd-1', ['core'], 'active']]);
	});

	it('deployments and non-incident deliveries are skipped with a hint each, never failed', () => {
		const result = normalizeItems(
			[
				{
					id: 'dep-1',
					type: 'dora_deployment',
					service: 'api',
					started_at: '2026-02-01T00:00:00Z',
					finished_at: '2026-02-01T00:05:00Z',
				},
				{
					event_type: 'public_incident.action_created_v1',
					webhook_id: 'msg_1',
					fetched: false,
					data: { id: 'act-1', incident_id: 'x' },
				},
			],
			DETECT,
		);
		expect(result.items).toEqual([]);
		expect(result.rejected).toEqual([]);
		expect(result.hints).toEqual([
			'1 incident.io delivery is not about an incident (actions, follow-ups, alerts…) and was skipped.',
			'1 Datadog deployment event is not an incident and was skipped; Compute Metrics reads deployments for the change failure rate.',
		]);
	});

	it('Include Raw adds the source item under raw', () => {
		const item = iioFlat();
		const [row] = normalizeItems([item], { ...DETECT, includeRaw: true }).items;
		expect(row.json.raw).toEqual(item);
		expect(normalizeItems([item], DETECT).items[0].json).not.toHaveProperty('raw');
	});
});

describe('Normalize Incidents: severity rank and hash', () => {
	it('incident.io ranks count upwards (higher = more severe): turned around against the highest rank in the input', () => {
		const raw = (id: string, name: string, rank: number) => ({
			id,
			reference: id,
			incident_status: { name: 'Investigating', category: 'live' },
			severity: { name, rank },
			custom_field_entries: [],
		});
		const rows = normalizeItems(
			[raw('a', 'Minor', 1), raw('b', 'Critical', 3), raw('c', 'Major', 2)],
			DETECT,
		).items.map((item) => [item.json.severity_raw, item.json.severity_rank]);
		expect(rows).toEqual([
			['Minor', 3],
			['Critical', 1],
			['Major', 2],
		]);
	});

	it('Severity Order overrides every source; SEVn names rank by their number otherwise', () => {
		expect(
			normalizeItems([fhIncident({ severity: 'SEV3' })], DETECT).items[0].json.severity_rank,
		).toBe(3);
		expect(
			normalizeItems([fhIncident({ severity: 'Big' })], DETECT).items[0].json.severity_rank,
		).toBeNull();
		expect(
			normalizeItems([fhIncident({ severity: 'big' })], {
				...DETECT,
				severityOrder: ['Huge', 'Big'],
			}).items[0].json.severity_rank,
		).toBe(2);
	});

	it('row_hash is the SHA-256 of the columns, independent of field order, and changes with any column', () => {
		const first = normalizeItems([iioFlat()], DETECT).items[0].json;
		const reordered = normalizeItems(
			[Object.fromEntries(Object.entries(iioFlat()).reverse())],
			DETECT,
		).items[0].json;
		const renamed = normalizeItems([iioFlat({ name: 'Search slower' })], DETECT).items[0].json;
		expect(reordered.row_hash).toBe(first.row_hash);
		expect(renamed.row_hash).not.toBe(first.row_hash);
		const { row_hash: hash, ...columns } = first;
		// Independently: SHA-256 over [column, value] pairs in column order.
		expect(hash).toBe(
			createHash('sha256')
				.update(JSON.stringify(Object.entries(columns)))
				.digest('hex'),
		);
	});
});
