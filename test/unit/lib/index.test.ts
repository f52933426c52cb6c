import * as lib from '../../../lib';

describe('lib index', () => {
	it('exposes the shared helpers the vendor nodes import', () => {
		const expected = [
			'redactUrl',
			'redactText',
			'redactValue',
			'isSensitiveKey',
			'headerValue',
			'retryAfterMs',
			'backoffMs',
			'retryDelayMs',
			'isRetryableStatus',
			'isTransientNetworkError',
			'RequestPacer',
			'PacerRegistry',
			'getPacer',
			'CsvFormatError',
			'parseCsvRows',
			'NewestWins',
			'SeenKeys',
			'instantOf',
			'parseInstant',
			'toIsoUtc',
			'isoDurationToSeconds',
			'parseJsonCell',
		];
		const exported = lib as unknown as Record<string, unknown>;
		for (const name of expected) expect(typeof exported[name]).toBe('function');
		expect(lib.DEFAULT_RETRY_POLICY.maxAttempts).toBe(6);
		expect(lib.pacerRegistry).toBeInstanceOf(lib.PacerRegistry);
	});
});
