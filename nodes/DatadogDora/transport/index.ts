import { createHash } from 'node:crypto';

import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestMethods,
} from 'n8n-workflow';

import { getPacer, type RequestPacer } from '../../../lib/pacer';
import { headerValue } from '../../../lib/retry';
import type {
	RequestContext,
	VendorApi,
	VendorRequestOptions,
	VendorResponse,
} from '../../../lib/transport';
import { vendorRequest } from '../../../lib/transport';
import {
	DATADOG_DORA_CREDENTIAL_TYPE,
	ERROR_MESSAGES,
	PACER_LIMIT,
	SITE_BASE_URLS,
} from '../constants';

export interface DatadogContext extends RequestContext {
	getCredentials(type: string, itemIndex?: number): Promise<ICredentialDataDecryptedObject>;
}

/**
 * Datadog error bodies come in two shapes: `{errors: [string]}` (403, 429) and
 * `{errors: [{status, title, detail}]}` (400, JSON:API).
 */
export function datadogErrorMessage(body: unknown): string | undefined {
	if (typeof body === 'string') {
		const trimmed = body.trim();
		if (!trimmed) return undefined;
		try {
			return datadogErrorMessage(JSON.parse(trimmed) as unknown);
		} catch {
			return trimmed.slice(0, 300);
		}
	}
	if (typeof body !== 'object' || body === null) return undefined;
	const errors = (body as { errors?: unknown }).errors;
	if (!Array.isArray(errors)) return undefined;
	const parts: string[] = [];
	for (const entry of errors) {
		if (typeof entry === 'string') {
			parts.push(entry);
		} else if (typeof entry === 'object' && entry !== null) {
			const { title, detail } = entry as { title?: unknown; detail?: unknown };
			const text = [title, detail]
				.filter((part) => typeof part === 'string' && part !== '')
				.join(': ');
			if (text) parts.push(text);
		}
	}
	return parts.length > 0 ? parts.join('; ') : undefined;
}

export const datadogDoraApi: VendorApi = {
	displayName: 'Datadog',
	credentialType: DATADOG_DORA_CREDENTIAL_TYPE,
	errorMessage: (body) => datadogErrorMessage(body),
	hint(status, request) {
		if (status === 400) return ERROR_MESSAGES.badRequest;
		if (status === 401) return ERROR_MESSAGES.unauthorized;
		if (status === 403) return ERROR_MESSAGES.forbidden;
		if (status === 404) {
			if (request.url.includes('/deployment')) return ERROR_MESSAGES.notFound('deployment event');
			return ERROR_MESSAGES.notFound('failure event');
		}
		if (status === 429) return ERROR_MESSAGES.rateLimited;
		if (status >= 500) return ERROR_MESSAGES.serverError;
		return undefined;
	},
};

/** The API base URL of a credential: its site's host, or the custom URL without a trailing slash. */
export function datadogBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const site = String(credentials.site ?? 'datadoghq.com');
	if (site === 'custom') {
		const custom = String(credentials.baseUrl ?? '')
			.trim()
			.replace(/\/+$/, '');
		if (!/^https?:\/\//i.test(custom)) {
			throw new Error(
				'The Datadog DORA credential has Site "Custom URL" but no valid Custom URL (it must start with https:// or http://).',
			);
		}
		return custom;
	}
	const known = SITE_BASE_URLS[site as keyof typeof SITE_BASE_URLS];
	return known ?? `https://api.${site}`;
}

/**
 * When a response says the window is used up, every concurrent request of the account waits for
 * the reset instead of each earning its own 429.
 */
function pauseWhenExhausted(pacer: RequestPacer, response: VendorResponse): void {
	const remaining = headerValue(response.headers, 'x-ratelimit-remaining');
	const reset = headerValue(response.headers, 'x-ratelimit-reset');
	if (remaining === undefined || reset === undefined) return;
	if (Number(remaining) > 0) return;
	const seconds = Number(reset);
	// Reset is seconds to wait; a value that looks like an epoch time is not a wait and is ignored here
	// (the transport still honours it on a 429).
	if (Number.isFinite(seconds) && seconds > 0 && seconds < 3600) pacer.pauseFor(seconds * 1000);
}

/** One client per item: resolves the host and keys once; all requests of an org share one pacer. */
export class DatadogDoraClient {
	private constructor(
		private readonly context: DatadogContext,
		readonly baseUrl: string,
		readonly site: string,
		readonly hasAppKey: boolean,
		private readonly pacer: RequestPacer,
		private readonly itemIndex: number | undefined,
		private readonly secrets: string[],
	) {}

	static async create(context: DatadogContext, itemIndex?: number): Promise<DatadogDoraClient> {
		const credentials = await context.getCredentials(DATADOG_DORA_CREDENTIAL_TYPE, itemIndex);
		const baseUrl = datadogBaseUrl(credentials);
		const apiKey = String(credentials.apiKey ?? '').trim();
		const appKey = String(credentials.applicationKeySecret ?? '').trim();
		// Rate limits are per organisation: keyed by host and a digest of the API key, never the key.
		const keyDigest = createHash('sha256').update(apiKey).digest('hex').slice(0, 16);
		const pacer = getPacer(`datadog:${baseUrl}:${keyDigest}`, PACER_LIMIT);
		return new DatadogDoraClient(
			context,
			baseUrl,
			String(credentials.site ?? 'datadoghq.com'),
			appKey !== '',
			pacer,
			itemIndex,
			[apiKey, appKey],
		);
	}

	async request<T>(
		method: IHttpRequestMethods,
		path: string,
		body?: IDataObject,
		extra: VendorRequestOptions = {},
	): Promise<VendorResponse<T>> {
		const response = await vendorRequest<T>(
			this.context,
			datadogDoraApi,
			{
				method,
				baseURL: this.baseUrl,
				url: path,
				body,
				json: true,
				headers: { Accept: 'application/json' },
			},
			{ pacer: this.pacer, itemIndex: this.itemIndex, secrets: this.secrets, ...extra },
		);
		pauseWhenExhausted(this.pacer, response);
		return response;
	}
}
