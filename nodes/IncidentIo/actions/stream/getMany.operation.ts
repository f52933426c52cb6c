import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { advancePositionOption, SyncRun, type AdvancePosition } from '../../../../lib/incremental';
import {
	DEFAULT_OVERLAP_MINUTES,
	ERROR_MESSAGES,
	INCIDENT_MODES,
	STATUS_CATEGORIES,
	type IncidentMode,
} from '../../constants';
import { flattenIncident, type IncidentRecord } from '../../flatten';
import { isIncrementalCursor, selectChanges, syncWindow, type IncrementalCursor } from '../../incremental';
import { INCREMENTAL_RESOURCES, RESOURCE_NAMES, STREAMS, type ResourceName } from '../../streams';
import { IncidentIoClient, type Query } from '../../transport';
import { readChoices, readIdList, readInstant, readNumberInRange, requireText } from '../../../../lib/validation';
import { addFlattenHints, flattenProperties } from './shared';
import { readLimit, returnAllAndLimit } from '../../../../lib/parameters';

const operation = 'getMany';

const title = (value: string) => value.charAt(0).toUpperCase() + value.slice(1);
const modeOptions = INCIDENT_MODES.map((mode) => ({ name: title(mode), value: mode }));
const categoryOptions = STATUS_CATEGORIES.map((category) => ({ name: title(category), value: category }));

const modesFilter: INodeProperties = {
	displayName: 'Incident Modes',
	name: 'modes',
	type: 'multiOptions',
	options: modeOptions,
	default: [...INCIDENT_MODES],
	description:
		'Only records of incidents in these modes. Without this filter every mode is included (the API alone would return only standard and retrospective).',
};

const properties: INodeProperties[] = [
	{
		displayName: 'Custom Field ID',
		name: 'customFieldId',
		type: 'string',
		required: true,
		default: '',
		description: 'The custom field whose options to list',
		displayOptions: { show: { resource: ['customFieldOption'] } },
	},
	{
		displayName: 'Catalog Type ID',
		name: 'catalogTypeId',
		type: 'string',
		required: true,
		default: '',
		description: 'The catalog type whose entries to list',
		displayOptions: { show: { resource: ['catalogEntry'] } },
	},
	...returnAllAndLimit(),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show: { resource: ['incident'] } },
		options: [
			{
				displayName: 'Created From',
				name: 'createdFrom',
				type: 'dateTime',
				default: '',
				description: 'Only incidents created on or after this day (incident.io matches whole days)',
			},
			{
				displayName: 'Incident Modes',
				name: 'modes',
				type: 'multiOptions',
				options: modeOptions,
				default: [...INCIDENT_MODES],
				description:
					'Only incidents in these modes. Without this filter every mode is included (the API alone would return only standard and retrospective).',
			},
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
				options: categoryOptions,
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
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show: { resource: ['action', 'followUp'] } },
		options: [
			{ displayName: 'Incident ID', name: 'incidentId', type: 'string', default: '', description: 'Only records of this incident' },
			modesFilter,
		],
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show: { resource: ['incidentUpdate'] } },
		options: [{ displayName: 'Incident ID', name: 'incidentId', type: 'string', default: '', description: 'Only updates of this incident' }],
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show: { resource: ['user'] } },
		options: [
			{ displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '', description: 'Only the user with this email' },
			{
				displayName: 'Include Inactive',
				name: 'includeInactive',
				type: 'boolean',
				default: true,
				description: 'Whether to include deactivated users (included unless turned off)',
			},
			{ displayName: 'Slack User ID', name: 'slackUserId', type: 'string', default: '', description: 'Only the user with this Slack user ID' },
		],
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show: { resource: ['catalogEntry'] } },
		options: [{ displayName: 'Identifier', name: 'identifier', type: 'string', default: '', description: 'Only entries with this external ID or alias' }],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: INCREMENTAL_RESOURCES } },
		options: [
			{ ...advancePositionOption, displayOptions: { show: { incremental: [true] } } },
			{
				displayName: 'Incremental',
				name: 'incremental',
				type: 'boolean',
				default: false,
				description:
					'Whether to return only records changed since the sync position of this node and filters (Limit is then not applied: every change is returned). The first run returns everything, or what changed since Start Date. Manual runs never move the position.',
			},
			{
				displayName: 'Overlap (Minutes)',
				name: 'overlapMinutes',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 1440 },
				default: DEFAULT_OVERLAP_MINUTES,
				description: 'How far before the last run to look again, for writes incident.io commits late; repeats are dropped',
			},
			{
				displayName: 'Start Date',
				name: 'startDate',
				type: 'dateTime',
				default: '',
				description: 'Where the first incremental run starts; empty returns every record on the first run',
			},
		],
	},
];

