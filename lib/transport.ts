import type { Readable } from 'node:stream';
import type {
	IDataObject,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	INode,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import type { RequestPacer } from './pacer';
import { redactText, redactUrl } from './redact';
import type { HeaderBag, RetryPolicy } from './retry';
import {
	DEFAULT_RETRY_POLICY,
	isRejectedUnprocessedStatus,
	isRequestNotSentError,
	isRetryableStatus,
	isTransientNetworkError,
	retryDelayMs,
} from './retry';

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/**
 * What the shared transport needs from an n8n context. Every context that can make requests
 * (execute, poll, hook, webhook, load options) has these, so one transport serves all of them.
 */
export interface RequestContext {
	getNode(): INode;
	helpers: {
		httpRequest(options: IHttpRequestOptions): Promise<unknown>;
		httpRequestWithAuthentication(
			this: RequestContext,
			credentialType: string,
			options: IHttpRequestOptions,
		): Promise<unknown>;
	};
}

/** How one vendor's API speaks: where its messages are and what a user can do about a status. */
export interface VendorApi {
	/** Shown to users, e.g. "FireHydrant". */
	readonly displayName: string;
	/** The n8n credential type that authenticates requests, when requests are authenticated. */
	readonly credentialType?: string;
	/** The vendor's own message from an error body, if it has one. */
	errorMessage(body: unknown, status: number): string | undefined;
	/** What the user should do about this status (names the parameter, permission or setting). */
	hint(status: number, request: { url: string; method: string }): string | undefined;
	readonly retryPolicy?: RetryPolicy;
}

export interface VendorRequestOptions {
	/** Authenticate with the vendor's credential (default). Off for pre-signed storage URLs. */
	authenticate?: boolean;
	/** The item the request is made for, so the error names it. */
	itemIndex?: number;
	/** Client-side pacing shared by every request to the same account. */
	pacer?: RequestPacer;
	/** Statuses that are answers, not errors, for this call (e.g. 404 when probing). */
	acceptStatuses?: readonly number[];
	/**
	 * Whether sending this request twice has the same effect as sending it once. Defaults to true
	 * for GET, HEAD, OPTIONS, PUT and DELETE and false for POST and PATCH. A request that is not
	 * idempotent is retried only when it provably never reached the server (connection refused,
	 * host unreachable, 429): after a 5xx, a reset or a timeout the server may have acted on it,
	 * and a retry would act twice (a second event, a second webhook).
	 */
	idempotent?: boolean;
	/** Override the vendor's retry policy (tests of exhaustion, interactive calls). */
	retryPolicy?: RetryPolicy;
	/** Extra literal secrets to keep out of messages (e.g. a token read from the credential). */
	secrets?: ReadonlyArray<string | undefined>;
	/** Called before each wait, e.g. to count retries; never given a secret. */
	onRetry?: (event: RetryEvent) => void;
	/** Injected in tests of the transport itself. */
	sleep?: (ms: number) => Promise<void>;
}

export interface RetryEvent {
	attempt: number;
	delayMs: number;
	reason: string;
	url: string;
}

export interface VendorResponse<T = unknown> {
	statusCode: number;
	headers: HeaderBag;
	body: T;
}

/** The fields of a NodeApiError that this transport fills, for callers that branch on them. */
export interface VendorErrorDetails extends JsonObject {
	vendor: string;
	status: number | null;
	url: string;
	method: string;
	vendorMessage: string | null;
}

const MAX_ERROR_BODY_BYTES = 64 * 1024;

function isReadable(value: unknown): value is Readable {
	return (
		typeof value === 'object' &&
		value !== null &&
		typeof (value as Readable).pipe === 'function' &&
		typeof (value as Readable).on === 'function'
	);
}

/**
 * An error body that arrived as a stream (a download that failed) is read up to a small cap so
 * its message can be shown; the rest is discarded so the socket is released.
 */
async function readErrorBody(body: unknown): Promise<unknown> {
	if (!isReadable(body)) return body;
	const chunks: Buffer[] = [];
	let size = 0;
	try {
		for await (const chunk of body) {
			const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
			if (size < MAX_ERROR_BODY_BYTES) chunks.push(buffer.subarray(0, MAX_ERROR_BODY_BYTES - size));
			size += buffer.length;
		}
	} catch {
		// A body cut while reading an error is still an error with what arrived.
	}
	const text = Buffer.concat(chunks).toString('utf8');
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

function discardBody(body: unknown): void {
	if (isReadable(body)) body.resume();
}

function describeNetworkError(error: unknown): string {
	const seen = new Set<unknown>();
	let current: unknown = error;
	while (typeof current === 'object' && current !== null && !seen.has(current)) {
		seen.add(current);
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
		current = (current as { cause?: unknown }).cause;
	}
	return error instanceof Error ? error.message : String(error);
}

function requestUrl(options: IHttpRequestOptions): string {
	const base = options.baseURL ?? '';
	if (/^https?:\/\//i.test(options.url) || !base) return options.url;
	return `${base.replace(/\/+$/, '')}/${options.url.replace(/^\/+/, '')}`;
}

/** A NodeApiError whose every text is redacted, carrying the vendor's message and a hint. */
export function vendorApiError(
	node: INode,
	api: VendorApi,
	details: {
		status?: number;
		url: string;
		method: string;
		body?: unknown;
		reason?: string;
		itemIndex?: number;
		secrets?: ReadonlyArray<string | undefined>;
	},
): NodeApiError {
	const secrets = details.secrets ?? [];
	const url = redactUrl(details.url);
	const vendorMessage =
		details.status === undefined ? undefined : api.errorMessage(details.body, details.status);
	const safeVendorMessage = vendorMessage ? redactText(vendorMessage, secrets) : undefined;
	// The network reason stays out of the message: n8n replaces a message that mentions a socket
	// error code (ECONNRESET…) with a generic text that no longer names the vendor.
	const what =
		details.status === undefined
			? `${api.displayName} could not be reached`
			: `${api.displayName} answered ${details.status}${safeVendorMessage ? `: ${safeVendorMessage}` : ''}`;
	const hint =
		details.status === undefined
			? `${redactText(details.reason ?? 'network error', secrets)}. Check the base URL of the credential, and this machine's network and proxy settings.`
			: api.hint(details.status, { url, method: details.method });
	const description = [`${details.method} ${url}`, hint].filter(Boolean).join(' — ');
	const errorResponse: VendorErrorDetails = {
		vendor: api.displayName,
		status: details.status ?? null,
		url,
		method: details.method,
		vendorMessage: safeVendorMessage ?? null,
		message: what,
	};
	return new NodeApiError(node, errorResponse, {
		message: what,
		description,
		httpCode: details.status === undefined ? undefined : String(details.status),
		itemIndex: details.itemIndex,
	});
}

/**
 * Every HTTP call of every vendor goes through here: n8n's own request helpers (so n8n's proxy,
 * TLS and credential handling apply), bounded retries on 429 / 5xx / network errors with the
 * server's wait hint or capped exponential backoff with jitter, optional client-side pacing, and
 * errors that carry the vendor's message and a hint with secrets redacted.
 */
export async function vendorRequest<T = unknown>(
	context: RequestContext,
	api: VendorApi,
	request: IHttpRequestOptions,
	options: VendorRequestOptions = {},
): Promise<VendorResponse<T>> {
	const policy = options.retryPolicy ?? api.retryPolicy ?? DEFAULT_RETRY_POLICY;
	const wait = options.sleep ?? sleep;
	const authenticate = options.authenticate ?? api.credentialType !== undefined;
	const method = request.method ?? 'GET';
	const idempotent = options.idempotent ?? IDEMPOTENT_METHODS.has(method.toUpperCase());
	const mayRetryNetworkError = (error: unknown) =>
		isTransientNetworkError(error) && (idempotent || isRequestNotSentError(error));
	const mayRetryStatus = (status: number) =>
		isRetryableStatus(status) && (idempotent || isRejectedUnprocessedStatus(status));
	const url = requestUrl(request);
	const fullRequest: IHttpRequestOptions = {
		...request,
		method,
		returnFullResponse: true,
		// Statuses are judged here, so that retries and messages follow one policy.
		ignoreHttpStatusErrors: true,
	};

	for (let attempt = 1; ; attempt++) {
		if (options.pacer) await options.pacer.acquire();
		let response: IN8nHttpFullResponse;
		try {
			response = (await (authenticate && api.credentialType
				? context.helpers.httpRequestWithAuthentication.call(context, api.credentialType, {
						...fullRequest,
					})
				: context.helpers.httpRequest({ ...fullRequest }))) as IN8nHttpFullResponse;
		} catch (error) {
			if (attempt < policy.maxAttempts && mayRetryNetworkError(error)) {
				const delayMs = retryDelayMs(attempt, policy, {}, Date.now());
				options.onRetry?.({
					attempt,
					delayMs,
					reason: describeNetworkError(error),
					url: redactUrl(url),
				});
				await wait(delayMs);
				continue;
			}
			throw vendorApiError(context.getNode(), api, {
				url,
				method,
				reason: describeNetworkError(error),
				itemIndex: options.itemIndex,
				secrets: options.secrets,
			});
		}

		const status = response.statusCode;
		const headers = (response.headers ?? {}) as HeaderBag;
		if (status < 400 || options.acceptStatuses?.includes(status)) {
			return { statusCode: status, headers, body: response.body as T };
		}
		if (attempt < policy.maxAttempts && mayRetryStatus(status)) {
			discardBody(response.body);
			const delayMs = retryDelayMs(attempt, policy, headers, Date.now());
			if (status === 429 && options.pacer) options.pacer.pauseFor(delayMs);
			options.onRetry?.({ attempt, delayMs, reason: `HTTP ${status}`, url: redactUrl(url) });
			await wait(delayMs);
			continue;
		}
		throw vendorApiError(context.getNode(), api, {
			status,
			url,
			method,
			body: await readErrorBody(response.body),
			itemIndex: options.itemIndex,
			secrets: options.secrets,
		});
	}
}

/** The status a vendorApiError carries, for callers that handle one status themselves. */
export function vendorErrorStatus(error: unknown): number | undefined {
	if (!(error instanceof NodeApiError)) return undefined;
	const code = Number(error.httpCode);
	return Number.isFinite(code) && code > 0 ? code : undefined;
}

/** Query values n8n sends as they are: drops undefined and empty strings so filters stay optional. */
export function compactQuery(query: Record<string, unknown>): IDataObject {
	const result: IDataObject = {};
	for (const [key, value] of Object.entries(query)) {
		if (value === undefined || value === null || value === '') continue;
		if (Array.isArray(value) && value.length === 0) continue;
		result[key] = value as IDataObject[keyof IDataObject];
	}
	return result;
}
