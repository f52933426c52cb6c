import { createHash, createHmac } from 'node:crypto';

import {
	hmacSha256,
	secretFingerprint,
	secretMatchesFingerprint,
	sha256Hex,
	timingSafeEqualText,
} from '../../../../../lib/signatures';
import {
	deliveryKey,
	filterList,
	matchesFilter,
	parseDelivery,
	resolveWebhookSecret,
	verifySignature,
	withIsoTimestamps,
} from '../../../../../nodes/FireHydrant/webhooks/delivery';

describe('shared signature helpers', () => {
	it('hmacSha256 gives hex or base64 of the raw bytes', () => {
		const expected = createHmac('sha256', 'key').update('body').digest();
		expect(hmacSha256('key', 'body')).toBe(expected.toString('hex'));
		expect(hmacSha256(Buffer.from('key'), Buffer.from('body'), 'base64')).toBe(
			expected.toString('base64'),
		);
	});

	it('timingSafeEqualText compares texts of any length without throwing', () => {
		expect(timingSafeEqualText('abc', 'abc')).toBe(true);
		expect(timingSafeEqualText('abc', 'abd')).toBe(false);
		expect(timingSafeEqualText('abc', 'abcd')).toBe(false);
		expect(timingSafeEqualText('', '')).toBe(true);
	});
});

describe('FireHydrant webhook deliveries', () => {
	const body = Buffer.from(
		'{"data":{"incident":{"id":"i"}},"event":{"operation":"created","resource_type":"incidents"}}',
	);
	const signature = createHmac('sha256', 'secret').update(body).digest('hex');

	it('accepts the hex HMAC-SHA256 of the raw body (any case), nothing else', () => {
		expect(verifySignature('secret', body, signature)).toBe(true);
		expect(verifySignature('secret', body, ` ${signature.toUpperCase()} `)).toBe(true);
		expect(verifySignature('other', body, signature)).toBe(false);
		expect(verifySignature('secret', Buffer.concat([body, Buffer.from(' ')]), signature)).toBe(
			false,
		);
		expect(verifySignature('secret', body, undefined)).toBe(false);
		expect(verifySignature('secret', body, `sha256=${signature}`)).toBe(false);
		expect(verifySignature('', body, signature)).toBe(false);
	});

	it('parses the envelope and names what is wrong with a bad body', () => {
		expect(parseDelivery(body)).toMatchObject({
			ok: true,
			resourceType: 'incidents',
			operation: 'created',
		});
		expect(parseDelivery(Buffer.from(''))).toEqual({
			ok: false,
			reason: 'The delivery has an empty body.',
		});
		expect(parseDelivery(Buffer.from('<xml/>'))).toEqual({
			ok: false,
			reason: 'The delivery body is not JSON.',
		});
		expect(parseDelivery(Buffer.from('[1]'))).toEqual({
			ok: false,
			reason: 'The delivery body is not a JSON object.',
		});
		expect(parseDelivery(Buffer.from('{}'))).toMatchObject({
			ok: true,
			resourceType: '',
			operation: '',
		});
	});

	it('adds ISO 8601 siblings for timestamps in three formats, keeping the originals', () => {
		const out = withIsoTimestamps({
			a: {
				created_at: '2023-07-25 13:34:49 UTC',
				started_at: '2023-07-25T15:34:49+02:00',
				ended_at: '2023-07-25 13:34:49',
			},
			list: [{ at: '2023-07-25 13:34:49 UTC' }],
			name: '2023 roadmap',
			at_iso: 'kept',
		}) as Record<string, Record<string, string>>;
		expect(out.a).toEqual({
			created_at: '2023-07-25 13:34:49 UTC',
			created_at_iso: '2023-07-25T13:34:49.000Z',
			started_at: '2023-07-25T15:34:49+02:00',
			started_at_iso: '2023-07-25T13:34:49.000Z',
			ended_at: '2023-07-25 13:34:49',
			ended_at_iso: '2023-07-25T13:34:49.000Z',
		});
		expect((out.list as unknown as Array<Record<string, string>>)[0].at_iso).toBe(
			'2023-07-25T13:34:49.000Z',
		);
		expect(out.name).toBe('2023 roadmap');
		expect(out.name_iso).toBeUndefined();
	});

	it('filters on comma-separated lists, case-insensitively; empty means any', () => {
		expect(matchesFilter(filterList(' Incidents , change_events'), 'incidents')).toBe(true);
		expect(matchesFilter(filterList('incidents'), 'runbooks')).toBe(false);
		expect(matchesFilter(filterList(''), 'anything')).toBe(true);
	});

	it('keys a delivery on the SHA-256 of its raw bytes: FireHydrant sends no delivery id (UNVERIFIED assumption)', () => {
		expect(deliveryKey(body)).toBe(createHash('sha256').update(body).digest('hex'));
		// The same bytes are the same delivery, whatever secret signed them; other bytes are another.
		expect(deliveryKey(Buffer.from(body))).toBe(deliveryKey(body));
		expect(deliveryKey(Buffer.concat([body, Buffer.from('\n')]))).not.toBe(deliveryKey(body));
	});

	it("takes the node's Webhook Secret when set, else the credential's, without surrounding blanks", () => {
		expect(resolveWebhookSecret('node-secret', 'credential-secret')).toEqual({
			secret: 'node-secret',
			from: 'parameter',
		});
		expect(resolveWebhookSecret('', ' credential-secret\n')).toEqual({
			secret: 'credential-secret',
			from: 'credential',
		});
		expect(resolveWebhookSecret('   ', 'credential-secret')).toEqual({
			secret: 'credential-secret',
			from: 'credential',
		});
		expect(resolveWebhookSecret(undefined, undefined)).toBeUndefined();
		expect(resolveWebhookSecret('', '')).toBeUndefined();
	});
});

describe('secret fingerprints', () => {
	it('tell whether a secret changed without containing it', async () => {
		const fingerprint = await secretFingerprint('s3cret-value');
		expect(fingerprint).not.toContain('s3cret-value');
		expect(fingerprint).not.toContain(Buffer.from('s3cret-value').toString('base64'));
		expect(await secretMatchesFingerprint('s3cret-value', fingerprint)).toBe(true);
		expect(await secretMatchesFingerprint('s3cret-valuf', fingerprint)).toBe(false);
		expect(await secretMatchesFingerprint('s3cret-value', undefined)).toBe(false);
		expect(await secretMatchesFingerprint('s3cret-value', 'not a fingerprint')).toBe(false);
	});

	it('are salted: the same secret gives different fingerprints', async () => {
		expect(await secretFingerprint('same')).not.toBe(await secretFingerprint('same'));
	});

	it('sha256Hex is the hex SHA-256 of the bytes', () => {
		expect(sha256Hex('abc')).toBe(
			'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
		);
	});
});
