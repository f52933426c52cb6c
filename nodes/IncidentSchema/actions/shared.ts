import type { IExecuteFunctions, INodeExecutionData, NodeOperationError } from 'n8n-workflow';

export interface ItemProblem {
	itemIndex: number;
	message: string;
}

/**
 * Items an operation cannot use: the first fails the run, or with Continue On Fail each is passed
 * on unchanged with an `error` beside its fields, so no data is lost.
 */
export function rejectOrPassThrough<T extends ItemProblem>(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	problems: T[],
	toError: (problem: T) => NodeOperationError,
): INodeExecutionData[] {
	if (problems.length === 0) return [];
	if (!context.continueOnFail()) throw toError(problems[0]);
	return problems.map((problem) => ({
		json: { ...items[problem.itemIndex].json, error: problem.message },
		pairedItem: { item: problem.itemIndex },
	}));
}

export function addHints(context: IExecuteFunctions, hints: string[]): void {
	if (hints.length > 0)
		context.addExecutionHints(
			...hints.map((message) => ({ message, location: 'outputPane' as const })),
		);
}
