import type { IDataObject } from 'n8n-workflow';

import type { FireHydrantClient } from '../transport';
import { EXPORT_REQUESTS_PATH } from '../constants';

/** One nightly report of one CSV source, as the export requests API returns it. */
export interface ExportRequest extends IDataObject {
	id: string;
	source: string;
	status: string;
	url?: string | null;
	created_at: string;
	window_starts_at?: string | null;
	window_ends_at?: string | null;
}

export interface ListExportRequestsFilter {
	/** Reports GENERATED after this instant (not incidents updated after it). */
	newerThan?: string;
	/** `completed`, `pending`, `errored`, `offline`, or undefined for all. */
	status?: string;
	limit?: number;
}

export async function listExportRequests(
	client: FireHydrantClient,
	filter: ListExportRequestsFilter,
): Promise<ExportRequest[]> {
	return await client.getAll<ExportRequest>(
		EXPORT_REQUESTS_PATH,
		{ newer_than: filter.newerThan, status: filter.status },
		filter.limit,
	);
}

/** Reading one export request mints a fresh signed url, valid for about five minutes. */
export async function getExportRequest(
	client: FireHydrantClient,
	id: string,
): Promise<ExportRequest> {
	const response = await client.request<ExportRequest | { data: ExportRequest }>(
		'GET',
		`${EXPORT_REQUESTS_PATH}/${encodeURIComponent(id)}`,
	);
	const body = response.body;
	// Single-record answers are documented bare; tolerate a `{data}` envelope as lists use.
	if (
		body &&
		typeof body === 'object' &&
		'data' in body &&
		body.data &&
		!Array.isArray(body.data)
	) {
		return body.data as ExportRequest;
	}
	return body as ExportRequest;
}

/** Oldest first, so that when two reports carry the same record version the newer report wins. */
export function byCreatedAt(a: ExportRequest, b: ExportRequest): number {
	return Date.parse(a.created_at) - Date.parse(b.created_at) || a.id.localeCompare(b.id);
}
