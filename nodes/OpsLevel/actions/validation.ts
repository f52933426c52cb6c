import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { requireText } from '../../../lib/validation';
import { ERROR_MESSAGES } from '../constants';

/** The table parameter: a name as it appears in the keys (no slashes). */
export function readTable(context: IExecuteFunctions, itemIndex: number): string {
	const table = requireText(context, 'table', itemIndex, 'Table', ERROR_MESSAGES.noTable);
	if (table.includes('/')) {
		throw new NodeOperationError(
			context.getNode(),
			`"Table" must be a table name such as services; got "${table}"`,
			{
				itemIndex,
				description: ERROR_MESSAGES.noTable,
			},
		);
	}
	return table;
}

export { readLimit } from '../../../lib/parameters';

/** A date parameter as `YYYY-MM-DDTHH:MM:SS` (UTC), the form drop folders compare with; empty is undefined. */
export function optionalSince(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	displayName: string,
): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const raw = value instanceof Date ? value.toISOString() : String(value).trim();
	const parsed = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? Date.parse(`${raw}T00:00:00Z`) : Date.parse(raw);
	if (Number.isNaN(parsed)) {
		throw new NodeOperationError(
			context.getNode(),
			ERROR_MESSAGES.invalidDate(displayName, value),
			{
				itemIndex,
				description: `Fix "${displayName}" in item ${itemIndex}.`,
			},
		);
	}
	return new Date(parsed).toISOString().slice(0, 19);
}
