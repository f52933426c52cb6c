import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { collectPages } from '../../../lib/pages';
import { getPacer, type RequestPacer } from '../../../lib/pacer';
import { credentialSecretForms } from '../../../lib/redact';
import type { RequestContext, VendorApi, VendorResponse } from '../../../lib/transport';
import { vendorRequest } from '../../../lib/transport';
import {
	DEFAULT_BASE_URL,
	ERROR_MESSAGES,
	GENERAL_RATE_LIMIT,
	INCIDENT_IO_CREDENTIAL_TYPE,
	INCIDENT_LIST_RATE_LIMIT,
} from '../constants';

export interface IncidentIoContext extends RequestContext {
	getCredentials(type: string, itemIndex?: number): Promise<ICredentialDataDecryptedObject>;
}

/** A query value: one string, or several sent as the same key repeated (`a[one_of]=x&a[one_of]=y`). */
export type QueryValue = string | number | boolean | readonly string[] | undefined;
export type Query = Record<string, QueryValue>;

interface IncidentIoErrorBody {
	type?: unknown;
	errors?: Array<{ code?: unknown; message?: unknown; source?: { field?: unknown } }>;
}

/** incident.io errors look like `{type, status, request_id, errors:[{code, message, source:{field}}]}`. */
export function incidentIoErrorMessage(body: unknown): string | undefined {
	if (typeof body === 'string') return body.trim() ? body.trim().slice(0, 300) : undefined;
	if (typeof body !== 'object' || body === null) return undefined;
	const record = body as IncidentIoErrorBody;
	const parts: string[] = [];
	for (const error of Array.isArray(record.errors) ? record.errors : []) {
		if (typeof error?.message !== 'string') continue;
		const field = typeof error.source?.field === 'string' ? ` (field "${error.source.field}")` : '';
		parts.push(`${error.message}${field}`);
	}
	if (parts.length === 0 && typeof record.type === 'string') parts.push(record.type);
	return parts.length > 0 ? parts.join('; ') : undefined;
}

/**
 * The scope a request needs, from its path, so a 403 names what to add to the key. Names as the
 * incident.io dashboard shows them when creating a key.
 */
export function scopeFor(url: string): string {
	if (/\/v\d\/catalog_/.test(url)) return 'View catalog types and entries';
	if (/\/v\d\/(incidents|actions|follow_ups|incident_updates)/.test(url)) {
		return 'View data, like public incidents and organisation settings (and "View all incident data, including private incidents" for private ones)';
	}
	return 'View data, like public incidents and organisation settings';
}

export const incidentIoApi: VendorApi = {
	displayName: 'incident.io',
	credentialType: INCIDENT_IO_CREDENTIAL_TYPE,
	errorMessage: (body) => incidentIoErrorMessage(body),
	hint(status, request) {
		if (status === 401) return ERROR_MESSAGES.unauthorized;
		if (status === 403) return ERROR_MESSAGES.forbidden(scopeFor(request.url));
		if (status === 404)
			return 'incident.io has no record at this address; it may have been deleted. Double-check the ID parameter.';
		if (status === 422) return ERROR_MESSAGES.unprocessable;
		if (status === 429) return ERROR_MESSAGES.rateLimited;
		if (status >= 500) return ERROR_MESSAGES.serverError;
		return undefined;
	},
};

/** The API host of a credential, without a trailing slash. */
export function incidentIoBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const raw = String(credentials.baseUrl ?? '')
		.trim()
		.replace(/\/+$/, '');
	const baseUrl = raw || DEFAULT_BASE_URL;
	if (!/^https?:\/\//i.test(baseUrl)) {
		throw new Error(
			'The incident.io credential has a Base URL that does not start with https:// or http://.',
		);
	}
	return baseUrl;
}

/**
 * Keys of the two pacers of one account. Exported so a host (or a test against a sandbox with a
 * short window) can register pacers with other windows before the nodes first ask for them.
 */
export function pacerKeys(baseUrl: string): { general: string; incidentList: string } {
	return {
		general: `incident-io:${baseUrl}`,
		incidentList: `incident-io:${baseUrl}:list-incidents`,
	};
}

/** Builds `path?query` with repeated keys for lists, which is how incident.io reads `one_of` filters. */
export function buildUrl(path: string, query: Query = {}): string {
	const params = new URLSearchParams();
	for (const [key, value] of Object.entries(query)) {
		if (value === undefined || value === '') continue;
		if (Array.isArray(value)) {
			for (const entry of value as readonly string[]) params.append(key, entry);
		} else {
			params.append(key, String(value));
		}
	}
	const text = params.toString();
	return text ? `${path}?${text}` : path;
}

