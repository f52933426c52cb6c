import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { parseInstant } from '../../../lib/time';
import { ERROR_MESSAGES } from '../constants';

/** A required text parameter, trimmed; an empty value names the field to fill. */
export function requireText(context: IExecuteFunctions, name: string, itemIndex: number, message: string): string {
	const value = String(context.getNodeParameter(name, itemIndex, '') ?? '').trim();
	if (!value) {
		throw new NodeOperationError(context.getNode(), `A required value is empty in item ${itemIndex}`, {
			itemIndex,
			description: message,
		});
	}
	return value;
}

export { readLimit } from '../../../lib/parameters';

/**
 * A multi-choice value checked against what the API accepts: an expression can yield anything,
 * and the API would answer an unknown value with a bare 422 (or, worse, match nothing).
 */
export function validateChoices<T extends string>(
	context: IExecuteFunctions,
	itemIndex: number,
	field: string,
	value: unknown,
	allowed: readonly T[],
): T[] {
	const list = (Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [])
		.map((entry) => String(entry).trim())
		.filter(Boolean);
	for (const entry of list) {
		if (!(allowed as readonly string[]).includes(entry)) {
			throw new NodeOperationError(context.getNode(), `Unknown value in "${field}" of item ${itemIndex}`, {
				itemIndex,
				description: ERROR_MESSAGES.invalidEnum(field, entry, allowed),
			});
		}
	}
	return list as T[];
}

/** Comma-separated IDs as a list. */
export function idList(value: unknown): string[] {
	if (Array.isArray(value)) return value.map((entry) => String(entry).trim()).filter(Boolean);
	return String(value ?? '')
		.split(',')
		.map((entry) => entry.trim())
		.filter(Boolean);
}

export function optionalStartDate(context: IExecuteFunctions, itemIndex: number, value: unknown): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const instant = parseInstant(String(value));
	if (instant === undefined) {
		throw new NodeOperationError(context.getNode(), `"Start Date" is not a date in item ${itemIndex}`, {
			itemIndex,
			description: ERROR_MESSAGES.invalidStartDate(value),
		});
	}
	return instant;
}

export function overlapMinutes(context: IExecuteFunctions, itemIndex: number, value: unknown, fallback: number): number {
	if (value === undefined || value === null || value === '') return fallback;
	const minutes = Number(value);
	if (!Number.isFinite(minutes) || minutes < 0 || minutes > 1440) {
		throw new NodeOperationError(context.getNode(), `"Overlap (Minutes)" is out of range in item ${itemIndex}`, {
			itemIndex,
			description: ERROR_MESSAGES.invalidOverlap(value),
		});
	}
	return minutes;
}
