import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as commit from './commit.operation';
import * as getPositions from './getPositions.operation';
import * as reset from './reset.operation';

type OperationExecute = (this: IExecuteFunctions) => Promise<INodeExecutionData[]>;

const operations: Record<'commit' | 'getPositions' | 'reset', OperationExecute> = {
	commit: commit.execute,
	getPositions: getPositions.execute,
	reset: reset.execute,
};

/**
 * Each operation acts on the workflow's positions once per execution, not once per item: a commit
 * after a destination that wrote 500 rows is one commit, and its items pass through unchanged.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = operations[operation as keyof typeof operations];
	if (!execute)
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	return [await execute.call(this)];
}
