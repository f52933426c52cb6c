import type { Readable } from 'node:stream';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestMethods,
} from 'n8n-workflow';

import { walkPages } from '../../../lib/pages';
import { getPacer, type RequestPacer } from '../../../lib/pacer';
import { credentialSecretForms } from '../../../lib/redact';
import type {
	RequestContext,
	VendorApi,
	VendorRequestOptions,
	VendorResponse,
} from '../../../lib/transport';
import { compactQuery, vendorRequest } from '../../../lib/transport';
import {
	ACCOUNT_RATE_LIMIT,
	ERROR_MESSAGES,
	FIREHYDRANT_CREDENTIAL_TYPE,
	MAX_PAGE_SIZE,
	REGION_BASE_URLS,
} from '../constants';

export interface ListOptions {
	/** Records wanted in all; undefined for every record. */
	limit?: number;
	/** Records per page; the API's largest by default. */
	pageSize?: number;
	/** Called when the first page answers 404 (the list's parent is gone); the walk then ends. */
	goneOn404?: () => void;
}

export interface FireHydrantContext extends RequestContext {
	getCredentials(type: string, itemIndex?: number): Promise<ICredentialDataDecryptedObject>;
}

/** FireHydrant's list envelope. */
export interface FireHydrantPage<T> {
	data: T[];
	pagination?: {
		count?: number;
		page?: number;
		items?: number;
		pages?: number;
		last?: number | null;
		prev?: number | null;
		next?: number | null;
	};
}

function xmlMessage(text: string): string | undefined {
	const code = /<Code>([^<]*)<\/Code>/i.exec(text)?.[1];
	const message = /<Message>([^<]*)<\/Message>/i.exec(text)?.[1];
	if (!code && !message) return undefined;
	return [code, message].filter(Boolean).join(': ');
}

/** FireHydrant errors look like `{detail, messages[], meta, code}`; a 429 like `{error}`. */
export function fireHydrantErrorMessage(body: unknown): string | undefined {
	if (typeof body === 'string') {
		const trimmed = body.trim();
		if (!trimmed) return undefined;
		return xmlMessage(trimmed) ?? trimmed.slice(0, 300);
	}
	if (typeof body !== 'object' || body === null) return undefined;
	const record = body as Record<string, unknown>;
	const parts: string[] = [];
	if (typeof record.detail === 'string') parts.push(record.detail);
	if (Array.isArray(record.messages)) {
		for (const message of record.messages)
			if (typeof message === 'string' && !parts.includes(message)) parts.push(message);
	}
	if (typeof record.error === 'string') parts.push(record.error);
	if (typeof record.message === 'string' && !parts.includes(record.message))
		parts.push(record.message);
	return parts.length > 0 ? parts.join('; ') : undefined;
}

export const fireHydrantApi: VendorApi = {
	displayName: 'FireHydrant',
	credentialType: FIREHYDRANT_CREDENTIAL_TYPE,
	errorMessage: (body) => fireHydrantErrorMessage(body),
	hint(status, request) {
		// Publishing a FireHydrant Trigger registers its URL; a refusal there is about webhooks.
		if (request.url.includes('/v1/webhooks')) {
			if (status === 401) return ERROR_MESSAGES.webhooksUnauthorized;
			if (status === 403) return ERROR_MESSAGES.webhooksForbidden;
		}
		if (status === 401) return ERROR_MESSAGES.unauthorized;
		if (status === 403)
			return request.url.includes('/data_export/')
				? ERROR_MESSAGES.forbidden
				: ERROR_MESSAGES.forbiddenRest;
		if (status === 404 && request.url.includes('/data_export/export_requests/')) {
			return ERROR_MESSAGES.notFoundExportRequest;
		}
		if (status === 404 && /\/v1\/incidents\/[^/]+$/.test(request.url.split('?')[0]))
			return ERROR_MESSAGES.notFoundIncident;
		if (status === 429) return ERROR_MESSAGES.rateLimited;
		if (status >= 500) return ERROR_MESSAGES.serverError;
		return undefined;
	},
};

/** The API host for a credential: the region's, or the custom base URL without a trailing slash. */
export function fireHydrantBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const region = String(credentials.region ?? 'us');
	if (region === 'custom') {
		const custom = String(credentials.baseUrl ?? '')
			.trim()
			.replace(/\/+$/, '');
		if (!/^https?:\/\//i.test(custom)) {
			throw new Error(
				'The FireHydrant credential has region "Custom Base URL" but no valid Base URL (it must start with https:// or http://).',
			);
		}
		return custom;
	}
	return region === 'eu' ? REGION_BASE_URLS.eu : REGION_BASE_URLS.us;
}

