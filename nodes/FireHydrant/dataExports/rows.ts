import type { IDataObject } from 'n8n-workflow';

import { isoDurationToSeconds } from '../../../lib/iso-duration';
import { JsonCellMemo } from '../../../lib/json-cells';
import { JSON_COLUMNS } from '../constants';

export interface RowShapeOptions {
	/** `event_details`, `tags`, `questions` (and unknown JSON columns) parsed into values. */
	parseJsonColumns: boolean;
	/**
	 * `event_details_schema` parsed into an object. Off by default: the schema is the same few texts
	 * on every event row, says nothing about the row itself, and as an object it makes each item that
	 * n8n prints and stores about a third larger.
	 */
	parseEventDetailsSchema: boolean;
	durationToSeconds: boolean;
	emptyAsNull: boolean;
}

export const DEFAULT_ROW_SHAPE: RowShapeOptions = {
	parseJsonColumns: true,
	parseEventDetailsSchema: false,
	durationToSeconds: true,
	emptyAsNull: true,
};

export interface ShapedRow {
	json: IDataObject;
	/** Columns whose cell was meant to be JSON but was not; the cell is kept as text. */
	invalidJsonColumns: string[];
}

const JSON_COLUMN_SET = new Set<string>(JSON_COLUMNS);
const SCHEMA_COLUMN = 'event_details_schema';

/** Whether the options make a column's cells JSON values rather than text. */
function parsesAsJson(column: string, options: RowShapeOptions): boolean {
	if (column === SCHEMA_COLUMN) return options.parseEventDetailsSchema;
	return options.parseJsonColumns && JSON_COLUMN_SET.has(column);
}

/** Where a row came from: `_source` and `_exportRequestId`. */
export interface RowMeta {
	source: string;
	exportRequestId: string;
}

/**
 * What every report of one run shares while its rows are shaped: one {@link JsonCellMemo} per
 * JSON column (a schema text repeated on every row is parsed once and its value shared), and one
 * {@link RepeatedText} per column (repeated cells such as account, organization, incident id or
 * event type share one string instead of one copy per row).
 */
export class ShapingMemory {
	private readonly json = new Map<string, JsonCellMemo>();
	private readonly texts = new Map<string, RepeatedText>();

	jsonMemo(column: string): JsonCellMemo {
		let memo = this.json.get(column);
		if (!memo) this.json.set(column, (memo = new JsonCellMemo()));
		return memo;
	}

	repeatedText(column: string): RepeatedText {
		let texts = this.texts.get(column);
		if (!texts) this.texts.set(column, (texts = new RepeatedText()));
		return texts;
	}
}

/**
 * Cells looked up before {@link RepeatedText} first judges whether a column repeats; from then on
 * it judges again at every text it has not met, so a column that stops repeating is let go too.
 */
const REPEAT_SAMPLE = 1000;
/** Share of those that must be repeats for the column to stay shared. */
const REPEAT_SHARE = 0.5;
/** Most distinct texts remembered per column. */
const REPEAT_MAX_ENTRIES = 100_000;

/**
 * One instance per distinct text of a column whose cells mostly repeat. The CSV parser makes a
 * new string for every cell; for a column like `organization_id` that is 100,000 copies of one
 * value. A column that turns out not to repeat (ids, timestamps) is let go after a sample, so it
 * costs nothing beyond its first {@link REPEAT_SAMPLE} cells.
 */
export class RepeatedText {
	private known: Map<string, string> | undefined = new Map();
	private looked = 0;
	private repeats = 0;

	share(text: string): string {
		const known = this.known;
		if (!known) return text;
		const same = known.get(text);
		this.looked++;
		if (same !== undefined) {
			this.repeats++;
			return same;
		}
		if (this.looked >= REPEAT_SAMPLE && this.repeats < this.looked * REPEAT_SHARE) {
			this.known = undefined;
		} else if (known.size < REPEAT_MAX_ENTRIES) {
			known.set(text, text);
		}
		return text;
	}

	/** Distinct texts remembered (0 once the column was let go). */
	get remembered(): number {
		return this.known?.size ?? 0;
	}
}

/** How a column's cells are turned into values. */
const enum CellKind {
	Text,
	Json,
	Duration,
}

interface ColumnPlan {
	name: string;
	kind: CellKind;
	texts: RepeatedText;
	json?: JsonCellMemo;
}

