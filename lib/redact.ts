/**
 * Redaction of secrets from anything that may reach a user: node output, error messages,
 * error descriptions and logs.
 *
 * The nodes handle API keys, OAuth-style bearer tokens and signed storage URLs (S3 / GCS
 * presigned links whose query string is a credential in itself). n8n shows error messages in
 * the editor, stores them in execution data and forwards them to error workflows, so a secret
 * that reaches a message is effectively published. Everything here errs on the side of
 * over-redaction: losing a harmless value in a log costs little, leaking a key costs a lot.
 *
 * All functions are idempotent (redacting redacted text changes nothing), so layers of code
 * can redact defensively without coordinating.
 */

/** What replaces every secret. Recognisable, and stable so that redaction is idempotent. */
export const REDACTED = '[redacted]';

/**
 * Literal secrets shorter than this are ignored: replacing every "a" or "42" in a message
 * would destroy it while protecting nothing (such values are not real credentials).
 */
export const MIN_LITERAL_SECRET_LENGTH = 4;

/** `scheme://` at the start of an absolute URL (RFC 3986 scheme syntax). */
const SCHEME_PREFIX = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/**
 * http(s) URLs inside free text. A URL ends at whitespace, quotes, angle brackets or a
 * backslash (JSON-escaped quotes), which is how URLs are delimited in error messages,
 * JSON and HTML.
 */
