import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runForEachItem } from '../../../lib/item-loop';

import * as push from './push/Push.resource';
import * as table from './table/Table.resource';
import type { OpsLevelType } from './node.type';
import { openBucket, type OpsLevelBucket } from '../transport';

type OperationExecute = (
	this: IExecuteFunctions,
	itemIndex: number,
	bucket: OpsLevelBucket,
) => Promise<INodeExecutionData[]>;

const operations: { [R in OpsLevelType['resource']]: Record<string, OperationExecute> } = {
	push: { getMany: push.getMany.execute },
	table: {
		getRows: table.getRows.execute,
		getCurrentState: table.getCurrentState.execute,
		getChanges: table.getChanges.execute,
	},
};

/**
 * Picks the operation; the shared item loop pairs results and handles Continue On Fail. One S3
 * client serves every item of the run.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as OpsLevelType['resource'];
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = operations[resource]?.[operation];
	if (!execute) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
		);
	}
	const bucket = await openBucket(this);
	try {
		return [
			await runForEachItem(this, async (itemIndex) => await execute.call(this, itemIndex, bucket)),
		];
	} finally {
		bucket.destroy();
	}
}
