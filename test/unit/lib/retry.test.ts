import {
	DEFAULT_RETRY_POLICY,
	RETRY_AFTER_FLOOR_MS,
	backoffMs,
	headerValue,
	isRejectedUnprocessedStatus,
	isRequestNotSentError,
	isRetryableStatus,
	isTransientNetworkError,
	retryAfterMs,
	retryDelayMs,
	type RetryPolicy,
} from '../../../lib/retry';

/** 2024-05-01T12:00:00.000Z */
const NOW = Date.UTC(2024, 4, 1, 12, 0, 0);

const POLICY: RetryPolicy = {
	maxAttempts: 6,
	baseDelayMs: 500,
	maxDelayMs: 30_000,
	maxRetryAfterMs: 300_000,
};

describe('headerValue', () => {
	it('looks names up case-insensitively and takes the first of repeated values', () => {
		const headers = {
			'Retry-After': '7',
			'x-ratelimit-reset': ['3', '9'],
			'content-length': 12,
			empty: undefined,
		};
		expect(headerValue(headers, 'retry-after')).toBe('7');
		expect(headerValue(headers, 'X-RateLimit-Reset')).toBe('3');
		expect(headerValue(headers, 'Content-Length')).toBe('12');
		expect(headerValue(headers, 'empty')).toBeUndefined();
		expect(headerValue(headers, 'missing')).toBeUndefined();
	});
});

describe('retryAfterMs', () => {
	it('reads Retry-After in seconds', () => {
		expect(retryAfterMs({ 'retry-after': '120' }, NOW)).toBe(120_000);
		expect(retryAfterMs({ 'Retry-After': '1.5' }, NOW)).toBe(1500);
	});

	it('reads Retry-After as an HTTP-date relative to now', () => {
		expect(retryAfterMs({ 'retry-after': 'Wed, 01 May 2024 12:00:30 GMT' }, NOW)).toBe(30_000);
	});

	it('gives 0 for hints in the past or negative', () => {
		expect(retryAfterMs({ 'retry-after': 'Wed, 01 May 2024 11:59:00 GMT' }, NOW)).toBe(0);
		expect(retryAfterMs({ 'retry-after': '-5' }, NOW)).toBe(0);
		expect(retryAfterMs({ 'x-ratelimit-reset': String(NOW / 1000 - 10) }, NOW)).toBe(0);
	});

	it('reads RateLimit-Reset as seconds until reset', () => {
		expect(retryAfterMs({ 'RateLimit-Reset': '42' }, NOW)).toBe(42_000);
	});

	it('reads X-RateLimit-Reset as a delay, epoch seconds or epoch milliseconds depending on magnitude', () => {
		expect(retryAfterMs({ 'X-RateLimit-Reset': '9' }, NOW)).toBe(9_000);
		expect(retryAfterMs({ 'X-RateLimit-Reset': String(NOW / 1000 + 25) }, NOW)).toBe(25_000);
		expect(retryAfterMs({ 'X-RateLimit-Reset': String(NOW + 2_500) }, NOW)).toBe(2_500);
	});

	it('prefers Retry-After over reset headers, and skips a garbled one', () => {
		expect(retryAfterMs({ 'retry-after': '3', 'x-ratelimit-reset': '60' }, NOW)).toBe(3_000);
		expect(retryAfterMs({ 'retry-after': 'soon', 'x-ratelimit-reset': '60' }, NOW)).toBe(60_000);
	});

	it('gives undefined without a usable hint', () => {
		expect(retryAfterMs({}, NOW)).toBeUndefined();
		expect(
			retryAfterMs({ 'retry-after': 'later please', 'x-ratelimit-reset': '' }, NOW),
		).toBeUndefined();
		expect(retryAfterMs({ 'retry-after': '1e999' }, NOW)).toBeUndefined();
	});
});

