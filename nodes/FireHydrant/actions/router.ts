import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runForEachItem } from '../../../lib/item-loop';

import * as exportData from './exportData/ExportData.resource';
import * as exportRequest from './exportRequest/ExportRequest.resource';
import * as incident from './incident/Incident.resource';
import type { FireHydrantType } from './node.type';

type OperationExecute = (
	this: IExecuteFunctions,
	itemIndex: number,
) => Promise<INodeExecutionData[]>;

const operations: { [R in FireHydrantType['resource']]: Record<string, OperationExecute> } = {
	exportRequest: { get: exportRequest.get.execute, getMany: exportRequest.getMany.execute },
	exportData: { getRows: exportData.getRows.execute },
	incident: { get: incident.get.execute, getMany: incident.getMany.execute },
};

/** Picks the operation; the shared item loop pairs results and handles Continue On Fail. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as FireHydrantType['resource'];
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = operations[resource]?.[operation];
	if (!execute) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
		);
	}
	return [await runForEachItem(this, async (itemIndex) => await execute.call(this, itemIndex))];
}
