import type { IDataObject } from 'n8n-workflow';

import { parseInstant } from '../../../lib/time';
import { incidentUpdatedAt } from '../../FireHydrant/rest/rows';
import type { IncidentEntity } from '../../FireHydrant/rest/entities';
import type { CustomFieldValue, StatusCategory, TimeColumn } from './columns';
import { emptyDraft, nameList, textOf, type IncidentDraft } from './draft';

/**
 * FireHydrant, in the shapes this pack emits it: Export Data rows (`_source` incident, with its
 * role assignment, event, impact and retrospective rows joined on `incident_id`), the REST
 * incident (simplified: the export-shaped row; full: the API object) and the webhook delivery.
 */

/** FireHydrant milestone slugs (current and older lifecycles) → status category. */
const MILESTONE_CATEGORY: Record<string, StatusCategory> = {
	started: 'triage',
	detected: 'triage',
	acknowledged: 'active',
	investigating: 'active',
	identified: 'active',
	mitigated: 'mitigated',
	resolved: 'resolved',
	retrospective_started: 'resolved',
	postmortem_started: 'resolved',
	retrospective_completed: 'closed',
	postmortem_completed: 'closed',
	closed: 'closed',
};

/** Milestone slug → column. `closed_at` is the end of FireHydrant's lifecycle: the retrospective completed. */
const MILESTONE_COLUMN: Record<string, TimeColumn> = {
	started: 'started_at',
	detected: 'detected_at',
	acknowledged: 'acknowledged_at',
	mitigated: 'mitigated_at',
	resolved: 'resolved_at',
	retrospective_completed: 'closed_at',
	postmortem_completed: 'closed_at',
	closed: 'closed_at',
};

/** Export / simplified-REST column → milestone slug. */
const EXPORT_MILESTONE_COLUMNS: Array<[column: string, milestone: string]> = [
	['started_at', 'started'],
	['detected_at', 'detected'],
	['acknowledged_at', 'acknowledged'],
	['investigating_at', 'investigating'],
	['identified_at', 'identified'],
	['mitigated_at', 'mitigated'],
	['resolved_at', 'resolved'],
	['retrospective_started_at', 'retrospective_started'],
	['retrospective_completed_at', 'retrospective_completed'],
];

export const FH_CHILD_SOURCES = [
	'incident_role_assignment',
	'incident_event',
	'incident_impact',
	'retrospective',
] as const;
export type FireHydrantChildSource = (typeof FH_CHILD_SOURCES)[number];

/** The rows of the other export sources that belong to one incident (already one version per row id). */
export interface FireHydrantChildren {
	roleAssignments: IDataObject[];
	events: IDataObject[];
	impacts: IDataObject[];
	retrospectives: IDataObject[];
}

export function noChildren(): FireHydrantChildren {
	return { roleAssignments: [], events: [], impacts: [], retrospectives: [] };
}

/** The `_source` of an export row in its short form (`text/csv+incident-20220525` → `incident`). */
export function exportSourceOf(json: IDataObject): string | undefined {
	const source = json._source;
	if (typeof source !== 'string') return undefined;
	const long = /^text\/csv\+([a-z_]+)-\d+$/.exec(source);
	return long ? long[1] : source;
}

interface Milestone {
	slug: string;
	at: unknown;
}

/** Where the incident stands now: the newest of its milestones and its joined status events. */
function currentMilestone(milestones: Milestone[], events: IDataObject[]): string | null {
	let best: { slug: string; instant: number } | null = null;
	const consider = (slug: string | null, at: unknown) => {
		const instant = typeof at === 'string' ? parseInstant(at) : undefined;
		if (slug === null || instant === undefined) return;
		// On equal times an event wins: it is the explicit statement of the new status.
		if (best === null || instant >= best.instant) best = { slug, instant };
	};
	for (const milestone of milestones) consider(milestone.slug, milestone.at);
	for (const event of events) {
		const details = (event.event_details ?? {}) as IDataObject;
		if (typeof details !== 'object' || details === null) continue;
		const slug =
			event.type === 'IncidentStatus'
				? textOf(details.new_status)
				: event.type === 'BulkMilestoneUpdate'
					? textOf(details.current_milestone)
					: null;
		consider(slug, event.created_at ?? event.updated_at);
	}
	return (best as { slug: string } | null)?.slug ?? null;
}

