import { parseInstant, toIsoUtc } from '../../../lib/time';

describe('parseInstant', () => {
	const instant = Date.UTC(2023, 6, 25, 13, 34, 49);

	it.each([
		'2023-07-25T13:34:49Z',
		'2023-07-25T13:34:49.000Z',
		'2023-07-25t13:34:49z',
		'2023-07-25T15:34:49+02:00',
		'2023-07-25T15:34:49+0200',
		'2023-07-25T08:34:49-05',
		'2023-07-25 13:34:49 UTC',
		'2023-07-25 13:34:49 +0000',
		'2023-07-25 13:34:49',
		'2023-07-25T13:34:49',
		' 2023-07-25T13:34:49Z ',
	])('reads %p as 2023-07-25T13:34:49Z', (text) => {
		expect(parseInstant(text)).toBe(instant);
	});

	it('treats a value without zone as UTC whatever the server time zone', () => {
		expect(parseInstant('2020-02-19 13:57:11')).toBe(Date.UTC(2020, 1, 19, 13, 57, 11));
	});

	it('keeps fractional seconds, including microseconds', () => {
		expect(parseInstant('2023-07-25T13:34:49.5Z')).toBe(instant + 500);
		expect(parseInstant('2023-07-25 13:34:49,25 UTC')).toBe(instant + 250);
		const micro1 = parseInstant('2023-07-25T13:34:49.123456Z') ?? 0;
		const micro2 = parseInstant('2023-07-25T13:34:49.123457Z') ?? 0;
		expect(Math.floor(micro1)).toBe(instant + 123);
		expect(micro2).toBeGreaterThan(micro1);
	});

	it('accepts a date alone (midnight UTC) and minutes without seconds', () => {
		expect(parseInstant('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
		expect(parseInstant('2024-02-29T10:15Z')).toBe(Date.UTC(2024, 1, 29, 10, 15));
	});

	it('handles years before 100 without mapping them to the 1900s', () => {
		expect(parseInstant('0050-01-01T00:00:00Z')).toBe(new Date('0050-01-01T00:00:00Z').getTime());
	});

	it.each([
		null,
		undefined,
		'',
		'yesterday',
		'2023-02-30T00:00:00Z',
		'2023-13-01',
		'2023-07-25T24:00:00Z',
		'2023-07-25T13:60:00Z',
		'2023-07-25T13:34:60Z',
		'2023-07-25T13:34:49+25:00',
		'2023-07-25Z',
		'1690292089',
		'07/25/2023 13:34',
	])('rejects %p', (text) => {
		expect(parseInstant(text)).toBeUndefined();
	});
});

describe('toIsoUtc', () => {
	it('reads zone-less YYYY-MM-DD HH:MM:SS cells (its fast path) exactly as the full parser does', () => {
		expect(toIsoUtc('2024-02-29 23:59:59')).toBe('2024-02-29T23:59:59.000Z');
		expect(toIsoUtc('2000-02-29t00:00:00')).toBe('2000-02-29T00:00:00.000Z');
		expect(toIsoUtc('0099-12-31T12:00:00')).toBe('0099-12-31T12:00:00.000Z');
		expect(toIsoUtc('2023-02-29 10:00:00')).toBeUndefined();
		expect(toIsoUtc('1900-02-29 10:00:00')).toBeUndefined();
		expect(toIsoUtc('2023-04-31 10:00:00')).toBeUndefined();
		expect(toIsoUtc('2023-13-01 10:00:00')).toBeUndefined();
		expect(toIsoUtc('2023-01-01 24:00:00')).toBeUndefined();
		expect(toIsoUtc('2023-01-01 23:60:00')).toBeUndefined();
		expect(toIsoUtc('2023-01-0a 10:00:00')).toBeUndefined();
		// Same length, other shapes: left to the full parser.
		expect(toIsoUtc('2023-01-01 10:00+02')).toBe('2023-01-01T08:00:00.000Z');
		expect(toIsoUtc(' 2023-01-01 10:00:0')).toBeUndefined();
	});

	it('normalises every accepted form to YYYY-MM-DDTHH:mm:ss.sssZ', () => {
		expect(toIsoUtc('2023-07-25 13:34:49 UTC')).toBe('2023-07-25T13:34:49.000Z');
		expect(toIsoUtc('2020-02-19 13:57:11')).toBe('2020-02-19T13:57:11.000Z');
		expect(toIsoUtc('2023-07-25T15:34:49.1+02:00')).toBe('2023-07-25T13:34:49.100Z');
		expect(toIsoUtc('2023-12-31T23:30:00-01:00')).toBe('2024-01-01T00:30:00.000Z');
	});

	it('truncates microseconds instead of rounding into the next second', () => {
		expect(toIsoUtc('2023-12-31T23:59:59.999999Z')).toBe('2023-12-31T23:59:59.999Z');
	});

	it('gives undefined for what it cannot parse', () => {
		expect(toIsoUtc('not a date')).toBeUndefined();
		expect(toIsoUtc(null)).toBeUndefined();
	});
});
