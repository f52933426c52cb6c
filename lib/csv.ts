/**
 * Streaming CSV reading for vendor exports, which can be hundreds of megabytes: rows are
 * produced one at a time from the byte stream (with backpressure), never from the whole file
 * in memory, and every row carries the physical line it starts on so that errors point the
 * user at the exact place in the file.
 */
import { CsvError, Parser } from 'csv-parse';
import type { Options } from 'csv-parse';
import { isUtf8 } from 'node:buffer';
import { pipeline, type Readable, type TransformCallback } from 'node:stream';

/** One data row: the line it starts on, and its cells keyed by column name. */
export interface CsvRow {
	/** 1-based physical line where the row starts; the header is on line 1 (or later, after blank lines). */
	line: number;
	/** Cell text by column name, exactly as in the file (not trimmed; quoted line breaks kept). */
	record: Record<string, string>;
}

/**
 * Data rows in bulk, as {@link parseCsvBatches} yields them: every row the parser produced from one
 * chunk of input. Handing rows over a chunk at a time instead of one `await` per row is what lets a
 * caller shape 100,000 rows at the parser's own pace.
 */
export interface CsvBatch {
	/** The final column names (see {@link uniqueColumnNames}); the same array in every batch. */
	columns: readonly string[];
	/** Cells of each row, in column order; a row always has exactly `columns.length` cells. */
	rows: string[][];
	/** 1-based physical line where each row starts, index for index with `rows`. */
	lines: number[];
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
	/**
	 * Called for every row with cells whose bytes were not valid UTF-8: those bytes were read as
	 * U+FFFD (the replacement character), so the caller can say so instead of passing the damage
	 * on silently. `columns` names the affected cells. Only rows ending after the first invalid byte
	 * of the input are looked at, so a file that is valid UTF-8 throughout (even one that contains
	 * U+FFFD itself) never triggers it; a genuine U+FFFD after that byte counts as damage too.
	 */
	onInvalidUtf8?: (line: number, columns: string[]) => void;
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
 *
 * Hot paths (tens of thousands of rows) should use {@link parseCsvBatches}, which has the same
 * rules but hands rows over a chunk at a time, as cell arrays.
 */
export async function* parseCsvRows(
	input: NodeJS.ReadableStream | Readable,
	options: CsvParseOptions = {},
): AsyncGenerator<CsvRow> {
	for await (const batch of parseCsvBatches(input, options)) {
		for (let index = 0; index < batch.rows.length; index++) {
			yield { line: batch.lines[index], record: toRecord(batch.rows[index], batch.columns) };
		}
	}
}

/**
 * The data rows of a CSV stream, a parsed chunk at a time ({@link CsvBatch}), with exactly the
 * rules of {@link parseCsvRows}. Rows before a malformed row are yielded before the error, as
 * there. A batch holds what the parser made of one chunk of input (64 KiB from a file or socket),
 * so memory stays bounded by the stream buffers, as with single rows.
 */
export async function* parseCsvBatches(
	input: NodeJS.ReadableStream | Readable,
	options: CsvParseOptions = {},
): AsyncGenerator<CsvBatch> {
	let columns: string[] = [];
	let headerRead = false;
	// Physical lines spanned by all records seen so far (each record plus its line break).
	// Updated synchronously inside the parser, so it is exact even when an error cuts off
	// records that were parsed but not yet consumed.
	let linesOfRecords = 0;
	const startLineOfNextRecord = (emptyLinesSoFar: number): number =>
		1 + linesOfRecords + emptyLinesSoFar;
	const onInvalidUtf8 = options.onInvalidUtf8;

	const parser = new BatchingParser(
		csvParseOptions(options.maxRecordSize ?? DEFAULT_MAX_CSV_RECORD_SIZE),
		(cells: string[], emptyLines: number, bytes: number): number => {
			const line = startLineOfNextRecord(emptyLines);
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
			} else if (onInvalidUtf8 && bytes > parser.utf8.firstInvalidAt) {
				// The row ends after the first invalid byte: a U+FFFD in it may stand for bad bytes.
				const damaged = damagedColumns(cells, columns);
				if (damaged) onInvalidUtf8(line, damaged);
			}
			return line;
		},
	);
	// pipeline (unlike pipe) forwards an input error into the parser, so it reaches the loop
	// below, and destroys the input when the parser stops. Errors are handled via the loop.
	pipeline(input, parser, ignorePipelineEnd);

	try {
		let isHeader = true;
		for await (const item of parser as AsyncIterable<RecordBatch | ParseFailure>) {
			if (item instanceof ParseFailure) throw item.error;
			let { records, lines } = item;
			if (isHeader) {
				isHeader = false;
				options.onHeader?.([...columns]);
				records = records.slice(1);
				lines = lines.slice(1);
			}
			if (records.length > 0) yield { columns, rows: records, lines };
		}
	} catch (error) {
		throw withLineNumber(error, startLineOfNextRecord);
	} finally {
		if (!parser.destroyed) parser.destroy();
	}
}

