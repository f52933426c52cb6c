import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { advancePositionOption, SyncRun, type AdvancePosition } from '../../../../lib/incremental';
import { readLimit, returnAllAndLimit } from '../../../../lib/parameters';
import {
	readChoices,
	readInstant,
	readNumberInRange,
	requireText,
} from '../../../../lib/validation';
import { DEFAULT_OVERLAP_MINUTES, ERROR_MESSAGES } from '../../constants';
import { flattenIncident, type IncidentRecord } from '../../flatten';
import {
	isIncrementalCursor,
	selectChanges,
	syncWindow,
	type IncrementalCursor,
} from '../../incremental';
import {
	INCREMENTAL_RESOURCES,
	RESOURCE_NAMES,
	STREAMS,
	type ResourceName,
	type StreamDefinition,
	type StreamQueryInput,
} from '../../streams';
import { IncidentIoClient, type Query } from '../../transport';
import { addFlattenHints, flattenProperties } from './shared';
import { outputItem } from '../../../../lib/item-loop';

/**
 * Get Many of every stream: the stream table (streams.ts) says what each stream shows and how its
 * parameters become the query; this file only reads the entry, checks the values and walks the list.
 */

const operation = 'getMany';

const forStreams = (resources: ResourceName[]) => ({
	show: { resource: resources, operation: [operation] },
});

/** Each stream's own parameters, shown for that stream only. */
const streamParameters: INodeProperties[] = RESOURCE_NAMES.flatMap((resource) =>
	(STREAMS[resource].parameters ?? []).map((property) => ({
		...property,
		displayOptions: forStreams([resource]),
	})),
);

/**
 * One Filters collection per set of filters; streams that share one set (action items and
 * follow-ups) share the collection.
 */
function filterCollections(): INodeProperties[] {
	const streamsByFilters = new Map<INodeProperties[], ResourceName[]>();
	for (const resource of RESOURCE_NAMES) {
		const filters = STREAMS[resource].filters;
		if (filters)
			streamsByFilters.set(filters, [...(streamsByFilters.get(filters) ?? []), resource]);
	}
	return [...streamsByFilters].map(([options, resources]) => ({
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: forStreams(resources),
		options,
	}));
}

const incrementalOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	displayOptions: forStreams(INCREMENTAL_RESOURCES),
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
			description:
				'How far before the last run to look again, for writes incident.io commits late; repeats are dropped',
		},
		{
			displayName: 'Start Date',
			name: 'startDate',
			type: 'dateTime',
			default: '',
			description:
				'Where the first incremental run starts; empty returns every record on the first run',
		},
	],
};

export const description: INodeProperties[] = [
	...streamParameters,
	...updateDisplayOptions(forStreams(RESOURCE_NAMES), returnAllAndLimit()),
	...filterCollections(),
	incrementalOptions,
	...flattenProperties(operation),
];

function fieldName(properties: INodeProperties[] | undefined, name: string): string {
	const property = properties?.find((candidate) => candidate.name === name);
	// A builder naming a parameter its entry does not show is a mistake in the table, not in the input.
	if (!property)
		throw new Error(`The stream table names "${name}", which the stream does not show`);
	return property.displayName;
}

/** The queries of one item's request series, every value checked through lib/validation. */
function queriesOf(
	context: IExecuteFunctions,
	itemIndex: number,
	stream: StreamDefinition,
	dateRange?: string,
): Query[] {
	if (!stream.query) return [{}];
	const filters = context.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const input: StreamQueryInput = {
		filters,
		dateRange,
		required: (name, fix) =>
			requireText(context, name, itemIndex, fieldName(stream.parameters, name), fix),
		choices: (name, allowed) => {
			const chosen = readChoices(
				context,
				itemIndex,
				fieldName(stream.filters, name),
				filters[name] ?? [...allowed],
				allowed,
			);
			return chosen.length ? chosen : [...allowed];
		},
	};
	return stream.query(input);
}

/** Drops the date filter a fallback list does not know; the window is applied to its records here. */
function withoutDateFilters(query: Query): Query {
	return Object.fromEntries(
		Object.entries(query).filter(([key]) => !key.startsWith('updated_at[')),
	);
}

/**
 * Reads the request series one after the other, each through the transport's page walker with
 * what Limit still needs. A stream with a paged list reads it first; once it answers 404, the
 * remaining series of this run go to the stream's older list (with a hint saying so).
 */
