import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import {
	CSV_RAGGED_ROW,
	CsvFormatError,
	parseCsvBatches,
	parseCsvRows,
	uniqueColumnNames,
	type CsvRow,
} from '../../../lib/csv';

/** A byte stream of `text`, optionally cut into chunks of `chunkSize` bytes (to split quotes, CRLF and UTF-8). */
function streamOf(text: string, chunkSize?: number): Readable {
	const bytes = Buffer.from(text, 'utf8');
	const size = chunkSize ?? bytes.length;
	const chunks: Buffer[] = [];
	for (let offset = 0; offset < bytes.length; offset += size)
		chunks.push(bytes.subarray(offset, offset + size));
	return Readable.from(chunks, { objectMode: false });
}

async function collect(
	text: string,
	chunkSize?: number,
	onHeader?: (columns: string[]) => void,
): Promise<CsvRow[]> {
	const rows: CsvRow[] = [];
	for await (const row of parseCsvRows(streamOf(text, chunkSize), { onHeader })) rows.push(row);
	return rows;
}

/** Runs the parser to the end and returns the rows before the error, and the error. */
async function collectUntilError(input: Readable): Promise<{ rows: CsvRow[]; error: unknown }> {
	const rows: CsvRow[] = [];
	try {
		for await (const row of parseCsvRows(input)) rows.push(row);
	} catch (error) {
		return { rows, error };
	}
	throw new Error('expected the parser to fail');
}

