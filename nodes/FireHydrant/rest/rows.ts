import type { IDataObject } from 'n8n-workflow';

import { toIsoUtc } from '../../../lib/time';
import type { ExportSourceName } from '../constants';
import { shapeExportRow, type RowShapeOptions } from '../dataExports/rows';
import { EVENT_DETAILS_SCHEMAS } from './event-details-schemas';
import type {
	EventEntity,
	IncidentEntity,
	ImpactEntity,
	QuestionEntity,
	ReportEntity,
	RoleAssignmentEntity,
} from './entities';

/**
 * REST entities as rows of the CSV export's five sources: same columns, same order, same cell
 * conventions (timestamps as `YYYY-MM-DDTHH:mm:ss.sssZ`, JSON columns as JSON), then shaped by the
 * very function that shapes export rows, so a workflow cannot tell the sources apart.
 *
 * Columns the REST API does not serve are null (listed in {@link REST_UNAVAILABLE_COLUMNS}):
 * `account_id` (no REST entity carries it) and impact timestamps. Event details schemas come from the
 * export doc (an event type the doc does not list gets null). Where
 * REST has no `updated_at` (incidents, events) it is derived, as the constants below say.
 */

/** Columns that are always null in REST rows, by source. */
export const REST_UNAVAILABLE_COLUMNS: Record<ExportSourceName, readonly string[]> = {
	incident: ['account_id'],
	incident_role_assignment: ['account_id'],
	incident_event: ['account_id'],
	incident_impact: ['account_id', 'created_at', 'updated_at'],
	retrospective: ['account_id'],
};

/**
 * Milestone slugs of the REST API that fill each export column, preferred first. The API calls the
 * retrospective milestones `postmortem_started` / `postmortem_completed` (FireHydrant's Terraform
 * guide labels `postmortem_completed` "Retrospective Completed"); the export's own words are
 * accepted too, since milestones are configurable per account.
 */
const MILESTONE_COLUMNS: ReadonlyArray<[milestones: readonly string[], column: string]> = [
	[['detected'], 'detected_at'],
	[['acknowledged'], 'acknowledged_at'],
	[['investigating'], 'investigating_at'],
	[['identified'], 'identified_at'],
	[['mitigated'], 'mitigated_at'],
	[['resolved'], 'resolved_at'],
	[['postmortem_started', 'retrospective_started'], 'retrospective_started_at'],
	[['postmortem_completed', 'retrospective_completed'], 'retrospective_completed_at'],
];

type Cell = string | null;
type Cells = Record<string, Cell>;

/** Any timestamp FireHydrant writes (ISO 8601, `2023-07-25 13:34:49 UTC`, zone-less UTC) as ISO 8601. */
export function isoCell(value: unknown): Cell {
	if (typeof value !== 'string' || value.trim() === '') return null;
	return toIsoUtc(value) ?? value;
}

function text(value: unknown): Cell {
	if (value === undefined || value === null) return null;
	return typeof value === 'string' ? value : String(value);
}

function instant(value: Cell): number | undefined {
	if (value === null) return undefined;
	const ms = Date.parse(value);
	return Number.isNaN(ms) ? undefined : ms;
}

/** Whole seconds as an ISO 8601 duration, the way the export writes `active_duration`. */
export function isoDuration(ms: number): string {
	let seconds = Math.max(0, Math.floor(ms / 1000));
	const days = Math.floor(seconds / 86_400);
	seconds -= days * 86_400;
	const hours = Math.floor(seconds / 3600);
	seconds -= hours * 3600;
	const minutes = Math.floor(seconds / 60);
	seconds -= minutes * 60;
	const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
	if (!days && !time) return 'PT0S';
	return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}

function milestoneTime(incident: IncidentEntity, types: readonly string[]): Cell {
	for (const type of types) {
		const milestone = (incident.milestones ?? []).find((candidate) => candidate.type === type);
		if (milestone) return isoCell(milestone.occurred_at);
	}
	return null;
}

/**
 * Incidents have no `updated_at` in the REST API. The newest of `created_at` and every milestone's
 * `occurred_at`/`updated_at` stands in for it: what moves an incident forward is a milestone. An
 * edit that touches no milestone (a renamed incident, a changed severity) is not visible here.
 */
export function incidentUpdatedAt(incident: IncidentEntity): Cell {
	let newest = instant(isoCell(incident.created_at)) ?? -Infinity;
	for (const milestone of incident.milestones ?? []) {
		for (const value of [milestone.occurred_at, milestone.updated_at]) {
			const ms = instant(isoCell(value));
			if (ms !== undefined && ms > newest) newest = ms;
		}
	}
	return Number.isFinite(newest) ? new Date(newest).toISOString() : null;
}

export function organizationIdOf(incident: IncidentEntity): Cell {
	return text(incident.organization_id ?? incident.organization?.id);
}