/**
 * The csv-parse options every read of this pack uses (exported so the benchmarks can time a bare
 * csv-parse with exactly these).
 */
export function csvParseOptions(maxRecordSize: number): Options {
	return {
		bom: true,
		relax_column_count: true, // Cell counts are checked by the reader, to report the row's start line.
		skip_empty_lines: true,
		// Every line-break style ends a record, even mixed in one file (csv-parse would otherwise
		// fix the style from the first line and keep other breaks as cell text), which also makes
		// records and physical lines agree with LINE_BREAK.
		record_delimiter: ['\r\n', '\n', '\r'],
		max_record_size: maxRecordSize,
	};
}

/** Columns whose cell holds U+FFFD, or undefined when none does. */
function damagedColumns(cells: string[], columns: string[]): string[] | undefined {
	let damaged: string[] | undefined;
	for (let index = 0; index < cells.length; index++) {
		if (cells[index].includes('\uFFFD')) (damaged ??= []).push(columns[index]);
	}
	return damaged;
}

/**
 * The end of the input → parser pipeline, which needs no handling (the loop sees every error).
 * A named function outside the generator rather than an arrow inside it: Node can keep the
 * pipeline's callback after the read (with a keep-alive socket), and an arrow would keep the
 * generator's scope with it, and through `onInvalidUtf8` the caller's, which holds every row read.
 */
function ignorePipelineEnd(): void {}

/** What a destroyed {@link BatchingParser} calls for a record, which never comes. */
function recordAfterDestroy(): never {
	throw new Error('CSV record after the parser was destroyed');
}

/** Marks, in the record stream, the point where parsing failed. */
class ParseFailure {
	constructor(readonly error: unknown) {}
}

/** What the parser makes of one chunk of input: its records (the header among them) and their lines. */
interface RecordBatch {
	records: string[][];
	lines: number[];
}

/**
 * Watches the raw bytes for anything that is not valid UTF-8 (which the decoder turns into U+FFFD
 * without a word) and remembers where the first such byte is. A character cut in two by a chunk
 * boundary is carried over and checked with the next chunk. Valid input costs one native check
 * per chunk (`buffer.isUtf8`); only the chunk holding the first invalid byte is scanned in JS.
 */
class Utf8Watch {
	/** Input offset of the first byte that is not valid UTF-8; Infinity while there is none. */
	firstInvalidAt = Infinity;
	/** Input bytes checked so far (the carried-over tail included). */
	private offset = 0;
	private carry: Buffer | undefined;

	check(chunk: Buffer): void {
		if (this.firstInvalidAt !== Infinity) return;
		const start = this.offset - (this.carry?.length ?? 0);
		const bytes = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
		this.offset += chunk.length;
		const complete = bytes.length - incompleteTail(bytes);
		this.carry = complete < bytes.length ? Buffer.from(bytes.subarray(complete)) : undefined;
		const body = bytes.subarray(0, complete);
		if (!isUtf8(body)) this.firstInvalidAt = start + Math.max(0, firstInvalidUtf8(body));
	}

	/** At the end of the input, a character still cut off is invalid too. */
	end(): void {
		if (this.carry && this.firstInvalidAt === Infinity)
			this.firstInvalidAt = this.offset - this.carry.length;
		this.carry = undefined;
	}
}

/** Second-byte range of each UTF-8 lead byte that needs one other than 80–BF (RFC 3629). */
function secondByteRange(lead: number): [number, number] {
	if (lead === 0xe0) return [0xa0, 0xbf];
	if (lead === 0xed) return [0x80, 0x9f];
	if (lead === 0xf0) return [0x90, 0xbf];
	if (lead === 0xf4) return [0x80, 0x8f];
	return [0x80, 0xbf];
}

/** Index of the first byte of `bytes` that does not start a valid UTF-8 sequence, or -1. */
function firstInvalidUtf8(bytes: Buffer): number {
	for (let index = 0; index < bytes.length; ) {
		const lead = bytes[index];
		if (lead < 0x80) {
			index++;
			continue;
		}
		const length =
			lead >= 0xc2 && lead <= 0xdf
				? 2
				: lead >= 0xe0 && lead <= 0xef
					? 3
					: lead >= 0xf0 && lead <= 0xf4
						? 4
						: 0;
		if (length === 0 || index + length > bytes.length) return index;
		const [low, high] = secondByteRange(lead);
		if (bytes[index + 1] < low || bytes[index + 1] > high) return index;
		for (let next = 2; next < length; next++) {
			if ((bytes[index + next] & 0xc0) !== 0x80) return index;
		}
		index += length;
	}
	return -1;
}

/**
 * Bytes at the end of `bytes` that begin a multi-byte character without completing it (0-3); an
 * invalid sequence there is left to the validity check.
 */
function incompleteTail(bytes: Buffer): number {
	for (let back = 1; back <= Math.min(3, bytes.length); back++) {
		const byte = bytes[bytes.length - back];
		if ((byte & 0xc0) === 0x80) continue; // continuation byte: look further back
		const expected = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
		return expected > back ? back : 0;
	}
	return 0;
}

