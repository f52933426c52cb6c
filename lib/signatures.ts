import { createHash, createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signature helpers shared by every vendor trigger. Signatures are compared in constant
 * time so that an attacker cannot learn a valid signature byte by byte from response timings.
 */

/** HMAC-SHA256 of `body` (the RAW request bytes, never re-serialised JSON) with `key`. */
export function hmacSha256(
	key: string | Buffer,
	body: string | Buffer,
	encoding: 'hex' | 'base64' = 'hex',
): string {
	return createHmac('sha256', key).update(body).digest(encoding);
}

/**
 * Whether two texts are equal, in time that depends only on their lengths. Unequal lengths are
 * answered false without comparing contents; the length of a signature is no secret.
 */
export function timingSafeEqualText(a: string, b: string): boolean {
	const left = Buffer.from(a, 'utf8');
	const right = Buffer.from(b, 'utf8');
	if (left.length !== right.length) return false;
	return timingSafeEqual(left, right);
}

/** SHA-256 of the raw bytes, hex: a fixed-length key for what was received. */
export function sha256Hex(body: string | Buffer): string {
	return createHash('sha256').update(body).digest('hex');
}

const FINGERPRINT_PREFIX = 'scrypt';

async function scryptKey(secret: string, salt: Buffer): Promise<Buffer> {
	return await new Promise((resolve, reject) => {
		scrypt(secret, salt, 32, (error, key) => (error ? reject(error) : resolve(key)));
	});
}

/**
 * A fingerprint of a secret that can be stored where the secret must not be (workflow static
 * data): salted scrypt, so even a short secret cannot be recovered by trying candidates quickly.
 * Tells later whether the secret changed, via {@link secretMatchesFingerprint}.
 */
export async function secretFingerprint(secret: string): Promise<string> {
	const salt = randomBytes(16);
	return `${FINGERPRINT_PREFIX}$${salt.toString('base64')}$${(await scryptKey(secret, salt)).toString('base64')}`;
}

/** Whether `secret` is the one `fingerprint` was made from; false for anything unreadable. */
export async function secretMatchesFingerprint(
	secret: string,
	fingerprint: unknown,
): Promise<boolean> {
	if (typeof fingerprint !== 'string') return false;
	const [prefix, salt, hash] = fingerprint.split('$');
	if (prefix !== FINGERPRINT_PREFIX || !salt || !hash) return false;
	const expected = Buffer.from(hash, 'base64');
	const actual = await scryptKey(secret, Buffer.from(salt, 'base64'));
	return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Why a Svix-signed delivery was refused; shown in logs, never including the secret. */
export type SvixRejection =
	| 'missing-headers'
	| 'bad-secret'
	| 'bad-timestamp'
	| 'stale-timestamp'
	| 'no-matching-signature';

export interface SvixDelivery {
	/** `webhook-id` header. */
	id: string | undefined;
	/** `webhook-timestamp` header: Unix seconds. */
	timestamp: string | undefined;
	/** `webhook-signature` header: space-separated `v1,<base64>` entries (several during key rotation). */
	signature: string | undefined;
	/** The body exactly as received. */
	rawBody: Buffer | string;
}

export interface SvixVerifyOptions {
	/** `whsec_<base64>` as the vendor shows it (the prefix is optional). */
	secret: string;
	nowMs?: number;
	/** How far the timestamp may be off in either direction; Svix uses 5 minutes. */
	toleranceSeconds?: number;
}

/** The HMAC key of a Svix secret: base64 after the `whsec_` prefix; undefined when not base64. */
export function svixKey(secret: string): Buffer | undefined {
	const encoded = secret.trim().replace(/^whsec_/, '');
	if (!encoded || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return undefined;
	const key = Buffer.from(encoded, 'base64');
	return key.length > 0 ? key : undefined;
}

/** The `v1,<base64>` signature Svix sends for a delivery (for senders and tests). */
export function svixSignature(
	secret: string,
	id: string,
	timestamp: string,
	rawBody: Buffer | string,
): string {
	const key = svixKey(secret);
	if (!key) throw new Error('The webhook signing secret is not a whsec_ base64 secret');
	const content = Buffer.concat([
		Buffer.from(`${id}.${timestamp}.`, 'utf8'),
		Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody, 'utf8'),
	]);
	return `v1,${hmacSha256(key, content, 'base64')}`;
}

/**
 * Verifies a delivery the way Svix documents it: HMAC-SHA256 over `${id}.${timestamp}.${rawBody}`
 * with the base64-decoded secret, any of the space-separated `v1,` signatures may match (they
 * rotate keys that way), constant-time comparison, and a timestamp within the tolerance so a
 * captured delivery cannot be replayed later.
 */
export function verifySvixSignature(
	delivery: SvixDelivery,
	options: SvixVerifyOptions,
): { valid: true } | { valid: false; reason: SvixRejection } {
	const { id, timestamp, signature } = delivery;
	if (!id || !timestamp || !signature) return { valid: false, reason: 'missing-headers' };
	const key = svixKey(options.secret);
	if (!key) return { valid: false, reason: 'bad-secret' };
	if (!/^\d{1,12}$/.test(timestamp.trim())) return { valid: false, reason: 'bad-timestamp' };
	const toleranceMs = (options.toleranceSeconds ?? 300) * 1000;
	const offMs = Math.abs((options.nowMs ?? Date.now()) - Number(timestamp.trim()) * 1000);
	if (offMs > toleranceMs) return { valid: false, reason: 'stale-timestamp' };
	const expected = svixSignature(options.secret, id, timestamp.trim(), delivery.rawBody).slice(
		'v1,'.length,
	);
	let matched = false;
	for (const entry of signature.split(' ')) {
		const comma = entry.indexOf(',');
		if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
		// Every entry is compared, even after a match, so timing does not reveal which one matched.
		if (timingSafeEqualText(entry.slice(comma + 1), expected)) matched = true;
	}
	return matched ? { valid: true } : { valid: false, reason: 'no-matching-signature' };
}
