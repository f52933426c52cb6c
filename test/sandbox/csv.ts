/**
 * CSV writing the way Ruby's CSV library (FireHydrant is a Rails app) writes it by default:
 * comma separator, "\n" row separator, a field is quoted only when it contains a comma, a double
 * quote, CR or LF (quotes doubled inside), `nil` becomes an empty unquoted cell and an empty
 * string becomes `""`. Both read back as an empty string, which is what the ground truth holds.
 */

/** A cell to write: null stands for Ruby's nil. */
export type CsvCell = string | null;

const NEEDS_QUOTING = /[",\r\n]/;

export function csvField(value: CsvCell): string {
	if (value === null) return '';
	if (value === '') return '""';
	if (!NEEDS_QUOTING.test(value)) return value;
	return `"${value.replace(/"/g, '""')}"`;
}

export function csvLine(cells: readonly CsvCell[]): string {
	let line = '';
	for (let index = 0; index < cells.length; index++) {
		if (index > 0) line += ',';
		line += csvField(cells[index]);
	}
	return line + '\n';
}

const CHUNK_CHARACTERS = 256 * 1024;

/**
 * Builds a CSV body as a list of Buffers of about 256 KiB. Joining one string per row and encoding
 * at the end costs seconds and several hundred MB for 100 000-row exports, and even concatenating
 * the chunks into one Buffer costs a second of page faults; so the chunks are kept as they are.
 * Long cells that repeat verbatim (the per-type event schemas) are escaped once.
 */
export class CsvWriter {
	private readonly parts: Buffer[] = [];
	private pending = '';
	private readonly escapedLongCells = new Map<string, string>();
	private rowCount = 0;

	/** Data rows written so far (the header not counted). */
	get rows(): number {
		return this.rowCount;
	}

	header(columns: readonly string[]): void {
		this.pending += csvLine(columns);
	}

	row(cells: readonly CsvCell[]): void {
		let line = '';
		for (let index = 0; index < cells.length; index++) {
			if (index > 0) line += ',';
			const cell = cells[index];
			line += cell !== null && cell.length >= 64 ? this.escapeLong(cell) : csvField(cell);
		}
		this.pending += line + '\n';
		this.rowCount++;
		if (this.pending.length >= CHUNK_CHARACTERS) this.flush();
	}

	finish(): ChunkedBytes {
		this.flush();
		return new ChunkedBytes(this.parts);
	}

	private escapeLong(cell: string): string {
		const known = this.escapedLongCells.get(cell);
		if (known !== undefined) return known;
		const escaped = csvField(cell);
		// Bounded: only the first few hundred distinct long cells are remembered, which covers
		// the repeated ones (they appear from the first rows on) without growing with the data.
		if (this.escapedLongCells.size < 256) this.escapedLongCells.set(cell, escaped);
		return escaped;
	}

	private flush(): void {
		if (this.pending.length === 0) return;
		this.parts.push(Buffer.from(this.pending, 'utf8'));
		this.pending = '';
	}
}

/**
 * Bytes held as a list of Buffers (a CSV body as the writer produced it). Served chunk by chunk
 * without copying; joined into one Buffer only when someone asks for one, and then kept joined.
 */
export class ChunkedBytes {
	readonly length: number;
	private chunks: Buffer[];

	constructor(chunks: Buffer[]) {
		this.chunks = chunks.filter((chunk) => chunk.length > 0);
		this.length = this.chunks.reduce((sum, chunk) => sum + chunk.length, 0);
	}

	static of(bytes: Buffer): ChunkedBytes {
		return new ChunkedBytes([bytes]);
	}

	toBuffer(): Buffer {
		if (this.chunks.length === 0) return Buffer.alloc(0);
		if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.length)];
		return this.chunks[0];
	}

	/** Views of the bytes in [start, end), sharing memory with the stored chunks. */
	range(start: number, end: number): Buffer[] {
		const views: Buffer[] = [];
		let offset = 0;
		for (const chunk of this.chunks) {
			const chunkEnd = offset + chunk.length;
			if (chunkEnd > start && offset < end) {
				views.push(
					chunk.subarray(Math.max(0, start - offset), Math.min(chunk.length, end - offset)),
				);
			}
			offset = chunkEnd;
			if (offset >= end) break;
		}
		return views;
	}
}
