/**
 * Parsing of CSV cells that hold JSON (nested objects and lists that vendors flatten into one
 * column: custom fields, tags, responders, impacted services).
 */

/** Outcome of {@link parseJsonCell}: the value, or why the cell is not JSON. */
export type JsonCellResult = { ok: true; value: unknown } | { ok: false; error: string };

/** Longest parser message passed on; V8 quotes part of the input, which may be long. */
const MAX_ERROR_LENGTH = 200;

/**
 * Parses the JSON in a cell without throwing, so a caller can decide per column whether a bad
 * cell fails the run, is kept as text, or is reported alongside the row.
 *
 * An empty or whitespace-only cell gives `{ ok: true, value: null }`: an empty cell is how CSV
 * writes "no value", and treating it as an error would fail every row that merely lacks the
 * field. Callers that distinguish "empty" from JSON `null` should check the text first.
 * Surrounding whitespace and a leading byte-order mark are ignored.
 */
export function parseJsonCell(text: string): JsonCellResult {
	const trimmed = text.replace(/^\uFEFF/, '').trim();
	if (trimmed === '') return { ok: true, value: null };
	try {
		return { ok: true, value: JSON.parse(trimmed) as unknown };
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		const short = message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH)}…` : message;
		return { ok: false, error: `not valid JSON: ${short}` };
	}
}
