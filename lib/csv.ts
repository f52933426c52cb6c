/**
 * Streaming CSV reading for vendor exports, which can be hundreds of megabytes: rows are
 * produced one at a time from the byte stream (with backpressure), never from the whole file
 * in memory, and every row carries the physical line it starts on so that errors point the
 * user at the exact place in the file.
 */
import { CsvError, Parser } from 'csv-parse';
import type { InfoRecord } from 'csv-parse';
import { pipeline, type Readable, type TransformCallback } from 'node:stream';

/** One data row: the line it starts on, and its cells keyed by column name. */
export interface CsvRow {
	/** 1-based physical line where the row starts; the header is on line 1 (or later, after blank lines). */
	line: number;
	/** Cell text by column name, exactly as in the file (not trimmed; quoted line breaks kept). */
	record: Record<string, string>;
}

/** The input is not well-formed CSV; says where and why, without quoting cell contents. */
export class CsvFormatError extends Error {
	/** 1-based physical line where the offending row starts. */
	readonly line: number;
	/** What is wrong, for the user (e.g. "row has 7 cells, header has 10"). */
	readonly reason: string;
	/** Machine-readable kind: csv-parse's error code (e.g. `CSV_QUOTE_NOT_CLOSED`). */
	readonly code: string;

	constructor(line: number, reason: string, code: string) {
		super(`Invalid CSV at line ${line}: ${reason}`);
		this.name = 'CsvFormatError';
		this.line = line;
		this.reason = reason;
		this.code = code;
	}
}

/** Options of {@link parseCsvRows}. */
export interface CsvParseOptions {
	/**
	 * Called once with the final column names when the header row has been read, before the
	 * first row is yielded, and also when the file has no data rows; not called for empty input.
	 */
	onHeader?: (columns: string[]) => void;
	/**
	 * Reserved for compatibility; only `false` is supported: cells are always strings and an
	 * empty cell is `""`. Interpreting emptiness is left to the caller, which knows the column.
	 */
	emptyAsNull?: false;
	/**
	 * Largest record accepted, in characters. Stops a file with an unclosed quote from
	 * accumulating the rest of the file into a single field; default 16 MiB.
	 */
	maxRecordSize?: number;
}

/** Default for {@link CsvParseOptions.maxRecordSize}: far above any real incident row. */
export const DEFAULT_MAX_CSV_RECORD_SIZE = 16 * 1024 * 1024;

/** Code of the error raised for a row whose cell count differs from the header's. */
export const CSV_RAGGED_ROW = 'CSV_RECORD_INCONSISTENT_COLUMNS';

/** Line breaks as csv-parse recognises them: CRLF, LF, or a lone CR. */
const LINE_BREAK = /\r\n|\r|\n/g;

/**
 * Yields the data rows of a CSV stream as objects keyed by the header's column names.
 *
 * - The first non-blank row is the header. A UTF-8 byte-order mark is stripped; CRLF, LF and
 *   CR line endings are accepted; quoted fields may contain commas, doubled quotes and line
 *   breaks. Blank lines are skipped (a single-column file therefore cannot hold an empty value).
 * - Header names are trimmed. An empty name becomes `column_<n>` (n = 1-based position) and
 *   a repeated name gets `_2`, `_3`, … (skipping names the header already uses), so no cell is
 *   silently overwritten and every column stays addressable.
 * - A row with more or fewer cells than the header throws {@link CsvFormatError} naming the
 *   line the row starts on ("row has 7 cells, header has 10"), and so does malformed quoting.
 *   Guessing which cell is missing would shift values into the wrong columns.
 * - Empty input and header-only input yield nothing.
 * - The generator owns `input`: it is consumed with backpressure, and destroyed when iteration
 *   stops early or fails. An error of the input itself (a connection cut mid-file) is rethrown
 *   unchanged, so callers can recognise and retry it; a stream that ends prematurely without
 *   error raises `ERR_STREAM_PREMATURE_CLOSE` rather than looking like a complete file.
 */