const displayOptions = { show: { resource: RESOURCE_NAMES, operation: [operation] } };

/**
 * updateDisplayOptions would replace a property's own `resource` condition with the list of all
 * resources, so properties meant for some resources get theirs combined by hand.
 */
export const description: INodeProperties[] = [
	...properties.map((property) =>
		property.displayOptions?.show?.resource
			? { ...property, displayOptions: { show: { ...property.displayOptions.show, operation: [operation] } } }
			: updateDisplayOptions(displayOptions, [property])[0],
	),
	...flattenProperties(operation),
];

interface ListPlan {
	/** One query per request series (lists asked once per incident mode have several). */
	queries: Query[];
}

function planQueries(context: IExecuteFunctions, itemIndex: number, resource: ResourceName, dateRange?: string): ListPlan {
	const filters = context.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	switch (resource) {
		case 'incident': {
			const categories = readChoices(context, itemIndex, 'Status Categories', filters.statusCategories ?? [...STATUS_CATEGORIES], STATUS_CATEGORIES);
			const modes = readChoices(context, itemIndex, 'Incident Modes', filters.modes ?? [...INCIDENT_MODES], INCIDENT_MODES);
			const created = filters.createdFrom ? String(filters.createdFrom).slice(0, 10) : undefined;
			return {
				queries: [
					{
						'status_category[one_of]': categories.length ? categories : [...STATUS_CATEGORIES],
						'mode[one_of]': modes.length ? modes : [...INCIDENT_MODES],
						'status[one_of]': readIdList(filters.statusIds),
						'severity[one_of]': readIdList(filters.severityIds),
						'incident_type[one_of]': readIdList(filters.incidentTypeIds),
						'created_at[gte]': created,
						'updated_at[date_range]': dateRange,
						sort_by: 'created_at_oldest_first',
					},
				],
			};
		}
		case 'action':
		case 'followUp': {
			const modes = readChoices(context, itemIndex, 'Incident Modes', filters.modes ?? [...INCIDENT_MODES], INCIDENT_MODES);
			const incidentId = filters.incidentId ? String(filters.incidentId).trim() : undefined;
			// One mode per request: the lists take a single incident_mode and hide test, tutorial and
			// stream incidents' records without it.
			return {
				queries: (modes.length ? modes : [...INCIDENT_MODES]).map((mode: IncidentMode) => ({
					incident_id: incidentId,
					incident_mode: mode,
					'updated_at[date_range]': dateRange,
				})),
			};
		}
		case 'incidentUpdate':
			return { queries: [{ incident_id: filters.incidentId ? String(filters.incidentId).trim() : undefined }] };
		case 'customFieldOption':
			return { queries: [{ custom_field_id: requireText(context, 'customFieldId', itemIndex, 'Custom Field ID', ERROR_MESSAGES.customFieldRequired) }] };
		case 'catalogEntry':
			return {
				queries: [
					{
						catalog_type_id: requireText(context, 'catalogTypeId', itemIndex, 'Catalog Type ID', ERROR_MESSAGES.catalogTypeRequired),
						identifier: filters.identifier ? String(filters.identifier) : undefined,
					},
				],
			};
		case 'user':
			return {
				queries: [
					{
						email: filters.email ? String(filters.email) : undefined,
						slack_user_id: filters.slackUserId ? String(filters.slackUserId) : undefined,
						include_inactive: filters.includeInactive === false ? undefined : 'true',
					},
				],
			};
		default:
			return { queries: [{}] };
	}
}

/** Drops the date filter a fallback list does not know; the window is applied to its records here. */
function withoutDateFilters(query: Query): Query {
	return Object.fromEntries(Object.entries(query).filter(([key]) => !key.startsWith('updated_at[')));
}

