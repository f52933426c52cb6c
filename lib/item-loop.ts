import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { mapWithLimit } from './concurrency';
import { toNodeError } from './errors';

/**
 * The output item of one row, for operations to return: `json`, and a pairedItem slot left empty
 * for {@link runForEachItem} to fill. The slot is made with the object because adding a property
 * to an object made without it gives V8 a separate out-of-object store for that one field: 32 more
 * bytes on every item n8n holds (3 MB per 100,000 rows).
 */
export function outputItem(json: IDataObject): INodeExecutionData {
	return { json, pairedItem: undefined };
}

/** One operation run for one input item; its results carry no pairedItem (the loop adds it). */
export type ItemOperation = (itemIndex: number) => Promise<INodeExecutionData[]>;

/**
 * The item loop every action node of this pack shares: the operation runs once per input item,
 * every result is paired with the item it came from, and with "Continue On Fail" a failing item
 * becomes an error item instead of stopping the run. With `concurrency` above 1 items run
 * side by side, and the output still follows input order.
 */
export async function runForEachItem(
	context: IExecuteFunctions,
	operation: ItemOperation,
	options: { concurrency?: number } = {},
): Promise<INodeExecutionData[]> {
	const items = context.getInputData();
	const continueOnFail = context.continueOnFail();
	const perItem = await mapWithLimit(items, options.concurrency ?? 1, async (_item, itemIndex) => {
		try {
			const results = await operation(itemIndex);
			// Operations never set pairedItem, so an item's own pairedItem can never mispair it.
			// Results are the operation's own fresh objects, so they are paired in place rather than
			// copied, and all results of one input item share one pairedItem object: a run emitting
			// 100,000 rows then makes no 100,000 copies of each row and of `{ item: 0 }`, and n8n's
			// serialisation of the execution stores the shared object once.
			const pairedItem = { item: itemIndex };
			for (const result of results) result.pairedItem = pairedItem;
			return results;
		} catch (error) {
			if (!continueOnFail) throw toNodeError(context.getNode(), error, itemIndex);
			// The input item travels on beside the error, as n8n's own nodes do, so an error branch
			// still knows which record failed and can retry or report it.
			const message = error instanceof Error ? error.message : String(error);
			return [
				{ json: { ...items[itemIndex].json, error: message }, pairedItem: { item: itemIndex } },
			];
		}
	});
	// One input item (the usual case for a report read) needs no copying of its results at all.
	if (perItem.length === 1) return perItem[0];
	let returnData: INodeExecutionData[] = [];
	// concat, not push(...), so a run with very many rows cannot overflow the call stack
	for (const results of perItem) returnData = returnData.concat(results);
	return returnData;
}
