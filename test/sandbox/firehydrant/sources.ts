/**
 * The five CSV sources of FireHydrant's data export and their columns, exactly as the vendor doc
 * (shared/vendor/docs/firehydrant-csv-data-export.txt) lists them, in that order; plus the
 * per-type JSON schemas of `incident_event.event_details`, copied field by field from the same doc.
 */

export const SOURCE_VERSION = '20220525';

export const SHORT_SOURCES = [
	'incident',
	'incident_role_assignment',
	'incident_event',
	'incident_impact',
	'retrospective',
] as const;

export type ShortSource = (typeof SHORT_SOURCES)[number];

export function fullSourceName(short: string, version = SOURCE_VERSION): string {
	return `text/csv+${short}-${version}`;
}

const SOURCE_PATTERN = /^text\/csv\+([a-z_]+)-(\d{8})$/;

/**
 * `text/csv+incident_event-20220525` → `incident_event`. Any date suffix is accepted, because a
 * future version of a source is still the same kind of data; null when the name has another shape.
 */
export function shortSourceOf(source: string): string | null {
	const match = SOURCE_PATTERN.exec(source);
	return match ? match[1] : null;
}

export function isShortSource(value: string): value is ShortSource {
	return (SHORT_SOURCES as readonly string[]).includes(value);
}

/** Columns shared by every source, first in every header. */
const COMMON_COLUMNS = ['id', 'account_id', 'organization_id', 'created_at', 'updated_at'] as const;

export const COLUMNS: Record<ShortSource, readonly string[]> = {
	incident: [
		...COMMON_COLUMNS,
		'number',
		'name',
		'severity',
		'priority',
		'started_at',
		'detected_at',
		'acknowledged_at',
		'investigating_at',
		'identified_at',
		'mitigated_at',
		'resolved_at',
		'retrospective_started_at',
		'retrospective_completed_at',
		'opened_at',
		'started_by',
		'active_duration',
	],
	incident_role_assignment: [
		...COMMON_COLUMNS,
		'status',
		'incident_role_id',
		'incident_role_name',
		'incident_id',
		'assigned_user_id',
		'assigned_user_name',
	],
	incident_event: [
		...COMMON_COLUMNS,
		'incident_id',
		'created_by_name',
		'type',
		'event_details_schema',
		'event_details',
	],
	incident_impact: [
		...COMMON_COLUMNS,
		'incident_id',
		'impacted_id',
		'impacted_type',
		'impacted_slug',
		'condition_name',
	],
	retrospective: [
		...COMMON_COLUMNS,
		'name',
		'summary',
		'tags',
		'incident_id',
		'additional_details',
		'questions',
	],
};

/** The subset of JSON Schema the doc's event schemas use: `type` is always a list. */
export interface EventDetailsSchema {
	type: 'object';
	properties: Record<string, { type: string[]; $comment: string }>;
}

function detailsSchema(
	fields: Array<[name: string, types: string[], comment: string]>,
): EventDetailsSchema {
	const properties: EventDetailsSchema['properties'] = {};
	for (const [name, types, comment] of fields)
		properties[name] = { type: types, $comment: comment };
	return { type: 'object', properties };
}

const STRING = ['string'];
const NULLABLE_STRING = ['string', 'null'];

/**
 * The doc calls these "the 13 types" in places but lists 14 (GenericResourceChange last); all 14
 * are emitted.
 */
export const EVENT_DETAILS_SCHEMAS = {
	IncidentStatus: detailsSchema([['new_status', STRING, 'The status the incident is moving to.']]),
	BulkMilestoneUpdate: detailsSchema([
		['original_milestone', STRING, 'The name of the milestone prior to this update'],
		['current_milestone', STRING, 'The name of the milestone due to this update'],
	]),
	ImpactUpdate: detailsSchema([
		[
			'update_type',
			STRING,
			'Whether this event represents an addition, removal, update, or no-op.',
		],
		['impacted_type', STRING, 'The type of the item for which impact was updated'],
		['impacted_id', STRING, 'The id of the item for which impact was updated'],
		[
			'old_condition_name',
			NULLABLE_STRING,
			'The name of the previous condition before this update',
		],
		['new_condition_name', NULLABLE_STRING, 'The name of the condition set in this update'],
	]),
	GeneralUpdate: detailsSchema([['description', STRING, 'Description of the event']]),
	Note: detailsSchema([['body', STRING, 'The content of the note.']]),
	RoleUpdate: detailsSchema([
		['role_assignment_id', STRING, 'Id of role assignment. See the incident role assignment docs.'],
		['incident_role_name', STRING, 'Name of the role refrenced in this update.'],
		['operation', STRING, 'Type of operation performed in this update.'],
		['assigned_user_id', STRING, 'Id of user (un)assigned in this update.'],
		['assigned_user_name', STRING, 'Name of user (un)assigned in this update.'],
	]),
	ChatMessage: detailsSchema([
		['chat_user_id', STRING, 'The chat-provider user id of the user who sent the message.'],
	]),
	AddTaskList: detailsSchema([
		['task_list_id', STRING, 'ID of task list'],
		['task_list_name', STRING, 'Name of task list'],
	]),
	RunbookAttachment: detailsSchema([
		['runbook_id', STRING, 'Id of the runbook that was attached.'],
		['runbook_name', STRING, 'Name of the runbook that was attached.'],
	]),
	RunbookStepExecutionUpdate: detailsSchema([
		['description', STRING, 'A description of the update'],
		['step_execution_id', STRING, 'Unique ID for this invocation of the step.'],
		['step_id', STRING, 'Id of the step.'],
		['step_name', STRING, 'Name of the step.'],
	]),
	TaskUpdate: detailsSchema([
		['task_id', STRING, 'Unique id of the task being updated'],
		['task_summary', STRING, 'Summary of the task being updated'],
		['task_description', STRING, 'Description of the task being updated'],
		['operation', STRING, 'Type of of update'],
		['new_state', STRING, 'New state of the task after this update'],
	]),
	TeamAssignment: detailsSchema([
		['team_id', STRING, 'Unique id of the team being being assigned'],
		['team_name', STRING, 'Name of the team being being assigned'],
	]),
	TicketUpdate: detailsSchema([
		['ticket_id', STRING, 'Unique id of the task being updated'],
		['ticket_type', STRING, 'Type of ticket, eg incident, task, etc'],
		[
			'ticket_provider_id',
			NULLABLE_STRING,
			'Id of ticket in non-firehydrant ticketing provider (eg Jira) if the ticket is synced.',
		],
	]),
	GenericResourceChange: detailsSchema([
		['operation', STRING, 'Nature of operation.'],
		['resource_type', STRING, 'Type of resource changed.'],
		['resource_id', STRING, 'Unique id of the resource changed.'],
		['fields', ['object'], 'Object containing changed fields.'],
	]),
} satisfies Record<string, EventDetailsSchema>;

export type EventType = keyof typeof EVENT_DETAILS_SCHEMAS;

export const EVENT_TYPES = Object.keys(EVENT_DETAILS_SCHEMAS) as EventType[];

export const EXPORT_STATUSES = ['pending', 'completed', 'errored', 'offline'] as const;

export type ExportStatus = (typeof EXPORT_STATUSES)[number];