/**
 * Shapes the rows of one report (one header) into output rows: the plan per column is worked out
 * once, and each row is built straight from its cells into one object, in column order.
 * A JSON cell that does not parse stays text, is listed in the row's `_invalidJsonColumns`, and
 * counted in {@link invalidJsonCells} so one bad cell never fails a whole run.
 */
export class ExportRowShaper {
	/** Per column: cells meant to be JSON that were not, over every row shaped. */
	readonly invalidJsonCells = new Map<string, number>();
	private readonly plan: ColumnPlan[];
	private readonly unsafeColumnName: boolean;
	/**
	 * Every key of a row in its final order, copied for each row, so that a row is laid out in one
	 * step instead of growing key by key (no garbage from the growing). Made by `JSON.parse`: V8
	 * gives an object that JSON.parse builds room for every property inside the object, and a copy
	 * keeps that layout; an object grown key by key (as the template itself would be) keeps its
	 * first four inside and the rest in a separate store: one more object and 24 more bytes per row.
	 */
	private readonly template: IDataObject;

	constructor(
		columns: readonly string[],
		private readonly meta: RowMeta,
		private readonly options: RowShapeOptions,
		memory: ShapingMemory = new ShapingMemory(),
	) {
		this.plan = columns.map((name) => {
			const json = parsesAsJson(name, options);
			const kind = json
				? CellKind.Json
				: name === 'active_duration' && options.durationToSeconds
					? CellKind.Duration
					: CellKind.Text;
			return {
				name,
				kind,
				texts: memory.repeatedText(name),
				json: json ? memory.jsonMemo(name) : undefined,
			};
		});
		// A column called "__proto__" must become data, not replace the row's prototype.
		this.unsafeColumnName = columns.includes('__proto__');
		const layout: IDataObject = {};
		if (!this.unsafeColumnName) {
			for (const column of this.plan) {
				layout[column.name] = null;
				if (column.kind === CellKind.Duration) layout.active_duration_seconds = null;
			}
			layout._source = meta.source;
			layout._exportRequestId = meta.exportRequestId;
		}
		this.template = JSON.parse(JSON.stringify(layout)) as IDataObject;
	}

	shape(cells: readonly string[]): IDataObject {
		const json: IDataObject = { ...this.template };
		const emptyAsNull = this.options.emptyAsNull;
		let invalid: string[] | undefined;
		// The text cell before this one, and the string it became: a cell equal to it shares that
		// string (updated_at equal to created_at, on every record never updated since).
		let previousCell: string | undefined;
		let previousText: string | undefined;
		for (let index = 0; index < this.plan.length; index++) {
			const column = this.plan[index];
			const cell = cells[index];
			let value: IDataObject[string];
			if (cell === '') {
				value = emptyAsNull ? null : '';
			} else if (column.kind === CellKind.Json) {
				const parsed = (column.json as JsonCellMemo).parse(cell);
				if (parsed.ok) {
					value = parsed.value as IDataObject[string];
				} else {
					value = column.texts.share(cell);
					(invalid ??= []).push(column.name);
					this.invalidJsonCells.set(column.name, (this.invalidJsonCells.get(column.name) ?? 0) + 1);
				}
			} else {
				value = cell === previousCell ? (previousText as string) : column.texts.share(cell);
				previousText = value;
			}
			previousCell = column.kind === CellKind.Json ? undefined : cell;
			if (this.unsafeColumnName && column.name === '__proto__') {
				Object.defineProperty(json, column.name, {
					value,
					enumerable: true,
					writable: true,
					configurable: true,
				});
			} else {
				json[column.name] = value;
			}
			if (column.kind === CellKind.Duration) {
				json.active_duration_seconds = cell === '' ? null : (isoDurationToSeconds(cell) ?? null);
			}
		}
		json._source = this.meta.source;
		json._exportRequestId = this.meta.exportRequestId;
		if (invalid) json._invalidJsonColumns = invalid;
		return json;
	}
}

/**
 * One CSV record as a row: its columns (values as the options say), `_source` and
 * `_exportRequestId`. A JSON cell that does not parse stays text and is listed in
 * `_invalidJsonColumns` so one bad cell never fails a whole run. (For many rows of one report,
 * {@link ExportRowShaper} does the same without working the plan out per row.)
 */
export function shapeExportRow(
	record: Record<string, string>,
	meta: RowMeta,
	options: RowShapeOptions,
): ShapedRow {
	const columns = Object.keys(record);
	const shaper = new ExportRowShaper(columns, meta, options);
	const json = shaper.shape(columns.map((column) => record[column]));
	return { json, invalidJsonColumns: [...shaper.invalidJsonCells.keys()] };
}