describe('parseCsvRows', () => {
	it('keys cells by header name and numbers rows from line 2', async () => {
		const rows = await collect('id,name\n1,alpha\n2,beta\n');
		expect(rows).toEqual([
			{ line: 2, record: { id: '1', name: 'alpha' } },
			{ line: 3, record: { id: '2', name: 'beta' } },
		]);
	});

	it('strips a UTF-8 BOM and reads CRLF line endings', async () => {
		let header: string[] = [];
		const rows = await collect('\uFEFFid,name\r\n1,alpha\r\n2,beta\r\n', undefined, (columns) => {
			header = columns;
		});
		expect(header).toEqual(['id', 'name']);
		expect(rows).toEqual([
			{ line: 2, record: { id: '1', name: 'alpha' } },
			{ line: 3, record: { id: '2', name: 'beta' } },
		]);
	});

	it('reads a last row without a trailing line break, and lone CR line endings', async () => {
		expect(await collect('a,b\r1,2\r3,4')).toEqual([
			{ line: 2, record: { a: '1', b: '2' } },
			{ line: 3, record: { a: '3', b: '4' } },
		]);
	});

	it('keeps commas, doubled quotes and line breaks inside quoted fields, counting the physical lines', async () => {
		const text =
			'id,title,summary\n1,"Checkout, EU","first line\nsecond line"\n2,"say ""hi""",plain\n';
		expect(await collect(text)).toEqual([
			{ line: 2, record: { id: '1', title: 'Checkout, EU', summary: 'first line\nsecond line' } },
			{ line: 4, record: { id: '2', title: 'say "hi"', summary: 'plain' } },
		]);
	});

	it('counts a quoted CRLF as one line and keeps it verbatim in the cell', async () => {
		const text = 'id,notes\r\n1,"a\r\nb\r\nc"\r\n2,d\r\n';
		expect(await collect(text)).toEqual([
			{ line: 2, record: { id: '1', notes: 'a\r\nb\r\nc' } },
			{ line: 5, record: { id: '2', notes: 'd' } },
		]);
	});

	it('skips blank lines but still counts them in line numbers', async () => {
		expect(await collect('\nid\n1\n\n\n2\n')).toEqual([
			{ line: 3, record: { id: '1' } },
			{ line: 6, record: { id: '2' } },
		]);
	});

	it('gives identical rows and line numbers when the bytes arrive one at a time', async () => {
		const text =
			'\uFEFFid,title,notes\r\n1,"Café ☕, ""hot""","x\r\ny"\r\n\r\n2,"🔥","a\nb\rc"\r\n3,z,\r\n';
		const whole = await collect(text);
		expect(whole.map((row) => row.line)).toEqual([2, 5, 8]);
		expect(whole[0].record.title).toBe('Café ☕, "hot"');
		expect(whole[1].record).toEqual({ id: '2', title: '🔥', notes: 'a\nb\rc' });
		expect(await collect(text, 1)).toEqual(whole);
		expect(await collect(text, 3)).toEqual(whole);
	});

	it('yields nothing for header-only input but reports the header', async () => {
		const headers: string[][] = [];
		expect(
			await collect('id,name,updated_at\n', undefined, (columns) => headers.push(columns)),
		).toEqual([]);
		expect(
			await collect('id,name,updated_at', undefined, (columns) => headers.push(columns)),
		).toEqual([]);
		expect(headers).toEqual([
			['id', 'name', 'updated_at'],
			['id', 'name', 'updated_at'],
		]);
	});

	it('yields nothing and reports no header for empty or blank input', async () => {
		const onHeader = jest.fn();
		expect(await collect('', undefined, onHeader)).toEqual([]);
		expect(await collect('\n\r\n\n', undefined, onHeader)).toEqual([]);
		expect(onHeader).not.toHaveBeenCalled();
	});

	it('reports the header before yielding the first row', async () => {
		const events: string[] = [];
		for await (const row of parseCsvRows(streamOf('a\n1\n'), {
			onHeader: (columns) => events.push(`header ${columns.join()}`),
		})) {
			events.push(`row ${row.line}`);
		}
		expect(events).toEqual(['header a', 'row 2']);
	});

	it('names empty header cells by position and suffixes duplicates', async () => {
		const rows = await collect(' id ,name,,name,name_2,\n1,a,b,c,d,e\n');
		expect(Object.entries(rows[0].record)).toEqual([
			['id', '1'],
			['name', 'a'],
			['column_3', 'b'],
			['name_3', 'c'],
			['name_2', 'd'],
			['column_6', 'e'],
		]);
	});

	it('keeps a "__proto__" column as data', async () => {
		const [row] = await collect('__proto__,id\nx,1\n');
		expect(Object.getPrototypeOf(row.record)).toBe(Object.prototype);
		expect(Object.keys(row.record)).toEqual(['__proto__', 'id']);
		expect(row.record.id).toBe('1');
	});

	it('rejects a short row after a multi-line quoted cell with the line the row starts on', async () => {
		const text = 'id,title,notes\n1,"multi\nline\ncell",x\n2,only-two\n3,c,d\n';
		const { rows, error } = await collectUntilError(streamOf(text));
		expect(rows).toEqual([
			{ line: 2, record: { id: '1', title: 'multi\nline\ncell', notes: 'x' } },
		]);
		expect(error).toBeInstanceOf(CsvFormatError);
		const formatError = error as CsvFormatError;
		expect(formatError.line).toBe(5);
		expect(formatError.reason).toBe('row has 2 cells, header has 3');
		expect(formatError.code).toBe(CSV_RAGGED_ROW);
		expect(formatError.message).toBe('Invalid CSV at line 5: row has 2 cells, header has 3');
	});

	it('reports the same line for a ragged row with CRLF endings, quoted CRLFs and byte-sized chunks', async () => {
		const text = 'id,title,notes\r\n1,"multi\r\nline",x\r\n\r\n2,a,b,c,d,e,f\r\n';
		for (const chunkSize of [undefined, 1, 2, 7]) {
			const { error } = await collectUntilError(streamOf(text, chunkSize));
			expect(error).toMatchObject({ line: 5, reason: 'row has 7 cells, header has 3' });
		}
	});

	it('rejects an unclosed quote, pointing at the row where it opens', async () => {
		const { rows, error } = await collectUntilError(
			streamOf('id,notes\n1,ok\n\n2,"never closed\nmore\n'),
		);
		expect(rows).toHaveLength(1);
		expect(error).toBeInstanceOf(CsvFormatError);
		expect(error).toMatchObject({ line: 4, code: 'CSV_QUOTE_NOT_CLOSED' });
	});

	it('rejects text after a closing quote without echoing the cell', async () => {
		const { error } = await collectUntilError(streamOf('id,notes\n1,"secret-ish"tail\n'));
		expect(error).toBeInstanceOf(CsvFormatError);
		const formatError = error as CsvFormatError;
		expect(formatError.line).toBe(2);
		expect(formatError.code).toBe('CSV_INVALID_CLOSING_QUOTE');
		expect(formatError.message).not.toContain('secret-ish');
	});

	it('rejects a record larger than maxRecordSize instead of buffering the rest of the file', async () => {
		const input = streamOf(`id,notes\n1,"${'x'.repeat(5000)}`);
		const rows: CsvRow[] = [];
		await expect(
			(async () => {
				for await (const row of parseCsvRows(input, { maxRecordSize: 1000 })) rows.push(row);
			})(),
		).rejects.toMatchObject({ name: 'CsvFormatError', line: 2, code: 'CSV_MAX_RECORD_SIZE' });
	});

	/**
	 * An input that sends `firstPart`, then waits until the test has seen the first row (so the
	 * outcome does not depend on timing), then ends the way `finish` says.
	 */
	function inputCutAfterFirstRow(firstPart: string, finish: (input: Readable) => void) {
		let firstRowSeen: () => void = () => undefined;
		const gate = new Promise<void>((resolve) => (firstRowSeen = resolve));
		let sent = false;
		const input = new Readable({
			read() {
				if (sent) return;
				sent = true;
				this.push(firstPart);
				void gate.then(() => finish(this));
			},
		});
		return { input, firstRowSeen: () => firstRowSeen() };
	}

	it('rethrows an error of the input stream unchanged, after the rows read before it', async () => {
		const cut = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
		const { input, firstRowSeen } = inputCutAfterFirstRow('id,name\n1,alpha\n2,be', (stream) =>
			stream.destroy(cut),
		);
		const rows: CsvRow[] = [];
		let caught: unknown;
		try {
			for await (const row of parseCsvRows(input)) {
				rows.push(row);
				firstRowSeen();
			}
		} catch (error) {
			caught = error;
		}
		expect(caught).toBe(cut);
		expect(rows).toEqual([{ line: 2, record: { id: '1', name: 'alpha' } }]);
	});

	it('fails instead of ending quietly when the input is destroyed without an error', async () => {
		const { input, firstRowSeen } = inputCutAfterFirstRow('id\n1\n22', (stream) =>
			stream.destroy(),
		);
		const iteration = (async () => {
			for await (const row of parseCsvRows(input)) {
				expect(row.line).toBe(2);
				firstRowSeen();
			}
		})();
		await expect(iteration).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
	});

	it('reads the input lazily (backpressure) and destroys it when the caller stops early', async () => {
		const totalRows = 100_000;
		let rowsProduced = 0;
		const input = new Readable({
			read() {
				if (rowsProduced === 0) this.push('id,name\n');
				if (rowsProduced === totalRows) {
					this.push(null);
					return;
				}
				rowsProduced++;
				this.push(`${rowsProduced},row number ${rowsProduced}\n`);
			},
		});
		const lines: number[] = [];
		for await (const row of parseCsvRows(input)) {
			lines.push(row.line);
			if (lines.length === 5) break;
		}
		expect(lines).toEqual([2, 3, 4, 5, 6]);
		// Only the streams' buffers (tens of KB) are read ahead, not the 2.5 MB input.
		expect(rowsProduced).toBeLessThan(totalRows / 10);
		await new Promise((resolve) => setImmediate(resolve));
		expect(input.destroyed).toBe(true);
	});
});

