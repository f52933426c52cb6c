/** Datadog DORA Metrics facts the node relies on (see the vendor notes); user-facing texts live here too. */

export const DATADOG_DORA_CREDENTIAL_TYPE = 'datadogDoraApi';

/** API hosts by Datadog site. DORA Metrics is not offered on US1-FED (ddog-gov.com). */
export const SITE_BASE_URLS = {
	'datadoghq.com': 'https://api.datadoghq.com',
	'us3.datadoghq.com': 'https://api.us3.datadoghq.com',
	'us5.datadoghq.com': 'https://api.us5.datadoghq.com',
	'datadoghq.eu': 'https://api.datadoghq.eu',
	'ap1.datadoghq.com': 'https://api.ap1.datadoghq.com',
	'ap2.datadoghq.com': 'https://api.ap2.datadoghq.com',
	'uk1.datadoghq.com': 'https://api.uk1.datadoghq.com',
	'ddog-gov.com': 'https://api.ddog-gov.com',
} as const;

export type DoraResource = 'failure' | 'deployment';

/** Paths differ in number by operation: writes and deletes singular, reads and lists plural. */
export const DORA_PATHS = {
	failure: {
		send: '/api/v2/dora/failure',
		item: '/api/v2/dora/failures',
		list: '/api/v2/dora/failures',
		remove: '/api/v2/dora/failure',
	},
	deployment: {
		send: '/api/v2/dora/deployment',
		item: '/api/v2/dora/deployments',
		list: '/api/v2/dora/deployments',
		remove: '/api/v2/dora/deployment',
	},
} as const;

export const LIST_REQUEST_TYPES = {
	failure: 'dora_failures_list_request',
	deployment: 'dora_deployments_list_request',
} as const;

export const EVENT_TYPES = { failure: 'dora_failure', deployment: 'dora_deployment' } as const;

export const PATCH_REQUEST_TYPE = 'dora_deployment_patch_request';

/** Event ids Datadog accepts: 16 to 128 characters of letters, digits and `-_.:`. */
export const EVENT_ID_PATTERN = /^[A-Za-z0-9\-_.:]{16,128}$/;

export const MAX_CUSTOM_TAGS = 100;

/** `key:value`, both sides non-empty. */
export const CUSTOM_TAG_PATTERN = /^[^:\s][^:]*:.+$/;

/**
 * UNVERIFIED (vendor notes give no maximum): the largest `limit` a list request asks for. Page Size
 * can be lowered if an account's API refuses it.
 */
export const DEFAULT_PAGE_SIZE = 1000;
export const MAX_PAGE_SIZE = 1000;

/** Sends in flight at once per node run, unless the node's Concurrency option says otherwise. */
export const DEFAULT_CONCURRENCY = 8;
export const MAX_CONCURRENCY = 50;

/**
 * How far back each next window of a Return All walk starts before the newest event seen: covers
 * a `from` that turns out to be exclusive, or filtering at whole-second precision. Events seen
 * twice are dropped by id.
 */
export const WINDOW_OVERLAP_MS = 1000;

/**
 * Datadog answers rate limits per organisation with `X-RateLimit-*` headers; the client does not
 * pace itself below a published figure (there is none for DORA), but shares one pause across all
 * concurrent requests of the account when the server says the window is used up.
 */
export const PACER_LIMIT = { limit: 100_000, intervalMs: 1000 } as const;

export const ERROR_MESSAGES = {
	unauthorized:
		'Check the API key in the Datadog DORA credential, and that its Site matches the organisation (a key works only on its own site).',
	forbidden:
		'Check the keys in the Datadog DORA credential: sending needs a valid API key; reading, listing, deleting and patching also need an Application key whose user has the DORA Metrics read/write permissions (dora_metrics_read, dora_metrics_write).',
	notFound: (what: string) =>
		`Double-check the ID: Datadog has no ${what} with this ID (deleted events are gone for good).`,
	badRequest: 'Datadog refused the event. Check the fields named in the message.',
	rateLimited:
		'Datadog limits requests per organisation. The node waited for the rate-limit window (X-RateLimit-Reset) and retried; lower Concurrency, or run again later.',
	serverError: 'Datadog had a server problem. The node retried; try again in a few minutes.',
	gov: 'DORA Metrics is not available on the US1-FED site (ddog-gov.com).',
	noAppKey:
		'Reading, listing, deleting and patching DORA events needs an Application key: add one to the Datadog DORA credential (Organization Settings → Application Keys).',
	missingField: (field: string, item: number) => `"${field}" is empty in item ${item}`,
	invalidTime: (field: string, item: number, value: unknown) =>
		`"${field}" in item ${item} is not a time: ${JSON.stringify(value)}`,
	timeHint: (field: string) =>
		`Give "${field}" as an ISO 8601 date-time such as 2024-05-01T12:00:00Z, a date value, or Unix seconds, milliseconds or nanoseconds.`,
	finishedBeforeStarted: (item: number) => `"Finished At" is before "Started At" in item ${item}`,
	noServicesOrTeam: (item: number) => `Item ${item} names neither "Services" nor "Team"`,
	badTag: (item: number, tag: string) =>
		`Custom tag ${JSON.stringify(tag)} in item ${item} is not of the form key:value`,
	tooManyTags: (item: number, count: number) =>
		`Item ${item} has ${count} custom tags; Datadog accepts at most ${MAX_CUSTOM_TAGS}`,
	badEventId: (item: number, id: string) =>
		`"Event ID" ${JSON.stringify(id)} in item ${item} is not a valid Datadog event id`,
	eventIdHint:
		'An event id has 16 to 128 characters of letters, digits, "-", "_", "." and ":". Turn on "Derive Event ID" to turn any value (e.g. a FireHydrant or incident.io incident id) into a valid one.',
	gitIncomplete: (item: number) =>
		`Item ${item} has only one of "Git Commit SHA" and "Git Repository URL"`,
	windowOrder: (item: number) => `"From" is not before "To" in item ${item}`,
	stuckWindow: (count: number) =>
		`More than ${count} events share the same second, so the time window cannot advance past them. Raise "Page Size" (up to ${MAX_PAGE_SIZE}) or narrow the query.`,
	unsortedPage:
		'Datadog returned a full page that is not ordered by started_at, so Return All cannot walk the time window safely. Narrow the window so it holds fewer events than "Page Size", or raise "Page Size".',
} as const;
