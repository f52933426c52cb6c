import { createHash } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { parseInstant, toIsoUtc } from '../../lib/time';
import {
	CUSTOM_TAG_PATTERN,
	EVENT_ID_PATTERN,
	MAX_CUSTOM_TAGS,
	type DoraResource,
} from './constants';

/**
 * Pure pieces of the DORA node: time conversion, id derivation, and the shapes Datadog reads and
 * writes. No n8n runtime here, so each is unit-tested on its own.
 */

const NANOS_PER_MS = 1_000_000n;

/** Below these magnitudes a Unix number is read as seconds, milliseconds, microseconds; above, nanoseconds. */
const SECONDS_BELOW = 1e11; // year 5138 in seconds, 1973 in milliseconds
const MILLISECONDS_BELOW = 1e14;
const MICROSECONDS_BELOW = 1e17;

const NUMERIC = /^[+-]?\d+(?:\.\d+)?$/;

interface DateLike {
	toMillis(): number;
}

function isDateLike(value: unknown): value is DateLike {
	return (
		typeof value === 'object' &&
		value !== null &&
		typeof (value as DateLike).toMillis === 'function'
	);
}

function nanosFromMs(ms: number): bigint {
	const whole = Math.floor(ms);
	// parseInstant keeps microseconds as a fraction of the millisecond; keep them, drop the noise below.
	const micros = Math.round((ms - whole) * 1000);
	return BigInt(whole) * NANOS_PER_MS + BigInt(micros) * 1000n;
}

function nanosFromUnixNumber(text: string): bigint | undefined {
	const value = Number(text);
	if (!Number.isFinite(value)) return undefined;
	const magnitude = Math.abs(value);
	const integer = /^[+-]?\d+$/.test(text);
	if (magnitude < SECONDS_BELOW) return nanosFromMs(value * 1000);
	if (magnitude < MILLISECONDS_BELOW)
		return integer ? BigInt(text) * NANOS_PER_MS : nanosFromMs(value);
	if (magnitude < MICROSECONDS_BELOW)
		return integer ? BigInt(text) * 1000n : BigInt(Math.round(value * 1000));
	// Nanoseconds do not fit a double exactly; an integer given as text keeps every digit.
	return integer ? BigInt(text) : BigInt(Math.round(value));
}

/**
 * A time as Unix nanoseconds, from an ISO 8601 string, a Date or Luxon DateTime, or a Unix number
 * (or numeric string) in seconds, milliseconds, microseconds or nanoseconds told apart by
 * magnitude. `undefined` when the value is not a time.
 */
export function toUnixNanos(value: unknown): bigint | undefined {
	if (value instanceof Date)
		return Number.isNaN(value.getTime()) ? undefined : BigInt(value.getTime()) * NANOS_PER_MS;
	if (isDateLike(value)) {
		const ms = value.toMillis();
		return Number.isFinite(ms) ? BigInt(Math.trunc(ms)) * NANOS_PER_MS : undefined;
	}
	if (typeof value === 'bigint') return nanosFromUnixNumber(value.toString());
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) return undefined;
		return nanosFromUnixNumber(Number.isInteger(value) ? BigInt(value).toString() : String(value));
	}
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	if (!text) return undefined;
	if (NUMERIC.test(text)) return nanosFromUnixNumber(text);
	const ms = parseInstant(text);
	return ms === undefined ? undefined : nanosFromMs(ms);
}

/**
 * Nanoseconds as the JSON number Datadog expects. Every value with at most microsecond precision
 * prints exactly: JSON writes the shortest decimal that maps back to the double, which is the
 * original integer.
 */
export function nanosForJson(nanos: bigint): number {
	return Number(nanos);
}

/** A time Datadog read back (RFC 3339 string or a Unix integer) as ISO 8601 UTC; anything else as it was. */
export function isoFromDatadog(value: unknown): unknown {
	if (typeof value === 'number' || (typeof value === 'string' && NUMERIC.test(value.trim()))) {
		const nanos = toUnixNanos(value);
		if (nanos === undefined) return value;
		return new Date(Number(nanos / NANOS_PER_MS)).toISOString();
	}
	if (typeof value === 'string') return toIsoUtc(value) ?? value;
	return value;
}

/**
 * A valid Datadog event id derived from any value: the SHA-256 of its text as 64 hex characters.
 * The same value always gives the same id, so re-sending a workflow run updates events instead of
 * duplicating them.
 */
export function deriveEventId(value: unknown): string {
	const text =
		typeof value === 'string'
			? value
			: typeof value === 'object'
				? JSON.stringify(value)
				: String(value);
	return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function isValidEventId(id: string): boolean {
	return EVENT_ID_PATTERN.test(id);
}

/** A list given as an array or as comma/newline separated text, trimmed, empties dropped. */
export function textList(value: unknown): string[] {
	if (value === undefined || value === null || value === '') return [];
	const parts = Array.isArray(value)
		? value.map((entry) => String(entry ?? ''))
		: String(value).split(/[,\n]/);
	return parts.map((part) => part.trim()).filter((part) => part !== '');
}

/** Custom tags, split like {@link textList}: Datadog tags cannot hold commas, so a comma always separates. */
export function tagList(value: unknown): string[] {
	return textList(value);
}

export function invalidTags(tags: readonly string[]): string[] {
	return tags.filter((tag) => !CUSTOM_TAG_PATTERN.test(tag));
}

export function tooManyTags(tags: readonly string[]): boolean {
	return tags.length > MAX_CUSTOM_TAGS;
}

/** One event as Datadog returns it in a list or a get. */
export interface DoraEventData {
	id?: string;
	type?: string;
	attributes?: IDataObject;
}

const TIME_FIELDS = ['started_at', 'finished_at'];

/**
 * An event as the node outputs it: times as ISO 8601; with `simplify`, id and type beside the
 * attributes in one flat object (git stays nested: it is two fields that belong together).
 */
export function shapeEvent(event: DoraEventData, simplify: boolean): IDataObject {
	const attributes: IDataObject = { ...(event.attributes ?? {}) };
	for (const field of TIME_FIELDS) {
		if (attributes[field] !== undefined && attributes[field] !== null)
			attributes[field] = isoFromDatadog(attributes[field]) as IDataObject[string];
	}
	if (!simplify) return { id: event.id, type: event.type, attributes };
	return { id: event.id, type: event.type, ...attributes };
}

/** The instant an event started, in ms, from what Datadog returned; undefined if it has none. */
export function startedAtMs(event: DoraEventData): number | undefined {
	const raw = event.attributes?.started_at;
	if (raw === undefined || raw === null) return undefined;
	const nanos = toUnixNanos(raw);
	return nanos === undefined ? undefined : Number(nanos / NANOS_PER_MS);
}

export function resourceLabel(resource: DoraResource): string {
	return resource === 'failure' ? 'failure event' : 'deployment event';
}
