import type { IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/**
 * The Return All / Limit pair every list operation shows, Limit only when Return All is off.
 * `show` adds conditions of the operation's own (e.g. an output mode) to both fields.
 */
export function returnAllAndLimit(
	options: {
		returnAllDefault?: boolean;
		limitDefault?: number;
		maxLimit?: number;
		show?: IDisplayOptions['show'];
	} = {},
): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: options.returnAllDefault ?? false,
			description: 'Whether to return all results or only up to a given limit',
			...(options.show ? { displayOptions: { show: options.show } } : {}),
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1, ...(options.maxLimit ? { maxValue: options.maxLimit } : {}) },
			default: options.limitDefault ?? 50,
			description: 'Max number of results to return',
			displayOptions: { show: { ...(options.show ?? {}), returnAll: [false] } },
		},
	];
}

/** Return All / Limit as one value: undefined means all. */
export function readLimit(
	context: IExecuteFunctions,
	itemIndex: number,
	defaultLimit = 50,
): number | undefined {
	if (context.getNodeParameter('returnAll', itemIndex, false) as boolean) return undefined;
	// An expression can give anything; a limit that is not a positive whole number means the default.
	const limit = Number(context.getNodeParameter('limit', itemIndex, defaultLimit));
	return Number.isInteger(limit) && limit > 0 ? limit : defaultLimit;
}
