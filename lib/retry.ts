/**
 * Retry arithmetic shared by every vendor's HTTP calls: which failures are worth retrying,
 * how long the server asked us to wait, and how long to back off otherwise.
 *
 * Deliberately free of I/O and clocks (the caller passes `nowMs` and may pass `random`), so
 * the n8n-bound retry loop stays small and every delay here is testable to the millisecond.
 */

/** How persistent a retry loop is. */
export interface RetryPolicy {
	/** Total attempts including the first one; 1 disables retries. */
	maxAttempts: number;
	/** Backoff before the first retry (before jitter); doubles on every further retry. */
	baseDelayMs: number;
	/** Upper bound of the exponential backoff, so late retries do not wait for minutes. */
	maxDelayMs: number;
	/**
	 * Longest server-requested wait (`Retry-After`, rate-limit reset) that is honoured. Longer
	 * hints are cut to this, so a misconfigured or hostile server cannot park a workflow for hours.
	 */
	maxRetryAfterMs: number;
}

/**
 * 6 attempts with 0.5 s doubling backoff capped at 30 s spans roughly half a minute of
 * outage (0.5 + 1 + 2 + 4 + 8 s before jitter), enough for a deploy or a load-balancer
 * blip; rate-limit hints are honoured up to 5 minutes, the longest window the supported
 * vendors document.
 */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
	maxAttempts: 6,
	baseDelayMs: 500,
	maxDelayMs: 30_000,
	maxRetryAfterMs: 5 * 60_000,
});

/**
 * Shortest wait used when the server gives a hint. `Retry-After: 0` or a reset time already
 * in the past (clock skew between us and the vendor) would otherwise retry in a tight loop
 * and burn the remaining attempts within milliseconds.
 */
export const RETRY_AFTER_FLOOR_MS = 250;

/** Response headers as the different HTTP clients expose them (Node, axios, n8n). */
export type HeaderBag = Record<string, string | string[] | number | undefined>;

/**
 * One header's value, looked up case-insensitively because header names are
 * case-insensitive and clients differ in how they normalise them. For a repeated header
 * (array), the first value counts. Returns `undefined` when absent.
 */
export function headerValue(headers: HeaderBag, name: string): string | undefined {
	const wanted = name.toLowerCase();
	for (const [key, raw] of Object.entries(headers)) {
		if (key.toLowerCase() !== wanted || raw === undefined) continue;
		const first = Array.isArray(raw) ? raw[0] : raw;
		if (first === undefined) continue;
		return String(first);
	}
	return undefined;
}

/**
 * Reset values above this are absolute times, not waits: no limiter asks for a wait of more
 * than ~31 years, while every Unix time since 2001 (in seconds) is larger than 1e9.
 */
const EPOCH_SECONDS_THRESHOLD = 1e9;
/** Likewise for Unix times in milliseconds (everything since 2001). */
const EPOCH_MILLISECONDS_THRESHOLD = 1e12;

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/**
 * How long the server asked us to wait before retrying, in whole milliseconds from `nowMs`,
 * or `undefined` when no usable hint is present. Checked in order, the first usable one wins:
 *
 * - `Retry-After`: delay in seconds, or an HTTP-date (RFC 9110).
 * - `RateLimit-Reset`: seconds until the window resets (IETF rate-limit headers draft).
 * - `X-RateLimit-Reset`: vendors disagree on its meaning. Some send seconds until reset,
 *   others (GitHub-style) the reset time as Unix seconds, a few as Unix milliseconds. Values
 *   above 1e12 are read as epoch milliseconds, above 1e9 as epoch seconds, anything smaller
 *   as a delay in seconds; the same rule is applied to `RateLimit-Reset` since the ranges
 *   cannot be confused. Reset headers holding a date string are accepted too.
 *
 * A hint in the past gives 0. A header that cannot be understood is skipped, so garbage in
 * all of them gives `undefined` and the caller falls back to backoff. Call this only for a
 * response that is being retried: reset headers are sent on successful responses too.
 */
export function retryAfterMs(headers: HeaderBag, nowMs: number): number | undefined {
	const retryAfter = headerValue(headers, 'retry-after');
	if (retryAfter !== undefined) {
		const delay = parseDelayOrDate(retryAfter, nowMs, false);
		if (delay !== undefined) return delay;
	}
	for (const name of ['ratelimit-reset', 'x-ratelimit-reset']) {
		const reset = headerValue(headers, name);
		if (reset === undefined) continue;
		const delay = parseDelayOrDate(reset, nowMs, true);
		if (delay !== undefined) return delay;
	}
	return undefined;
}

