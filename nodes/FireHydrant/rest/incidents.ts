import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { ERROR_MESSAGES, MAX_PAGE_SIZE } from '../constants';
import type { FireHydrantClient, FireHydrantPage } from '../transport';
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
 * Incidents matching the filter, each once: a page boundary can shift while paging (an incident
 * changes and moves to the front), so the same incident can come twice and is kept once.
 */
export async function listIncidents(client: FireHydrantClient, filter: IncidentFilter, limit?: number): Promise<IncidentEntity[]> {
	const seen = new Set<string>();
	const incidents: IncidentEntity[] = [];
	let page = 1;
	for (;;) {
		const remaining = limit === undefined ? MAX_PAGE_SIZE : limit - incidents.length;
		if (remaining <= 0) break;
		const response = await client.request<FireHydrantPage<IncidentEntity>>('GET', INCIDENTS_PATH, {
			...incidentQuery(filter),
			page,
			per_page: MAX_PAGE_SIZE,
		});
		const data = Array.isArray(response.body?.data) ? response.body.data : [];
		for (const incident of data) {
			if (!incident || typeof incident.id !== 'string' || seen.has(incident.id)) continue;
			seen.add(incident.id);
			incidents.push(incident);
			if (limit !== undefined && incidents.length >= limit) break;
		}
		const next = response.body?.pagination?.next;
		if (next === null || next === undefined || data.length === 0) break;
		page = Number(next);
	}
	return incidents;
}

export async function getIncident(client: FireHydrantClient, id: string): Promise<IncidentEntity> {
	const response = await client.request<IncidentEntity | { data: IncidentEntity }>('GET', `${INCIDENTS_PATH}/${encodeURIComponent(id)}`);
	const body = response.body as IDataObject;
	// Single records are documented bare; tolerate the `{data}` envelope lists use.
	if (body && typeof body.data === 'object' && body.data !== null && !Array.isArray(body.data)) return body.data as IncidentEntity;
	return body as IncidentEntity;
}

/** Answers "gone" instead of throwing when the incident was deleted after it was listed. */
export type Gone = { gone: true };
export const GONE: Gone = { gone: true };

async function pagesOf<T>(client: FireHydrantClient, path: string, query: Record<string, unknown> = {}): Promise<T[] | Gone> {
	let results: T[] = [];
	let page = 1;
	for (;;) {
		const response = await client.request<FireHydrantPage<T>>('GET', path, { ...query, page, per_page: MAX_PAGE_SIZE }, undefined, {
			acceptStatuses: [404],
		});
		if (response.statusCode === 404) {
			if (page === 1) return GONE;
			break;
		}
		const data = Array.isArray(response.body?.data) ? response.body.data : [];
		results = results.concat(data);
		const next = response.body?.pagination?.next;
		if (next === null || next === undefined || data.length === 0) break;
		page = Number(next);
	}
	return results;
}

export async function listRoleAssignments(client: FireHydrantClient, incidentId: string): Promise<RoleAssignmentEntity[] | Gone> {
	return await pagesOf<RoleAssignmentEntity>(client, `${INCIDENTS_PATH}/${encodeURIComponent(incidentId)}/role_assignments`);
}

export async function listEvents(client: FireHydrantClient, incidentId: string): Promise<EventEntity[] | Gone> {
	return await pagesOf<EventEntity>(client, `${INCIDENTS_PATH}/${encodeURIComponent(incidentId)}/events`);
}

export async function listReports(client: FireHydrantClient, updatedSince?: string): Promise<ReportEntity[]> {
	return await client.getAll<ReportEntity>(REPORTS_PATH, { updated_since: updatedSince });
}

export function isGone<T>(value: T | Gone): value is Gone {
	return typeof value === 'object' && value !== null && (value as Gone).gone === true;
}

/** A 404 on `GET /v1/incidents/{id}` names the parameter to fix. */
export function incidentNotFound(node: INode, id: string, itemIndex: number): NodeOperationError {
	return new NodeOperationError(node, `FireHydrant has no incident with ID "${id}" in this account`, {
		itemIndex,
		description: ERROR_MESSAGES.notFoundIncident,
	});
}
