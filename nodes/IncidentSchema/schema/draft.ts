import { createHash } from 'node:crypto';

import { toIsoUtc } from '../../../lib/time';
import {
	COLUMNS,
	type DurationColumn,
	type IncidentRow,
	type IncidentSource,
	type StatusCategory,
	type TimeColumn,
	TIME_COLUMNS,
} from './columns';

/**
 * What a source mapper produces: every column but the derived ones (key, durations, rank, hash),
 * with timestamps still as the source wrote them, so that one place parses them and counts the
 * ones that do not parse.
 */
export type IncidentDraft = Omit<
	IncidentRow,
	'incident_key' | 'severity_rank' | TimeColumn | DurationColumn | 'row_hash'
> & {
	/** The source's own severity rank where it has one (incident.io: higher = more severe). */
	native_severity_rank: number | null;
	times: Partial<Record<TimeColumn, unknown>>;
};

export function emptyDraft(source: IncidentSource, sourceId: string): IncidentDraft {
	return {
		source,
		source_id: sourceId,
		reference: null,
		title: null,
		summary: null,
		status_raw: null,
		status_category: null,
		severity_raw: null,
		native_severity_rank: null,
		priority: null,
		mode: null,
		is_private: null,
		services: null,
		teams: null,
		environment: null,
		times: {},
		customer_impact: null,
		commander: null,
		url: null,
		postmortem_url: null,
		custom_fields: null,
	};
}

/** Text of a scalar, trimmed; null for null, undefined, empty and non-scalars. */
export function textOf(value: unknown): string | null {
	if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return null;
}

/** Distinct non-empty names in first-seen order, or null when there are none. */
export function nameList(values: Iterable<unknown>): string[] | null {
	const names: string[] = [];
	for (const value of values) {
		const name = textOf(value);
		if (name !== null && !names.includes(name)) names.push(name);
	}
	return names.length > 0 ? names : null;
}

export function incidentKey(source: IncidentSource, sourceId: string): string {
	return `${source}:${sourceId}`;
}

/** Statuses in the order an incident moves through them; what comes after the current one is not reached (yet, or again). */
const MILESTONE_AFTER: Partial<Record<StatusCategory, TimeColumn[]>> = {
	triage: ['mitigated_at', 'resolved_at', 'closed_at'],
	active: ['mitigated_at', 'resolved_at', 'closed_at'],
	mitigated: ['resolved_at', 'closed_at'],
	resolved: ['closed_at'],
};

export interface FinishedRow {
	row: IncidentRow;
	/** Time columns whose source value was present but not a timestamp (now null). */
	unparseable: TimeColumn[];
}

function seconds(fromIso: string | null, toIso: string | null): number | null {
	if (fromIso === null || toIso === null) return null;
	const difference = Date.parse(toIso) - Date.parse(fromIso);
	// A milestone before the start (a back-dated start the other way round) has no meaningful duration.
	return difference < 0 ? null : Math.floor(difference / 1000);
}

/** Key-sorted copy, so that the hash does not depend on the order fields arrived in. */
function canonical(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(canonical);
	if (value !== null && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		for (const key of Object.keys(value as Record<string, unknown>).sort())
			out[key] = canonical((value as Record<string, unknown>)[key]);
		return out;
	}
	return value;
}

/** SHA-256 (hex) of every column but `row_hash`, in column order. */
function rowHash(row: Omit<IncidentRow, 'row_hash'>): string {
	const content = COLUMNS.filter((column) => column !== 'row_hash').map((column) => [
		column,
		canonical(row[column as keyof typeof row]),
	]);
	return createHash('sha256').update(JSON.stringify(content), 'utf8').digest('hex');
}

/**
 * The output row of a draft: timestamps as ISO 8601 UTC (unparseable ones null and reported),
 * milestones past the current status cleared (a reopened incident is not resolved), durations in
 * whole seconds from `started_at` (or `created_at`), and the hash.
 */
export function finishRow(draft: IncidentDraft, severityRank: number | null): FinishedRow {
	const unparseable: TimeColumn[] = [];
	const times = {} as Record<TimeColumn, string | null>;
	for (const column of TIME_COLUMNS) {
		const raw = draft.times[column];
		if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
			times[column] = null;
			continue;
		}
		const iso = typeof raw === 'string' ? toIsoUtc(raw) : undefined;
		if (iso === undefined) unparseable.push(column);
		times[column] = iso ?? null;
	}
	for (const column of (draft.status_category && MILESTONE_AFTER[draft.status_category]) || [])
		times[column] = null;

	const start = times.started_at ?? times.created_at;
	const row: Omit<IncidentRow, 'row_hash'> = {
		incident_key: incidentKey(draft.source, draft.source_id),
		source: draft.source,
		source_id: draft.source_id,
		reference: draft.reference,
		title: draft.title,
		summary: draft.summary,
		status_raw: draft.status_raw,
		status_category: draft.status_category,
		severity_raw: draft.severity_raw,
		severity_rank: severityRank,
		priority: draft.priority,
		mode: draft.mode,
		is_private: draft.is_private,
		services: draft.services,
		teams: draft.teams,
		environment: draft.environment,
		...times,
		time_to_acknowledge_s: seconds(start, times.acknowledged_at),
		time_to_mitigate_s: seconds(start, times.mitigated_at),
		time_to_resolve_s: seconds(start, times.resolved_at),
		customer_impact: draft.customer_impact,
		commander: draft.commander,
		url: draft.url,
		postmortem_url: draft.postmortem_url,
		custom_fields: draft.custom_fields,
	};
	const ordered = {} as Record<string, unknown>;
	for (const column of COLUMNS)
		if (column !== 'row_hash') ordered[column] = row[column as keyof typeof row];
	ordered.row_hash = rowHash(row);
	return { row: ordered as unknown as IncidentRow, unparseable };
}
