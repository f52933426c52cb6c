/**
 * Parameter checks shared by every node. An expression can give any value, so each reader checks
 * what it got and throws a NodeOperationError naming the field, the item (when there is one: a
 * trigger's poll has none) and what to enter instead. Vendor-specific checks stay in the vendor.
 */
import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { parseInstant } from './time';

/** Anything that can name the node in an error: every n8n function context can. */
export interface NodeContext {
	getNode(): INode;
}

function inItem(itemIndex: number | undefined): string {
	return itemIndex === undefined ? '' : ` in item ${itemIndex}`;
}

function isEmpty(value: unknown): boolean {
	return value === undefined || value === null || value === '';
}

/** A required text parameter, trimmed; empty fails with `"<Field>" is empty in item N` and the fix. */
export function requireText(
	context: IExecuteFunctions,
	name: string,
	itemIndex: number,
	field: string,
	fix = `Enter a value in "${field}", or map it from the input with an expression.`,
): string {
	const value = String(context.getNodeParameter(name, itemIndex, '') ?? '').trim();
	if (!value) {
		throw new NodeOperationError(context.getNode(), `"${field}" is empty${inItem(itemIndex)}`, {
			itemIndex,
			description: fix,
		});
	}
	return value;
}

/**
 * An instant (date, or date and time; see lib/time) as epoch milliseconds; empty is undefined.
 * A value that is no date fails with `"<Field>" is not a date in item N` and the fix.
 */
export function readInstant(
	context: NodeContext,
	itemIndex: number | undefined,
	value: unknown,
	field: string,
	fix: string,
): number | undefined {
	if (isEmpty(value)) return undefined;
	const instant = parseInstant(instantText(value));
	if (instant === undefined) {
		throw new NodeOperationError(
			context.getNode(),
			`"${field}" is not a date${inItem(itemIndex)}`,
			{ itemIndex, description: fix },
		);
	}
	return instant;
}

/**
 * {@link readInstant} as an ISO 8601 UTC text (what the vendor APIs take); empty is undefined. The
 * fix names the field, an example and the value received.
 */
export function readIsoInstant(
	context: NodeContext,
	itemIndex: number | undefined,
	value: unknown,
	field: string,
	example = '2024-05-01T00:00:00Z',
): string | undefined {
	const fix = `Enter a date such as ${example} in "${field}", or leave it empty; got ${JSON.stringify(value)}.`;
	const instant = readInstant(context, itemIndex, value, field, fix);
	return instant === undefined ? undefined : new Date(instant).toISOString();
}

/**
 * The text of a date value. An expression may give a JavaScript Date or a Luxon DateTime (`$now`)
 * rather than text; both stand for an instant, so both are read as their ISO form.
 */
function instantText(value: unknown): string {
	if (value instanceof Date) return value.toISOString();
	if (
		typeof value === 'object' &&
		value !== null &&
		typeof (value as { toISO?: unknown }).toISO === 'function'
	) {
		return String((value as { toISO: () => unknown }).toISO());
	}
	return String(value);
}

/**
 * A list of ids or names: a list, or comma-separated text (what an expression gives); entries
 * trimmed, blanks dropped, and with `unique` repeats dropped too (first one kept).
 */
export function readIdList(value: unknown, options: { unique?: boolean } = {}): string[] {
	const entries = Array.isArray(value) ? value : String(value ?? '').split(',');
	const list = entries.map((entry) => String(entry).trim()).filter(Boolean);
	return options.unique ? [...new Set(list)] : list;
}

/**
 * A multi-choice value checked against what the API accepts, as a list (see {@link readIdList}):
 * an unknown entry fails naming it and the accepted values, since an API answers it with a bare
 * 422 or, worse, matches nothing.
 */
export function readChoices<T extends string>(
	context: NodeContext,
	itemIndex: number | undefined,
	field: string,
	value: unknown,
	allowed: readonly T[],
): T[] {
	const list = Array.isArray(value) || typeof value === 'string' ? readIdList(value) : [];
	for (const entry of list) {
		if (!(allowed as readonly string[]).includes(entry)) {
			throw new NodeOperationError(
				context.getNode(),
				`Unknown value in "${field}"${inItem(itemIndex)}`,
				{
					itemIndex,
					description: `"${field}" has the unknown value ${JSON.stringify(entry)}. Use one of: ${allowed.join(', ')}.`,
				},
			);
		}
	}
	return list as T[];
}

/**
 * A number from `min` to `max` (inclusive); empty gives `fallback`. Anything else fails with
 * `"<Field>" is out of range in item N` and the fix.
 */
export function readNumberInRange(
	context: NodeContext,
	itemIndex: number | undefined,
	value: unknown,
	range: { field: string; min: number; max: number; fallback: number; fix: string },
): number {
	if (isEmpty(value)) return range.fallback;
	const number = Number(value);
	if (!Number.isFinite(number) || number < range.min || number > range.max) {
		throw new NodeOperationError(
			context.getNode(),
			`"${range.field}" is out of range${inItem(itemIndex)}`,
			{
				itemIndex,
				description: `${range.fix}; got ${JSON.stringify(value)}.`,
			},
		);
	}
	return number;
}