async function readStream(
	context: IExecuteFunctions,
	client: IncidentIoClient,
	stream: StreamDefinition,
	queries: Query[],
	limit?: number,
): Promise<IDataObject[]> {
	let records: IDataObject[] = [];
	let pagedListMissing = false;
	for (const query of queries) {
		const remaining = limit === undefined ? undefined : limit - records.length;
		if (remaining !== undefined && remaining <= 0) break;
		if (stream.pagedList && !pagedListMissing) {
			const { path, pageSize } = stream.pagedList;
			const page = await client.listIfAvailable<IDataObject>({
				path,
				listKey: stream.listKey,
				pageSize,
				query,
				limit: remaining,
			});
			if (page !== undefined) {
				records = records.concat(page);
				continue;
			}
			pagedListMissing = true;
			context.addExecutionHints({
				message: ERROR_MESSAGES.pagedListMissing(path, stream.listPath),
				location: 'outputPane',
			});
		}
		records = records.concat(
			await client.list<IDataObject>({
				path: stream.listPath,
				listKey: stream.listKey,
				pageSize: stream.pageSize,
				query: stream.pagedList ? withoutDateFilters(query) : query,
				limit: remaining,
			}),
		);
	}
	return records;
}

function shape(
	context: IExecuteFunctions,
	itemIndex: number,
	resource: ResourceName,
	records: IDataObject[],
): INodeExecutionData[] {
	if (
		resource !== 'incident' ||
		!(context.getNodeParameter('flatten', itemIndex, false) as boolean)
	) {
		return records.map(outputItem);
	}
	const warnings = [];
	const items: INodeExecutionData[] = [];
	for (const record of records) {
		const flat = flattenIncident(record as IncidentRecord);
		warnings.push(...flat.warnings);
		items.push(outputItem(flat.row));
	}
	addFlattenHints(context, warnings);
	return items;
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const resource = this.getNodeParameter('resource', itemIndex) as ResourceName;
	const stream = STREAMS[resource];
	const options = stream.incremental
		? (this.getNodeParameter('options', itemIndex, {}) as IDataObject)
		: {};
	const client = await IncidentIoClient.create(this, itemIndex);

	if (!options.incremental) {
		const records = await readStream(
			this,
			client,
			stream,
			queriesOf(this, itemIndex, stream),
			readLimit(this, itemIndex),
		);
		return shape(this, itemIndex, resource, records);
	}

	// Created before the first request: its start time is the position the next run reads from, so
	// a record changed while this run reads is caught next time.
	const sync = new SyncRun<IncrementalCursor>(this, {
		scope: {
			resource,
			operation,
			filters: this.getNodeParameter('filters', itemIndex, {}) as IDataObject,
		},
		legacy: {
			key: `incremental:${resource}`,
			convert: (stored) => (isIncrementalCursor(stored) ? stored : undefined),
		},
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
	const startDateMs = readInstant(
		this,
		itemIndex,
		options.startDate,
		'Start Date',
		ERROR_MESSAGES.invalidStartDate(options.startDate),
	);
	const previous = sync.read();
	const window = syncWindow(previous, startDateMs, overlap, runStartMs);
	// One day-granular updated_at[date_range] per request (gte with lte is refused); the exact
	// instant, the overlap and repeats are then applied by selectChanges. Should the v3 lists of
	// actions and follow-ups be missing, their v2 fallback is read whole and narrowed the same way.
	const records = await readStream(
		this,
		client,
		stream,
		queriesOf(this, itemIndex, stream, window.dateRange),
	);
	const { changes, next, unreadable } = selectChanges(
		records,
		window,
		previous,
		runStartMs,
		overlap,
	);
	if (unreadable > 0) {
		this.addExecutionHints({
			message: ERROR_MESSAGES.unreadableUpdatedAt(unreadable, resource),
			location: 'outputPane',
		});
	}
	if (!(this.getNodeParameter('returnAll', itemIndex, false) as boolean))
		sync.limitIgnored(readLimit(this, itemIndex));
	const items = shape(this, itemIndex, resource, changes);
	// Reached only when every request succeeded: a failed run leaves the position where it was.
	sync.advance(next, items.length);
	return items;
}