function parseDelayOrDate(raw: string, nowMs: number, allowEpoch: boolean): number | undefined {
	const text = raw.trim();
	if (text === '') return undefined;
	if (NUMBER.test(text)) {
		const value = Number(text);
		if (!Number.isFinite(value)) return undefined;
		if (allowEpoch && value > EPOCH_MILLISECONDS_THRESHOLD) return nonNegativeCeil(value - nowMs);
		if (allowEpoch && value > EPOCH_SECONDS_THRESHOLD) return nonNegativeCeil(value * 1000 - nowMs);
		return nonNegativeCeil(value * 1000);
	}
	const dateMs = Date.parse(text);
	if (Number.isNaN(dateMs)) return undefined;
	return nonNegativeCeil(dateMs - nowMs);
}

function nonNegativeCeil(ms: number): number {
	return ms <= 0 ? 0 : Math.ceil(ms);
}

/**
 * Backoff before retry number `retryNumber` (1 = the first retry) when the server gave no hint:
 * exponential (`baseDelayMs * 2^(retryNumber-1)`, capped at `maxDelayMs`) with "equal jitter",
 * i.e. half of that value fixed plus a random share of the other half.
 *
 * Jitter spreads out clients that failed together (several n8n workers hitting the same outage)
 * so they do not retry in lock-step; equal rather than full jitter because full jitter can pick
 * a near-zero wait, which against a struggling server is just an immediate second failure.
 * `random` must return values in [0, 1) like `Math.random`; tests pass a constant.
 */
export function backoffMs(
	retryNumber: number,
	policy: RetryPolicy,
	random: () => number = Math.random,
): number {
	const exponent = Math.max(0, Math.floor(retryNumber) - 1);
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
	const half = ceiling / 2;
	const share = Math.min(1, Math.max(0, random()));
	return Math.round(half + share * half);
}

/**
 * The wait before retry number `retryNumber`: the server's hint when it gave one (see
 * {@link retryAfterMs}), clamped to [{@link RETRY_AFTER_FLOOR_MS}, `maxRetryAfterMs`],
 * otherwise {@link backoffMs}. The hint wins over backoff because a rate limiter knows exactly
 * when capacity returns; retrying earlier only earns another 429.
 */
export function retryDelayMs(
	retryNumber: number,
	policy: RetryPolicy,
	headers: HeaderBag | undefined,
	nowMs: number,
	random: () => number = Math.random,
): number {
	const hint = headers ? retryAfterMs(headers, nowMs) : undefined;
	if (hint === undefined) return backoffMs(retryNumber, policy, random);
	const ceiling = Math.max(RETRY_AFTER_FLOOR_MS, policy.maxRetryAfterMs);
	return Math.min(ceiling, Math.max(RETRY_AFTER_FLOOR_MS, hint));
}

/** 5xx statuses that describe a permanent condition of the server or request, not an outage. */
const PERMANENT_SERVER_STATUSES = new Set([
	501, // Not Implemented: the endpoint will not start existing on retry.
	505, // HTTP Version Not Supported.
	506, // Variant Also Negotiates: server misconfiguration.
	508, // Loop Detected: misconfiguration.
	510, // Not Extended: the request must change.
	511, // Network Authentication Required: a captive portal needs a human.
]);

/**
 * Whether a response status is worth retrying unchanged:
 * 408 Request Timeout, 425 Too Early, 429 Too Many Requests, and every 5xx except the
 * permanent ones (501, 505, 506, 508, 510, 511). Other 4xx mean the request itself is wrong
 * (bad key, missing permission, unknown id) and would fail identically again.
 *
 * Retrying a 5xx repeats the request, so the caller must only retry requests that are safe
 * to repeat (GETs, or writes the vendor makes idempotent).
 */
export function isRetryableStatus(status: number): boolean {
	if (status === 408 || status === 425 || status === 429) return true;
	if (status >= 500 && status <= 599) return !PERMANENT_SERVER_STATUSES.has(status);
	return false;
}

/**
 * Error codes of connection failures that a later attempt may not hit. `ENOTFOUND` is
 * deliberately absent: a host that does not resolve is almost always a typo in a base URL, and
 * retrying it only delays the real message; `EAI_AGAIN` is the temporary DNS failure.
 */
