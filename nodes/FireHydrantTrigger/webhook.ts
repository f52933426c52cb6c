import type { IDataObject } from 'n8n-workflow';

import { SeenKeys } from '../../lib/dedupe';
import { hmacSha256, timingSafeEqualText } from '../../lib/signatures';
import { toIsoUtc } from '../../lib/time';

/** The header FireHydrant signs deliveries in: hex HMAC-SHA256 of the raw body with the webhook secret. */
export const SIGNATURE_HEADER = 'fh-signature';

/** Deliveries remembered to recognise a replay; bounded so static data stays small. */
export const REMEMBERED_DELIVERIES = 500;

/**
 * Whether `signature` is the hex HMAC-SHA256 of the raw body with `secret`, compared in constant
 * time. Case and surrounding blanks of the hex text do not matter; anything else does.
 */
export function verifySignature(secret: string, rawBody: Buffer, signature: string | undefined): boolean {
	if (!secret || typeof signature !== 'string') return false;
	const given = signature.trim().toLowerCase();
	if (!/^[0-9a-f]{64}$/.test(given)) return false;
	return timingSafeEqualText(given, hmacSha256(secret, rawBody, 'hex'));
}

export type ParsedDelivery =
	| { ok: true; payload: IDataObject; resourceType: string; operation: string }
	| { ok: false; reason: string };

/** The envelope `{data:{…}, event:{operation, resource_type}}` from the raw bytes. */
export function parseDelivery(rawBody: Buffer): ParsedDelivery {
	const text = rawBody.toString('utf8').trim();
	if (text === '') return { ok: false, reason: 'The delivery has an empty body.' };
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		return { ok: false, reason: 'The delivery body is not JSON.' };
	}
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
		return { ok: false, reason: 'The delivery body is not a JSON object.' };
	}
	const payload = parsed as IDataObject;
	const event = (payload.event ?? {}) as IDataObject;
	return {
		ok: true,
		payload,
		resourceType: typeof event.resource_type === 'string' ? event.resource_type : '',
		operation: typeof event.operation === 'string' ? event.operation : '',
	};
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}/;

/**
 * A copy of the payload where every timestamp text (`2023-07-25 13:34:49 UTC`, ISO 8601, or
 * zone-less UTC) gets an ISO 8601 sibling `<key>_iso`; the original stays as it came.
 */
export function withIsoTimestamps(value: unknown): unknown {
	if (Array.isArray(value)) return value.map((item) => withIsoTimestamps(item));
	if (value === null || typeof value !== 'object') return value;
	const out: IDataObject = {};
	for (const [key, child] of Object.entries(value as IDataObject)) {
		out[key] = withIsoTimestamps(child) as IDataObject[string];
		if (typeof child === 'string' && DATE_TIME.test(child.trim()) && !(`${key}_iso` in (value as IDataObject))) {
			const normalised = toIsoUtc(child);
			if (normalised !== undefined) out[`${key}_iso`] = normalised;
		}
	}
	return out;
}

/** Comma-separated filter values; empty means "any". */
export function filterList(value: unknown): string[] {
	return String(value ?? '')
		.split(',')
		.map((item) => item.trim().toLowerCase())
		.filter(Boolean);
}

export function matchesFilter(list: string[], value: string): boolean {
	return list.length === 0 || list.includes(value.toLowerCase());
}

/**
 * FireHydrant retries deliveries; a delivery whose signed bytes were already accepted is a replay.
 * UNVERIFIED (vendor notes): FireHydrant sends no delivery id or timestamp header, so the
 * signature itself (unique per body) is the key.
 */
export function rememberDelivery(store: IDataObject, signature: string): boolean {
	const seen = SeenKeys.from(store.deliveries as string[] | undefined, REMEMBERED_DELIVERIES);
	const key = signature.trim().toLowerCase();
	if (seen.has(key)) return false;
	seen.add(key);
	store.deliveries = seen.toJSON();
	return true;
}
