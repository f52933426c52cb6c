/**
 * One CSV record of an OpsLevel table as the nodes emit it. OpsLevel writes the literal `NULL` for
 * missing values and leaves other cells empty; timestamps are `YYYY-MM-DD HH:MM:SS` without a zone.
 * A deleted record arrives as a row with only `id` and `deleted_at` filled.
 */
import type { IDataObject } from 'n8n-workflow';

import { toIsoUtc } from '../../../lib/time';

export interface RowShapeOptions {
	/** `NULL` and empty cells become null. */
	nullCells: boolean;
	/** Timestamps become ISO 8601 UTC. */
	isoTimestamps: boolean;
}

export const DEFAULT_ROW_SHAPE: RowShapeOptions = { nullCells: true, isoTimestamps: true };

export type CellValue = string | null;
export type ShapedRow = Record<string, CellValue>;

function isBlank(cell: string | undefined): boolean {
	return cell === undefined || cell === '' || cell === 'NULL';
}

/** Columns holding instants: OpsLevel names them `*_at`. */
function isTimestampColumn(column: string): boolean {
	return column.endsWith('_at');
}

/** Whether a record deletes its id: `deleted_at` is set. */
export function isDeletion(record: Record<string, string>): boolean {
	return !isBlank(record.deleted_at);
}

/**
 * Whether a record is a tombstone as the vendor documents it: `id` and `deleted_at` set, every
 * other column blank. Such rows carry no data worth emitting beyond the two.
 */
export function isTombstone(record: Record<string, string>): boolean {
	if (!isDeletion(record)) return false;
	for (const [column, cell] of Object.entries(record)) {
		if (column === 'id' || column === 'deleted_at') continue;
		if (!isBlank(cell)) return false;
	}
	return true;
}

function shapeCell(column: string, cell: string, options: RowShapeOptions): CellValue {
	if (options.nullCells && isBlank(cell)) return null;
	if (options.isoTimestamps && isTimestampColumn(column) && cell !== '' && cell !== 'NULL') {
		// A cell that is not a timestamp stays as written rather than being lost.
		return toIsoUtc(cell) ?? cell;
	}
	return cell;
}

/** Cells of a record, shaped. A tombstone keeps only `id` and `deleted_at`. */
export function shapeRecord(record: Record<string, string>, options: RowShapeOptions): ShapedRow {
	if (isTombstone(record)) {
		return { id: record.id, deleted_at: shapeCell('deleted_at', record.deleted_at, options) };
	}
	const row: ShapedRow = {};
	for (const column in record) setField(row, column, shapeCell(column, record[column], options));
	return row;
}

/** Joins packed cells; a character no export cell contains (a cell that does is kept as an array). */
const CELL_SEPARATOR = '\u0000';

/** Cells of a record, packed for holding many in memory: see {@link packRecord}. */
export type PackedCells = string | string[];

/**
 * A record packed as ONE string (its cells, in header order, joined by NUL): a live row of
 * getCurrentState then costs one string instead of an object and a string per cell, several times
 * less memory. A record with a NUL inside a cell stays an array, so packing is always lossless.
 */
export function packRecord(
	record: Record<string, string>,
	columns: readonly string[],
): PackedCells {
	return packCells(columns.map((column) => record[column] ?? ''));
}

/** {@link packRecord} of a row given as its cells in header order (as the CSV parser reads them). */
export function packCells(cells: readonly string[]): PackedCells {
	for (const cell of cells) {
		if (cell.includes(CELL_SEPARATOR)) return [...cells];
	}
	return cells.join(CELL_SEPARATOR);
}

export function unpackRecord(
	packed: PackedCells,
	columns: readonly string[],
): Record<string, string> {
	const cells = typeof packed === 'string' ? packed.split(CELL_SEPARATOR) : packed;
	const record: Record<string, string> = {};
	for (let index = 0; index < columns.length; index++)
		setField(record, columns[index], cells[index]);
	return record;
}

/** Plain assignment, except for a column called "__proto__", which must stay data. */
function setField<T>(target: Record<string, T>, key: string, value: T): void {
	if (key === '__proto__') {
		Object.defineProperty(target, key, {
			value,
			enumerable: true,
			writable: true,
			configurable: true,
		});
	} else {
		target[key] = value;
	}
}

/**
 * A packed row of a file as an item's json, in one pass: the same object as
 * `toItemJson(shapeRecord(unpackRecord(cells, columns), options), meta, { deleted, columns: allColumns })`,
 * without the two objects in between (getCurrentState emits hundreds of thousands of these).
 */
export function packedRowJson(
	packed: PackedCells,
	columns: readonly string[],
	options: RowShapeOptions,
	meta: PushMeta,
	deleted: boolean,
	allColumns: readonly string[],
): IDataObject {
	const cells = typeof packed === 'string' ? packed.split(CELL_SEPARATOR) : packed;
	if (deleted && isTombstoneCells(cells, columns)) {
		const record = unpackRecord(cells, columns);
		return toItemJson(shapeRecord(record, options), meta, { deleted });
	}
	const json: IDataObject = {};
	if (!deleted) {
		for (const column of allColumns) setField(json, column, null);
	}
	for (let index = 0; index < columns.length; index++) {
		setField(json, columns[index], shapeCell(columns[index], cells[index] ?? '', options));
	}
	if (deleted) json._deleted = true;
	json._table = meta.table;
	json._pushType = meta.pushType;
	json._pushTimestamp = meta.pushTimestamp;
	return json;
}

/** {@link isTombstone} of cells in header order. */
function isTombstoneCells(cells: readonly string[], columns: readonly string[]): boolean {
	let deletedAt = false;
	for (let index = 0; index < columns.length; index++) {
		const column = columns[index];
		if (column === 'deleted_at') deletedAt = !isBlank(cells[index]);
		else if (column !== 'id' && !isBlank(cells[index])) return false;
	}
	return deletedAt;
}

export interface PushMeta {
	table: string;
	pushType: string;
	pushTimestamp: string;
}

/**
 * A row as an item's json: its cells, `_deleted: true` on deletions, and where it came from.
 * `columns` (every column seen so far in the table) fills columns the row's push did not have yet
 * with null, so that rows of one table share one shape.
 */
export function toItemJson(
	row: ShapedRow,
	meta: PushMeta,
	extra: { deleted: boolean; columns?: readonly string[]; change?: string },
): IDataObject {
	const json: IDataObject = {};
	if (extra.columns && !extra.deleted) {
		for (const column of extra.columns) json[column] = null;
	}
	for (const column in row) setField(json, column, row[column]);
	if (extra.deleted) json._deleted = true;
	if (extra.change !== undefined) json._change = extra.change;
	json._table = meta.table;
	json._pushType = meta.pushType;
	json._pushTimestamp = meta.pushTimestamp;
	return json;
}

/** The row options of the node and the trigger, as the editor stores them. */
export interface RowOptionValues {
	nullCells?: boolean;
	isoTimestamps?: boolean;
	includeDeleted?: boolean;
}

export function rowShape(values: RowOptionValues): RowShapeOptions {
	return { nullCells: values.nullCells ?? true, isoTimestamps: values.isoTimestamps ?? true };
}
