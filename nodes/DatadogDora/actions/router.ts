import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runForEachItem } from '../../../lib/item-loop';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from '../constants';

import * as deployment from './deployment/Deployment.resource';
import * as failure from './failure/Failure.resource';
import type { DatadogDoraType } from './node.type';

type OperationExecute = (
	this: IExecuteFunctions,
	itemIndex: number,
) => Promise<INodeExecutionData[]>;

type OperationTable = {
	[R in DatadogDoraType['resource']]: Record<
		Extract<DatadogDoraType, { resource: R }>['operation'],
		OperationExecute
	>;
};

const operations: OperationTable = {
	failure: {
		send: failure.send.execute,
		get: failure.get.execute,
		getMany: failure.getMany.execute,
		delete: failure.deleteFailure.execute,
	},
	deployment: {
		send: deployment.send.execute,
		get: deployment.get.execute,
		getMany: deployment.getMany.execute,
		delete: deployment.deleteDeployment.execute,
		markChangeFailure: deployment.markChangeFailure.execute,
	},
};

/** Only sends have a Concurrency option; everything else runs one item at a time. */
function concurrencyOf(context: IExecuteFunctions, operation: string): number {
	if (operation !== 'send') return 1;
	const options = context.getNodeParameter('options', 0, {}) as { concurrency?: number };
	const wanted = Math.floor(Number(options.concurrency ?? DEFAULT_CONCURRENCY));
	return Number.isFinite(wanted)
		? Math.min(MAX_CONCURRENCY, Math.max(1, wanted))
		: DEFAULT_CONCURRENCY;
}

/**
 * Picks the operation; the shared item loop pairs every result with its input item (in input
 * order even when items are sent concurrently) and handles Continue On Fail.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as DatadogDoraType['resource'];
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = (operations[resource] as Record<string, OperationExecute> | undefined)?.[
		operation
	];
	if (!execute) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
		);
	}
	return [
		await runForEachItem(this, async (itemIndex) => await execute.call(this, itemIndex), {
			concurrency: concurrencyOf(this, operation),
		}),
	];
}