export interface ListRequest {
	path: string;
	/** Key of the array in the response. */
	listKey: string;
	/** Largest page the list serves; undefined for a list the API does not paginate. */
	pageSize?: number;
	query?: Query;
	/** Records wanted in all; undefined for every record. */
	limit?: number;
}

export interface PaginatedBody {
	pagination_meta?: { after?: string; page_size?: number };
	[key: string]: unknown;
}

/**
 * One client per node run: resolves the host once and paces every request through the account's
 * pacers (the 60-a-minute incident list counts against the 1200-a-minute account limit too).
 */
export class IncidentIoClient {
	private constructor(
		private readonly context: IncidentIoContext,
		readonly baseUrl: string,
		private readonly general: RequestPacer,
		private readonly incidentList: RequestPacer,
		private readonly itemIndex: number | undefined,
		/** The key in every form it may be sent or quoted back in, kept out of messages. */
		private readonly secrets: string[],
	) {}

	static async create(context: IncidentIoContext, itemIndex?: number): Promise<IncidentIoClient> {
		const credentials = await context.getCredentials(INCIDENT_IO_CREDENTIAL_TYPE, itemIndex);
		const baseUrl = incidentIoBaseUrl(credentials);
		const keys = pacerKeys(baseUrl);
		return new IncidentIoClient(
			context,
			baseUrl,
			getPacer(keys.general, GENERAL_RATE_LIMIT),
			getPacer(keys.incidentList, INCIDENT_LIST_RATE_LIMIT),
			itemIndex,
			credentialSecretForms(credentials.apiKey),
		);
	}

	async get<T>(
		path: string,
		query: Query = {},
		acceptStatuses?: readonly number[],
	): Promise<VendorResponse<T>> {
		if (path === '/v2/incidents') await this.incidentList.acquire();
		return await vendorRequest<T>(
			this.context,
			incidentIoApi,
			{ method: 'GET', baseURL: this.baseUrl, url: buildUrl(path, query), json: true },
			{ pacer: this.general, itemIndex: this.itemIndex, secrets: this.secrets, acceptStatuses },
		);
	}

	/**
	 * Every record of a list, through the shared walker. A paginated list (`pageSize` given) is
	 * walked by `after` / `pagination_meta.after` until the API leaves `after` out (or sends an
	 * empty page), asking only for as many records as the limit still needs; a cursor handed out
	 * twice, or more pages than one run may read, is an error. A list the API does not paginate is
	 * one request without `page_size`, cut to the limit.
	 */
	async list<T>(request: ListRequest): Promise<T[]> {
		return (await this.walkList<T>(request, false)) ?? [];
	}

	/**
	 * As list, but `undefined` when the FIRST request answers 404: the path does not exist for
	 * this account or API version, and the caller falls back to an older one. A 404 on a later
	 * page is an error like any other.
	 */
	async listIfAvailable<T>(request: ListRequest): Promise<T[] | undefined> {
		return await this.walkList<T>(request, true);
	}

	private async walkList<T>(
		request: ListRequest,
		missingAsUndefined: boolean,
	): Promise<T[] | undefined> {
		const { path, listKey, pageSize, query = {}, limit } = request;
		let missing = false;
		const records = await collectPages<T, string>({
			node: this.context.getNode(),
			itemIndex: this.itemIndex,
			vendor: incidentIoApi.displayName,
			list: `GET ${path}`,
			style: 'cursor',
			// An unpaginated list answers everything at once; the walker then only applies the limit.
			maxPageSize: pageSize ?? Number.POSITIVE_INFINITY,
			limit,
			fetchPage: async ({ position, pageSize: wanted }) => {
				const firstPage = position === undefined;
				const response = await this.get<PaginatedBody>(
					path,
					pageSize === undefined ? query : { ...query, page_size: wanted, after: position },
					missingAsUndefined && firstPage ? [404] : undefined,
				);
				if (response.statusCode === 404) {
					missing = true;
					return undefined;
				}
				const page = Array.isArray(response.body?.[listKey]) ? (response.body[listKey] as T[]) : [];
				return {
					items: page,
					next: pageSize === undefined ? undefined : response.body?.pagination_meta?.after,
				};
			},
		});
		return missing ? undefined : records;
	}
}
