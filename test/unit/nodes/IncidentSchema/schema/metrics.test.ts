/**
 * Compute Metrics against figures worked out by hand (in the comments), not by the node's code.
 * Quantiles interpolate linearly between closest ranks (SQL's PERCENTILE_CONT).
 */
import type { IncidentRow } from '../../../../../nodes/IncidentSchema/schema/columns';
import {
	computeMetrics,
	quantile,
	windowOf,
	type Deployment,
} from '../../../../../nodes/IncidentSchema/schema/metrics';

function incident(key: string, fields: Partial<IncidentRow>): IncidentRow {
	return {
		incident_key: key,
		source: 'datadog',
		source_id: key,
		reference: null,
		title: null,
		summary: null,
		status_raw: null,
		status_category: null,
		severity_raw: null,
		severity_rank: null,
		priority: null,
		mode: null,
		is_private: null,
		services: null,
		teams: null,
		environment: null,
		started_at: null,
		detected_at: null,
		acknowledged_at: null,
		mitigated_at: null,
		resolved_at: null,
		closed_at: null,
		created_at: null,
		updated_at: null,
		time_to_acknowledge_s: null,
		time_to_mitigate_s: null,
		time_to_resolve_s: null,
		customer_impact: null,
		commander: null,
		url: null,
		postmortem_url: null,
		custom_fields: null,
		row_hash: '0'.repeat(64),
		...fields,
	};
}

// Week of Monday 2026-01-05: A, B, C. Week of 2026-01-12: D. Week of 2026-01-26: E (Sunday 2026-02-01).
const A = incident('A', {
	services: ['api'],
	teams: ['core'],
	severity_raw: 'SEV1',
	status_category: 'resolved',
	started_at: '2026-01-05T10:00:00.000Z',
	resolved_at: '2026-01-05T11:00:00.000Z',
	time_to_acknowledge_s: 60,
	time_to_mitigate_s: 600,
	time_to_resolve_s: 3600,
});
const B = incident('B', {
	services: ['api', 'web'],
	severity_raw: 'SEV2',
	status_category: 'resolved',
	started_at: '2026-01-06T00:00:00.000Z',
	resolved_at: '2026-01-06T02:00:00.000Z',
	time_to_acknowledge_s: 120,
	time_to_resolve_s: 7200,
});
const C = incident('C', {
	services: ['web'],
	severity_raw: 'SEV1',
	status_category: 'active',
	started_at: '2026-01-11T23:59:59.000Z',
	time_to_acknowledge_s: 30,
});
const D = incident('D', {
	severity_raw: 'SEV3',
	status_category: 'resolved',
	started_at: '2026-01-12T00:00:00.000Z',
	resolved_at: '2026-01-12T00:01:40.000Z',
	time_to_acknowledge_s: 300,
	time_to_resolve_s: 100,
});
const E = incident('E', {
	services: ['api'],
	severity_raw: 'SEV2',
	status_category: 'cancelled',
	created_at: '2026-02-01T00:00:00.000Z',
});
const ALL = [A, B, C, D, E];

const ms = (iso: string) => Date.parse(iso);
const DEPLOYMENTS: Deployment[] = [
	{ service: 'api', team: null, startedMs: ms('2026-01-07T00:00:00Z'), changeFailure: false },
	{ service: 'api', team: null, startedMs: ms('2026-01-08T00:00:00Z'), changeFailure: true },
	{ service: 'api', team: 'core', startedMs: ms('2026-01-20T00:00:00Z'), changeFailure: false },
	{ service: 'web', team: null, startedMs: ms('2026-01-09T00:00:00Z'), changeFailure: true },
	{ service: 'api', team: null, startedMs: ms('2026-02-03T00:00:00Z'), changeFailure: false },
];

