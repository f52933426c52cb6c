/** FireHydrant facts the nodes rely on (see the vendor notes); user-facing texts live here too. */

export const FIREHYDRANT_CREDENTIAL_TYPE = 'fireHydrantApi';

export const REGION_BASE_URLS = {
	us: 'https://api.firehydrant.io',
	eu: 'https://api.eu.firehydrant.io',
} as const;

/** Largest page the list endpoints serve. */
export const MAX_PAGE_SIZE = 200;

/**
 * FireHydrant limits requests per ACCOUNT (about 50 per 10 s, shared by all of its tokens), so the
 * nodes stay a little under it and leave room for the account's other clients. Requests go out
 * evenly, one every 250 ms (burst 1): a burst of 40 at the start of a window trips a stricter
 * per-second or shorter-window limit, which answered 429 about once per 13 requests.
 */
export const ACCOUNT_RATE_LIMIT = { limit: 40, intervalMs: 10_000, burst: 1 } as const;

/** Reports are expunged 30 days after they are generated. */
export const EXPORT_RETENTION_DAYS = 30;

export const EXPORT_REQUESTS_PATH = '/v1/integrations/data_export/export_requests';

/** The five CSV sources of the data export, by the short name rows carry in `_source`. */
export const KNOWN_EXPORT_SOURCES = {
	incident: 'text/csv+incident-20220525',
	incident_role_assignment: 'text/csv+incident_role_assignment-20220525',
	incident_event: 'text/csv+incident_event-20220525',
	incident_impact: 'text/csv+incident_impact-20220525',
	retrospective: 'text/csv+retrospective-20220525',
} as const;

export type ExportSourceName = keyof typeof KNOWN_EXPORT_SOURCES;

/** Selector value for sources this node does not know yet (a newer version, a new table). */
export const OTHER_SOURCES = 'other';

export const ALL_SOURCE_CHOICES = [...Object.keys(KNOWN_EXPORT_SOURCES), OTHER_SOURCES];

/** Cells that hold JSON in the export. */
export const JSON_COLUMNS = ['event_details', 'event_details_schema', 'tags', 'questions'] as const;

export const ERROR_MESSAGES = {
	unauthorized:
		'Check the API token in the FireHydrant credential, and that its region matches the account (a token works only in its own region).',
	forbidden:
		'The token is valid but lacks permission. Data exports need a token created by an account Owner, and the Data Export integration must be enabled (Integrations → Data Export).',
	notFoundExportRequest:
		'Double-check the value in the parameter "Export Request ID": no export request has that id in this account.',
	webhooksUnauthorized:
		'FireHydrant did not accept the API token, so this trigger could not manage its webhook. Check the API token in the FireHydrant credential (and that its region matches the account), then publish the workflow again.',
	webhooksForbidden:
		"The API token may not manage webhooks. Registering this trigger's URL needs an API key created by an account Owner (FireHydrant → Settings → API keys); put such a key in the FireHydrant credential, then publish the workflow again.",
	rateLimited:
		'FireHydrant limits requests per account (about 50 per 10 seconds, shared by every token). The node waited and retried; reduce how often workflows using this account run, or try again later.',
	serverError: 'FireHydrant had a server problem. The node retried; try again in a few minutes.',
	expiredUrl:
		"The signed download link expired again right after it was refreshed. Check that this machine's clock is correct.",
	expunged:
		'FireHydrant expunges reports 30 days after it generates them; this one is gone. Pick a newer date, or set "On Expunged Report" to skip such reports.',
	forbiddenRest:
		'The token is valid but lacks permission for this endpoint. Use an API key whose role may read incidents, retrospectives and manage webhooks (Settings → API keys; an Owner key can do all).',
	notFoundIncident:
		'Double-check the value in the parameter "Incident ID": no incident has that id in this account (it may have been deleted).',
	incidentGone: (id: string) =>
		`Incident ${id} was deleted while this run read it (listed, then 404); it was skipped and none of its rows were emitted.`,
	noCursorOverlap: 'Enter an overlap of 0 minutes or more in "Overlap (Minutes)".',
	webhookSecretMissing:
		'Enter a webhook secret in "Webhook Signing Secret" of the FireHydrant credential (or, for this trigger only, in its "Webhook Secret"): FireHydrant signs every delivery with it, and deliveries cannot be verified without it. Use a long random value.',
	noExportRequestIds:
		'Enter at least one export request id in "Export Request IDs", or choose "Completed Since".',
} as const;