function applyMilestones(draft: IncidentDraft, milestones: Milestone[]): void {
	for (const milestone of milestones) {
		const column = MILESTONE_COLUMN[milestone.slug];
		if (column !== undefined && milestone.at !== null && milestone.at !== undefined)
			draft.times[column] = milestone.at;
	}
}

function applyStatus(draft: IncidentDraft, current: string | null): void {
	draft.status_raw = current;
	draft.status_category = current === null ? null : (MILESTONE_CATEGORY[current] ?? null);
}

/** The newest row of a list by `updated_at` (falling back to `created_at`). */
function newest(rows: IDataObject[]): IDataObject[] {
	const instant = (row: IDataObject) =>
		parseInstant(textOf(row.updated_at) ?? textOf(row.created_at) ?? undefined) ?? -Infinity;
	return [...rows].sort((a, b) => instant(b) - instant(a));
}

/** `Incident Commander` (or any role named commander) currently assigned; the newest assignment wins. */
function commanderOf(
	assignments: Array<{
		role: unknown;
		user: unknown;
		status: unknown;
		updated_at?: unknown;
		created_at?: unknown;
	}>,
): string | null {
	const active = assignments.filter(
		(assignment) =>
			/commander/i.test(String(assignment.role ?? '')) &&
			(assignment.status === undefined ||
				assignment.status === null ||
				assignment.status === 'active'),
	);
	return textOf(newest(active as unknown as IDataObject[])[0]?.user);
}

/**
 * What the joined export rows say, written only into columns still null: an export row has none of
 * these, a REST entity may already carry some (its own values win).
 */
function applyChildren(draft: IncidentDraft, children: FireHydrantChildren): void {
	if (children.impacts.length > 0) {
		const ofType = (type: string) =>
			children.impacts
				.filter((impact) => impact.impacted_type === type)
				.map((impact) => impact.impacted_slug);
		draft.services ??= nameList(ofType('service'));
		draft.environment ??= nameList(ofType('environment'))?.join(', ') ?? null;
		draft.customer_impact ??= children.impacts.some(
			(impact) => impact.impacted_type === 'functionality' || impact.impacted_type === 'customer',
		);
	}
	if (children.roleAssignments.length > 0) {
		draft.commander ??= commanderOf(
			children.roleAssignments.map((row) => ({
				role: row.incident_role_name,
				user: row.assigned_user_name,
				status: row.status,
				updated_at: row.updated_at,
				created_at: row.created_at,
			})),
		);
	}
	// Teams are not an export column; TeamAssignment events name them.
	draft.teams ??= nameList(
		children.events
			.filter((event) => event.type === 'TeamAssignment')
			.map((event) => ((event.event_details ?? {}) as IDataObject).team_name),
	);
	draft.summary ??= textOf(newest(children.retrospectives)[0]?.summary);
}

/**
 * An export incident row or a simplified REST incident (the same columns): milestones from the
 * `*_at` columns; services, environment, customer impact, commander and status events from the
 * joined rows, teams from TeamAssignment events. URL, privacy and custom fields are not in the export
 * and stay null.
 */
export function fromExportRow(row: IDataObject, children: FireHydrantChildren): IncidentDraft {
	const draft = emptyDraft('firehydrant', String(row.id));
	draft.reference = textOf(row.number);
	draft.title = textOf(row.name);
	draft.severity_raw = textOf(row.severity);
	draft.priority = textOf(row.priority);
	const milestones = EXPORT_MILESTONE_COLUMNS.map(([column, slug]) => ({
		slug,
		at: row[column],
	})).filter((milestone) => textOf(milestone.at) !== null);
	applyMilestones(draft, milestones);
	draft.times.created_at = row.created_at ?? row.opened_at;
	draft.times.updated_at = row.updated_at;
	applyStatus(draft, currentMilestone(milestones, children.events));
	applyChildren(draft, children);
	return draft;
}

interface RestCustomField {
	name?: string;
	display_name?: string;
	slug?: string;
	value_type?: string;
	value?: unknown;
	value_string?: unknown;
	value_array?: unknown;
}