describe('Compute Metrics', () => {
	it('quantiles: median of 30, 60, 120, 300 is 90; its p90 is 120 + 0.7 × 180 = 246', () => {
		expect(quantile([300, 30, 120, 60], 0.5)).toBe(90);
		expect(quantile([300, 30, 120, 60], 0.9)).toBe(246);
		expect(quantile([], 0.5)).toBeNull();
		expect(quantile([7], 0.9)).toBe(7);
	});

	it('windows: ISO weeks start on Monday 00:00 UTC; months on the 1st', () => {
		expect(windowOf(ms('2026-02-01T23:59:59Z'), 'week')).toEqual({
			start: ms('2026-01-26T00:00:00Z'),
			end: ms('2026-02-02T00:00:00Z'),
		});
		expect(windowOf(ms('2026-01-05T00:00:00Z'), 'week')).toEqual({
			start: ms('2026-01-05T00:00:00Z'),
			end: ms('2026-01-12T00:00:00Z'),
		});
		expect(windowOf(ms('2026-12-31T23:00:00Z'), 'month')).toEqual({
			start: ms('2026-12-01T00:00:00Z'),
			end: ms('2027-01-01T00:00:00Z'),
		});
	});

	it('no grouping, one window: counts, quantiles, open incidents, change failure rate', () => {
		const { rows } = computeMetrics(ALL, DEPLOYMENTS, 'none', 'all');
		expect(rows).toEqual([
			{
				group_by: 'none',
				group: null,
				window: 'all',
				window_start: null,
				window_end: null,
				incident_count: 5,
				count_by_severity: { SEV1: 2, SEV2: 2, SEV3: 1 },
				// C is open; E was cancelled.
				open_at_window_end: 1,
				time_to_acknowledge_median_s: 90,
				time_to_acknowledge_p90_s: 246,
				time_to_mitigate_median_s: 600,
				time_to_mitigate_p90_s: 600,
				// 100, 3600, 7200: p90 at position 1.8 → 3600 + 0.8 × 3600.
				time_to_resolve_median_s: 3600,
				time_to_resolve_p90_s: 6480,
				deployments: 5,
				failed_deployments: 2,
				change_failure_rate: 0.4,
			},
		]);
	});

	it("weekly: open at each window's end counts incidents of earlier weeks still unresolved", () => {
		const { rows } = computeMetrics(ALL, undefined, 'none', 'week');
		expect(
			rows.map((row) => [
				row.window_start,
				row.incident_count,
				row.open_at_window_end,
				row.time_to_acknowledge_median_s,
				row.time_to_acknowledge_p90_s,
			]),
		).toEqual([
			// 30, 60, 120: median 60, p90 at 1.8 → 60 + 0.8 × 60 = 108. Open at 2026-01-12: C.
			['2026-01-05T00:00:00.000Z', 3, 1, 60, 108],
			['2026-01-12T00:00:00.000Z', 1, 1, 300, 300],
			['2026-01-26T00:00:00.000Z', 1, 1, null, null],
		]);
		expect(rows.every((row) => row.change_failure_rate === null && row.deployments === null)).toBe(
			true,
		);
	});

	it('by service and month: an incident counts for each service; deployments matched by service and month', () => {
		const { rows } = computeMetrics(ALL, DEPLOYMENTS, 'service', 'month');
		expect(
			rows.map((row) => [
				row.window_start,
				row.group,
				row.incident_count,
				row.open_at_window_end,
				row.deployments,
				row.failed_deployments,
				row.change_failure_rate,
			]),
		).toEqual([
			['2026-01-01T00:00:00.000Z', 'api', 2, 0, 3, 1, 0.3333],
			['2026-01-01T00:00:00.000Z', 'web', 2, 1, 1, 1, 1],
			['2026-01-01T00:00:00.000Z', null, 1, 0, 0, 0, null],
			['2026-02-01T00:00:00.000Z', 'api', 1, 0, 1, 0, 0],
		]);
	});

	it('by severity and by team', () => {
		const severity = computeMetrics(ALL, DEPLOYMENTS, 'severity', 'all').rows;
		expect(
			severity.map((row) => [
				row.group,
				row.incident_count,
				row.time_to_resolve_median_s,
				row.change_failure_rate,
			]),
		).toEqual([
			['SEV1', 2, 3600, null],
			['SEV2', 2, 7200, null],
			['SEV3', 1, 100, null],
		]);
		const team = computeMetrics(ALL, DEPLOYMENTS, 'team', 'all').rows;
		expect(
			team.map((row) => [row.group, row.incident_count, row.deployments, row.change_failure_rate]),
		).toEqual([
			['core', 1, 1, 0],
			[null, 4, 0, null],
		]);
	});

	it("an incident resolved after a window ends is open at that window's end, not at the next one's", () => {
		const spanning = incident('F', {
			status_category: 'resolved',
			started_at: '2026-01-09T12:00:00.000Z',
			resolved_at: '2026-01-13T08:00:00.000Z',
		});
		const later = incident('G', {
			status_category: 'resolved',
			started_at: '2026-01-20T00:00:00.000Z',
			resolved_at: '2026-01-20T01:00:00.000Z',
		});
		const { rows } = computeMetrics([spanning, later], undefined, 'none', 'week');
		expect(rows.map((row) => [row.window_start, row.open_at_window_end])).toEqual([
			['2026-01-05T00:00:00.000Z', 1],
			['2026-01-19T00:00:00.000Z', 0],
		]);
	});

	it('an incident without any start is left out of weekly windows and counted', () => {
		const result = computeMetrics([A, incident('Z', {})], undefined, 'none', 'week');
		expect(result.undated).toBe(1);
		expect(result.rows.map((row) => row.incident_count)).toEqual([1]);
	});
});