describe('backoffMs', () => {
	it('doubles from the base delay with equal jitter: between half and all of the step', () => {
		expect([1, 2, 3, 4].map((retry) => backoffMs(retry, POLICY, () => 0))).toEqual([
			250, 500, 1000, 2000,
		]);
		expect([1, 2, 3, 4].map((retry) => backoffMs(retry, POLICY, () => 0.5))).toEqual([
			375, 750, 1500, 3000,
		]);
		expect([1, 2, 3, 4].map((retry) => backoffMs(retry, POLICY, () => 0.999999))).toEqual([
			500, 1000, 2000, 4000,
		]);
	});

	it('caps the step at maxDelayMs, even for absurd retry numbers', () => {
		expect(backoffMs(20, POLICY, () => 0)).toBe(15_000);
		expect(backoffMs(20, POLICY, () => 0.999999)).toBe(30_000);
		expect(backoffMs(10_000, POLICY, () => 0.5)).toBe(22_500);
	});

	it('treats retry numbers below 1 as the first retry', () => {
		expect(backoffMs(0, POLICY, () => 0)).toBe(250);
	});
});

describe('retryDelayMs', () => {
	it('uses the server hint when there is one', () => {
		expect(retryDelayMs(1, POLICY, { 'retry-after': '10' }, NOW, () => 0)).toBe(10_000);
	});

	it('caps the hint at maxRetryAfterMs', () => {
		expect(retryDelayMs(1, POLICY, { 'retry-after': '3600' }, NOW, () => 0)).toBe(300_000);
	});

	it('never goes below the floor, so Retry-After: 0 does not spin', () => {
		expect(retryDelayMs(1, POLICY, { 'retry-after': '0' }, NOW, () => 0)).toBe(
			RETRY_AFTER_FLOOR_MS,
		);
	});

	it('falls back to backoff without a hint', () => {
		expect(retryDelayMs(3, POLICY, { 'content-type': 'application/json' }, NOW, () => 0)).toBe(
			1000,
		);
		expect(retryDelayMs(3, POLICY, undefined, NOW, () => 0)).toBe(1000);
	});

	it('has a default policy matching its documentation', () => {
		expect(DEFAULT_RETRY_POLICY).toEqual({
			maxAttempts: 6,
			baseDelayMs: 500,
			maxDelayMs: 30_000,
			maxRetryAfterMs: 300_000,
		});
	});
});

describe('isRetryableStatus', () => {
	it.each([408, 425, 429, 500, 502, 503, 504, 507, 520, 599])('retries %i', (status) => {
		expect(isRetryableStatus(status)).toBe(true);
	});

	it.each([200, 304, 400, 401, 403, 404, 409, 422, 501, 505, 511, 600])(
		'does not retry %i',
		(status) => {
			expect(isRetryableStatus(status)).toBe(false);
		},
	);
});