describe('parseCsvRows and invalid UTF-8', () => {
	/** Every (line, columns) the parser reports as holding bytes that are not UTF-8, and the rows. */
	async function damage(
		bytes: Buffer,
		chunkSize = bytes.length,
	): Promise<{ reports: Array<[number, string[]]>; rows: CsvRow[] }> {
		const chunks: Buffer[] = [];
		for (let offset = 0; offset < bytes.length; offset += chunkSize)
			chunks.push(bytes.subarray(offset, offset + chunkSize));
		const reports: Array<[number, string[]]> = [];
		const rows: CsvRow[] = [];
		const input = Readable.from(chunks, { objectMode: false });
		for await (const row of parseCsvRows(input, {
			onInvalidUtf8: (line, columns) => reports.push([line, columns]),
		}))
			rows.push(row);
		return { reports, rows };
	}

	it('names the line and the columns of cells whose bytes are not valid UTF-8 (read as U+FFFD)', async () => {
		const bytes = Buffer.concat([
			Buffer.from('id,name,note\n1,alpha,fine\n2,', 'utf8'),
			Buffer.from([0x62, 0xe9, 0x74, 0x61]), // "béta" in Latin-1: 0xE9 alone is not UTF-8
			Buffer.from(',"two\nlines"\n3,', 'utf8'),
			Buffer.from([0xff]),
			Buffer.from(',', 'utf8'),
			Buffer.from([0xc3]), // a lead byte cut off by the end of the cell
			Buffer.from('\n4,gamma,ok\n', 'utf8'),
		]);
		for (const chunkSize of [bytes.length, 1, 7]) {
			const { reports, rows } = await damage(bytes, chunkSize);
			expect(reports).toEqual([
				[3, ['name']],
				[5, ['name', 'note']],
			]);
			expect(rows.map((row) => row.record.name)).toEqual(['alpha', 'b\uFFFDta', '\uFFFD', 'gamma']);
		}
	});

	it('reports nothing for valid UTF-8, even with characters cut by chunk boundaries or a U+FFFD of its own', async () => {
		const bytes = Buffer.from('id,name\n1,Zoë 東京 🚒\n2,a real \uFFFD in the data\n', 'utf8');
		for (const chunkSize of [bytes.length, 1, 2, 3, 5]) {
			const { reports, rows } = await damage(bytes, chunkSize);
			expect(reports).toEqual([]);
			expect(rows.map((row) => row.record.name)).toEqual([
				'Zoë 東京 🚒',
				'a real \uFFFD in the data',
			]);
		}
	});

	it('reports a multi-byte character cut off by the end of the file', async () => {
		const bytes = Buffer.concat([Buffer.from('id,name\n1,ab', 'utf8'), Buffer.from([0xe6, 0x9d])]);
		const { reports } = await damage(bytes, 3);
		expect(reports).toEqual([[2, ['name']]]);
	});
});