async function fetchAll(
	context: IExecuteFunctions,
	client: IncidentIoClient,
	resource: ResourceName,
	plan: ListPlan,
	limit?: number,
): Promise<IDataObject[]> {
	const stream = STREAMS[resource];
	let records: IDataObject[] = [];
	// Set once the paged list answered 404: the remaining requests of this run go to listPath.
	let pagedListMissing = false;
	for (const query of plan.queries) {
		const remaining = limit === undefined ? undefined : limit - records.length;
		if (remaining !== undefined && remaining <= 0) break;
		if (stream.pagedList && !pagedListMissing) {
			const page = await client.getPagedIfAvailable<IDataObject>(stream.pagedList.path, stream.listKey, stream.pagedList.pageSize, query, remaining);
			if (page !== undefined) {
				records = records.concat(page);
				continue;
			}
			pagedListMissing = true;
			context.addExecutionHints({ message: ERROR_MESSAGES.pagedListMissing(stream.pagedList.path, stream.listPath), location: 'outputPane' });
		}
		const fallbackQuery = stream.pagedList ? withoutDateFilters(query) : query;
		if (stream.pageSize !== undefined) {
			records = records.concat(await client.getPaged<IDataObject>(stream.listPath, stream.listKey, stream.pageSize, fallbackQuery, remaining));
		} else {
			const response = await client.get<IDataObject>(stream.listPath, fallbackQuery);
			const list = response.body?.[stream.listKey];
			const page = Array.isArray(list) ? (list as IDataObject[]) : [];
			records = records.concat(remaining === undefined ? page : page.slice(0, remaining));
		}
	}
	return records;
}

function shape(context: IExecuteFunctions, itemIndex: number, resource: ResourceName, records: IDataObject[]): INodeExecutionData[] {
	if (resource !== 'incident' || !(context.getNodeParameter('flatten', itemIndex, false) as boolean)) {
		return records.map((json) => ({ json }));
	}
	const warnings = [];
	const items: INodeExecutionData[] = [];
	for (const record of records) {
		const flat = flattenIncident(record as IncidentRecord);
		warnings.push(...flat.warnings);
		items.push({ json: flat.row });
	}
	addFlattenHints(context, warnings);
	return items;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const resource = this.getNodeParameter('resource', itemIndex) as ResourceName;
	const stream = STREAMS[resource];
	const options = stream.incremental ? (this.getNodeParameter('options', itemIndex, {}) as IDataObject) : {};
	const client = await IncidentIoClient.create(this, itemIndex);

	if (!options.incremental) {
		const records = await fetchAll(this, client, resource, planQueries(this, itemIndex, resource), readLimit(this, itemIndex));
		return shape(this, itemIndex, resource, records);
	}

	// Created before the first request: its start time is the position the next run reads from, so
	// a record changed while this run reads is caught next time.
	const sync = new SyncRun<IncrementalCursor>(this, {
		scope: { resource, operation, filters: this.getNodeParameter('filters', itemIndex, {}) as IDataObject },
		legacy: { key: `incremental:${resource}`, convert: (stored) => (isIncrementalCursor(stored) ? stored : undefined) },
		advance: options.advancePosition as AdvancePosition | undefined,
	});
	const runStartMs = sync.startedAt.getTime();
	const overlap = readNumberInRange(this, itemIndex, options.overlapMinutes, {
		field: 'Overlap (Minutes)',
		min: 0,
		max: 1440,
		fallback: DEFAULT_OVERLAP_MINUTES,
		fix: ERROR_MESSAGES.overlapRange,
	});
	const startDateMs = readInstant(this, itemIndex, options.startDate, 'Start Date', ERROR_MESSAGES.invalidStartDate(options.startDate));
	const previous = sync.read();
	const window = syncWindow(previous, startDateMs, overlap, runStartMs);
	// One day-granular updated_at[date_range] per request (gte with lte is refused); the exact
	// instant, the overlap and repeats are then applied by selectChanges. Should the v3 lists of
	// actions and follow-ups be missing, their v2 fallback is read whole and narrowed the same way.
	const plan = planQueries(this, itemIndex, resource, window.dateRange);
	const records = await fetchAll(this, client, resource, plan);
	const { changes, next, unreadable } = selectChanges(records, window, previous, runStartMs, overlap);
	if (unreadable > 0) {
		this.addExecutionHints({ message: ERROR_MESSAGES.unreadableUpdatedAt(unreadable, resource), location: 'outputPane' });
	}
	if (!(this.getNodeParameter('returnAll', itemIndex, false) as boolean)) sync.limitIgnored(readLimit(this, itemIndex));
	const items = shape(this, itemIndex, resource, changes);
	// Reached only when every request succeeded: a failed run leaves the position where it was.
	sync.advance(next, items.length);
	return items;
}
