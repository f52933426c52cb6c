import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { ERROR_MESSAGES } from '../constants';
import { deriveEventId, isValidEventId, toUnixNanos } from '../events';

/**
 * Input checks that run before anything is sent. Each throws a NodeOperationError naming the item,
 * the field and the fix, so a bad item never reaches Datadog half-formed.
 */

function fail(
	context: IExecuteFunctions,
	itemIndex: number,
	message: string,
	description: string,
): never {
	throw new NodeOperationError(context.getNode(), message, { itemIndex, description });
}

/** What to do about an empty Event ID. */
export const EVENT_ID_FIX =
	'Enter a value in "Event ID", or map it from the input with an expression.';

/** A time parameter as Unix nanoseconds; empty gives undefined unless required. */
export function readTime(
	context: IExecuteFunctions,
	value: unknown,
	itemIndex: number,
	displayName: string,
	required: boolean,
): bigint | undefined {
	if (value === undefined || value === null || value === '') {
		if (required)
			fail(
				context,
				itemIndex,
				ERROR_MESSAGES.missingField(displayName, itemIndex),
				ERROR_MESSAGES.timeHint(displayName),
			);
		return undefined;
	}
	const nanos = toUnixNanos(value);
	if (nanos === undefined) {
		fail(
			context,
			itemIndex,
			ERROR_MESSAGES.invalidTime(displayName, itemIndex, value),
			ERROR_MESSAGES.timeHint(displayName),
		);
	}
	return nanos;
}

export { readLimit } from '../../../lib/parameters';

/**
 * The id to send: none (Datadog assigns one), the Event ID as given (checked), or one derived from
 * it when "Derive Event ID" is on.
 */
export function eventIdFor(
	context: IExecuteFunctions,
	itemIndex: number,
	raw: unknown,
	derive: boolean,
): string | undefined {
	if (raw === undefined || raw === null || raw === '') return undefined;
	if (derive) return deriveEventId(typeof raw === 'string' ? raw.trim() : raw);
	const id = String(raw).trim();
	if (!isValidEventId(id))
		fail(context, itemIndex, ERROR_MESSAGES.badEventId(itemIndex, id), ERROR_MESSAGES.eventIdHint);
	return id;
}

export { fail };
