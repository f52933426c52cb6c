/**
 * Every stream the incident.io Singer tap replicates, plus the catalog its permissions name, on the
 * current (non-deprecated) API versions. One table, so that the pickers, the requests and the
 * tests cannot drift apart.
 */

/** Largest page asked of the v3 action and follow-up lists (UNVERIFIED: assumed equal to incidents'). */
export const V3_WORK_ITEM_PAGE_SIZE = 250;

export type ResourceName =
	| 'incident'
	| 'action'
	| 'followUp'
	| 'incidentUpdate'
	| 'customField'
	| 'customFieldOption'
	| 'incidentRole'
	| 'incidentStatus'
	| 'incidentTimestamp'
	| 'incidentType'
	| 'severity'
	| 'user'
	| 'catalogType'
	| 'catalogEntry';

export interface StreamDefinition {
	resource: ResourceName;
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
}

export const STREAMS: Record<ResourceName, StreamDefinition> = {
	incident: {
		resource: 'incident',
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
	},
	action: {
		resource: 'action',
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
	},
	followUp: {
		resource: 'followUp',
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
	},
	incidentUpdate: {
		resource: 'incidentUpdate',
		label: 'Incident Update',
		plural: 'Incident Updates',
		listPath: '/v2/incident_updates',
		listKey: 'incident_updates',
		pageSize: 250,
		description: 'Status and severity changes and update messages',
	},
	customField: {
		resource: 'customField',
		label: 'Custom Field',
		plural: 'Custom Fields',
		listPath: '/v2/custom_fields',
		listKey: 'custom_fields',
		showPath: '/v2/custom_fields/{id}',
		showKey: 'custom_field',
		description: 'Custom field definitions',
	},
	customFieldOption: {
		resource: 'customFieldOption',
		label: 'Custom Field Option',
		plural: 'Custom Field Options',
		listPath: '/v1/custom_field_options',
		listKey: 'custom_field_options',
		showPath: '/v1/custom_field_options/{id}',
		showKey: 'custom_field_option',
		pageSize: 250,
		description: 'Options of select custom fields',
	},
	incidentRole: {
		resource: 'incidentRole',
		label: 'Incident Role',
		plural: 'Incident Roles',
		listPath: '/v2/incident_roles',
		listKey: 'incident_roles',
		showPath: '/v2/incident_roles/{id}',
		showKey: 'incident_role',
		description: 'Roles responders can hold',
	},
	incidentStatus: {
		resource: 'incidentStatus',
		label: 'Incident Status',
		plural: 'Incident Statuses',
		listPath: '/v1/incident_statuses',
		listKey: 'incident_statuses',
		showPath: '/v1/incident_statuses/{id}',
		showKey: 'incident_status',
		description: 'Statuses configured for the organisation',
	},
	incidentTimestamp: {
		resource: 'incidentTimestamp',
		label: 'Incident Timestamp',
		plural: 'Incident Timestamps',
		listPath: '/v2/incident_timestamps',
		listKey: 'incident_timestamps',
		showPath: '/v2/incident_timestamps/{id}',
		showKey: 'incident_timestamp',
		description: 'Lifecycle timestamps configured for the organisation',
	},
	incidentType: {
		resource: 'incidentType',
		label: 'Incident Type',
		plural: 'Incident Types',
		listPath: '/v1/incident_types',
		listKey: 'incident_types',
		showPath: '/v1/incident_types/{id}',
		showKey: 'incident_type',
		description: 'Incident types configured for the organisation',
	},
	severity: {
		resource: 'severity',
		label: 'Severity',
		plural: 'Severities',
		listPath: '/v1/severities',
		listKey: 'severities',
		showPath: '/v1/severities/{id}',
		showKey: 'severity',
		description: 'Severities configured for the organisation',
	},
	user: {
		resource: 'user',
		label: 'User',
		plural: 'Users',
		listPath: '/v2/users',
		listKey: 'users',
		showPath: '/v2/users/{id}',
		showKey: 'user',
		// The query accepts up to 10000, but the response schema caps page_size at 250.
		pageSize: 250,
		description: 'Users of the organisation, inactive ones included by default',
	},
	catalogType: {
		resource: 'catalogType',
		label: 'Catalog Type',
		plural: 'Catalog Types',
		listPath: '/v3/catalog_types',
		listKey: 'catalog_types',
		showPath: '/v3/catalog_types/{id}',
		showKey: 'catalog_type',
		description: 'Types of the catalog (services, teams …)',
	},
	catalogEntry: {
		resource: 'catalogEntry',
		label: 'Catalog Entry',
		plural: 'Catalog Entries',
		listPath: '/v3/catalog_entries',
		listKey: 'catalog_entries',
		showPath: '/v3/catalog_entries/{id}',
		showKey: 'catalog_entry',
		pageSize: 250,
		description: 'Entries of one catalog type',
	},
};

export const RESOURCE_NAMES = Object.keys(STREAMS) as ResourceName[];
export const INCREMENTAL_RESOURCES = RESOURCE_NAMES.filter((name) => STREAMS[name].incremental);
export const RESOURCES_WITH_GET = RESOURCE_NAMES.filter((name) => STREAMS[name].showPath !== undefined);
