import {
	deriveEventId,
	isoFromDatadog,
	isValidEventId,
	nanosForJson,
	shapeEvent,
	tagList,
	textList,
	toUnixNanos,
} from '../../../../nodes/DatadogDora/events';
import { datadogBaseUrl, datadogErrorMessage } from '../../../../nodes/DatadogDora/transport';

const INSTANT_MS = 1_707_842_944_500; // 2024-02-13T16:49:04.500Z
const INSTANT_NS = 1_707_842_944_500_000_000n;

describe('toUnixNanos: every accepted form, one unit', () => {
	it.each<[string, unknown]>([
		['ISO 8601 with Z', '2024-02-13T16:49:04.500Z'],
		['ISO 8601 with offset', '2024-02-13T18:49:04.500+02:00'],
		['a Date', new Date(INSTANT_MS)],
		['a Luxon-like DateTime', { toMillis: () => INSTANT_MS }],
		['Unix seconds (number, fractional)', 1_707_842_944.5],
		['Unix seconds (text)', '1707842944.5'],
		['Unix milliseconds (number)', INSTANT_MS],
		['Unix milliseconds (text)', String(INSTANT_MS)],
		['Unix microseconds', 1_707_842_944_500_000],
		['Unix nanoseconds (text keeps every digit)', '1707842944500000000'],
		['Unix nanoseconds (bigint)', INSTANT_NS],
	])('%s', (_name, value) => {
		expect(toUnixNanos(value)).toBe(INSTANT_NS);
	});

	it('keeps microseconds of an ISO string and every digit of nanoseconds given as text', () => {
		expect(toUnixNanos('2024-02-13T16:49:04.500123Z')).toBe(1_707_842_944_500_123_000n);
		expect(toUnixNanos('1707842944500000001')).toBe(1_707_842_944_500_000_001n);
	});

	it('gives undefined for what is not a time', () => {
		for (const value of [
			'',
			'  ',
			'yesterday',
			'2024-02-30T00:00:00Z',
			Number.NaN,
			Infinity,
			null,
			undefined,
			{},
			[],
		]) {
			expect(toUnixNanos(value)).toBeUndefined();
		}
	});

	it("writes nanoseconds as a JSON integer exactly as Datadog's own clients do", () => {
		expect(JSON.stringify({ started_at: nanosForJson(INSTANT_NS) })).toBe(
			'{"started_at":1707842944500000000}',
		);
		expect(JSON.stringify(nanosForJson(1_707_842_944_500_123_000n))).toBe('1707842944500123000');
	});

	it('reads RFC 3339 strings and Unix integers back as ISO 8601', () => {
		expect(isoFromDatadog('2023-08-31T14:26:14Z')).toBe('2023-08-31T14:26:14.000Z');
		expect(isoFromDatadog(1_693_491_984_000_000_000)).toBe('2023-08-31T14:26:24.000Z');
		expect(isoFromDatadog(1_693_491_984)).toBe('2023-08-31T14:26:24.000Z');
		expect(isoFromDatadog('not a time')).toBe('not a time');
	});
});

describe('deriveEventId', () => {
	it('is deterministic, valid, and differs per value', () => {
		const id = deriveEventId('01HZX3K1Q8-incident');
		expect(id).toBe(deriveEventId('01HZX3K1Q8-incident'));
		expect(isValidEventId(id)).toBe(true);
		expect(id).toMatch(/^[0-9a-f]{64}$/);
		expect(deriveEventId('INC-1')).not.toBe(deriveEventId('INC-2'));
		expect(isValidEventId(deriveEventId(42))).toBe(true);
		expect(isValidEventId(deriveEventId('ünïcode / spaces & more'))).toBe(true);
	});

	it('the id pattern: 16 to 128 of [A-Za-z0-9-_.:]', () => {
		expect(isValidEventId('2a47b5f25b160b8a')).toBe(true);
		expect(isValidEventId('a'.repeat(128))).toBe(true);
		expect(isValidEventId('a'.repeat(15))).toBe(false);
		expect(isValidEventId('a'.repeat(129))).toBe(false);
		expect(isValidEventId('incident 0001 abcdef')).toBe(false);
	});
});

describe('lists and shapes', () => {
	it('splits services and tags given as text or arrays', () => {
		expect(textList('shopist, checkout\nsearch,')).toEqual(['shopist', 'checkout', 'search']);
		expect(textList(['a ', '', ' b'])).toEqual(['a', 'b']);
		expect(tagList('department:engineering, language:java')).toEqual([
			'department:engineering',
			'language:java',
		]);
	});

	it("flattens an event and converts its times, or keeps Datadog's nesting", () => {
		const event = {
			id: 'abc',
			type: 'dora_failure',
			attributes: { started_at: 1_693_491_974_000_000_000, services: ['shopist'] },
		};
		expect(shapeEvent(event, true)).toEqual({
			id: 'abc',
			type: 'dora_failure',
			started_at: '2023-08-31T14:26:14.000Z',
			services: ['shopist'],
		});
		expect(shapeEvent(event, false)).toEqual({
			id: 'abc',
			type: 'dora_failure',
			attributes: { started_at: '2023-08-31T14:26:14.000Z', services: ['shopist'] },
		});
	});
});

describe('transport helpers', () => {
	it('reads both Datadog error shapes', () => {
		expect(datadogErrorMessage({ errors: ['Forbidden'] })).toBe('Forbidden');
		expect(
			datadogErrorMessage({
				errors: [{ status: '400', title: 'Bad Request', detail: 'got type ""' }],
			}),
		).toBe('Bad Request: got type ""');
		expect(datadogErrorMessage('{"errors":["Too many requests"]}')).toBe('Too many requests');
		expect(datadogErrorMessage({})).toBeUndefined();
	});

	it('maps sites to API hosts and keeps custom URLs', () => {
		expect(datadogBaseUrl({ site: 'datadoghq.eu' })).toBe('https://api.datadoghq.eu');
		expect(datadogBaseUrl({ site: 'uk1.datadoghq.com' })).toBe('https://api.uk1.datadoghq.com');
		expect(datadogBaseUrl({ site: 'custom', baseUrl: 'http://127.0.0.1:9/datadog/' })).toBe(
			'http://127.0.0.1:9/datadog',
		);
		expect(() => datadogBaseUrl({ site: 'custom', baseUrl: 'ftp://x' })).toThrow(/Custom URL/);
	});
});
