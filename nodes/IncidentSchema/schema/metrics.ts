import type { IDataObject } from 'n8n-workflow';

import { parseInstant } from '../../../lib/time';
import { DURATION_COLUMNS, type IncidentRow } from './columns';
import { DORA_DEPLOYMENT_TYPE, doraAttributes } from './datadog';
import { textOf } from './draft';
import { isoFromDatadog } from '../../DatadogDora/events';

/**
 * Incident metrics over normalized rows, per group and calendar window. Definitions (and where
 * they come from) are in the README, section "Incident Schema → Compute Metrics".
 */

export type GroupBy = 'none' | 'service' | 'team' | 'severity';
export type MetricsWindow = 'week' | 'month' | 'all';

export interface Deployment {
	service: string | null;
	team: string | null;
	startedMs: number;
	changeFailure: boolean;
}

export interface MetricsRow extends IDataObject {
	group_by: GroupBy;
	group: string | null;
	window: MetricsWindow;
	window_start: string | null;
	window_end: string | null;
	incident_count: number;
	count_by_severity: IDataObject;
	open_at_window_end: number;
	deployments: number | null;
	failed_deployments: number | null;
	change_failure_rate: number | null;
}

/** Statuses that never were (or no longer are) an outage: not open, whatever their timestamps. */
const NOT_AN_OUTAGE = new Set(['cancelled', 'declined', 'merged']);

/** Whether an item is a normalized incident (this node's Normalize output). */
export function isIncidentRow(json: IDataObject): boolean {
	return (
		typeof json.incident_key === 'string' &&
		typeof json.row_hash === 'string' &&
		typeof json.source === 'string'
	);
}

/** A Datadog DORA deployment event (Get / Get Many of the Datadog DORA node, simplified or not). */
export function deploymentOf(json: IDataObject): Deployment | undefined {
	if (json.type !== DORA_DEPLOYMENT_TYPE) return undefined;
	const attributes = doraAttributes(json);
	const started = isoFromDatadog(attributes.started_at);
	const startedMs = typeof started === 'string' ? parseInstant(started) : undefined;
	if (startedMs === undefined) return undefined;
	return {
		service: textOf(attributes.service),
		team: textOf(attributes.team),
		startedMs,
		changeFailure: attributes.change_failure === true,
	};
}

/**
 * The `q` quantile (0…1) by linear interpolation between closest ranks (what SQL's
 * PERCENTILE_CONT computes): the median of 1, 2, 3, 10 is 2.5; its p90 is 7.9.
 */
export function quantile(values: number[], q: number): number | null {
	if (values.length === 0) return null;
	const sorted = [...values].sort((a, b) => a - b);
	const position = (sorted.length - 1) * q;
	const lower = Math.floor(position);
	const upper = Math.ceil(position);
	const value = sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
	return Math.round(value * 1000) / 1000;
}

/** The window an instant falls in: ISO week (Monday 00:00 UTC) or calendar month (UTC). */
export function windowOf(ms: number, window: 'week' | 'month'): { start: number; end: number } {
	const date = new Date(ms);
	if (window === 'month') {
		const start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
		return { start, end: Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) };
	}
	const day = (date.getUTCDay() + 6) % 7; // Monday = 0
	const start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - day);
	return { start, end: start + 7 * 86_400_000 };
}

function startOf(row: IncidentRow): number | undefined {
	return parseInstant(row.started_at ?? row.created_at ?? undefined);
}

function groupsOf(row: IncidentRow, groupBy: GroupBy): Array<string | null> {
	if (groupBy === 'none') return [null];
	if (groupBy === 'severity') return [row.severity_raw];
	const names = groupBy === 'service' ? row.services : row.teams;
	return names && names.length > 0 ? names : [null];
}

/** Open at `endMs`: started before it and not resolved (or closed) by then. */
function openAt(row: IncidentRow, endMs: number | undefined): boolean {
	if (row.status_category !== null && NOT_AN_OUTAGE.has(row.status_category)) return false;
	const start = startOf(row);
	if (endMs !== undefined && (start === undefined || start >= endMs)) return false;
	const done = parseInstant(row.resolved_at ?? row.closed_at ?? undefined);
	if (done === undefined)
		return row.status_category === null || !['resolved', 'closed'].includes(row.status_category);
	return endMs !== undefined && done >= endMs;
}

