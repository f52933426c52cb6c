import type { IDataObject } from 'n8n-workflow';

import { hmacSha256, sha256Hex, timingSafeEqualText } from '../../../lib/signatures';
import { toIsoUtc } from '../../../lib/time';

/** The header FireHydrant signs deliveries in: hex HMAC-SHA256 of the raw body with the webhook secret. */
export const SIGNATURE_HEADER = 'fh-signature';

/** Deliveries remembered to recognise a replay; bounded so static data stays small. */
export const REMEMBERED_DELIVERIES = 500;

/**
 * Whether `signature` is the hex HMAC-SHA256 of the raw body with `secret`, compared in constant
 * time. Case and surrounding blanks of the hex text do not matter; anything else does.
 */
export function verifySignature(
	secret: string,
	rawBody: Buffer,
	signature: string | undefined,
): boolean {
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
		if (
			typeof child === 'string' &&
			DATE_TIME.test(child.trim()) &&
			!(`${key}_iso` in (value as IDataObject))
		) {
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
 * What makes a FireHydrant delivery unique, for the replay check: SHA-256 of its raw body.
 * UNVERIFIED (vendor notes): FireHydrant sends no delivery id and no timestamp header, only
 * `fh-signature`; a resend of a delivery carries the same bytes, and two different events differ
 * in their bytes (the event and the incident's state as of it). The signature would identify the
 * bytes too, but it changes with the secret: after the secret is changed, a resend of a delivery
 * already run would pass again. Two events with byte-identical bodies carry the same information,
 * so treating them as one loses nothing.
 */
export function deliveryKey(rawBody: Buffer): string {
	return sha256Hex(rawBody);
}

/**
 * The secret deliveries are signed with: the node's "Webhook Secret" when set (workflows made
 * before the credential had the field keep working unchanged, and one trigger can differ from the
 * others), otherwise the credential's "Webhook Signing Secret". Blanks around it are not part of it.
 */
export function resolveWebhookSecret(
	parameter: unknown,
	credentialSecret: unknown,
): { secret: string; from: 'parameter' | 'credential' } | undefined {
	const fromParameter = typeof parameter === 'string' ? parameter.trim() : '';
	if (fromParameter) return { secret: fromParameter, from: 'parameter' };
	const fromCredential = typeof credentialSecret === 'string' ? credentialSecret.trim() : '';
	if (fromCredential) return { secret: fromCredential, from: 'credential' };
	return undefined;
}
