import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { instantOf } from '../../../lib/dedupe';
import { ERROR_MESSAGES } from '../constants';

/** A required text parameter, trimmed; an empty value names the field to fill. */
export function requireText(
	context: IExecuteFunctions,
	name: string,
	itemIndex: number,
	displayName: string,
): string {
	const value = String(context.getNodeParameter(name, itemIndex, '') ?? '').trim();
	if (!value) {
		throw new NodeOperationError(context.getNode(), `"${displayName}" is empty in item ${itemIndex}`, {
			itemIndex,
			description: `Enter a value in "${displayName}", or map it from the input with an expression.`,
		});
	}
	return value;
}

export { readLimit } from '../../../lib/parameters';

/** A date parameter as an ISO 8601 instant, or undefined when empty; anything else names the field. */
export function optionalInstant(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	displayName: string,
): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const text = typeof value === 'string' ? value : value instanceof Date ? value.toISOString() : String(value);
	const instant = instantOf(text);
	if (instant === undefined) {
		throw new NodeOperationError(context.getNode(), ERROR_MESSAGES.invalidDate(displayName, value), {
			itemIndex,
			description: `Fix "${displayName}" in item ${itemIndex}.`,
		});
	}
	return new Date(instant).toISOString();
}
