import type { IDataObject, INode } from 'n8n-workflow';

import { NewestWins } from '../../../lib/dedupe';
import { toNodeError } from '../../../lib/errors';
import type { FireHydrantClient } from '../transport';
import { byCreatedAt, type ExportRequest } from './exportRequests';
import { isMalformedReport, readReportRows, type ExpungedPolicy } from './reader';
import { shapeExportRow, type RowShapeOptions } from './rows';
import { identifySource, isSourceSelected } from './sources';

export interface CollectOptions extends RowShapeOptions {
	sources: readonly string[];
	deduplicate: boolean;
	onExpunged: ExpungedPolicy;
	/** 'skip': a report that is not valid CSV is left out with a hint; default 'fail'. */
	onMalformed?: 'skip' | 'fail';
	sleep?: (ms: number) => Promise<void>;
}

export interface CollectedRows {
	rows: IDataObject[];
	/** Non-fatal findings for the user: skipped reports, unknown sources, unparseable JSON cells. */
	hints: string[];
	/** Export requests whose report was read to its end (expunged ones are not in it). */
	readExportRequests: ExportRequest[];
}

interface RowOfReport {
	id: string | undefined;
	updatedAt: string | undefined;
	shaped: ReturnType<typeof shapeExportRow>;
}

/**
 * The rows of the given export requests, oldest report first. With `deduplicate`, one row per
 * source and record id survives: the newest `updated_at`, because nightly windows overlap on
 * purpose and the same record arrives in several reports.
 */
export async function collectExportRows(
	client: FireHydrantClient,
	node: INode,
	exportRequests: readonly ExportRequest[],
	options: CollectOptions,
): Promise<CollectedRows> {
	const hints: string[] = [];
	const readExportRequests: ExportRequest[] = [];
	const deduplicated = new NewestWins<IDataObject>();
	const undeduplicated: IDataObject[] = [];
	const invalidJsonCells = new Map<string, number>();
	let rowsWithoutId = 0;

	const selected = exportRequests
		.filter((request) => request.status === 'completed' && isSourceSelected(request.source, options.sources))
		.sort(byCreatedAt);

	for (const exportRequest of selected) {
		const identity = identifySource(exportRequest.source);
		const meta = { source: identity.tag, exportRequestId: exportRequest.id };
		let result: Awaited<ReturnType<typeof readReportRows<RowOfReport>>>;
		try {
			result = await readReportRows(
				client,
				node,
				exportRequest,
				{ onExpunged: options.onExpunged, warn: (message) => hints.push(message), sleep: options.sleep },
				({ record }): RowOfReport => ({ id: record.id, updatedAt: record.updated_at, shaped: shapeExportRow(record, meta, options) }),
			);
		} catch (error) {
			if (options.onMalformed !== 'skip' || !isMalformedReport(error)) throw toNodeError(node, error);
			hints.push(`${error.message}. It was skipped, so none of its rows were emitted; the other reports were read.`);
			continue;
		}
		if (result.status === 'expunged') continue;
		readExportRequests.push(result.request);
		if (!identity.known) {
			hints.push(
				`Export request ${exportRequest.id} has source "${exportRequest.source}", which this node does not know; its ${result.rows.length} rows were read as generic CSV and tagged with that source.`,
			);
		}
		for (const { id, updatedAt, shaped } of result.rows) {
			for (const column of shaped.invalidJsonColumns) {
				const key = `${exportRequest.id}:${column}`;
				invalidJsonCells.set(key, (invalidJsonCells.get(key) ?? 0) + 1);
			}
			if (!options.deduplicate) {
				undeduplicated.push(shaped.json);
				continue;
			}
			if (!id) {
				// Without an id a row cannot be matched across reports, so it is kept as it is.
				rowsWithoutId++;
				deduplicated.offer(`${identity.tag}\u0000#${rowsWithoutId}`, undefined, shaped.json);
				continue;
			}
			deduplicated.offer(`${identity.tag}\u0000${id}`, updatedAt, shaped.json);
		}
	}

	for (const [key, count] of invalidJsonCells) {
		const [exportRequestId, column] = key.split(':');
		hints.push(
			`${count} cell(s) of column "${column}" in export request ${exportRequestId} are not valid JSON; they were kept as text and the rows list the column in "_invalidJsonColumns".`,
		);
	}

	return {
		rows: options.deduplicate ? Array.from(deduplicated.values()) : undeduplicated,
		hints,
		readExportRequests,
	};
}
