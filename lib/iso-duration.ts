/**
 * ISO 8601 durations (`P1DT2H3M4S`, `PT45M`, `PT0.5S`, `P2W`) as vendors report them for time
 * to acknowledge / resolve and similar metrics, converted to seconds so they can be summed,
 * averaged and charted.
 */

/** One number of a duration component: digits with an optional `.` or `,` decimal fraction. */
const AMOUNT = String.raw`(\d+(?:[.,]\d+)?)`;

const DURATION = new RegExp(
	String.raw`^([+-])?P(?:${AMOUNT}Y)?(?:${AMOUNT}M)?(?:${AMOUNT}W)?(?:${AMOUNT}D)?(?:T(?:${AMOUNT}H)?(?:${AMOUNT}M)?(?:${AMOUNT}S)?)?$`,
	'i',
);

const SECONDS_PER = { week: 7 * 86_400, day: 86_400, hour: 3_600, minute: 60 } as const;

/**
 * Seconds in an ISO 8601 duration, or `undefined` when the text is not one.
 *
 * - Weeks, days, hours, minutes and seconds are exact (a day is 86 400 s; these are elapsed
 *   times, not calendar arithmetic). Fractions are allowed on any component (`PT0.5S`,
 *   `PT1,5H`); the result is rounded to microseconds to hide binary floating-point noise.
 * - Years and months are refused (`undefined`) unless zero (`P0Y0M1D`, as some serialisers
 *   write): their length in seconds depends on the calendar, and guessing 365 / 30 days would
 *   silently skew every average computed from them. No supported vendor emits them for
 *   elapsed times.
 * - A leading `-` (ISO 8601-2, emitted for negative deltas) gives a negative number; `+` is
 *   accepted. Lower-case designators are accepted; surrounding whitespace is ignored.
 * - `P`, `PT` and anything with a dangling `T` are invalid, as the standard requires at least
 *   one component and a time component after `T`.
 */
export function isoDurationToSeconds(value: string): number | undefined {
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	const match = DURATION.exec(text);
	if (!match) return undefined;
	const [, sign, years, months, weeks, days, hours, minutes, seconds] = match;
	const components = [years, months, weeks, days, hours, minutes, seconds];
	if (components.every((component) => component === undefined)) return undefined;
	if (/T$/i.test(text)) return undefined;
	if (amount(years) !== 0 || amount(months) !== 0) return undefined;
	const total =
		amount(weeks) * SECONDS_PER.week +
		amount(days) * SECONDS_PER.day +
		amount(hours) * SECONDS_PER.hour +
		amount(minutes) * SECONDS_PER.minute +
		amount(seconds);
	const rounded = Math.round(total * 1e6) / 1e6;
	// Avoid returning -0 for "-PT0S".
	return sign === '-' && rounded !== 0 ? -rounded : rounded;
}

function amount(component: string | undefined): number {
	return component === undefined ? 0 : Number(component.replace(',', '.'));
}
