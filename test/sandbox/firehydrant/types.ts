import type { DeliveryInput, DeliveryResult, FireHydrantRest } from './rest';
import type { ExportStatus } from './sources';

export type { FireHydrantSeedOptions } from './data';
export type { ExportStatus } from './sources';

export interface ExportRequestRecord {
	/** UUID, as the API returns it. */
	id: string;
	/** Full source name, e.g. `text/csv+incident_event-20220525`. */
	source: string;
	status: ExportStatus;
	createdAt: Date;
	windowStartsAt: Date;
	windowEndsAt: Date;
}

export interface AddExportRequestInput {
	/** Any string; unknown or future sources (`text/csv+incident-20250301`) are allowed. */
	source: string;
	/** Served byte for byte: BOMs, CRLF, ragged rows, broken JSON cells all pass through. */
	body: string | Buffer;
	/** Default 'completed'. Only completed exports get a download url. */
	status?: ExportStatus;
	/** Default: one second after the newest export, and never before the sandbox's `now`. */
	createdAt?: Date;
	/** Default: 30 h before windowEndsAt. */
	windowStartsAt?: Date;
	/** Default: 25 minutes before createdAt. */
	windowEndsAt?: Date;
}

export type RateLimitHeader = 'Retry-After' | 'RateLimit-Reset' | 'X-RateLimit-Reset';

export interface RateLimitOptions {
	/** Default 1. */
	retryAfterSeconds?: number;
	/** Which header carries the wait; default 'Retry-After'. `RateLimit-Limit: 50` is always sent. */
	header?: RateLimitHeader;
	/**
	 * How a reset header states the wait: 'seconds' to wait (default) or the reset moment as Unix
	 * epoch seconds (GitHub style). Ignored for Retry-After, which is always seconds.
	 */
	resetAs?: 'seconds' | 'epochSeconds';
}

export interface CutDownloadOptions {
	/** How many of the next downloads of that export are cut; default 1. */
	times?: number;
	/** Body bytes sent before the socket is destroyed; default half the body (rounded down). */
	afterBytes?: number;
}

/**
 * Faults queue up in the order they are added: `rateLimit(2); serverErrors(1)` answers the next
 * two API requests with 429 and the third with 503. Downloads and control requests never take
 * API faults; `cutDownload` applies to downloads only.
 */
export interface FireHydrantFaults {
	rateLimit(count: number, options?: RateLimitOptions): void;
	/** 500 answers with a JSON error body; 502/503/504 with an HTML page, as a load balancer would. */
	serverErrors(count: number, status?: number): void;
	cutDownload(exportRequestId: string, options?: CutDownloadOptions): void;
	/** The next `count` API requests get no answer: the socket is destroyed (the client sees ECONNRESET). */
	resetConnections(count: number): void;
	/** Until reset, every list's last page says `next: 1` (export requests and REST lists): the pages go round. */
	circularPagination(): void;
	/** Until reset, every REST list page carries each record twice (as overlapping page reads would). */
	duplicateListEntries(): void;
	/** The next `count` urls the API mints are born expired: their downloads answer 400 ExpiredToken. */
	expireNextUrls(count: number): void;
	reset(): void;
}

export interface FireHydrantTotals {
	/** Distinct incidents over the default export set (equals the `incidents` option unless custom exports add more). */
	incidents: number;
	/** Data rows per short source across the default export set, overlap duplicates included. */
	rowsBySource: Record<string, number>;
	/** Distinct record ids per short source across the same exports (= expectedRows(source).length). */
	distinctBySource: Record<string, number>;
}

export interface ExpectedRowsOptions {
	/**
	 * Exports to take rows from, in any order, whatever their status. Exports of other sources are
	 * skipped. Default: every completed, non-expunged export whose body parses as CSV.
	 */
	exportRequestIds?: string[];
}

export interface FireHydrantSandbox {
	/** Full-access token; accepted as `Authorization: <token>` and `Authorization: Bearer <token>`. */
	readonly apiToken: string;
	/** Authenticates (ping works) but lacks the Owner permission: data-export endpoints answer 403. */
	readonly limitedToken: string;
	/** Same as Sandbox.baseUrl: FireHydrant is served at the root of the sandbox. */
	readonly baseUrl: string;
	/** The anchor the nightly exports were cut against (the `now` option, or the clock at start). */
	readonly now: Date;
	/** Snapshot, oldest first (created_at, then insertion order), custom exports included. */
	readonly exportRequests: ExportRequestRecord[];
	totals(): FireHydrantTotals;
	/**
	 * Ground truth: rows of the source (short name such as 'incident_event', or a full source
	 * name) deduplicated by `id`, keeping the newest `updated_at` (on a tie, the later export's
	 * row). Cells are the raw CSV strings (empty string for empty cells), keys are the header's
	 * columns in header order. Sorted by id.
	 */
	expectedRows(shortSource: string, options?: ExpectedRowsOptions): Array<Record<string, string>>;
	/** The export's bytes as served (the stored buffer itself: do not modify). */
	rawCsv(exportRequestId: string): Buffer;
	addExportRequest(input: AddExportRequestInput): ExportRequestRecord;
	/** The API keeps listing it with a url; the download answers 404 NoSuchKey. */
	expunge(exportRequestId: string): void;
	setUrlLifetime(ms: number): void;
	readonly faults: FireHydrantFaults;
	/** The REST API over the same history: view time, live edits, rate limit, webhooks. */
	readonly rest: FireHydrantRest;
	/** Posts a signed delivery (as FireHydrant does) to the registered webhooks. */
	deliverWebhook(input: DeliveryInput): Promise<DeliveryResult[]>;
	/** Back to the state right after start: faults, custom exports, expunges, url lifetime. */
	reset(): void;
}
