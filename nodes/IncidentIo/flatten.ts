import type { IDataObject } from 'n8n-workflow';

import { toIsoUtc } from '../../lib/time';

/**
 * Turns an incident (IncidentV2) into one flat row a sheet or warehouse can take as it is:
 * custom fields, roles, timestamps and durations by their NAMES, which are what users filter on,
 * instead of arrays of entries keyed by ids.
 */

interface NamedRef {
	id?: string;
	name?: string;
}

interface CustomFieldValue {
	value_option?: { id?: string; value?: string };
	value_text?: string;
	value_link?: string;
	value_numeric?: string;
	value_catalog_entry?: { id?: string; name?: string };
}

interface CustomFieldEntry {
	custom_field?: { id?: string; name?: string; field_type?: string };
	values?: CustomFieldValue[];
}

interface RoleAssignment {
	role?: { shortform?: string; name?: string };
	assignee?: { name?: string; email?: string };
}

export interface IncidentRecord {
	id?: string;
	reference?: string;
	name?: string;
	custom_field_entries?: CustomFieldEntry[];
	incident_role_assignments?: RoleAssignment[];
	incident_timestamp_values?: Array<{ incident_timestamp?: NamedRef; value?: { value?: string } }>;
	duration_metrics?: Array<{ duration_metric?: NamedRef; value_seconds?: number; status?: string }>;
	severity?: NamedRef;
	incident_status?: NamedRef & { category?: string };
	incident_type?: NamedRef;
	creator?: {
		user?: { name?: string; email?: string };
		api_key?: NamedRef;
		workflow?: NamedRef;
		alert?: { title?: string };
	};
	external_issue_reference?: { issue_name?: string; issue_permalink?: string; provider?: string };
	[key: string]: unknown;
}

export interface FlattenWarning {
	field: string;
	message: string;
}

export interface FlattenResult {
	row: IDataObject;
	warnings: FlattenWarning[];
}

/** `"123.456"` → 123.456; anything that is not a plain decimal number → undefined. */
export function parseNumeric(value: string): number | undefined {
	const trimmed = value.trim();
	if (!/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(trimmed)) return undefined;
	const number = Number(trimmed);
	return Number.isFinite(number) ? number : undefined;
}

/** The plain value of one custom field value, whichever of its kinds it carries. */
function plainValue(
	value: CustomFieldValue,
	fieldName: string,
	incident: string,
	warnings: FlattenWarning[],
): string | number | null {
	// An option deleted after it was chosen still arrives with its text in value_option.
	if (value.value_option) return value.value_option.value ?? value.value_option.id ?? null;
	if (value.value_catalog_entry)
		return value.value_catalog_entry.name ?? value.value_catalog_entry.id ?? null;
	if (typeof value.value_numeric === 'string') {
		const number = parseNumeric(value.value_numeric);
		if (number !== undefined) return number;
		warnings.push({
			field: `custom_fields.${fieldName}`,
			message: `Incident ${incident}: the numeric custom field "${fieldName}" holds ${JSON.stringify(value.value_numeric)}, which is not a number; it is output as text.`,
		});
		return value.value_numeric;
	}
	if (typeof value.value_numeric === 'number') return value.value_numeric;
	if (typeof value.value_text === 'string') return value.value_text;
	if (typeof value.value_link === 'string') return value.value_link;
	return null;
}

function timestampText(value: string | undefined): string | null {
	if (!value) return null;
	// Normalised so values with and without microseconds sort and compare alike.
	return toIsoUtc(value) ?? value;
}

/** Flattens one incident; the API record is never modified. */
export function flattenIncident(incident: IncidentRecord): FlattenResult {
	const warnings: FlattenWarning[] = [];
	const label = incident.reference ?? incident.id ?? '(no id)';
	const row: IDataObject = {};
	const nested = new Set([
		'custom_field_entries',
		'incident_role_assignments',
		'incident_timestamp_values',
		'duration_metrics',
		'severity',
		'incident_status',
		'incident_type',
		'creator',
		'external_issue_reference',
	]);
	for (const [key, value] of Object.entries(incident)) {
		if (nested.has(key)) continue;
		row[key] =
			key === 'created_at' || key === 'updated_at'
				? timestampText(value as string)
				: (value as IDataObject[string]);
	}
	row.severity = incident.severity?.name ?? null;
	row.status = incident.incident_status?.name ?? null;
	row.status_category = incident.incident_status?.category ?? null;
	row.type = incident.incident_type?.name ?? null;
	const creator = incident.creator;
	row.creator =
		creator?.user?.name ??
		creator?.api_key?.name ??
		creator?.workflow?.name ??
		creator?.alert?.title ??
		null;
	row.creator_email = creator?.user?.email ?? null;
	if (incident.external_issue_reference) {
		row.external_issue = incident.external_issue_reference.issue_name ?? null;
		row.external_issue_url = incident.external_issue_reference.issue_permalink ?? null;
	}

	for (const entry of incident.custom_field_entries ?? []) {
		const name = entry.custom_field?.name ?? entry.custom_field?.id;
		if (!name) continue;
		const values = (entry.values ?? []).map((value) => plainValue(value, name, label, warnings));
		const multiple = entry.custom_field?.field_type === 'multi_select' || values.length > 1;
		row[`custom_fields.${name}`] = multiple ? values : (values[0] ?? null);
	}
	for (const assignment of incident.incident_role_assignments ?? []) {
		const role = assignment.role?.shortform || assignment.role?.name;
		if (!role) continue;
		row[`roles.${role}.name`] = assignment.assignee?.name ?? null;
		row[`roles.${role}.email`] = assignment.assignee?.email ?? null;
	}
	for (const timestamp of incident.incident_timestamp_values ?? []) {
		const name = timestamp.incident_timestamp?.name;
		if (!name) continue;
		row[`timestamps.${name}`] = timestampText(timestamp.value?.value);
	}
	for (const metric of incident.duration_metrics ?? []) {
		const name = metric.duration_metric?.name;
		if (!name) continue;
		row[`durations.${name}_seconds`] =
			typeof metric.value_seconds === 'number' ? metric.value_seconds : null;
	}
	return { row, warnings };
}
