import type { IDataObject } from 'n8n-workflow';

import {
	flattenIncident,
	type FlattenWarning,
	type IncidentRecord,
} from '../../IncidentIo/flatten';
import type { CustomFieldValue, StatusCategory, TimeColumn } from './columns';
import { emptyDraft, nameList, textOf, type IncidentDraft } from './draft';

/**
 * incident.io, as the pack emits it: the raw IncidentV2, the flat row of the node's Flatten option,
 * and the incident inside an incident.io Trigger delivery. A raw incident is flattened with the
 * incident.io node's own `flattenIncident` first, so both shapes are read by one mapping.
 */

/** incident.io's eight status categories → this schema's. */
const CATEGORY: Record<string, StatusCategory> = {
	triage: 'triage',
	live: 'active',
	paused: 'active',
	learning: 'resolved',
	closed: 'closed',
	declined: 'declined',
	canceled: 'cancelled',
	cancelled: 'cancelled',
	merged: 'merged',
};

/** Incident timestamp names (incident.io's defaults and common custom names) → column; first match wins. */
const TIMESTAMP_COLUMNS: Array<[pattern: RegExp, column: TimeColumn]> = [
	[/impact started|^started/i, 'started_at'],
	[/reported|detected/i, 'detected_at'],
	[/acknowledged|accepted/i, 'acknowledged_at'],
	[/fixed|mitigated|stabili[sz]ed/i, 'mitigated_at'],
	[/resolved/i, 'resolved_at'],
	[/closed/i, 'closed_at'],
];

/** Custom fields read into columns, by name. */
const SERVICE_FIELD = /service/i;
const TEAM_FIELD = /team/i;
const ENVIRONMENT_FIELD = /environment/i;
const CUSTOMER_IMPACT_FIELD = /customer.?impact|customers.?affected/i;
const NO_IMPACT = /^(?:no|none|false|0|n\/a)$/i;

export interface IncidentIoMapped {
	draft: IncidentDraft;
	warnings: FlattenWarning[];
}

function asList(value: CustomFieldValue | undefined): unknown[] {
	if (value === undefined || value === null) return [];
	return Array.isArray(value) ? value : [value];
}

function firstField(
	fields: Record<string, CustomFieldValue>,
	pattern: RegExp,
): CustomFieldValue | undefined {
	const name = Object.keys(fields).find((candidate) => pattern.test(candidate));
	return name === undefined ? undefined : fields[name];
}

/** The lead's name: the role incident.io types `lead` (raw), else the role with shortform `lead`. */
function leadOf(raw: IncidentRecord | undefined, flat: IDataObject): string | null {
	for (const assignment of raw?.incident_role_assignments ?? []) {
		const role = assignment.role as { role_type?: string } | undefined;
		if (role?.role_type === 'lead') return textOf(assignment.assignee?.name);
	}
	return textOf(flat['roles.lead.name']);
}

/** A flat row (the incident.io node's Flatten output), with what only the raw record carries. */
export function fromFlatRow(flat: IDataObject, raw?: IncidentRecord): IncidentDraft {
	const draft = emptyDraft('incident_io', String(flat.id));
	draft.reference = textOf(flat.reference);
	draft.title = textOf(flat.name);
	draft.summary = textOf(flat.summary);
	draft.status_raw = textOf(flat.status);
	const category = textOf(flat.status_category);
	draft.status_category = category === null ? null : (CATEGORY[category.toLowerCase()] ?? null);
	draft.severity_raw = textOf(flat.severity);
	const rank = (raw?.severity as { rank?: unknown } | undefined)?.rank;
	draft.native_severity_rank = typeof rank === 'number' && Number.isFinite(rank) ? rank : null;
	draft.mode = textOf(flat.mode);
	const visibility = textOf(flat.visibility);
	draft.is_private = visibility === null ? null : visibility === 'private';

	const custom: Record<string, CustomFieldValue> = {};
	const timestamps: Array<[string, unknown]> = [];
	for (const [key, value] of Object.entries(flat)) {
		if (key.startsWith('custom_fields.'))
			custom[key.slice('custom_fields.'.length)] = value as CustomFieldValue;
		else if (key.startsWith('timestamps.'))
			timestamps.push([key.slice('timestamps.'.length), value]);
	}
	draft.custom_fields = Object.keys(custom).length > 0 ? custom : null;
	draft.services = nameList(asList(firstField(custom, SERVICE_FIELD)));
	draft.teams = nameList(asList(firstField(custom, TEAM_FIELD)));
	const environments = nameList(asList(firstField(custom, ENVIRONMENT_FIELD)));
	draft.environment = environments === null ? null : environments.join(', ');
	const impact = firstField(custom, CUSTOMER_IMPACT_FIELD);
	if (impact !== undefined) {
		const values = asList(impact)
			.map((value) => textOf(value))
			.filter((value): value is string => value !== null);
		draft.customer_impact = values.some((value) => !NO_IMPACT.test(value));
	}

	for (const [pattern, column] of TIMESTAMP_COLUMNS) {
		const match = timestamps.find(
			([name, value]) =>
				pattern.test(name) && value !== null && value !== undefined && value !== '',
		);
		if (match) draft.times[column] = match[1];
	}
	draft.times.created_at = flat.created_at;
	draft.times.updated_at = flat.updated_at;
	draft.commander = leadOf(raw, flat);
	draft.url = textOf(flat.permalink);
	draft.postmortem_url = textOf(flat.postmortem_document_url);
	return draft;
}

/** A raw IncidentV2 (Get / Get Many without Flatten, or a trigger delivery's incident). */
export function fromRawIncident(raw: IncidentRecord): IncidentIoMapped {
	const { row, warnings } = flattenIncident(raw);
	return { draft: fromFlatRow(row, raw), warnings };
}

/** Whether a trigger delivery's `data` holds only the id (private-incident events not fetched). */
export function isIdOnly(data: IDataObject): boolean {
	return Object.keys(data).every((key) => key === 'id');
}
