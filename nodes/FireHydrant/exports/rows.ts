import type { IDataObject } from 'n8n-workflow';

import { isoDurationToSeconds } from '../../../lib/iso-duration';
import { parseJsonCell } from '../../../lib/json-cells';
import { JSON_COLUMNS } from '../constants';

export interface RowShapeOptions {
	parseJsonColumns: boolean;
	durationToSeconds: boolean;
	emptyAsNull: boolean;
}

export const DEFAULT_ROW_SHAPE: RowShapeOptions = {
	parseJsonColumns: true,
	durationToSeconds: true,
	emptyAsNull: true,
};

export interface ShapedRow {
	json: IDataObject;
	/** Columns whose cell was meant to be JSON but was not; the cell is kept as text. */
	invalidJsonColumns: string[];
}

const JSON_COLUMN_SET = new Set<string>(JSON_COLUMNS);

/**
 * One CSV record as a row: its columns (values as the options say), `_source` and
 * `_exportRequestId`. A JSON cell that does not parse stays text and is listed in
 * `_invalidJsonColumns` so one bad cell never fails a whole run.
 */
export function shapeExportRow(
	record: Record<string, string>,
	meta: { source: string; exportRequestId: string },
	options: RowShapeOptions,
): ShapedRow {
	const json: IDataObject = {};
	const invalidJsonColumns: string[] = [];
	for (const [column, cell] of Object.entries(record)) {
		if (cell === '' && options.emptyAsNull) {
			json[column] = null;
		} else if (options.parseJsonColumns && JSON_COLUMN_SET.has(column) && cell !== '') {
			const parsed = parseJsonCell(cell);
			if (parsed.ok) {
				json[column] = parsed.value as IDataObject[string];
			} else {
				json[column] = cell;
				invalidJsonColumns.push(column);
			}
		} else {
			json[column] = cell;
		}
		if (column === 'active_duration' && options.durationToSeconds) {
			json.active_duration_seconds = cell === '' ? null : (isoDurationToSeconds(cell) ?? null);
		}
	}
	json._source = meta.source;
	json._exportRequestId = meta.exportRequestId;
	if (invalidJsonColumns.length > 0) json._invalidJsonColumns = invalidJsonColumns;
	return { json, invalidJsonColumns };
}
