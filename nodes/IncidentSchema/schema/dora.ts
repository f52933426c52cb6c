import type { IDataObject } from 'n8n-workflow';

import { deriveEventId } from '../../DatadogDora/events';
import type { IncidentRow } from './columns';

/**
 * A normalized incident as the parameters of the Datadog DORA node's Failure → Send: the field
 * names are that node's parameter names, so each parameter is `{{ $json.<name> }}`. The Event ID is
 * derived from `incident_key` with the Datadog node's own derivation, so sending the same incident
 * again updates its failure event; send it with "Derive Event ID" off (it already is a valid ID).
 */
export interface DoraFailureItem extends IDataObject {
	eventId: string;
	startedAt: string;
	finishedAt: string | null;
	services: string[];
	team: string;
	env: string;
	name: string;
	severity: string;
	incident_key: string;
}

export type DoraSkipReason = 'noServiceOrTeam' | 'noStart';

/** The failure item, or why the incident cannot be one. Datadog needs a start and a service or team. */
export function toDoraFailure(
	row: IncidentRow,
): { item: DoraFailureItem } | { skipped: DoraSkipReason } {
	const services = row.services ?? [];
	const team = row.teams?.[0] ?? '';
	if (services.length === 0 && team === '') return { skipped: 'noServiceOrTeam' };
	const startedAt = row.started_at ?? row.created_at;
	if (startedAt === null) return { skipped: 'noStart' };
	return {
		item: {
			eventId: deriveEventId(row.incident_key),
			startedAt,
			finishedAt: row.resolved_at,
			services,
			team,
			env: row.environment ?? '',
			name: row.title ?? row.reference ?? row.incident_key,
			severity: row.severity_raw ?? '',
			incident_key: row.incident_key,
		},
	};
}
