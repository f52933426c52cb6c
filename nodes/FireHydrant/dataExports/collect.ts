import type { IDataObject, INode } from 'n8n-workflow';

import { parseCsvBatches } from '../../../lib/csv';
import { NewestWins } from '../../../lib/dedupe';
import { toNodeError } from '../../../lib/errors';
import type { FireHydrantClient } from '../transport';
import { byCreatedAt, type ExportRequest } from './exportRequests';
import { isMalformedReport, withReportStream, type ExpungedPolicy } from './reader';
import { ExportRowShaper, ShapingMemory, type RowShapeOptions } from './rows';
import { identifySource, isSourceSelected } from './sources';

export interface CollectOptions extends RowShapeOptions {
	/** 'skip': a report that is not valid CSV is left out with a hint; default 'fail'. */
	onMalformed?: 'skip' | 'fail';
	sources: readonly string[];
	deduplicate: boolean;
	onExpunged: ExpungedPolicy;
	sleep?: (ms: number) => Promise<void>;
}

export interface CollectedRows {
	rows: IDataObject[];
	/** Non-fatal findings for the user: skipped reports, unknown sources, unparseable JSON cells, invalid UTF-8. */
	hints: string[];
	/** Export requests whose report was read to its end (expunged ones are not in it). */
	readExportRequests: ExportRequest[];
}

/** What one complete read of one report found, beside its rows. */
interface ReportRead {
	request: ExportRequest;
	rows: number;
	invalidJsonCells: Map<string, number>;
	invalidUtf8Cells: number;
	firstInvalidUtf8Line: number;
}

/**
 * The rows of the given export requests, oldest report first. With `deduplicate`, one row per
 * source and record id survives: the newest `updated_at`, because nightly windows overlap on
 * purpose and the same record arrives in several reports.
 *
 * Rows are shaped as the CSV streams in, a parsed chunk at a time, and go straight into the
 * de-duplication, so memory holds one row per distinct id, never a whole report beside them. A
 * report read only in part (its download cut, then retried, or gone when retried) leaves nothing
 * behind: its offers are rolled back.
 */
export async function collectExportRows(
	client: FireHydrantClient,
	node: INode,
	exportRequests: readonly ExportRequest[],
	options: CollectOptions,
): Promise<CollectedRows> {
	const hints: string[] = [];
	const readExportRequests: ExportRequest[] = [];
	// One row per source and id, in order of first appearance across every source (the source is
	// the key's group: ids of different sources never meet).
	const newest = new NewestWins<IDataObject>();
	const undeduplicated: IDataObject[] = [];
	const memory = new ShapingMemory();
	let rowsWithoutId = 0;
	// Damaged cells are told after the reports' own hints (skipped reports, unknown sources).
	const damageHints: string[] = [];

	const selected = exportRequests
		.filter(
			(request) =>
				request.status === 'completed' && isSourceSelected(request.source, options.sources),
		)
		.sort(byCreatedAt);

	for (const exportRequest of selected) {
		const identity = identifySource(exportRequest.source);
		const rowsBefore = undeduplicated.length;
		const rowsWithoutIdBefore = rowsWithoutId;
		newest.checkpoint();
		let result: Awaited<ReturnType<typeof withReportStream<ReportRead>>>;
		try {
			result = await withReportStream(
				client,
				node,
				exportRequest,
				{
					onExpunged: options.onExpunged,
					warn: (message) => hints.push(message),
					sleep: options.sleep,
				},
				async (stream, request): Promise<ReportRead> => {
					// A retry starts the report over: drop whatever an earlier attempt added.
					newest.rollback();
					newest.checkpoint();
					undeduplicated.length = rowsBefore;
					rowsWithoutId = rowsWithoutIdBefore;
					const read: ReportRead = {
						request,
						rows: 0,
						invalidJsonCells: new Map(),
						invalidUtf8Cells: 0,
						firstInvalidUtf8Line: 0,
					};
					const onInvalidUtf8 = (line: number, columns: string[]) => {
						read.invalidUtf8Cells += columns.length;
						read.firstInvalidUtf8Line ||= line;
					};
					let shaper: ExportRowShaper | undefined;
					for await (const batch of parseCsvBatches(stream, { onInvalidUtf8 })) {
						shaper ??= new ExportRowShaper(
							batch.columns,
							{ source: identity.tag, exportRequestId: exportRequest.id },
							options,
							memory,
						);
						const idIndex = batch.columns.indexOf('id');
						const updatedAtIndex = batch.columns.indexOf('updated_at');
						for (const cells of batch.rows) {
							const json = shaper.shape(cells);
							if (!options.deduplicate) {
								undeduplicated.push(json);
								continue;
							}
							const id = idIndex < 0 ? '' : cells[idIndex];
							if (!id) {
								// Without an id a row cannot be matched across reports, so it is kept as it is.
								rowsWithoutId++;
								// (No id holds a NUL, so these keys never meet a real one.)
								newest.offer(`\u0000${rowsWithoutId}`, undefined, json, identity.tag);
								continue;
							}
							newest.offer(
								id,
								updatedAtIndex < 0 ? undefined : cells[updatedAtIndex],
								json,
								identity.tag,
							);
						}
						read.rows += batch.rows.length;
					}
					if (shaper) read.invalidJsonCells = shaper.invalidJsonCells;
					return read;
				},
			);
		} catch (error) {
			newest.rollback();
			undeduplicated.length = rowsBefore;
			rowsWithoutId = rowsWithoutIdBefore;
			if (options.onMalformed !== 'skip' || !isMalformedReport(error))
				throw toNodeError(node, error);
			hints.push(
				`${error.message}. It was skipped, so none of its rows were emitted; the other reports were read.`,
			);
			continue;
		}
		if (result.status === 'expunged') {
			newest.rollback();
			undeduplicated.length = rowsBefore;
			rowsWithoutId = rowsWithoutIdBefore;
			continue;
		}
		newest.commit();
		const read = result.value;
		readExportRequests.push(read.request);
		if (!identity.known) {
			hints.push(
				`Export request ${exportRequest.id} has source "${exportRequest.source}", which this node does not know; its ${read.rows} rows were read as generic CSV and tagged with that source.`,
			);
		}
		for (const [column, count] of read.invalidJsonCells) {
			damageHints.push(
				`${count} cell(s) of column "${column}" in export request ${exportRequest.id} are not valid JSON; they were kept as text and the rows list the column in "_invalidJsonColumns".`,
			);
		}
		if (read.invalidUtf8Cells > 0) {
			damageHints.push(
				`${read.invalidUtf8Cells} cell(s) in export request ${exportRequest.id} (the first on line ${read.firstInvalidUtf8Line}) hold bytes that are not valid UTF-8; each such byte was read as the replacement character "\uFFFD". The report itself is damaged: ask FireHydrant support to regenerate it.`,
			);
		}
	}

	hints.push(...damageHints);
	return {
		rows: options.deduplicate ? Array.from(newest.values()) : undeduplicated,
		hints,
		readExportRequests,
	};
}
