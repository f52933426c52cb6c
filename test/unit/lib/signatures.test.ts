import { svixKey, svixSignature, verifySvixSignature } from '../../../lib/signatures';

/** Svix's published example: the signature of this message with this secret. */
const EXAMPLE = {
	secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
	id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
	timestamp: '1614265330',
	body: '{"test": 2432232314}',
	signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const NOW = Number(EXAMPLE.timestamp) * 1000;

function verify(
	overrides: Partial<{
		id: string | undefined;
		timestamp: string | undefined;
		signature: string | undefined;
		body: string;
	}> = {},
	nowMs = NOW,
) {
	const input = {
		id: EXAMPLE.id,
		timestamp: EXAMPLE.timestamp,
		signature: EXAMPLE.signature,
		body: EXAMPLE.body,
		...overrides,
	};
	return verifySvixSignature(
		{
			id: input.id,
			timestamp: input.timestamp,
			signature: input.signature,
			rawBody: Buffer.from(input.body),
		},
		{ secret: EXAMPLE.secret, nowMs },
	);
}

describe('Svix webhook signatures', () => {
	it("signs Svix's example message as Svix does", () => {
		expect(svixSignature(EXAMPLE.secret, EXAMPLE.id, EXAMPLE.timestamp, EXAMPLE.body)).toBe(
			EXAMPLE.signature,
		);
	});

	it('accepts the example, alone or among other signatures', () => {
		expect(verify()).toEqual({ valid: true });
		expect(verify({ signature: `v1,bm9wZQ== v2,abc ${EXAMPLE.signature}` })).toEqual({
			valid: true,
		});
	});

	it('refuses a changed body, even one only re-serialised', () => {
		expect(verify({ body: '{"test":2432232314}' })).toEqual({
			valid: false,
			reason: 'no-matching-signature',
		});
	});

	it('refuses timestamps more than 5 minutes off in either direction', () => {
		expect(verify({}, NOW + 300_000)).toEqual({ valid: true });
		expect(verify({}, NOW + 301_000)).toEqual({ valid: false, reason: 'stale-timestamp' });
		expect(verify({}, NOW - 301_000)).toEqual({ valid: false, reason: 'stale-timestamp' });
		expect(verify({ timestamp: 'yesterday' })).toEqual({ valid: false, reason: 'bad-timestamp' });
	});

	it('refuses missing headers and a signature of another version', () => {
		expect(verify({ signature: undefined })).toEqual({ valid: false, reason: 'missing-headers' });
		expect(verify({ id: '' })).toEqual({ valid: false, reason: 'missing-headers' });
		expect(verify({ timestamp: undefined })).toEqual({ valid: false, reason: 'missing-headers' });
		expect(verify({ signature: EXAMPLE.signature.replace('v1,', 'v2,') })).toEqual({
			valid: false,
			reason: 'no-matching-signature',
		});
	});

	it('refuses when the secret is not base64', () => {
		expect(svixKey('whsec_not base64!')).toBeUndefined();
		expect(
			verifySvixSignature(
				{ id: 'a', timestamp: EXAMPLE.timestamp, signature: 'v1,x', rawBody: '' },
				{ secret: 'whsec_', nowMs: NOW },
			),
		).toEqual({ valid: false, reason: 'bad-secret' });
	});
});
