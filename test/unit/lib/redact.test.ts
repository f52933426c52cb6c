import {
	credentialSecretForms,
	isSensitiveKey,
	redactText,
	redactUrl,
	redactValue,
} from '../../../lib/redact';

describe('redactUrl', () => {
	it('replaces the query of a presigned S3 link and keeps scheme, host, port and path', () => {
		expect(
			redactUrl(
				'https://exports.s3.us-east-1.amazonaws.com:8443/acct/incidents.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20240101&X-Amz-Signature=deadbeef&X-Amz-Security-Token=FQoG',
			),
		).toBe('https://exports.s3.us-east-1.amazonaws.com:8443/acct/incidents.csv?[redacted]');
	});

	it('replaces the query of a signed GCS link', () => {
		expect(
			redactUrl(
				'https://storage.googleapis.com/bucket/export.csv?GoogleAccessId=svc%40p.iam&Expires=1700000000&Signature=abc%2B%3D',
			),
		).toBe('https://storage.googleapis.com/bucket/export.csv?[redacted]');
	});

	it('removes user and password and redacts a fragment', () => {
		expect(redactUrl('https://admin:hunter2@Example.com/a/b#access_token=xyz')).toBe(
			'https://Example.com/a/b#[redacted]',
		);
		expect(redactUrl('https://token@host.example/x?sig=1#f')).toBe(
			'https://host.example/x?[redacted]#[redacted]',
		);
	});

	it('leaves URLs without query, fragment or user info unchanged, including an empty query', () => {
		expect(redactUrl('https://api.incident.io/v2/incidents')).toBe(
			'https://api.incident.io/v2/incidents',
		);
		expect(redactUrl('http://localhost:8080/path?')).toBe('http://localhost:8080/path?');
	});

	it('still redacts everything after "?" in something that is not a URL', () => {
		expect(redactUrl('not a url?token=abc&x=1')).toBe('not a url?[redacted]');
		expect(redactUrl('/v1/exports/42?signature=zzz')).toBe('/v1/exports/42?[redacted]');
	});

	it('is idempotent', () => {
		const once = redactUrl('https://u:p@h/p?a=b#c');
		expect(redactUrl(once)).toBe(once);
	});
});

describe('redactText', () => {
	it('redacts URLs inside an error message and the bearer token', () => {
		expect(
			redactText(
				'GET https://api.firehydrant.io/v1/incidents?page=2&per_page=100 failed (401) with Authorization: Bearer fhb_123.abc-xyz',
			),
		).toBe(
			'GET https://api.firehydrant.io/v1/incidents?[redacted] failed (401) with Authorization: Bearer [redacted]',
		);
	});

	it('redacts Datadog key headers and JSON-encoded headers', () => {
		expect(
			redactText(
				'DD-API-KEY: 0123456789abcdef\nDD-APPLICATION-KEY: fedcba9876543210\nAccept: text/csv',
			),
		).toBe('DD-API-KEY: [redacted]\nDD-APPLICATION-KEY: [redacted]\nAccept: text/csv');
		expect(
			redactText(
				'{"Authorization":"Bearer abc","dd-api-key":"k123","Accept":"application/json","token_type":"bearer"}',
			),
		).toBe(
			'{"Authorization":"[redacted]","dd-api-key":"[redacted]","Accept":"application/json","token_type":"bearer"}',
		);
	});

	it('redacts JSON that was encoded twice, as in wrapped error descriptions', () => {
		expect(redactText('{"body":"{\\"token\\":\\"abc\\",\\"id\\":\\"42\\"}"}')).toBe(
			'{"body":"{\\"token\\":\\"[redacted]\\",\\"id\\":\\"42\\"}"}',
		);
	});

	it('keeps the authentication scheme of an unquoted Authorization header', () => {
		expect(redactText("curl -H 'Authorization: Basic dXNlcjpwYXNz' -H 'X-Api-Key: k-1'")).toBe(
			"curl -H 'Authorization: Basic [redacted]' -H 'X-Api-Key: [redacted]'",
		);
	});

	it('redacts key=value pairs but not their neighbours', () => {
		expect(
			redactText(
				'api_key=abc&token=def&page=3 password: hunter2, x-amz-security-token=FQo; limit=10',
			),
		).toBe(
			'api_key=[redacted]&token=[redacted]&page=3 password: [redacted], x-amz-security-token=[redacted]; limit=10',
		);
	});

	it('replaces literal secrets wherever they appear, including URL-encoded, and ignores short or empty ones', () => {
		const secrets = ['sk_live_abc+def/1', 'abc', '', null, undefined];
		expect(
			redactText('key sk_live_abc+def/1 in a path /x/sk_live_abc%2Bdef%2F1/y; abc stays', secrets),
		).toBe('key [redacted] in a path /x/[redacted]/y; abc stays');
	});

	it('replaces a longer secret whole when it contains a shorter one', () => {
		expect(redactText('value: prefix-SECRET-suffix', ['SECRET', 'prefix-SECRET-suffix'])).toBe(
			'value: [redacted]',
		);
	});

	it('is idempotent on everything it produces', () => {
		const inputs = [
			'Authorization: Bearer abc https://h/p?x=1 token=zz "password":"p" {\\"secret\\":\\"s\\"}',
			'DD-API-KEY: k and the literal mysecretvalue',
		];
		for (const input of inputs) {
			const once = redactText(input, ['mysecretvalue', 'redacted']);
			expect(redactText(once, ['mysecretvalue', 'redacted'])).toBe(once);
		}
	});

	it('leaves text without secrets unchanged', () => {
		const text = 'Incident INC-42 "Checkout latency" resolved after 45m; see runbook.';
		expect(redactText(text)).toBe(text);
	});
});

