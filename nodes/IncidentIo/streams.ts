/**
 * Every stream the incident.io Singer tap replicates, plus the catalog its permissions name, on the
 * current (non-deprecated) API versions. One table, so that the pickers, the requests and the
 * tests cannot drift apart: an entry names the list (and show) endpoint, the parameters and filters
 * Get Many shows for it, and how they become the query of its requests. The Get and Get Many
 * operations read the entry and have no case of their own per stream, apart from Flatten, which
 * only incidents offer (flatten.ts).
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { readIdList } from '../../lib/validation';
import { ERROR_MESSAGES, INCIDENT_MODES, STATUS_CATEGORIES } from './constants';
import type { Query } from './transport';

/** Largest page asked of the v3 action and follow-up lists (UNVERIFIED: assumed equal to incidents'). */
export const V3_WORK_ITEM_PAGE_SIZE = 250;

/**
 * What a stream's query builder reads from one item. Get Many hands it over with the checks of
 * lib/validation behind `required` and `choices`, so a builder only says which parameter becomes
 * which query key, and stays a plain function of its input.
 */
export interface StreamQueryInput {
	/** The item's Filters collection as entered; {} when none is set. */
	filters: IDataObject;
	/** A parameter of the entry's `parameters`, trimmed; empty fails naming the field and `fix`. */
	required(name: string, fix: string): string;
	/**
	 * A multi-choice filter of the entry's `filters`, checked against `allowed`. Unset or none
	 * chosen is every value: the API's own default hides records, so "no filter" must mean all.
	 */
	choices<T extends string>(name: string, allowed: readonly T[]): T[];
	/** `YYYY-MM-DD~YYYY-MM-DD` for `updated_at[date_range]` in an incremental run, else undefined. */
	dateRange?: string;
}

export interface StreamDefinition {
	/** Singular, as users read it: "Incident", "Follow-Up". */
	label: string;
	plural: string;
	listPath: string;
	/** Key of the array in the list response. */
	listKey: string;
	/** Absent where the API has no show endpoint (incident updates). */
	showPath?: string;
	/** Key of the record in the show response. */
	showKey?: string;
	/** Largest page the list serves; absent for lists the API does not paginate. */
	pageSize?: number;
	/**
	 * The paginated list with `updated_at` filters that supersedes `listPath` (read first);
	 * `listPath` stays the fallback for an account or API that answers 404 for it.
	 */
	pagedList?: { path: string; pageSize: number };
	/** Changed-since syncs are offered for these. */
	incremental?: boolean;
	description: string;
	/** Parameters Get Many cannot list without, shown above Return All (the catalog type of its entries). */
	parameters?: INodeProperties[];
	/** Options of the stream's Filters collection in Get Many; absent where the list takes none. */
	filters?: INodeProperties[];
	/**
	 * The query of each request series of Get Many; absent is one series without a query. Series
	 * are read one after the other, each to its end (or to what Limit still needs).
	 */
	query?: (input: StreamQueryInput) => Query[];
}

const title = (value: string) => value.charAt(0).toUpperCase() + value.slice(1);

function incidentIdFilter(description: string): INodeProperties {
	return {
		displayName: 'Incident ID',
		name: 'incidentId',
		type: 'string',
		default: '',
		description,
	};
}

/** The value of {@link incidentIdFilter}, trimmed; undefined when empty. */
function incidentIdOf(filters: IDataObject): string | undefined {
	return filters.incidentId ? String(filters.incidentId).trim() : undefined;
}

/** `which` names the records: "incidents" or "records of incidents". */
function incidentModesFilter(which: string): INodeProperties {
	return {
		displayName: 'Incident Modes',
		name: 'modes',
		type: 'multiOptions',
		options: INCIDENT_MODES.map((mode) => ({ name: title(mode), value: mode })),
		default: [...INCIDENT_MODES],
		description: `Only ${which} in these modes. Without this filter every mode is included (the API alone would return only standard and retrospective).`,
	};
}

/** Action items and follow-ups: the same filters and the same query. */
const workItemFilters: INodeProperties[] = [
	incidentIdFilter('Only records of this incident'),
	incidentModesFilter('records of incidents'),
];

/**
 * One request series per incident mode: the lists take a single incident_mode and hide test,
 * tutorial and stream incidents' records without it.
 */
function workItemQueries({ filters, choices, dateRange }: StreamQueryInput): Query[] {
	const modes = choices('modes', INCIDENT_MODES);
	const incidentId = incidentIdOf(filters);
	return modes.map((mode) => ({
		incident_id: incidentId,
		incident_mode: mode,
		'updated_at[date_range]': dateRange,
	}));
}