const TRANSIENT_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'EAI_AGAIN',
	'ENETUNREACH',
	'ENETDOWN',
	'EHOSTUNREACH',
	'EHOSTDOWN',
	'ERR_STREAM_PREMATURE_CLOSE',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
	'UND_ERR_SOCKET',
	'UND_ERR_CONNECT_TIMEOUT',
	'UND_ERR_HEADERS_TIMEOUT',
	'UND_ERR_BODY_TIMEOUT',
	'UND_ERR_CLOSED',
]);

/**
 * Codes that mean the connection was never established, so the request cannot have reached the
 * server: safe to send again even when the request itself is not idempotent. A reset or a
 * timeout after connecting is absent on purpose: the server may have acted on the request.
 */
const NOT_SENT_CODES = new Set([
	'ECONNREFUSED',
	'EAI_AGAIN',
	'ENETUNREACH',
	'ENETDOWN',
	'EHOSTUNREACH',
	'EHOSTDOWN',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
	'UND_ERR_CONNECT_TIMEOUT',
]);

/** Messages of transient failures whose error carries no code (older clients, wrapped errors). */
const TRANSIENT_MESSAGE =
	/^(?:socket hang up|aborted|premature close|other side closed|terminated)$|\btimeout of \d+ms exceeded\b/i;

/** How deep `cause` / `errors` chains are followed; bounds the work on pathological chains. */
const MAX_CAUSE_DEPTH = 8;

/**
 * Whether an error thrown by an HTTP client is a network failure worth retrying (connection
 * reset or refused, timeout, temporary DNS failure, body cut off mid-stream).
 *
 * HTTP clients wrap the socket error: axios and n8n put it in `cause`, undici's `fetch` throws
 * `TypeError: fetch failed` with the real error in `cause`, and Node's connection attempts
 * (happy eyeballs) throw an `AggregateError` with one error per address. So the `code` and
 * message of the error, its `cause` chain and its `errors` list are all examined.
 *
 * An abort (`AbortError` / `ABORT_ERR` anywhere in the chain) is never transient: it means the
 * user or n8n cancelled the execution, and retrying would defeat the cancellation.
 */
export function isTransientNetworkError(error: unknown): boolean {
	return networkErrorMatches(error, TRANSIENT_CODES, true);
}

/**
 * Whether a network failure happened before the request could reach the server (connection
 * refused, host unreachable, temporary DNS failure, connect timeout). Only such failures may be
 * retried for a request that is not idempotent (a POST that creates something): after a reset or
 * a read timeout the server may already have acted, and sending again would act twice.
 */
export function isRequestNotSentError(error: unknown): boolean {
	return networkErrorMatches(error, NOT_SENT_CODES, false);
}

/**
 * Whether a status proves the server did not act on the request, so that even a non-idempotent
 * request may be sent again: 429 (rate limiters reject before the handler runs) and 425 Too Early.
 */
export function isRejectedUnprocessedStatus(status: number): boolean {
	return status === 429 || status === 425;
}

function networkErrorMatches(
	error: unknown,
	codes: ReadonlySet<string>,
	byMessage: boolean,
): boolean {
	const pending: Array<{ node: unknown; depth: number }> = [{ node: error, depth: 0 }];
	const visited = new Set<unknown>();
	let matched = false;
	for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
		const { node, depth } = next;
		if (node === null || typeof node !== 'object' || visited.has(node) || depth > MAX_CAUSE_DEPTH)
			continue;
		visited.add(node);
		const candidate = node as {
			code?: unknown;
			name?: unknown;
			message?: unknown;
			cause?: unknown;
			errors?: unknown;
		};
		if (candidate.name === 'AbortError' || candidate.code === 'ABORT_ERR') return false;
		if (typeof candidate.code === 'string' && codes.has(candidate.code)) matched = true;
		if (byMessage && candidate.name === 'TimeoutError') matched = true;
		if (
			byMessage &&
			typeof candidate.message === 'string' &&
			TRANSIENT_MESSAGE.test(candidate.message.trim())
		)
			matched = true;
		if (candidate.cause !== undefined) pending.push({ node: candidate.cause, depth: depth + 1 });
		if (Array.isArray(candidate.errors)) {
			for (const inner of candidate.errors) pending.push({ node: inner, depth: depth + 1 });
		}
	}
	return matched;
}
