import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { ERROR_MESSAGES, MAX_PAGE_SIZE } from '../constants';
import type { FireHydrantClient } from '../transport';
import type { EventEntity, IncidentEntity, ReportEntity, RoleAssignmentEntity } from './entities';

export const INCIDENTS_PATH = '/v1/incidents';
export const REPORTS_PATH = '/v1/post_mortems/reports';

/** The list filters of `GET /v1/incidents` this pack offers. */
export interface IncidentFilter {
	/** Changed strictly after this instant (ISO 8601). */
	updatedAfter?: string;
	/** Changed strictly before this instant. */
	updatedBefore?: string;
	createdAtOrAfter?: string;
	archived?: boolean;
	status?: string;
	/** Comma-separated, as the API takes them. */
	severities?: string;
	teams?: string;
	services?: string;
}

function incidentQuery(filter: IncidentFilter): Record<string, unknown> {
	return {
		updated_after: filter.updatedAfter,
		updated_before: filter.updatedBefore,
		created_at_or_after: filter.createdAtOrAfter,
		archived: filter.archived === undefined ? undefined : String(filter.archived),
		status: filter.status,
		severities: filter.severities,
		teams: filter.teams,
		services: filter.services,
	};
}

/**
 * Incidents matching the filter, page by page as they arrive; a caller that stops consuming stops
 * the requests. A page boundary can shift while paging (an incident changes and moves to the
 * front), so the same incident can come twice: it is kept once, unless `keepRepeats` asks for
 * every copy (the later one may be the newer version).
 */
export async function* incidentPages(
	client: FireHydrantClient,
	filter: IncidentFilter,
	options: { pageSize?: number; keepRepeats?: boolean } = {},
): AsyncGenerator<IncidentEntity[]> {
	const seen = new Set<string>();
	for await (const page of client.pages<IncidentEntity>(INCIDENTS_PATH, incidentQuery(filter), {
		pageSize: options.pageSize,
	})) {
		const fresh: IncidentEntity[] = [];
		for (const incident of page) {
			if (!incident || typeof incident.id !== 'string') continue;
			if (!options.keepRepeats && seen.has(incident.id)) continue;
			seen.add(incident.id);
			fresh.push(incident);
		}
		if (fresh.length > 0) yield fresh;
	}
}

/** Incidents matching the filter, each once, up to `limit` (asking for no more than it needs). */
export async function listIncidents(
	client: FireHydrantClient,
	filter: IncidentFilter,
	limit?: number,
): Promise<IncidentEntity[]> {
	let incidents: IncidentEntity[] = [];
	const pageSize =
		limit === undefined ? MAX_PAGE_SIZE : Math.min(MAX_PAGE_SIZE, Math.max(1, limit));
	for await (const page of incidentPages(client, filter, { pageSize })) {
		incidents = incidents.concat(
			limit === undefined ? page : page.slice(0, limit - incidents.length),
		);
		if (limit !== undefined && incidents.length >= limit) break;
	}
	return incidents;
}

export async function getIncident(client: FireHydrantClient, id: string): Promise<IncidentEntity> {
	const response = await client.request<IncidentEntity | { data: IncidentEntity }>(
		'GET',
		`${INCIDENTS_PATH}/${encodeURIComponent(id)}`,
	);
	const body = response.body as IDataObject;
	// Single records are documented bare; tolerate the `{data}` envelope lists use.
	if (body && typeof body.data === 'object' && body.data !== null && !Array.isArray(body.data))
		return body.data as IncidentEntity;
	return body as IncidentEntity;
}

/** Answers "gone" instead of throwing when the incident was deleted after it was listed. */
export type Gone = { gone: true };
export const GONE: Gone = { gone: true };

async function pagesOf<T>(client: FireHydrantClient, path: string): Promise<T[] | Gone> {
	let gone = false;
	let results: T[] = [];
	for await (const page of client.pages<T>(path, {}, { goneOn404: () => (gone = true) }))
		results = results.concat(page);
	return gone ? GONE : results;
}

export async function listRoleAssignments(
	client: FireHydrantClient,
	incidentId: string,
): Promise<RoleAssignmentEntity[] | Gone> {
	return await pagesOf<RoleAssignmentEntity>(
		client,
		`${INCIDENTS_PATH}/${encodeURIComponent(incidentId)}/role_assignments`,
	);
}

export async function listEvents(
	client: FireHydrantClient,
	incidentId: string,
): Promise<EventEntity[] | Gone> {
	return await pagesOf<EventEntity>(
		client,
		`${INCIDENTS_PATH}/${encodeURIComponent(incidentId)}/events`,
	);
}

/** Post-mortem reports changed since a time, page by page as they arrive. */
export function reportPages(
	client: FireHydrantClient,
	updatedSince?: string,
	pageSize?: number,
): AsyncGenerator<ReportEntity[]> {
	return client.pages<ReportEntity>(REPORTS_PATH, { updated_since: updatedSince }, { pageSize });
}

export function isGone<T>(value: T | Gone): value is Gone {
	return typeof value === 'object' && value !== null && (value as Gone).gone === true;
}

/** A 404 on `GET /v1/incidents/{id}` names the parameter to fix. */
export function incidentNotFound(node: INode, id: string, itemIndex: number): NodeOperationError {
	return new NodeOperationError(
		node,
		`FireHydrant has no incident with ID "${id}" in this account`,
		{
			itemIndex,
			description: ERROR_MESSAGES.notFoundIncident,
		},
	);
}