/** The table; its keys are the node's resource values. */
const STREAM_TABLE = {
	incident: {
		label: 'Incident',
		plural: 'Incidents',
		listPath: '/v2/incidents',
		listKey: 'incidents',
		showPath: '/v2/incidents/{id}',
		showKey: 'incident',
		// The spec says 500, the vendor notes 250; 250 is what the API is documented to honour.
		pageSize: 250,
		incremental: true,
		description: 'Incidents, including declined, canceled, merged, test and tutorial ones',
		filters: [
			{
				displayName: 'Created From',
				name: 'createdFrom',
				type: 'dateTime',
				default: '',
				description: 'Only incidents created on or after this day (incident.io matches whole days)',
			},
			incidentModesFilter('incidents'),
			{
				displayName: 'Incident Type IDs',
				name: 'incidentTypeIds',
				type: 'string',
				default: '',
				description: 'Comma-separated incident type IDs',
			},
			{
				displayName: 'Severity IDs',
				name: 'severityIds',
				type: 'string',
				default: '',
				description: 'Comma-separated severity IDs',
			},
			{
				displayName: 'Status Categories',
				name: 'statusCategories',
				type: 'multiOptions',
				options: STATUS_CATEGORIES.map((category) => ({ name: title(category), value: category })),
				default: [...STATUS_CATEGORIES],
				description:
					'Only incidents whose status is in these categories. Without this filter all eight are included (the API alone hides declined, canceled and merged).',
			},
			{
				displayName: 'Status IDs',
				name: 'statusIds',
				type: 'string',
				default: '',
				description: 'Comma-separated incident status IDs',
			},
		],
		query: ({ filters, choices, dateRange }) => {
			const categories = choices('statusCategories', STATUS_CATEGORIES);
			const modes = choices('modes', INCIDENT_MODES);
			return [
				{
					'status_category[one_of]': categories,
					'mode[one_of]': modes,
					'status[one_of]': readIdList(filters.statusIds),
					'severity[one_of]': readIdList(filters.severityIds),
					'incident_type[one_of]': readIdList(filters.incidentTypeIds),
					'created_at[gte]': filters.createdFrom
						? String(filters.createdFrom).slice(0, 10)
						: undefined,
					'updated_at[date_range]': dateRange,
					sort_by: 'created_at_oldest_first',
				},
			];
		},
	},
	action: {
		// Not "Action": n8n heads each resource's list "<name> Actions" in the node picker, and
		// "Action Actions" (or "Incident Action Actions") reads as a stutter.
		label: 'Action Item',
		plural: 'Action Items',
		listPath: '/v2/actions',
		listKey: 'actions',
		// Not in the published spec (vendor notes only): v2 fields and the usual envelope assumed.
		pagedList: { path: '/v3/actions', pageSize: V3_WORK_ITEM_PAGE_SIZE },
		showPath: '/v2/actions/{id}',
		showKey: 'action',
		incremental: true,
		description: 'Work tracked during incidents (incident.io calls them actions)',
		filters: workItemFilters,
		query: workItemQueries,
	},
	followUp: {
		label: 'Follow-Up',
		plural: 'Follow-Ups',
		listPath: '/v2/follow_ups',
		listKey: 'follow_ups',
		// Not in the published spec (vendor notes only): v2 fields and the usual envelope assumed.
		pagedList: { path: '/v3/follow_ups', pageSize: V3_WORK_ITEM_PAGE_SIZE },
		showPath: '/v2/follow_ups/{id}',
		showKey: 'follow_up',
		incremental: true,
		description: 'Work tracked after incidents',
		filters: workItemFilters,
		query: workItemQueries,
	},
	incidentUpdate: {
		label: 'Incident Update',
		plural: 'Incident Updates',
		listPath: '/v2/incident_updates',
		listKey: 'incident_updates',
		pageSize: 250,
		description: 'Status and severity changes and update messages',
		filters: [incidentIdFilter('Only updates of this incident')],
		query: ({ filters }) => [{ incident_id: incidentIdOf(filters) }],
	},
	customField: {
		label: 'Custom Field',
		plural: 'Custom Fields',
		listPath: '/v2/custom_fields',
		listKey: 'custom_fields',
		showPath: '/v2/custom_fields/{id}',
		showKey: 'custom_field',
		description: 'Custom field definitions',
	},
	customFieldOption: {
		label: 'Custom Field Option',
		plural: 'Custom Field Options',
		listPath: '/v1/custom_field_options',
		listKey: 'custom_field_options',
		showPath: '/v1/custom_field_options/{id}',
		showKey: 'custom_field_option',
		pageSize: 250,
		description: 'Options of select custom fields',
		parameters: [
			{
				displayName: 'Custom Field ID',
				name: 'customFieldId',
				type: 'string',
				required: true,
				default: '',
				description: 'The custom field whose options to list',
			},
		],
		query: ({ required }) => [
			{ custom_field_id: required('customFieldId', ERROR_MESSAGES.customFieldRequired) },
		],
	},
	incidentRole: {
		label: 'Incident Role',
		plural: 'Incident Roles',
		listPath: '/v2/incident_roles',
		listKey: 'incident_roles',
		showPath: '/v2/incident_roles/{id}',
		showKey: 'incident_role',
		description: 'Roles responders can hold',
	},
	incidentStatus: {
		label: 'Incident Status',
		plural: 'Incident Statuses',
		listPath: '/v1/incident_statuses',
		listKey: 'incident_statuses',
		showPath: '/v1/incident_statuses/{id}',
		showKey: 'incident_status',
		description: 'Statuses configured for the organisation',
	},
	incidentTimestamp: {
		label: 'Incident Timestamp',
		plural: 'Incident Timestamps',
		listPath: '/v2/incident_timestamps',
		listKey: 'incident_timestamps',
		showPath: '/v2/incident_timestamps/{id}',
		showKey: 'incident_timestamp',
		description: 'Lifecycle timestamps configured for the organisation',
	},
	incidentType: {
		label: 'Incident Type',
		plural: 'Incident Types',
		listPath: '/v1/incident_types',
		listKey: 'incident_types',
		showPath: '/v1/incident_types/{id}',
		showKey: 'incident_type',
		description: 'Incident types configured for the organisation',
	},
	severity: {
		label: 'Severity',
		plural: 'Severities',
		listPath: '/v1/severities',
		listKey: 'severities',
		showPath: '/v1/severities/{id}',
		showKey: 'severity',
		description: 'Severities configured for the organisation',
	},
	user: {
		label: 'User',
		plural: 'Users',
		listPath: '/v2/users',
		listKey: 'users',
		showPath: '/v2/users/{id}',
		showKey: 'user',
		// The query accepts up to 10000, but the response schema caps page_size at 250.
		pageSize: 250,
		description: 'Users of the organisation, inactive ones included by default',
		filters: [
			{
				displayName: 'Email',
				name: 'email',
				type: 'string',
				placeholder: 'name@email.com',
				default: '',
				description: 'Only the user with this email',
			},
			{
				displayName: 'Include Inactive',
				name: 'includeInactive',
				type: 'boolean',
				default: true,
				description: 'Whether to include deactivated users (included unless turned off)',
			},
			{
				displayName: 'Slack User ID',
				name: 'slackUserId',
				type: 'string',
				default: '',
				description: 'Only the user with this Slack user ID',
			},
		],
		query: ({ filters }) => [
			{
				email: filters.email ? String(filters.email) : undefined,
				slack_user_id: filters.slackUserId ? String(filters.slackUserId) : undefined,
				include_inactive: filters.includeInactive === false ? undefined : 'true',
			},
		],
	},
	catalogType: {
		label: 'Catalog Type',
		plural: 'Catalog Types',
		listPath: '/v3/catalog_types',
		listKey: 'catalog_types',
		showPath: '/v3/catalog_types/{id}',
		showKey: 'catalog_type',
		description: 'Types of the catalog (services, teams …)',
	},
	catalogEntry: {
		label: 'Catalog Entry',
		plural: 'Catalog Entries',
		listPath: '/v3/catalog_entries',
		listKey: 'catalog_entries',
		showPath: '/v3/catalog_entries/{id}',
		showKey: 'catalog_entry',
		pageSize: 250,
		description: 'Entries of one catalog type',
		parameters: [
			{
				displayName: 'Catalog Type ID',
				name: 'catalogTypeId',
				type: 'string',
				required: true,
				default: '',
				description: 'The catalog type whose entries to list',
			},
		],
		filters: [
			{
				displayName: 'Identifier',
				name: 'identifier',
				type: 'string',
				default: '',
				description: 'Only entries with this external ID or alias',
			},
		],
		query: ({ filters, required }) => [
			{
				catalog_type_id: required('catalogTypeId', ERROR_MESSAGES.catalogTypeRequired),
				identifier: filters.identifier ? String(filters.identifier) : undefined,
			},
		],
	},
} satisfies Record<string, StreamDefinition>;

export type ResourceName = keyof typeof STREAM_TABLE;

export const STREAMS: Record<ResourceName, StreamDefinition> = STREAM_TABLE;

export const RESOURCE_NAMES = Object.keys(STREAMS) as ResourceName[];
export const INCREMENTAL_RESOURCES = RESOURCE_NAMES.filter((name) => STREAMS[name].incremental);
export const RESOURCES_WITH_GET = RESOURCE_NAMES.filter(
	(name) => STREAMS[name].showPath !== undefined,
);
