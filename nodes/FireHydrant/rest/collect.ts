import type { IDataObject } from 'n8n-workflow';

import { instantOf } from '../../../lib/dedupe';
import type { ExportSourceName } from '../constants';
import type { RowShapeOptions } from '../exports/rows';
import type { FireHydrantClient } from '../transport';
import type { IncidentEntity } from './entities';
import { ERROR_MESSAGES } from '../constants';
import { isGone, listEvents, listIncidents, listReports, listRoleAssignments, type IncidentFilter } from './incidents';
import {
	eventCells,
	impactCells,
	incidentCells,
	organizationIdOf,
	retrospectiveCells,
	roleAssignmentCells,
	shapeRestRow,
} from './rows';

export interface RestCollectOptions extends RowShapeOptions {
	sources: readonly string[];
	filter: IncidentFilter;
}

export interface RestCollectedRows {
	rows: IDataObject[];
	hints: string[];
	/** Incidents the run listed (including skipped ones). */
	incidentCount: number;
	/** Ids of incidents that were deleted between the list and a detail call. */
	skippedIncidentIds: string[];
}

/**
 * The export's five row kinds, built from the REST API for the incidents changed in the filter's
 * window: incident rows and their impacts from the incident list, role assignments and events
 * from one call each per incident, retrospectives from the reports list (`updated_since`).
 *
 * Every request goes through the client's account-wide pacer, so a Return All over thousands of
 * incidents stays under FireHydrant's limit instead of leaning on 429 retries.
 */
export async function collectRestRows(client: FireHydrantClient, options: RestCollectOptions): Promise<RestCollectedRows> {
	const wants = (source: ExportSourceName) => options.sources.includes(source);
	const hints: string[] = [];
	const skippedIncidentIds: string[] = [];
	const rows: IDataObject[] = [];
	const needIncidents = wants('incident') || wants('incident_role_assignment') || wants('incident_event') || wants('incident_impact');
	const incidents: IncidentEntity[] = needIncidents || wants('retrospective') ? await listIncidents(client, options.filter) : [];
	const organizationByIncident = new Map<string, string | null>();

	for (const incident of incidents) {
		organizationByIncident.set(incident.id, organizationIdOf(incident));
		if (!needIncidents) continue;
		const roleAssignments = wants('incident_role_assignment') ? await listRoleAssignments(client, incident.id) : [];
		const events = !isGone(roleAssignments) && wants('incident_event') ? await listEvents(client, incident.id) : [];
		if (isGone(roleAssignments) || isGone(events)) {
			skippedIncidentIds.push(incident.id);
			continue;
		}
		// Rows of one incident are added only once all of its calls succeeded: an incident is
		// emitted whole or not at all.
		if (wants('incident')) rows.push(shapeRestRow(incidentCells(incident), 'incident', options));
		for (const assignment of roleAssignments) {
			rows.push(shapeRestRow(roleAssignmentCells(assignment, incident), 'incident_role_assignment', options));
		}
		for (const event of events) rows.push(shapeRestRow(eventCells(event, incident), 'incident_event', options));
		if (wants('incident_impact')) {
			for (const impact of incident.impacts ?? []) rows.push(shapeRestRow(impactCells(impact, incident), 'incident_impact', options));
		}
	}

	if (wants('retrospective')) {
		const before = instantOf(options.filter.updatedBefore);
		const fallbackOrganization = incidents.length > 0 ? organizationIdOf(incidents[0]) : null;
		for (const report of await listReports(client, options.filter.updatedAfter)) {
			const updated = instantOf(report.updated_at);
			if (before !== undefined && updated !== undefined && updated >= before) continue;
			const organizationId = organizationByIncident.get(String(report.incident_id)) ?? fallbackOrganization;
			rows.push(shapeRestRow(retrospectiveCells(report, organizationId), 'retrospective', options));
		}
	}

	for (const id of skippedIncidentIds) hints.push(ERROR_MESSAGES.incidentGone(id));
	return { rows, hints, incidentCount: incidents.length, skippedIncidentIds };
}
