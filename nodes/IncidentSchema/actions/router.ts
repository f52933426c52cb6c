import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runForEachItem } from '../../../lib/item-loop';
import type { DoraSkipReason } from '../schema/dora';
import { computeMetrics, normalize, toDoraFailure } from './incident/Incident.resource';
import type { IncidentSchemaOperation } from './node.type';
import { addHints } from './shared';

async function toDora(context: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const skipped: Record<DoraSkipReason, number> = { noServiceOrTeam: 0, noStart: 0 };
	const output = await runForEachItem(context, async (itemIndex) =>
		toDoraFailure.executeItem.call(context, itemIndex, skipped),
	);
	const hints: string[] = [];
	if (skipped.noServiceOrTeam > 0)
		hints.push(
			`${skipped.noServiceOrTeam} incident(s) have no service and no team and were skipped: Datadog needs one of them to attribute a failure.`,
		);
	if (skipped.noStart > 0)
		hints.push(
			`${skipped.noStart} incident(s) have neither started_at nor created_at and were skipped: Datadog needs a start time.`,
		);
	addHints(context, hints);
	return output;
}

const operations: Record<
	IncidentSchemaOperation,
	(context: IExecuteFunctions) => Promise<INodeExecutionData[]>
> = {
	normalize: async (context) => await normalize.execute.call(context),
	computeMetrics: async (context) => await computeMetrics.execute.call(context),
	toDoraFailure: toDora,
};

/**
 * Normalize and Compute Metrics read all items at once (versions, joined rows and groups span
 * items); To DORA Failure maps item by item through the shared item loop.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = (
		operations as Record<
			string,
			((context: IExecuteFunctions) => Promise<INodeExecutionData[]>) | undefined
		>
	)[operation];
	if (!execute)
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	return [await execute(this)];
}
