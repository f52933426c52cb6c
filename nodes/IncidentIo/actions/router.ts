import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runForEachItem } from '../../../lib/item-loop';
import { STREAMS, type ResourceName } from '../streams';
import * as streamOperations from './stream/Stream.resource';

type OperationExecute = (
	this: IExecuteFunctions,
	itemIndex: number,
) => Promise<INodeExecutionData[]>;

const operations: Record<'get' | 'getMany', OperationExecute> = {
	get: streamOperations.get.execute,
	getMany: streamOperations.getMany.execute,
};

/** Picks the operation; the shared item loop pairs results and handles Continue On Fail. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as ResourceName;
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = operations[operation as keyof typeof operations];
	const stream = STREAMS[resource];
	if (!stream || !execute || (operation === 'get' && !stream.showPath)) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
		);
	}
	return [await runForEachItem(this, async (itemIndex) => await execute.call(this, itemIndex))];
}
