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
	// A cell that opens and closes with a bracket has no mark or whitespace to strip: skip the
	// regex and the trim (each a pass over the text) for the common object and list cells.
	const trimmed = isBracketed(text) ? text : text.replace(/^\uFEFF/, '').trim();
	if (trimmed === '') return { ok: true, value: null };
	try {
		return { ok: true, value: JSON.parse(trimmed) as unknown };
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		const short =
			message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH)}…` : message;
		return { ok: false, error: `not valid JSON: ${short}` };
	}
}

/** Whether the text starts with `{` or `[` and ends with `}` or `]`. */
function isBracketed(text: string): boolean {
	const first = text.charCodeAt(0);
	const last = text.charCodeAt(text.length - 1);
	return (first === 0x7b || first === 0x5b) && (last === 0x7d || last === 0x5d);
}

/** Default bounds of {@link JsonCellMemo}. */
const MEMO_MAX_ENTRIES = 2048;
const MEMO_MAX_TEXT_LENGTH = 64 * 1024;
/** Texts looked up before {@link JsonCellMemo} judges whether its column repeats. */
const MEMO_SAMPLE = 1000;
/** Share of those that must be repeats for the memo to stay in use. */
const MEMO_REPEAT_SHARE = 0.5;

/**
 * {@link parseJsonCell} that parses each distinct text once and hands out the SAME value for
 * every cell with that text. Exports repeat JSON verbatim on many rows (FireHydrant writes one of a
 * handful of per-type schemas into `event_details_schema` on every event row): sharing the parsed
 * value saves the parse and, above all, the memory of one object tree per row; n8n's stored
 * executions (`flatted`) keep a shared object once as well.
 *
 * Callers must treat the values as read-only, as n8n nodes treat their input items.
 * Memory is bounded: at most `maxEntries` texts (each at most `maxTextLength` characters) are
 * remembered, the first ones met; texts past the bound are parsed every time. A column whose texts
 * mostly differ (`event_details`: one per event) is let go after a sample of
 * {@link MEMO_SAMPLE} texts: looking each long text up in a map (hashing it) and keeping it would
 * cost time and memory for nothing, so from then on every text is parsed on its own.
 */
export class JsonCellMemo {
	private known: Map<string, JsonCellResult> | undefined = new Map();
	private looked = 0;
	private repeats = 0;

	constructor(
		private readonly maxEntries = MEMO_MAX_ENTRIES,
		private readonly maxTextLength = MEMO_MAX_TEXT_LENGTH,
	) {}

	parse(text: string): JsonCellResult {
		const known = this.known;
		if (!known) return parseJsonCell(text);
		this.looked++;
		const same = known.get(text);
		if (same !== undefined) {
			this.repeats++;
			return same;
		}
		const result = parseJsonCell(text);
		if (this.looked >= MEMO_SAMPLE && this.repeats < this.looked * MEMO_REPEAT_SHARE) {
			this.known = undefined;
		} else if (known.size < this.maxEntries && text.length <= this.maxTextLength) {
			known.set(text, result);
		}
		return result;
	}
}