describe('isTransientNetworkError', () => {
	const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });

	it.each([
		'ECONNRESET',
		'ECONNREFUSED',
		'ETIMEDOUT',
		'ESOCKETTIMEDOUT',
		'EPIPE',
		'EAI_AGAIN',
		'ECONNABORTED',
		'ERR_STREAM_PREMATURE_CLOSE',
		'UND_ERR_SOCKET',
	])('treats %s as transient', (code) =>
		expect(isTransientNetworkError(withCode(code))).toBe(true),
	);

	it('does not retry a host that does not resolve, or other errors', () => {
		expect(
			isTransientNetworkError(withCode('ENOTFOUND', 'getaddrinfo ENOTFOUND api.firehydrnat.io')),
		).toBe(false);
		expect(isTransientNetworkError(new TypeError('Cannot read properties of undefined'))).toBe(
			false,
		);
		expect(isTransientNetworkError(withCode('ERR_INVALID_URL'))).toBe(false);
		expect(isTransientNetworkError(undefined)).toBe(false);
		expect(isTransientNetworkError('ECONNRESET')).toBe(false);
	});

	it('recognises code-less messages', () => {
		expect(isTransientNetworkError(new Error('socket hang up'))).toBe(true);
		expect(isTransientNetworkError(new Error('aborted'))).toBe(true);
		expect(isTransientNetworkError(new Error('Premature close'))).toBe(true);
		expect(isTransientNetworkError(new Error('timeout of 30000ms exceeded'))).toBe(true);
		expect(isTransientNetworkError(new Error('the request was aborted by policy'))).toBe(false);
	});

	it('looks through cause chains (undici fetch, axios, n8n wrappers)', () => {
		const fetchFailed = new TypeError('fetch failed', {
			cause: withCode('UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout Error'),
		});
		expect(isTransientNetworkError(fetchFailed)).toBe(true);
		const deep = new Error('NodeApiError', {
			cause: new Error('AxiosError', { cause: withCode('ECONNRESET', 'read ECONNRESET') }),
		});
		expect(isTransientNetworkError(deep)).toBe(true);
		const plainCause = { message: 'wrapped', cause: { code: 'EPIPE' } };
		expect(isTransientNetworkError(plainCause)).toBe(true);
	});

	it('looks into AggregateError lists (connection attempts to several addresses)', () => {
		const aggregate = new AggregateError(
			[withCode('ECONNREFUSED'), withCode('ETIMEDOUT')],
			'connect failed',
		);
		expect(isTransientNetworkError(aggregate)).toBe(true);
	});

	it('never retries a cancellation, even when the cause looks transient', () => {
		const abort = Object.assign(new Error('This operation was aborted'), {
			name: 'AbortError',
			cause: withCode('ECONNRESET'),
		});
		expect(isTransientNetworkError(abort)).toBe(false);
		expect(
			isTransientNetworkError(new Error('failed', { cause: withCode('ABORT_ERR', 'aborted') })),
		).toBe(false);
	});

	it('treats a DOMException-style TimeoutError as transient', () => {
		expect(
			isTransientNetworkError(
				Object.assign(new Error('The operation timed out'), { name: 'TimeoutError' }),
			),
		).toBe(true);
	});

	it('terminates on a cyclic cause chain', () => {
		const first: { message: string; cause?: unknown } = { message: 'a' };
		first.cause = { message: 'b', cause: first };
		expect(isTransientNetworkError(first)).toBe(false);
	});
});

describe('isRequestNotSentError', () => {
	const withCode = (code: string) => Object.assign(new Error(code), { code });

	it('is true only when the connection was never established', () => {
		for (const code of [
			'ECONNREFUSED',
			'EHOSTUNREACH',
			'ENETUNREACH',
			'EAI_AGAIN',
			'UND_ERR_CONNECT_TIMEOUT',
		]) {
			expect({ code, notSent: isRequestNotSentError(withCode(code)) }).toEqual({
				code,
				notSent: true,
			});
		}
		for (const code of [
			'ECONNRESET',
			'ETIMEDOUT',
			'EPIPE',
			'UND_ERR_SOCKET',
			'UND_ERR_HEADERS_TIMEOUT',
		]) {
			expect({ code, notSent: isRequestNotSentError(withCode(code)) }).toEqual({
				code,
				notSent: false,
			});
		}
		expect(isRequestNotSentError(new Error('socket hang up'))).toBe(false);
	});

	it('looks through cause chains, and never counts a cancellation', () => {
		expect(
			isRequestNotSentError(new TypeError('fetch failed', { cause: withCode('ECONNREFUSED') })),
		).toBe(true);
		const aborted = Object.assign(new Error('aborted', { cause: withCode('ECONNREFUSED') }), {
			name: 'AbortError',
		});
		expect(isRequestNotSentError(aborted)).toBe(false);
	});
});

describe('isRejectedUnprocessedStatus', () => {
	it('is true for 429 and 425 only', () => {
		expect([425, 429, 408, 500, 502, 503, 504].map(isRejectedUnprocessedStatus)).toEqual([
			true,
			true,
			false,
			false,
			false,
			false,
			false,
		]);
	});
});
