import { createHmac, randomUUID } from 'node:crypto';

import { Random } from '../prng';

/**
 * A sender that delivers webhooks the way incident.io's provider, Svix, does: `webhook-id`,
 * `webhook-timestamp` (Unix seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256>` of
 * `${id}.${timestamp}.${body}` with the base64 key after `whsec_`), the JSON body sent as signed.
 */

/** A deterministic `whsec_` secret per seed (24 random bytes, as Svix issues them). */
export function signingSecretFor(seed: number): string {
	const random = new Random(seed * 31 + 5);
	const bytes = Buffer.alloc(24);
	for (let index = 0; index < bytes.length; index++) bytes[index] = random.int(0, 255);
	return `whsec_${bytes.toString('base64')}`;
}

export interface DeliveryOptions {
	secret: string;
	/** Reuse an id to model Svix's retry of the same message. */
	webhookId?: string;
	/** Unix seconds; default now. */
	timestampSeconds?: number;
	/** Change the body after signing (an attacker's edit). */
	tamper?: (body: string) => string;
	/** Headers to leave out. */
	omit?: Array<'webhook-id' | 'webhook-timestamp' | 'webhook-signature'>;
	/** Extra signatures sent before the real one (key rotation). */
	extraSignatures?: string[];
	/** A body that is not the JSON of an envelope. */
	rawBody?: string;
}

export interface SignedDelivery {
	headers: Record<string, string>;
	body: string;
	webhookId: string;
}

/**
 * Signed here independently of the pack's verifier (lib/signatures.ts), so a shared mistake cannot
 * make both sides agree; the sandbox also stays free of imports outside test/sandbox.
 */
function sign(secret: string, webhookId: string, timestamp: string, body: string): string {
	const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
	return `v1,${createHmac('sha256', key).update(`${webhookId}.${timestamp}.${body}`, 'utf8').digest('base64')}`;
}

export function webhookEnvelope(eventType: string, payload: unknown): string {
	return JSON.stringify({ event_type: eventType, [eventType]: payload });
}

export function signDelivery(
	eventType: string,
	payload: unknown,
	options: DeliveryOptions,
): SignedDelivery {
	const webhookId = options.webhookId ?? `msg_${randomUUID().replace(/-/g, '')}`;
	const timestamp = String(options.timestampSeconds ?? Math.floor(Date.now() / 1000));
	const signed = options.rawBody ?? webhookEnvelope(eventType, payload);
	const signature = [
		...(options.extraSignatures ?? []),
		sign(options.secret, webhookId, timestamp, signed),
	].join(' ');
	const headers: Record<string, string> = {
		'content-type': 'application/json',
		'webhook-id': webhookId,
		'webhook-timestamp': timestamp,
		'webhook-signature': signature,
	};
	for (const name of options.omit ?? []) delete headers[name];
	return { headers, body: options.tamper ? options.tamper(signed) : signed, webhookId };
}

/** POSTs a signed delivery to a webhook URL; returns the status and body text. */
export async function deliverWebhook(
	url: string,
	eventType: string,
	payload: unknown,
	options: DeliveryOptions,
): Promise<{ status: number; body: string; webhookId: string }> {
	const delivery = signDelivery(eventType, payload, options);
	const response = await fetch(url, {
		method: 'POST',
		headers: delivery.headers,
		body: delivery.body,
	});
	return { status: response.status, body: await response.text(), webhookId: delivery.webhookId };
}