export async function* parseCsvRows(
	input: NodeJS.ReadableStream | Readable,
	options: CsvParseOptions = {},
): AsyncGenerator<CsvRow> {
	let columns: string[] = [];
	let headerRead = false;
	// Start line of every record the parser has produced but the loop has not consumed yet, in
	// order (at most a buffer's worth, thanks to backpressure).
	const pendingLines: number[] = [];
	// Physical lines spanned by all records seen so far (each record plus its line break).
	// Updated synchronously inside the parser, so it is exact even when an error cuts off
	// records that were parsed but not yet consumed.
	let linesOfRecords = 0;
	const startLineOfNextRecord = (emptyLinesSoFar: number): number => 1 + linesOfRecords + emptyLinesSoFar;

	const parser = new InBandErrorParser({
		bom: true,
		relax_column_count: true, // Cell counts are checked below, to report the row's start line.
		skip_empty_lines: true,
		// Every line-break style ends a record, even mixed in one file (csv-parse would otherwise
		// fix the style from the first line and keep other breaks as cell text), which also makes
		// records and physical lines agree with LINE_BREAK below.
		record_delimiter: ['\r\n', '\n', '\r'],
		max_record_size: options.maxRecordSize ?? DEFAULT_MAX_CSV_RECORD_SIZE,
		on_record: (cells: string[], info: InfoRecord): string[] => {
			const line = startLineOfNextRecord(info.empty_lines);
			linesOfRecords += 1 + countLineBreaks(cells);
			if (!headerRead) {
				headerRead = true;
				columns = uniqueColumnNames(cells);
			} else if (cells.length !== columns.length) {
				throw new CsvFormatError(
					line,
					`row has ${cells.length} ${cells.length === 1 ? 'cell' : 'cells'}, header has ${columns.length}`,
					CSV_RAGGED_ROW,
				);
			}
			pendingLines.push(line);
			return cells;
		},
	});
	// pipeline (unlike pipe) forwards an input error into the parser, so it reaches the loop
	// below, and destroys the input when the parser stops. Errors are handled via the loop.
	pipeline(input, parser, () => undefined);

	try {
		let isHeader = true;
		for await (const item of parser as AsyncIterable<string[] | ParseFailure>) {
			if (item instanceof ParseFailure) throw item.error;
			const cells = item;
			const line = pendingLines.shift() ?? 0;
			if (isHeader) {
				isHeader = false;
				options.onHeader?.([...columns]);
				continue;
			}
			yield { line, record: toRecord(cells, columns) };
		}
	} catch (error) {
		throw withLineNumber(error, startLineOfNextRecord);
	} finally {
		if (!parser.destroyed) parser.destroy();
	}
}

/** Marks, in the record stream, the point where parsing failed. */
class ParseFailure {
	constructor(readonly error: unknown) {}
}

/**
 * csv-parse's stream, except that a parse error is delivered in order, after the records that
 * precede it, instead of destroying the stream (which would discard records already parsed
 * but not yet read, making it depend on chunk boundaries whether the rows before a bad row are
 * seen). After a failure the writable side is never acknowledged again, which stops reading
 * the input until the consumer destroys the stream.
 */
class InBandErrorParser extends Parser {
	private failed = false;

	override _transform(chunk: Buffer | string, encoding: BufferEncoding, callback: TransformCallback): void {
		if (this.failed) return;
		super._transform(chunk, encoding, (error?: Error | null) => this.settle(error, callback));
	}

	override _flush(callback: TransformCallback): void {
		if (this.failed) return;
		super._flush((error?: Error | null) => this.settle(error, callback));
	}

	private settle(error: Error | null | undefined, callback: TransformCallback): void {
		if (!error) {
			callback();
			return;
		}
		this.failed = true;
		this.push(new ParseFailure(error));
		this.push(null);
	}
}

/** csv-parse's codes, in words a user can act on (no cell content, which may be sensitive). */
const REASONS: Record<string, string> = {
	CSV_QUOTE_NOT_CLOSED: 'a quoted field is not closed before the end of the file',
	CSV_INVALID_CLOSING_QUOTE: 'unexpected character after the closing quote of a field',
	CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'unexpected character after the closing quote of a field',
	INVALID_OPENING_QUOTE: 'a quote appears inside an unquoted field (quote the field and double the quote)',
};

/**
 * csv-parse's own errors become {@link CsvFormatError}s pointing at the line where the bad
 * record starts; anything else (our ragged-row error, an input error) passes through unchanged.
 */
function withLineNumber(error: unknown, startLineOfNextRecord: (emptyLinesSoFar: number) => number): unknown {
	if (!(error instanceof CsvError)) return error;
	const line = startLineOfNextRecord(numberOr(error.empty_lines, 0));
	const reason =
		error.code === 'CSV_MAX_RECORD_SIZE'
			? `row is larger than ${numberOr(error.max_record_size, 0) || 'the maximum record size'} characters`
			: (REASONS[error.code] ?? error.message);
	return new CsvFormatError(line, reason, error.code);
}

function numberOr(value: unknown, fallback: number): number {
	return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function countLineBreaks(cells: string[]): number {
	let breaks = 0;
	for (const cell of cells) {
		if (cell.includes('\n') || cell.includes('\r')) breaks += cell.match(LINE_BREAK)?.length ?? 0;
	}
	return breaks;
}

/**
 * Column names from the header cells: trimmed, empty ones named by position, duplicates
 * suffixed. Names already present in the header are never generated for another column.
 */
export function uniqueColumnNames(headerCells: ReadonlyArray<string>): string[] {
	const trimmed = headerCells.map((cell) => cell.trim());
	const present = new Set(trimmed.filter((name) => name !== ''));
	const used = new Set<string>();
	return trimmed.map((name, index) => {
		let chosen = name;
		if (name === '' || used.has(name)) {
			const stem = name === '' ? `column_${index + 1}` : name;
			chosen = stem;
			for (let suffix = 2; used.has(chosen) || (chosen !== name && present.has(chosen)); suffix++) {
				chosen = `${stem}_${suffix}`;
			}
		}
		used.add(chosen);
		return chosen;
	});
}

function toRecord(cells: string[], columns: string[]): Record<string, string> {
	const record: Record<string, string> = {};
	for (let index = 0; index < columns.length; index++) {
		const name = columns[index];
		if (name === '__proto__') {
			// A header called "__proto__" must become data, not replace the object's prototype.
			Object.defineProperty(record, name, { value: cells[index], enumerable: true, writable: true, configurable: true });
		} else {
			record[name] = cells[index];
		}
	}
	return record;
}
