import type { IDataObject } from 'n8n-workflow';

import { instantOf, NewestWins } from '../../../lib/dedupe';
import { ERROR_MESSAGES, MAX_PAGE_SIZE, type ExportSourceName } from '../constants';
import type { RowShapeOptions } from '../dataExports/rows';
import type { FireHydrantClient } from '../transport';
import {
	incidentPages,
	isGone,
	listEvents,
	listRoleAssignments,
	reportPages,
	type IncidentFilter,
} from './incidents';
import {
	eventCells,
	impactCells,
	incidentCells,
	incidentUpdatedAt,
	organizationIdOf,
	retrospectiveCells,
	roleAssignmentCells,
	shapeRestRow,
} from './rows';

export interface RestCollectOptions extends RowShapeOptions {
	sources: readonly string[];
	filter: IncidentFilter;
	/** One row per source and record id, the one with the newest updated_at ("Deduplicate"). */
	deduplicate: boolean;
	/** Rows wanted; no request is made once this many are in hand. Undefined: every row. */
	limit?: number;
}

export interface RestCollectedRows {
	rows: IDataObject[];
	hints: string[];
	/** Incidents the run listed (including skipped ones and repeats). */
	incidentCount: number;
	/** Ids of incidents that were deleted between the list and a detail call. */
	skippedIncidentIds: string[];
}

/**
 * The rows of a run, in arrival order: every row as read, or with Deduplicate one row per source
 * and record id (the newest `updated_at` wins, as for export rows).
 */
class RestRows {
	private readonly newest = new NewestWins<IDataObject>();
	private readonly all: IDataObject[] = [];

	constructor(private readonly deduplicate: boolean) {}

	add(
		source: ExportSourceName,
		cells: Record<string, string | null>,
		options: RowShapeOptions,
	): void {
		const row = shapeRestRow(cells, source, options);
		if (this.deduplicate)
			this.newest.offer(`${source}\u0000${String(cells.id)}`, cells.updated_at, row);
		else this.all.push(row);
	}

	get size(): number {
		return this.deduplicate ? this.newest.size : this.all.length;
	}

	values(limit?: number): IDataObject[] {
		const rows = this.deduplicate ? Array.from(this.newest.values()) : this.all;
		return limit === undefined ? rows : rows.slice(0, limit);
	}
}

/**
 * The export's five row kinds, built from the REST API for the incidents changed in the filter's
 * window: incident rows and their impacts from the incident list, role assignments and events
 * from one call each per incident, retrospectives from the reports list (`updated_since`).
 *
 * Incidents are handled page by page as the list arrives, so with a Limit the run stops asking
 * (no further list page, no further sub-requests) as soon as that many rows are in hand. Every
 * request goes through the client's account-wide pacer, so a Return All over thousands of
 * incidents stays under FireHydrant's limit instead of leaning on 429 retries.
 */
export async function collectRestRows(
	client: FireHydrantClient,
	options: RestCollectOptions,
): Promise<RestCollectedRows> {
	const wants = (source: ExportSourceName) => options.sources.includes(source);
	const hints: string[] = [];
	const skippedIncidentIds: string[] = [];
	const rows = new RestRows(options.deduplicate);
	const full = () => options.limit !== undefined && rows.size >= options.limit;
	const needIncidents =
		wants('incident') ||
		wants('incident_role_assignment') ||
		wants('incident_event') ||
		wants('incident_impact');
	const organizationByIncident = new Map<string, string | null>();
	let firstOrganization: string | null | undefined;
	/** The newest version of each incident whose rows were built; a repeat that is not newer is skipped. */
	const builtVersion = new Map<string, number | undefined>();
	let incidentCount = 0;
	// One incident row per listed incident: the limit can be pushed down to the list itself.
	const onlyIncidentRows = options.sources.every((source) => source === 'incident');
	const incidentPageSize =
		options.limit !== undefined && onlyIncidentRows
			? Math.min(MAX_PAGE_SIZE, Math.max(1, options.limit))
			: undefined;

	if (needIncidents || wants('retrospective')) {
		listing: for await (const page of incidentPages(client, options.filter, {
			pageSize: incidentPageSize,
			keepRepeats: true,
		})) {
			for (const incident of page) {
				incidentCount++;
				organizationByIncident.set(incident.id, organizationIdOf(incident));
				if (firstOrganization === undefined) firstOrganization = organizationIdOf(incident);
				if (!needIncidents) continue;
				const version = instantOf(incidentUpdatedAt(incident));
				if (builtVersion.has(incident.id)) {
					// Listed again (it moved across a page boundary). Without Deduplicate every copy is
					// a row; with it only a newer version is worth its sub-requests.
					const built = builtVersion.get(incident.id);
					if (
						options.deduplicate &&
						(version === undefined || built === undefined || version <= built)
					)
						continue;
				}
				builtVersion.set(incident.id, version);
				const roleAssignments = wants('incident_role_assignment')
					? await listRoleAssignments(client, incident.id)
					: [];
				const events =
					!isGone(roleAssignments) && wants('incident_event')
						? await listEvents(client, incident.id)
						: [];
				if (isGone(roleAssignments) || isGone(events)) {
					skippedIncidentIds.push(incident.id);
					continue;
				}
				// Rows of one incident are added only once all of its calls succeeded: an incident is
				// emitted whole or not at all.
				if (wants('incident')) rows.add('incident', incidentCells(incident), options);
				for (const assignment of roleAssignments)
					rows.add('incident_role_assignment', roleAssignmentCells(assignment, incident), options);
				for (const event of events)
					rows.add('incident_event', eventCells(event, incident), options);
				if (wants('incident_impact')) {
					for (const impact of incident.impacts ?? [])
						rows.add('incident_impact', impactCells(impact, incident), options);
				}
				// Leaving the loop ends the page walk: no further list page is requested either.
				if (full()) break listing;
			}
		}
	}

	if (wants('retrospective') && !full()) {
		const before = instantOf(options.filter.updatedBefore);
		const reportPageSize =
			options.limit === undefined
				? undefined
				: Math.min(MAX_PAGE_SIZE, Math.max(1, options.limit - rows.size));
		reports: for await (const page of reportPages(
			client,
			options.filter.updatedAfter,
			reportPageSize,
		)) {
			for (const report of page) {
				if (full()) break reports;
				const updated = instantOf(report.updated_at);
				if (before !== undefined && updated !== undefined && updated >= before) continue;
				const organizationId =
					organizationByIncident.get(String(report.incident_id)) ?? firstOrganization ?? null;
				rows.add('retrospective', retrospectiveCells(report, organizationId), options);
			}
		}
	}

	for (const id of skippedIncidentIds) hints.push(ERROR_MESSAGES.incidentGone(id));
	return { rows: rows.values(options.limit), hints, incidentCount, skippedIncidentIds };
}