function deploymentMatches(
	deployment: Deployment,
	groupBy: GroupBy,
	group: string | null,
): boolean {
	if (groupBy === 'none') return true;
	// Incidents without a service (team) are not attributed to deployments without one.
	if (group === null) return false;
	if (groupBy === 'service') return deployment.service === group;
	if (groupBy === 'team') return deployment.team === group;
	return false;
}

export interface MetricsResult {
	rows: MetricsRow[];
	/** Incidents without a start (neither started_at nor created_at), left out of week / month windows. */
	undated: number;
}

/**
 * One row per group and window, sorted by window then group. Change failure rate only when
 * deployments were given and the grouping can be matched to them (not by severity).
 */
export function computeMetrics(
	incidents: IncidentRow[],
	deployments: Deployment[] | undefined,
	groupBy: GroupBy,
	window: MetricsWindow,
): MetricsResult {
	const buckets = new Map<
		string,
		{ group: string | null; start: number | null; end: number | null; rows: IncidentRow[] }
	>();
	const members = new Map<string | null, IncidentRow[]>();
	let undated = 0;
	for (const row of incidents) {
		const start = startOf(row);
		if (window !== 'all' && start === undefined) {
			undated++;
			continue;
		}
		const span =
			window === 'all' || start === undefined
				? { start: null, end: null }
				: windowOf(start, window);
		for (const group of groupsOf(row, groupBy)) {
			const key = JSON.stringify([span.start, group]);
			const bucket = buckets.get(key) ?? { group, start: span.start, end: span.end, rows: [] };
			bucket.rows.push(row);
			buckets.set(key, bucket);
			const list = members.get(group) ?? [];
			list.push(row);
			members.set(group, list);
		}
	}

	const rows: MetricsRow[] = [];
	for (const bucket of buckets.values()) {
		const countBySeverity: IDataObject = {};
		for (const row of bucket.rows) {
			const name = row.severity_raw ?? '(none)';
			countBySeverity[name] = ((countBySeverity[name] as number | undefined) ?? 0) + 1;
		}
		const out: MetricsRow = {
			group_by: groupBy,
			group: bucket.group,
			window,
			window_start: bucket.start === null ? null : new Date(bucket.start).toISOString(),
			window_end: bucket.end === null ? null : new Date(bucket.end).toISOString(),
			incident_count: bucket.rows.length,
			count_by_severity: countBySeverity,
			open_at_window_end: (members.get(bucket.group) ?? []).filter((row) =>
				openAt(row, bucket.end ?? undefined),
			).length,
			deployments: null,
			failed_deployments: null,
			change_failure_rate: null,
		};
		for (const column of DURATION_COLUMNS) {
			const values = bucket.rows
				.map((row) => row[column])
				.filter((value): value is number => typeof value === 'number');
			out[`${column.replace(/_s$/, '')}_median_s`] = quantile(values, 0.5);
			out[`${column.replace(/_s$/, '')}_p90_s`] = quantile(values, 0.9);
		}
		if (deployments !== undefined && deployments.length > 0 && groupBy !== 'severity') {
			const matched = deployments.filter(
				(deployment) =>
					deploymentMatches(deployment, groupBy, bucket.group) &&
					(bucket.start === null ||
						bucket.end === null ||
						(deployment.startedMs >= bucket.start && deployment.startedMs < bucket.end)),
			);
			out.deployments = matched.length;
			out.failed_deployments = matched.filter((deployment) => deployment.changeFailure).length;
			out.change_failure_rate =
				matched.length === 0
					? null
					: Math.round((out.failed_deployments / matched.length) * 10_000) / 10_000;
		}
		rows.push(out);
	}
	rows.sort(
		(a, b) =>
			String(a.window_start ?? '').localeCompare(String(b.window_start ?? '')) ||
			String(a.group ?? '\uffff').localeCompare(String(b.group ?? '\uffff')),
	);
	return { rows, undated };
}