export function incidentCells(incident: IncidentEntity): Cells {
	const createdAt = isoCell(incident.created_at);
	const updatedAt = incidentUpdatedAt(incident);
	const startedAt = isoCell(incident.started_at);
	const cells: Cells = {
		id: incident.id,
		account_id: null,
		organization_id: organizationIdOf(incident),
		created_at: createdAt,
		updated_at: updatedAt,
		number: text(incident.number),
		name: text(incident.name),
		severity: text(incident.severity),
		priority: text(incident.priority),
		started_at: startedAt,
	};
	for (const [milestones, column] of MILESTONE_COLUMNS)
		cells[column] = milestoneTime(incident, milestones);
	cells.opened_at = createdAt;
	cells.started_by = text(incident.created_by?.name);
	// Active until resolution, or until the latest change when still open (as the export counts it).
	const start = instant(startedAt);
	const end = instant(cells.resolved_at) ?? instant(updatedAt);
	cells.active_duration =
		start !== undefined && end !== undefined ? isoDuration(end - start) : null;
	return cells;
}

export function roleAssignmentCells(
	assignment: RoleAssignmentEntity,
	incident: IncidentEntity,
): Cells {
	return {
		id: assignment.id,
		account_id: null,
		organization_id: organizationIdOf(incident),
		created_at: isoCell(assignment.created_at),
		updated_at: isoCell(assignment.updated_at),
		status: text(assignment.status),
		incident_role_id: text(assignment.incident_role?.id),
		incident_role_name: text(assignment.incident_role?.name),
		incident_id: incident.id,
		assigned_user_id: text(assignment.user?.id),
		assigned_user_name: text(assignment.user?.name),
	};
}

/**
 * Each schema as the JSON text an export cell holds, written once: the shaper keeps it as that text
 * or parses it (Parse Event Details Schema), exactly as for an export row.
 */
const SCHEMA_TEXTS = new Map(
	Object.entries(EVENT_DETAILS_SCHEMAS).map(([type, schema]) => [type, JSON.stringify(schema)]),
);

function schemaOf(type: unknown): Cell {
	return typeof type === 'string' ? (SCHEMA_TEXTS.get(type) ?? null) : null;
}

/** Events have no `updated_at` in the REST API; `occurred_at` stands in (an edited event keeps it). */
export function eventCells(event: EventEntity, incident: IncidentEntity): Cells {
	const occurredAt = isoCell(event.occurred_at);
	return {
		id: event.id,
		account_id: null,
		organization_id: organizationIdOf(incident),
		created_at: occurredAt,
		updated_at: occurredAt,
		incident_id: text(event.incident_id) ?? incident.id,
		created_by_name: text(event.author?.name),
		type: text(event.type),
		event_details_schema: schemaOf(event.type),
		event_details:
			event.data === undefined || event.data === null ? null : JSON.stringify(event.data),
	};
}

/** `checkout-api`, `Email Notifications` → `email-notifications`: impacts carry a name, the export a slug. */
export function slugOf(name: string): string {
	return name
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
}

export function impactCells(impact: ImpactEntity, incident: IncidentEntity): Cells {
	const name = text(impact.impact?.name);
	return {
		id: text(impact.id),
		account_id: null,
		organization_id: organizationIdOf(incident),
		created_at: null,
		updated_at: null,
		incident_id: incident.id,
		impacted_id: text(impact.impact?.id),
		impacted_type: text(impact.type),
		impacted_slug: name === null ? null : slugOf(name),
		condition_name: text(impact.condition?.name),
	};
}

function questionList(questions: ReportEntity['questions']): QuestionEntity[] {
	if (!questions) return [];
	return Array.isArray(questions) ? questions : [questions];
}

export function retrospectiveCells(report: ReportEntity, organizationId: Cell): Cells {
	const details = report.additional_details;
	const detailsText = Array.isArray(details)
		? details.length > 0
			? details.join('\n\n')
			: null
		: text(details);
	return {
		id: report.id,
		account_id: null,
		organization_id: organizationId,
		created_at: isoCell(report.created_at),
		updated_at: isoCell(report.updated_at),
		name: text(report.name),
		summary: text(report.summary),
		tags: JSON.stringify(report.tag_list ?? []),
		incident_id: text(report.incident_id),
		additional_details: detailsText,
		questions: JSON.stringify(
			questionList(report.questions).map((question) => ({
				title: question.title ?? null,
				body: question.body ?? '',
				question_type_id: question.question_type_id ?? null,
			})),
		),
	};
}

/**
 * Cells as an output row, shaped exactly like an export row. `_exportRequestId` is null (no report
 * was read).
 */
export function shapeRestRow(
	cells: Cells,
	source: ExportSourceName,
	options: RowShapeOptions,
): IDataObject {
	const record: Record<string, string> = {};
	for (const [column, cell] of Object.entries(cells)) record[column] = cell ?? '';
	const { json } = shapeExportRow(record, { source, exportRequestId: '' }, options);
	json._exportRequestId = null;
	return json;
}