/**
 * One client per node run: resolves the host once, and paces every request of the account
 * through one shared pacer (the limit is per account, not per node or per token).
 */
export class FireHydrantClient {
	private constructor(
		private readonly context: FireHydrantContext,
		readonly baseUrl: string,
		private readonly pacer: RequestPacer,
		private readonly itemIndex: number | undefined,
		/** The token in every form it may be sent or quoted back in, kept out of messages. */
		private readonly secrets: string[],
	) {}

	static async create(context: FireHydrantContext, itemIndex?: number): Promise<FireHydrantClient> {
		const credentials = await context.getCredentials(FIREHYDRANT_CREDENTIAL_TYPE, itemIndex);
		const baseUrl = fireHydrantBaseUrl(credentials);
		const pacer = getPacer(`firehydrant:${baseUrl}`, ACCOUNT_RATE_LIMIT);
		return new FireHydrantClient(
			context,
			baseUrl,
			pacer,
			itemIndex,
			credentialSecretForms(credentials.apiToken),
		);
	}

	private options(extra: VendorRequestOptions = {}): VendorRequestOptions {
		return { pacer: this.pacer, itemIndex: this.itemIndex, secrets: this.secrets, ...extra };
	}

	async request<T>(
		method: IHttpRequestMethods,
		path: string,
		query: Record<string, unknown> = {},
		body?: IDataObject,
		extra?: VendorRequestOptions,
	): Promise<VendorResponse<T>> {
		return await vendorRequest<T>(
			this.context,
			fireHydrantApi,
			{ method, baseURL: this.baseUrl, url: path, qs: compactQuery(query), body, json: true },
			this.options(extra),
		);
	}

	/**
	 * The pages of a list, walked by `page`/`per_page` through the shared walker (repeated-page
	 * guard, cap on pages per run, Limit pushed down). With `goneOn404`, a 404 on the first page
	 * (the parent record was deleted) calls it and ends the walk instead of failing; a 404 on a later
	 * page ends the walk with what was read.
	 */
	pages<T>(
		path: string,
		query: Record<string, unknown> = {},
		options: ListOptions = {},
	): AsyncGenerator<T[]> {
		return walkPages<T, number>({
			node: this.context.getNode(),
			itemIndex: this.itemIndex,
			vendor: fireHydrantApi.displayName,
			list: `GET ${path}`,
			style: 'page number',
			maxPageSize: options.pageSize ?? MAX_PAGE_SIZE,
			limit: options.limit,
			start: 1,
			fetchPage: async ({ position, pageSize, pageNumber }) => {
				const response = await this.request<FireHydrantPage<T>>(
					'GET',
					path,
					{ ...query, page: position, per_page: pageSize },
					undefined,
					options.goneOn404 ? { acceptStatuses: [404] } : undefined,
				);
				if (response.statusCode === 404) {
					if (pageNumber === 1) options.goneOn404?.();
					return undefined;
				}
				const data = Array.isArray(response.body?.data) ? response.body.data : [];
				const next = response.body?.pagination?.next;
				return {
					items: data,
					next: next === null || next === undefined ? undefined : Number(next),
				};
			},
		});
	}

	/** Every record of a list (see {@link pages}), up to `limit`. */
	async getAll<T>(path: string, query: Record<string, unknown> = {}, limit?: number): Promise<T[]> {
		let results: T[] = [];
		// concat, not push(...), so a very large page cannot overflow the call stack
		for await (const page of this.pages<T>(path, query, { limit })) results = results.concat(page);
		return results;
	}

	/**
	 * Downloads a pre-signed storage URL as a stream. It is not authenticated: the signature is in
	 * the URL, and the FireHydrant token must never be sent to the storage host. Statuses that
	 * mean "expired" or "expunged" are answers the caller handles, not errors.
	 */
	async download(url: string): Promise<VendorResponse<Readable>> {
		return await vendorRequest<Readable>(
			this.context,
			fireHydrantApi,
			{ method: 'GET', url, encoding: 'stream', json: false },
			this.options({
				authenticate: false,
				pacer: undefined,
				acceptStatuses: [400, 401, 403, 404, 410],
			}),
		);
	}
}