describe('isSensitiveKey', () => {
	it.each([
		'authorization',
		'Authorization',
		'token',
		'apiKey',
		'api_key',
		'DD-API-KEY',
		'DD-APPLICATION-KEY',
		'client_secret',
		'password',
		'x-amz-security-token',
		'accessToken',
	])('treats %s as sensitive', (key) => expect(isSensitiveKey(key)).toBe(true));

	it.each(['id', 'title', 'token_type', 'tokens_used', 'created_at', 'severity'])(
		'does not treat %s as sensitive',
		(key) => expect(isSensitiveKey(key)).toBe(false),
	);
});

describe('redactValue', () => {
	it('returns a redacted deep copy and leaves the original untouched', () => {
		const original = {
			url: 'https://bucket.s3.amazonaws.com/a.csv?X-Amz-Signature=1',
			headers: { Authorization: 'Bearer abc', 'x-amz-security-token': 'FQo', Accept: 'text/csv' },
			credentials: { apiKey: 'k', region: 'us' },
			items: [{ id: 1, accessToken: 't', note: 'uses mysecretvalue' }],
			emptyToken: '',
			missingToken: null,
			when: new Date(0),
		};
		const copy = redactValue(original, ['mysecretvalue']);
		expect(copy).toEqual({
			url: 'https://bucket.s3.amazonaws.com/a.csv?[redacted]',
			headers: {
				Authorization: '[redacted]',
				'x-amz-security-token': '[redacted]',
				Accept: 'text/csv',
			},
			credentials: '[redacted]',
			items: [{ id: 1, accessToken: '[redacted]', note: 'uses [redacted]' }],
			emptyToken: '',
			missingToken: null,
			when: new Date(0),
		});
		expect(copy.when).not.toBe(original.when);
		expect(original.headers.Authorization).toBe('Bearer abc');
	});

	it('passes primitives through and redacts a bare string', () => {
		expect(redactValue(42)).toBe(42);
		expect(redactValue(null)).toBeNull();
		expect(redactValue('Bearer abc')).toBe('Bearer [redacted]');
	});

	it('replaces cycles instead of recursing forever', () => {
		const node: Record<string, unknown> = { name: 'a' };
		node.self = node;
		expect(redactValue(node)).toEqual({ name: 'a', self: '[circular]' });
	});

	it('copies a "__proto__" key as data', () => {
		const parsed = JSON.parse('{"__proto__":{"token":"x"}}') as Record<string, unknown>;
		const copy = redactValue(parsed);
		expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
		expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toEqual({
			token: '[redacted]',
		});
	});
});

describe('credentialSecretForms', () => {
	it('gives the stored value, the trimmed value and the value sent without a Bearer prefix', () => {
		expect(credentialSecretForms('  Bearer tok-0123456789 \n')).toEqual([
			'  Bearer tok-0123456789 \n',
			'Bearer tok-0123456789',
			'tok-0123456789',
		]);
		expect(credentialSecretForms('tok-0123456789')).toEqual(['tok-0123456789']);
		expect(credentialSecretForms(undefined)).toEqual([]);
	});

	it('lets redactText hide the sent token a vendor quotes back', () => {
		const message = 'Unauthorized: the API token tok-0123456789 is not valid';
		expect(redactText(message, credentialSecretForms('Bearer tok-0123456789\t'))).toBe(
			'Unauthorized: the API token [redacted] is not valid',
		);
	});
});