const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>\\`]+/gi;

/**
 * A credential token as it appears after `Bearer` or after a sensitive key. `[redacted]` is
 * listed first so that already-redacted text is matched whole and stays unchanged.
 */
const TOKEN = String.raw`(?:\[redacted\]|[^\s"'\\,;&)}\]]+)`;

/** `Bearer <token>` anywhere (headers echoed in errors, curl commands, logs). */
const BEARER_TOKEN = new RegExp(String.raw`\b(Bearer\s+)${TOKEN}`, 'gi');

/**
 * Key names whose values are credentials, matched as a suffix of the (case-insensitive) key so
 * that `accessToken`, `x-amz-security-token`, `DD-API-KEY`, `DD-APPLICATION-KEY` and
 * `client_secret` are all covered without listing every vendor's spelling.
 */
const SENSITIVE_KEY_SUFFIX = String.raw`(?:authorization|token|secret|passw(?:or)?d|api[-_]?key|app(?:lication)?[-_]?key|private[-_]?key|signature|credentials?|cookie|sig)`;

/** A whole key name is sensitive when it ends in one of the suffixes above. */
const SENSITIVE_KEY = new RegExp(String.raw`^[A-Za-z0-9_-]*?${SENSITIVE_KEY_SUFFIX}$`, 'i');

/**
 * HTTP authentication schemes that precede the credential in an `Authorization` value. The
 * scheme is kept (it helps debugging and is not secret); only the credential is replaced.
 */
const AUTH_SCHEME = String.raw`(?:Bearer|Basic|Token|Digest|Negotiate|NTLM|DDApiKey|AWS4-HMAC-SHA256)`;

/**
 * `key: value`, `key=value`, `"key": "value"`, `'key': 'value'`, and JSON encoded twice
 * (`\"key\":\"value\"`, as in error messages that embed a response body), where the key is
 * sensitive. Groups: 1 = key with its quotes and separator, 2 = the key's quote,
 * 3 = auth scheme (optional), 4 = value in escaped quotes, 5 = double-quoted value,
 * 6 = single-quoted value, 7 = bare value.
 */
const SENSITIVE_PAIR = new RegExp(
	String.raw`((?<![A-Za-z0-9_-])(\\?["']|)[A-Za-z0-9_-]*?${SENSITIVE_KEY_SUFFIX}\2(?![A-Za-z0-9_-])\s*[:=]\s*)` +
		String.raw`(?:(${AUTH_SCHEME}\s+)(?=[^\s"'\\]))?` +
		String.raw`(?:\\"((?:(?!\\").)*)\\"|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(${TOKEN}))`,
	'gi',
);

/**
 * Redacts the credential-bearing parts of one URL: `user:pass@` is removed, and a non-empty
 * query string or fragment becomes `?[redacted]` / `#[redacted]`. Scheme, host, port and path
 * are kept verbatim so the message still says which endpoint failed.
 *
 * The whole query is replaced rather than selected parameters because signed storage URLs
 * (`X-Amz-Signature`, `X-Amz-Credential`, `Signature`, `GoogleAccessId`, `Expires`, `sig`, …)
 * differ per provider, and any one surviving parameter can be enough to replay the link.
 * Works on text rather than `new URL()` so that the output matches what the user configured
 * (no host lower-casing or path re-encoding) and so that invalid URLs are redacted too.
 */
export function redactUrl(url: string): string {
	const schemeMatch = SCHEME_PREFIX.exec(url);
	let prefix = '';
	let rest = url;
	if (schemeMatch) {
		prefix = schemeMatch[0];
		rest = url.slice(prefix.length);
		const authorityEnd = firstIndexOfAny(rest, '/?#');
		const authority = rest.slice(0, authorityEnd);
		const at = authority.lastIndexOf('@');
		if (at !== -1) rest = rest.slice(at + 1);
	}
	const queryStart = rest.indexOf('?');
	const fragmentStart = rest.indexOf('#');
	if (queryStart !== -1 && (fragmentStart === -1 || queryStart < fragmentStart)) {
		const query = rest.slice(queryStart + 1, fragmentStart === -1 ? undefined : fragmentStart);
		const fragment = fragmentStart === -1 ? '' : rest.slice(fragmentStart + 1);
		return (
			prefix +
			rest.slice(0, queryStart) +
			(query === '' ? '?' : `?${REDACTED}`) +
			(fragmentStart === -1 ? '' : fragment === '' ? '#' : `#${REDACTED}`)
		);
	}
	if (fragmentStart !== -1) {
		const fragment = rest.slice(fragmentStart + 1);
		return prefix + rest.slice(0, fragmentStart) + (fragment === '' ? '#' : `#${REDACTED}`);
	}
	return prefix + rest;
}

/**
 * Redacts secrets inside free text such as an error message or a response body:
 * every literal secret given (for example the API key from the credentials), every http(s)
 * URL (see {@link redactUrl}), `Bearer <token>`, and the values of sensitive `key: value` /
 * `key=value` pairs (`Authorization`, `DD-API-KEY`, `DD-APPLICATION-KEY`, `api_key`,
 * `token`, `password`, `X-Amz-Security-Token`, …).
 *
 * Literal secrets are replaced first so a key is caught even where no pattern would
 * recognise it (for example echoed inside a vendor's error text); their URL-encoded form is
 * replaced as well because keys often travel in query strings.
 */
export function redactText(
	text: string,
	secrets?: ReadonlyArray<string | null | undefined>,
): string {
	let result = replaceLiteralSecrets(text, secrets);
	result = result.replace(URL_IN_TEXT, (url) => redactUrl(url));
	result = result.replace(BEARER_TOKEN, (_match, bearer: string) => `${bearer}${REDACTED}`);
	result = result.replace(
		SENSITIVE_PAIR,
		(
			_match: string,
			keyAndSeparator: string,
			_keyQuote: string,
			scheme: string | undefined,
			escapedQuoted: string | undefined,
			doubleQuoted: string | undefined,
			singleQuoted: string | undefined,
		) => {
			const kept = keyAndSeparator + (scheme ?? '');
			if (escapedQuoted !== undefined)
				return `${kept}\\"${escapedQuoted === '' ? '' : REDACTED}\\"`;
			if (doubleQuoted !== undefined) return `${kept}"${doubleQuoted === '' ? '' : REDACTED}"`;
			if (singleQuoted !== undefined) return `${kept}'${singleQuoted === '' ? '' : REDACTED}'`;
			return `${kept}${REDACTED}`;
		},
	);
	return result;
}

/**
 * Every form a stored credential value can take on the wire: as stored, trimmed, and without a
 * `Bearer ` prefix (the credentials strip a pasted prefix and surrounding whitespace before
 * sending). Redacting only the stored form would miss the value actually sent when a vendor
 * quotes it back in an error, so callers pass all of these as literal secrets.
 */
export function credentialSecretForms(stored: unknown): string[] {
	if (typeof stored !== 'string' || stored === '') return [];
	const trimmed = stored.trim();
	const sent = trimmed.replace(/^Bearer\s+/i, '').trim();
	return [...new Set([stored, trimmed, sent])].filter((form) => form !== '');
}

/**
 * Whether a property or header name holds a credential (`authorization`, `token`,
 * `apiKey`, `api_key`, `DD-API-KEY`, `client_secret`, `password`, `x-amz-security-token`, …).
 * Exported so that callers building their own logs use the same rule.
 */
export function isSensitiveKey(key: string): boolean {
	return SENSITIVE_KEY.test(key);
}

/**
 * Deep copy of a JSON-like value (for example request options or an error's response body)
 * with every string passed through {@link redactText} and every non-empty value under a
 * sensitive key (see {@link isSensitiveKey}) replaced by `[redacted]`, whatever its type.
 *
 * Empty values under sensitive keys are kept (`""`, `null`) because "the key was not set" is
 * useful when debugging and is not a secret. Dates are copied; other objects are copied as
 * plain objects of their own enumerable properties; cycles become `"[circular]"` so that
 * logging a self-referencing error cannot hang.
 */
export function redactValue<T>(value: T, secrets?: ReadonlyArray<string | null | undefined>): T {
	return redactNode(value, secrets, new WeakSet<object>()) as T;
}

function redactNode(
	value: unknown,
	secrets: ReadonlyArray<string | null | undefined> | undefined,
	ancestors: WeakSet<object>,
): unknown {
	if (typeof value === 'string') return redactText(value, secrets);
	if (value === null || typeof value !== 'object') return value;
	if (value instanceof Date) return new Date(value.getTime());
	if (ancestors.has(value)) return '[circular]';
	ancestors.add(value);
	try {
		if (Array.isArray(value)) return value.map((item) => redactNode(item, secrets, ancestors));
		const copy: Record<string, unknown> = {};
		for (const [key, child] of Object.entries(value)) {
			const redacted =
				isSensitiveKey(key) && child !== null && child !== undefined && child !== ''
					? REDACTED
					: redactNode(child, secrets, ancestors);
			// defineProperty so that a "__proto__" key stays data and cannot change the prototype.
			Object.defineProperty(copy, key, {
				value: redacted,
				enumerable: true,
				writable: true,
				configurable: true,
			});
		}
		return copy;
	} finally {
		ancestors.delete(value);
	}
}

function replaceLiteralSecrets(
	text: string,
	secrets: ReadonlyArray<string | null | undefined> | undefined,
): string {
	if (!secrets || secrets.length === 0) return text;
	const variants = new Set<string>();
	for (const secret of secrets) {
		if (typeof secret !== 'string' || secret.length < MIN_LITERAL_SECRET_LENGTH) continue;
		// A "secret" inside the marker itself would make redaction non-idempotent.
		if (REDACTED.includes(secret)) continue;
		variants.add(secret);
		const encoded = encodeURIComponent(secret);
		if (encoded !== secret) variants.add(encoded);
	}
	// Longest first, so a secret that contains another one is replaced whole.
	const ordered = [...variants].sort((a, b) => b.length - a.length);
	let result = text;
	for (const secret of ordered) {
		if (result.includes(secret)) result = result.split(secret).join(REDACTED);
	}
	return result;
}

function firstIndexOfAny(text: string, characters: string): number {
	for (let index = 0; index < text.length; index++) {
		if (characters.includes(text[index])) return index;
	}
	return text.length;
}