function restCustomFields(fields: unknown): Record<string, CustomFieldValue> | null {
	if (!Array.isArray(fields) || fields.length === 0) return null;
	const out: Record<string, CustomFieldValue> = {};
	for (const field of fields as RestCustomField[]) {
		const name = textOf(field.display_name) ?? textOf(field.name) ?? textOf(field.slug);
		if (name === null) continue;
		if (Array.isArray(field.value_array))
			out[name] = (field.value_array as unknown[]).map((value) => textOf(value));
		else out[name] = textOf(field.value_string) ?? textOf(field.value);
	}
	return Object.keys(out).length > 0 ? out : null;
}

function namesOf(
	list: unknown,
	pick: (entry: IDataObject) => unknown = (entry) => entry.name,
): string[] | null {
	return Array.isArray(list)
		? nameList(
				(list as IDataObject[]).map((entry) =>
					entry && typeof entry === 'object' ? pick(entry) : entry,
				),
			)
		: null;
}

/**
 * The REST incident object (Incident → Get with Simplify off, the trigger's fetched incident, or
 * the incident inside a webhook delivery). Timestamps may be in Rails' `… UTC` form.
 */
export function fromRestEntity(
	entity: IncidentEntity,
	children: FireHydrantChildren,
): IncidentDraft {
	const draft = emptyDraft('firehydrant', String(entity.id));
	draft.reference = textOf(entity.number);
	draft.title = textOf(entity.name);
	draft.summary = textOf(entity.summary) ?? textOf(entity.description);
	draft.severity_raw = textOf(entity.severity);
	draft.priority = textOf(entity.priority);
	const milestones: Milestone[] = (entity.milestones ?? []).map((milestone) => ({
		slug: String(milestone.type ?? ''),
		at: milestone.occurred_at,
	}));
	if (
		textOf(entity.started_at) !== null &&
		!milestones.some((milestone) => milestone.slug === 'started')
	)
		milestones.push({ slug: 'started', at: entity.started_at });
	applyMilestones(draft, milestones);
	draft.times.created_at = entity.created_at;
	draft.times.updated_at = incidentUpdatedAt(entity);
	const current = textOf(entity.current_milestone) ?? currentMilestone(milestones, children.events);
	applyStatus(draft, current);
	draft.services = namesOf(entity.services);
	draft.teams = namesOf(
		entity.team_assignments,
		(entry) => (entry.team as IDataObject | undefined)?.name ?? entry.name,
	);
	const environments = namesOf(entity.environments);
	draft.environment = environments === null ? null : environments.join(', ');
	const impacts = Array.isArray(entity.impacts) ? entity.impacts : [];
	const customers = typeof entity.customers_impacted === 'number' ? entity.customers_impacted : 0;
	if (
		Array.isArray(entity.impacts) ||
		typeof entity.customers_impacted === 'number' ||
		textOf(entity.customer_impact_summary) !== null
	) {
		draft.customer_impact =
			customers > 0 ||
			textOf(entity.customer_impact_summary) !== null ||
			impacts.some((impact) => impact.type === 'functionality' || impact.type === 'customer');
	}
	const assignments = Array.isArray(entity.role_assignments)
		? (entity.role_assignments as IDataObject[])
		: [];
	draft.commander = commanderOf(
		assignments.map((assignment) => ({
			role: (assignment.incident_role as IDataObject | undefined)?.name,
			user: (assignment.user as IDataObject | undefined)?.name,
			status: assignment.status,
			updated_at: assignment.updated_at,
			created_at: assignment.created_at,
		})),
	);
	draft.url = textOf(entity.incident_url);
	draft.custom_fields = restCustomFields(entity.custom_fields);
	// Export rows given beside a REST entity add what the entity lacks.
	applyChildren(draft, children);
	return draft;
}

/** A FireHydrant Trigger item: the fetched full incident when there is one, else the delivered one. */
export function fromTriggerItem(
	json: IDataObject,
	children: FireHydrantChildren,
): IncidentDraft | undefined {
	const fetched = json.incident;
	if (fetched && typeof fetched === 'object' && typeof (fetched as IDataObject).id === 'string')
		return fromRestEntity(fetched as IncidentEntity, children);
	const delivered = ((json.data ?? {}) as IDataObject).incident;
	if (
		delivered &&
		typeof delivered === 'object' &&
		typeof (delivered as IDataObject).id === 'string'
	) {
		return fromRestEntity(delivered as IncidentEntity, children);
	}
	return undefined;
}
