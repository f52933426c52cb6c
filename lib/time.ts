/**
 * Timestamp parsing for vendor exports. The vendors write instants in several shapes, sometimes
 * within one file:
 *
 * - ISO 8601 / RFC 3339: `2023-07-25T13:34:49Z`, `2023-07-25T13:34:49.123456+02:00`
 * - Rails' default `to_s`: `2023-07-25 13:34:49 UTC`
 * - database dumps without a zone: `2020-02-19 13:57:11` (these exports are UTC)
 *
 * `Date.parse` cannot be used directly: it reads a date-time without zone as *local* time (so
 * results would depend on the n8n server's TZ), rejects the Rails form in some engines and
 * accepts many ambiguous forms. Parsing here is strict and engine-independent.
 */

/**
 * date, optional time (T, t or space separated) with optional seconds and fraction (any number
 * of digits, `.` or `,`), then an optional zone: Z, UTC, GMT, or an offset `+hh:mm`, `+hhmm`,
 * `+hh`, optionally preceded by a space.
 */
const INSTANT =
	/^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?(?: ?(?:([Zz]|UTC|GMT)|([+-])(\d{2})(?::?(\d{2}))?))?$/;

/**
 * The instant a timestamp denotes, in milliseconds since the Unix epoch, or `undefined` for
 * null, empty or unparseable input (including impossible dates such as Feb 30).
 *
 * A value without zone is taken as UTC, the convention of every supported vendor's exports.
 * Sub-millisecond digits are kept as a fraction of the returned number (microseconds survive
 * in a double at current epochs), so that two updates within the same millisecond still
 * order correctly.
 */
export function parseInstant(value: string | null | undefined): number | undefined {
	if (typeof value !== 'string') return undefined;
	const match = INSTANT.exec(value.trim());
	if (!match) return undefined;
	const [
		,
		year,
		month,
		day,
		hour,
		minute,
		second,
		fraction,
		utcName,
		offsetSign,
		offsetHours,
		offsetMinutes,
	] = match;
	const parts = {
		year: Number(year),
		month: Number(month),
		day: Number(day),
		hour: hour === undefined ? 0 : Number(hour),
		minute: minute === undefined ? 0 : Number(minute),
		second: second === undefined ? 0 : Number(second),
	};
	if (hour === undefined && (utcName !== undefined || offsetSign !== undefined)) return undefined;
	if (!isValidCalendarTime(parts)) return undefined;
	let offsetMs = 0;
	if (offsetSign !== undefined) {
		const hours = Number(offsetHours);
		const minutes = offsetMinutes === undefined ? 0 : Number(offsetMinutes);
		if (hours > 23 || minutes > 59) return undefined;
		offsetMs = (offsetSign === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000;
	}
	const fractionMs = fraction === undefined ? 0 : Number(`0.${fraction}`) * 1000;
	return utcMs(parts) - offsetMs + fractionMs;
}

/**
 * A timestamp normalised to `YYYY-MM-DDTHH:mm:ss.sssZ` (UTC, exactly millisecond precision),
 * or `undefined` when it cannot be parsed (see {@link parseInstant}).
 *
 * One fixed format lets a column of timestamps sort as text and be read by sheets, warehouses
 * and `new Date()` alike. Microseconds are dropped (truncated, never rounded, so a value cannot
 * move into the next second or day); JavaScript dates cannot hold them anyway.
 */
export function toIsoUtc(value: string | null | undefined): string | undefined {
	// Exports hold hundreds of thousands of zone-less `YYYY-MM-DD HH:MM:SS` cells: rearranging
	// their text gives the same result as parsing, several times faster.
	if (typeof value === 'string' && value.length === 19) {
		const fast = plainDateTimeToIso(value);
		if (fast !== undefined) return fast || undefined;
	}
	const instant = parseInstant(value);
	if (instant === undefined) return undefined;
	const date = new Date(Math.floor(instant));
	return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

const DIGIT_POSITIONS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * `YYYY-MM-DD HH:MM:SS` (or with `T`/`t`), no zone, as {@link toIsoUtc} writes it: the ISO text,
 * '' for an impossible date or time, undefined for any other shape (left to the full parser).
 */
function plainDateTimeToIso(value: string): string | undefined {
	const separator = value[10];
	if (value[4] !== '-' || value[7] !== '-' || value[13] !== ':' || value[16] !== ':')
		return undefined;
	if (separator !== ' ' && separator !== 'T' && separator !== 't') return undefined;
	for (const position of DIGIT_POSITIONS) {
		const code = value.charCodeAt(position);
		if (code < 48 || code > 57) return undefined;
	}
	const number = (start: number, length: number) => Number(value.slice(start, start + length));
	const year = number(0, 4);
	const month = number(5, 2);
	const day = number(8, 2);
	if (
		month < 1 ||
		month > 12 ||
		day < 1 ||
		number(11, 2) > 23 ||
		number(14, 2) > 59 ||
		number(17, 2) > 59
	)
		return '';
	const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
	if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1])) return '';
	return `${value.slice(0, 10)}T${value.slice(11)}.000Z`;
}

interface CalendarTime {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
}

function utcMs(parts: CalendarTime): number {
	const date = new Date(0);
	// setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
	date.setUTCFullYear(parts.year, parts.month - 1, parts.day);
	date.setUTCHours(parts.hour, parts.minute, parts.second, 0);
	return date.getTime();
}

function isValidCalendarTime(parts: CalendarTime): boolean {
	if (parts.month < 1 || parts.month > 12 || parts.day < 1) return false;
	if (parts.hour > 23 || parts.minute > 59 || parts.second > 59) return false;
	const daysInMonth = new Date(
		utcMs({ ...parts, month: parts.month + 1, day: 0, hour: 0, minute: 0, second: 0 }),
	).getUTCDate();
	return parts.day <= daysInMonth;
}
