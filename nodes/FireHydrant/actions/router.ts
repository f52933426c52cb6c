import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { toNodeError } from '../../../lib/errors';

import * as exportData from './exportData/ExportData.resource';
import * as exportRequest from './exportRequest/ExportRequest.resource';
import type { FireHydrantType } from './node.type';

type OperationExecute = (this: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData[]>;

const operations: { [R in FireHydrantType['resource']]: Record<string, OperationExecute> } = {
	exportRequest: { get: exportRequest.get.execute, getMany: exportRequest.getMany.execute },
	exportData: { getRows: exportData.getRows.execute },
};

/**
 * Owns the item loop: every output item is paired with the input item it came from, and with
 * "Continue On Fail" a failing item becomes an error item instead of stopping the run.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as FireHydrantType['resource'];
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = operations[resource]?.[operation];
	if (!execute) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}

	let returnData: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const results = await execute.call(this, itemIndex);
			// Operations never set pairedItem: the router pairs every result with its input item.
			const paired = results.map((result) => ({ ...result, pairedItem: { item: itemIndex } }));
			// concat, not push(...), so a run with very many rows cannot overflow the call stack
			returnData = returnData.concat(paired);
		} catch (error) {
			if (this.continueOnFail()) {
				returnData.push({
					json: { error: error instanceof Error ? error.message : String(error) },
					pairedItem: { item: itemIndex },
				});
				continue;
			}
			throw toNodeError(this.getNode(), error, itemIndex);
		}
	}
	return [returnData];
}
