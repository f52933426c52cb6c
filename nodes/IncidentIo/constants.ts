/** incident.io facts the nodes rely on (see the vendor notes); user-facing texts live here too. */

export const INCIDENT_IO_CREDENTIAL_TYPE = 'incidentIoApi';

export const DEFAULT_BASE_URL = 'https://api.incident.io';

/**
 * The API allows 1200 requests a minute per key, but only 60 a minute on `GET /v2/incidents`.
 * The nodes stay under both with headroom: the server counts arrivals, we count departures, and
 * the key's other clients share the allowance.
 */
export const GENERAL_RATE_LIMIT = { limit: 1000, intervalMs: 60_000 } as const;
export const INCIDENT_LIST_RATE_LIMIT = { limit: 50, intervalMs: 60_000 } as const;

/** Every status category; the API hides declined, canceled and merged unless they are listed. */
export const STATUS_CATEGORIES = [
	'triage',
	'live',
	'learning',
	'paused',
	'closed',
	'declined',
	'canceled',
	'merged',
] as const;

/**
 * Every incident mode; the API returns only standard and retrospective unless asked. `stream` is
 * named by the vendor notes and the actions/follow-ups filters, though the incident schema's enum
 * lags behind it.
 */
export const INCIDENT_MODES = ['standard', 'retrospective', 'test', 'tutorial', 'stream'] as const;

export type StatusCategory = (typeof STATUS_CATEGORIES)[number];
export type IncidentMode = (typeof INCIDENT_MODES)[number];

/** Overlap of incremental windows: the vendor advises a few minutes for late-committed writes. */
export const DEFAULT_OVERLAP_MINUTES = 5;

/** How many `id@updated_at` keys an incremental cursor remembers to drop repeats from the overlap. */
export const MAX_SEEN_KEYS = 5000;

export const ERROR_MESSAGES = {
	unauthorized:
		'Check the API key in the incident.io credential (Settings → API keys); it may have been revoked.',
	forbidden: (scope: string | undefined) =>
		scope
			? `The API key lacks the scope "${scope}". Edit the key in incident.io (Settings → API keys) and add that scope, or create a new key with it.`
			: 'The API key lacks a scope this request needs. Edit the key in incident.io (Settings → API keys) and add the scope the message names.',
	notFound: (resource: string) =>
		`Double-check the value in the parameter "${resource} ID": incident.io has no such record (it may have been deleted).`,
	unprocessable:
		'incident.io rejected a filter value. Check the filters and options of this node against the values incident.io offers.',
	rateLimited:
		'incident.io limits requests per API key (1200 a minute, 60 a minute when listing incidents). The node waited and retried; run the workflow less often or try again later.',
	serverError: 'incident.io had a server problem. The node retried; try again in a few minutes.',
	missingId: (resource: string) => `Enter the ${resource} ID in the parameter "${resource} ID".`,
	invalidStartDate: (value: unknown) =>
		`"Start Date" must be a date such as 2024-05-01 or 2024-05-01T00:00:00Z; got ${JSON.stringify(value)}.`,
	overlapRange: '"Overlap (Minutes)" must be a number of minutes from 0 to 1440',
	catalogTypeRequired:
		'Enter the catalog type ID in "Catalog Type ID": incident.io lists catalog entries one type at a time.',
	customFieldRequired:
		'Enter the custom field ID in "Custom Field ID": incident.io lists options one custom field at a time.',
	pagedListMissing: (pagedPath: string, fallbackPath: string) =>
		`incident.io answered 404 for ${pagedPath} (this account or API does not offer it yet), so the node read ${fallbackPath} instead. That list is not paginated and has no date filter: every record is downloaded and changes are picked out here, which is slower on large accounts but returns the same records.`,
	unreadableUpdatedAt: (count: number, resource: string) =>
		`${count} ${resource} record(s) had no readable updated_at, so the incremental window could not place them; they were returned rather than dropped, and remembered so they are not repeated while their updated_at stays the same.`,
	notNumeric: (field: string, value: string, incident: string) =>
		`Incident ${incident}: the numeric custom field "${field}" holds ${JSON.stringify(value)}, which is not a number; it is output as text.`,
} as const;