describe('parseCsvBatches', () => {
	it('hands rows over a chunk at a time, as cells in column order with their lines', async () => {
		const chunks = ['id,name\n1,"a\nb"\n2,', 'c\n3,d\n'].map((text) => Buffer.from(text, 'utf8'));
		const batches = [];
		for await (const batch of parseCsvBatches(Readable.from(chunks))) {
			batches.push({ columns: [...batch.columns], rows: batch.rows, lines: batch.lines });
		}
		// The first chunk ends inside row 2 ("2,c"): that row comes with the second chunk. The last
		// line break could still be the start of a longer one, so the last row comes at the end of input.
		expect(batches).toEqual([
			{ columns: ['id', 'name'], rows: [['1', 'a\nb']], lines: [2] },
			{ columns: ['id', 'name'], rows: [['2', 'c']], lines: [4] },
			{ columns: ['id', 'name'], rows: [['3', 'd']], lines: [5] },
		]);
	});

	it("lets go of the caller's scope once the read ends, even while its input is still held", async () => {
		// What a keep-alive socket does in n8n: the response stream (the input) lives on after the
		// read, with the listeners the pipeline put on it. The caller's scope holds every row read
		// (in Get Rows, the de-duplication of 100,000 rows); nothing of the read may keep it.
		const input = streamOf('id,name\n1,a\n2,b\n');
		const scope = await readIn(input);
		await collectGarbage();
		expect(scope.deref()).toBeUndefined();
		expect(input.destroyed).toBe(true); // (and `input` is still referenced here)
	});
});

/** Reads `input` to its end from a scope that only the read's callbacks can reach afterwards. */
async function readIn(input: Readable): Promise<WeakRef<object>> {
	const callerScope = { rows: [] as string[][] };
	const onInvalidUtf8 = () => callerScope.rows.push([]);
	for await (const batch of parseCsvBatches(input, { onInvalidUtf8 }))
		callerScope.rows.push(...batch.rows);
	expect(callerScope.rows).toHaveLength(2);
	return new WeakRef(callerScope);
}

/** A full garbage collection, after the current job (a WeakRef's target lives to the end of the job that made it). */
async function collectGarbage(): Promise<void> {
	setFlagsFromString('--expose-gc');
	const gc = runInNewContext('gc') as () => void;
	await new Promise((resolve) => setImmediate(resolve));
	gc();
	await new Promise((resolve) => setImmediate(resolve));
	gc();
}

describe('uniqueColumnNames', () => {
	it('never generates a name that the header already uses', () => {
		expect(uniqueColumnNames(['a', 'a', 'a_2', '', 'column_4'])).toEqual([
			'a',
			'a_3',
			'a_2',
			'column_4_2',
			'column_4',
		]);
	});
});