/**
 * csv-parse's stream, with two changes:
 * - the records parsed from one chunk are pushed as ONE item (a {@link RecordBatch}), so the
 *   consumer pays one stream read and one `await` per chunk instead of per row;
 * - a parse error is delivered in order, after the records that precede it, instead of destroying
 *   the stream (which would discard records already parsed but not yet read, making it depend on
 *   chunk boundaries whether the rows before a bad row are seen). After a failure the writable
 *   side is never acknowledged again, which stops reading the input until the consumer destroys
 *   the stream.
 * It also watches the input bytes for invalid UTF-8 ({@link Utf8Watch}) before they are parsed.
 */
class BatchingParser extends Parser {
	readonly utf8 = new Utf8Watch();
	private failed = false;
	/** Records of the chunk being parsed; undefined outside of _transform/_flush. */
	private pending: RecordBatch | undefined;
	/** What {@link onRecord} threw for a record of the chunk being parsed; later records are dropped. */
	private recordError: unknown;

	/**
	 * `onRecord` sees each record as it is pushed, with csv-parse's count of empty lines so far and
	 * of bytes up to the record's end, and returns the line the record starts on; what it throws
	 * fails the parse after the records before it. (csv-parse's own `on_record` hook would do the
	 * same, but builds two info objects per record for it: a fifth of the parse time.)
	 */
	constructor(
		options: Options,
		private onRecord: (cells: string[], emptyLines: number, bytes: number) => number,
	) {
		super(options);
	}

	override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
		// This stream can outlive the read: a keep-alive socket keeps its last response, and the
		// response keeps the pipeline's listeners, which reach this stream. Let go of `onRecord`,
		// whose scope reaches the caller's and every row it read, so those go with the read.
		this.onRecord = recordAfterDestroy;
		this.pending = undefined;
		super._destroy(error, callback);
	}

	override push(chunk: unknown, encoding?: BufferEncoding): boolean {
		const pending = this.pending;
		if (pending && chunk !== null) {
			if (this.recordError !== undefined) return true;
			try {
				const line = this.onRecord(chunk as string[], this.info.empty_lines, this.info.bytes);
				pending.records.push(chunk as string[]);
				pending.lines.push(line);
			} catch (error) {
				this.recordError = error;
			}
			return true;
		}
		if (chunk === null) this.release();
		return super.push(chunk, encoding);
	}

	override _transform(
		chunk: Buffer | string,
		encoding: BufferEncoding,
		callback: TransformCallback,
	): void {
		if (this.failed) return;
		if (Buffer.isBuffer(chunk)) this.utf8.check(chunk);
		this.pending = { records: [], lines: [] };
		super._transform(chunk, encoding, (error?: Error | null) => {
			this.release();
			this.settle(error, callback);
		});
	}

	override _flush(callback: TransformCallback): void {
		if (this.failed) return;
		this.utf8.end();
		this.pending = { records: [], lines: [] };
		super._flush((error?: Error | null) => {
			this.release();
			this.settle(error, callback);
		});
	}

	/** Hands the records parsed so far on, as one item. */
	private release(): void {
		const batch = this.pending;
		this.pending = undefined;
		if (batch && batch.records.length > 0) super.push(batch);
	}

	private settle(parseError: Error | null | undefined, callback: TransformCallback): void {
		// A record refused by onRecord comes before anything csv-parse found later in the chunk.
		const error: unknown = this.recordError ?? parseError;
		if (!error) {
			callback();
			return;
		}
		this.failed = true;
		super.push(new ParseFailure(error));
		super.push(null);
	}
}

/** csv-parse's codes, in words a user can act on (no cell content, which may be sensitive). */
const REASONS: Record<string, string> = {
	CSV_QUOTE_NOT_CLOSED: 'a quoted field is not closed before the end of the file',
	CSV_INVALID_CLOSING_QUOTE: 'unexpected character after the closing quote of a field',
	CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE:
		'unexpected character after the closing quote of a field',
	INVALID_OPENING_QUOTE:
		'a quote appears inside an unquoted field (quote the field and double the quote)',
};

/**
 * csv-parse's own errors become {@link CsvFormatError}s pointing at the line where the bad
 * record starts; anything else (our ragged-row error, an input error) passes through unchanged.
 */
function withLineNumber(
	error: unknown,
	startLineOfNextRecord: (emptyLinesSoFar: number) => number,
): unknown {
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

function toRecord(cells: string[], columns: readonly string[]): Record<string, string> {
	const record: Record<string, string> = {};
	for (let index = 0; index < columns.length; index++) {
		const name = columns[index];
		if (name === '__proto__') {
			// A header called "__proto__" must become data, not replace the object's prototype.
			Object.defineProperty(record, name, {
				value: cells[index],
				enumerable: true,
				writable: true,
				configurable: true,
			});
		} else {
			record[name] = cells[index];
		}
	}
	return record;
}
