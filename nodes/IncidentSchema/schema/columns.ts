/**
 * The one incident record every source is normalized into. The same column set is written down in
 * `incident.schema.json` (shipped in the package) and as Postgres DDL in `workflows/sql/incidents.sql`;
 * a unit test keeps the three equal.
 */

export const SOURCES = ['firehydrant', 'incident_io', 'datadog'] as const;
export type IncidentSource = (typeof SOURCES)[number];

export const STATUS_CATEGORIES = [
	'triage',
	'active',
	'mitigated',
	'resolved',
	'closed',
	'cancelled',
	'declined',
	'merged',
] as const;
export type StatusCategory = (typeof STATUS_CATEGORIES)[number];

export type CustomFieldValue =
	| string
	| number
	| boolean
	| null
	| Array<string | number | boolean | null>;

export interface IncidentRow {
	incident_key: string;
	source: IncidentSource;
	source_id: string;
	reference: string | null;
	title: string | null;
	summary: string | null;
	status_raw: string | null;
	status_category: StatusCategory | null;
	severity_raw: string | null;
	severity_rank: number | null;
	priority: string | null;
	mode: string | null;
	is_private: boolean | null;
	services: string[] | null;
	teams: string[] | null;
	environment: string | null;
	started_at: string | null;
	detected_at: string | null;
	acknowledged_at: string | null;
	mitigated_at: string | null;
	resolved_at: string | null;
	closed_at: string | null;
	created_at: string | null;
	updated_at: string | null;
	time_to_acknowledge_s: number | null;
	time_to_mitigate_s: number | null;
	time_to_resolve_s: number | null;
	customer_impact: boolean | null;
	commander: string | null;
	url: string | null;
	postmortem_url: string | null;
	custom_fields: Record<string, CustomFieldValue> | null;
	row_hash: string;
}

/** Every column, in output order. The `Record` makes the compiler refuse a column missing here. */
const COLUMN_ORDER: Record<keyof IncidentRow, number> = {
	incident_key: 0,
	source: 1,
	source_id: 2,
	reference: 3,
	title: 4,
	summary: 5,
	status_raw: 6,
	status_category: 7,
	severity_raw: 8,
	severity_rank: 9,
	priority: 10,
	mode: 11,
	is_private: 12,
	services: 13,
	teams: 14,
	environment: 15,
	started_at: 16,
	detected_at: 17,
	acknowledged_at: 18,
	mitigated_at: 19,
	resolved_at: 20,
	closed_at: 21,
	created_at: 22,
	updated_at: 23,
	time_to_acknowledge_s: 24,
	time_to_mitigate_s: 25,
	time_to_resolve_s: 26,
	customer_impact: 27,
	commander: 28,
	url: 29,
	postmortem_url: 30,
	custom_fields: 31,
	row_hash: 32,
};

export const COLUMNS = (Object.keys(COLUMN_ORDER) as Array<keyof IncidentRow>).sort(
	(a, b) => COLUMN_ORDER[a] - COLUMN_ORDER[b],
);

/** The timestamp columns, in the order an incident usually passes them. */
export const TIME_COLUMNS = [
	'started_at',
	'detected_at',
	'acknowledged_at',
	'mitigated_at',
	'resolved_at',
	'closed_at',
	'created_at',
	'updated_at',
] as const;
export type TimeColumn = (typeof TIME_COLUMNS)[number];

export const DURATION_COLUMNS = [
	'time_to_acknowledge_s',
	'time_to_mitigate_s',
	'time_to_resolve_s',
] as const;
export type DurationColumn = (typeof DURATION_COLUMNS)[number];
