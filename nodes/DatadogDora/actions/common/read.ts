import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { toNodeError } from '../../../../lib/errors';
import {
	DEFAULT_PAGE_SIZE,
	DORA_PATHS,
	ERROR_MESSAGES,
	LIST_REQUEST_TYPES,
	MAX_PAGE_SIZE,
	type DoraResource,
} from '../../constants';
import { resourceLabel, shapeEvent, type DoraEventData } from '../../events';
import { walkWindow, WindowWalkError, type SortOrder } from '../../list';
import { DatadogDoraClient } from '../../transport';
import { requireText } from '../../../../lib/validation';
import { EVENT_ID_FIX, fail, readLimit, readTime } from '../validation';
import { returnAllAndLimit } from '../../../../lib/parameters';
import { outputItem } from '../../../../lib/item-loop';

export const simplifyProperty: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: true,
	description:
		"Whether to return the ID, type and attributes in one flat object instead of Datadog's nested form",
};

/** The Event ID field of Get and Delete, worded for the resource and what the operation does with it. */
export const eventIdProperty = (resource: DoraResource, description: string): INodeProperties => ({
	displayName: 'Event ID',
	name: 'eventId',
	type: 'string',
	default: '',
	required: true,
	description: description.replace('{event}', resourceLabel(resource)),
});

export const getProperties = (resource: DoraResource): INodeProperties[] => [
	eventIdProperty(
		resource,
		'The ID of the {event}, as returned by Send (or derived from your own ID)',
	),
	simplifyProperty,
];

export const listProperties = (resource: DoraResource): INodeProperties[] => [
	{
		displayName: 'From',
		name: 'from',
		type: 'string',
		default: '={{ $now.minus({ days: 30 }).toISO() }}',
		required: true,
		description: `Start of the time window (${resourceLabel(resource)}s that started at or after it): ISO 8601, or Unix seconds/milliseconds/nanoseconds`,
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'string',
		default: '={{ $now.toISO() }}',
		required: true,
		description: 'End of the time window (events that started before it)',
	},
	...returnAllAndLimit(),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Query',
				name: 'query',
				type: 'string',
				default: '',
				placeholder: 'service:shopist env:production',
				description: 'Datadog search query the events must match',
			},
			{
				displayName: 'Sort',
				name: 'sort',
				type: 'options',
				options: [
					{ name: 'Oldest First', value: 'started_at' },
					{ name: 'Newest First', value: '-started_at' },
				],
				default: 'started_at',
				description: 'Order by start time',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Page Size',
				name: 'pageSize',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: MAX_PAGE_SIZE },
				default: DEFAULT_PAGE_SIZE,
				description:
					'Events asked for per request. The list has no cursor: the node moves the time window from page to page.',
			},
		],
	},
	simplifyProperty,
];

function requireAppKey(
	context: IExecuteFunctions,
	client: DatadogDoraClient,
	itemIndex: number,
): void {
	if (!client.hasAppKey) fail(context, itemIndex, ERROR_MESSAGES.noAppKey, ERROR_MESSAGES.noAppKey);
}

function requireDoraSite(
	context: IExecuteFunctions,
	client: DatadogDoraClient,
	itemIndex: number,
): void {
	if (client.site === 'ddog-gov.com')
		fail(
			context,
			itemIndex,
			ERROR_MESSAGES.gov,
			'Choose the site your organisation uses in the Datadog DORA credential.',
		);
}

export async function doraClient(
	context: IExecuteFunctions,
	itemIndex: number,
	needsAppKey: boolean,
): Promise<DatadogDoraClient> {
	const client = await DatadogDoraClient.create(context, itemIndex);
	requireDoraSite(context, client, itemIndex);
	if (needsAppKey) requireAppKey(context, client, itemIndex);
	return client;
}

export async function getEvent(
	context: IExecuteFunctions,
	itemIndex: number,
	resource: DoraResource,
): Promise<INodeExecutionData[]> {
	const id = requireText(context, 'eventId', itemIndex, 'Event ID', EVENT_ID_FIX);
	const simplify = context.getNodeParameter('simplify', itemIndex, true) as boolean;
	const client = await doraClient(context, itemIndex, true);
	const response = await client.request<{ data?: DoraEventData }>(
		'GET',
		`${DORA_PATHS[resource].item}/${encodeURIComponent(id)}`,
	);
	return [outputItem(shapeEvent(response.body?.data ?? {}, simplify))];
}

export async function listEvents(
	context: IExecuteFunctions,
	itemIndex: number,
	resource: DoraResource,
): Promise<INodeExecutionData[]> {
	const fromNanos = readTime(
		context,
		context.getNodeParameter('from', itemIndex, ''),
		itemIndex,
		'From',
		true,
	) as bigint;
	const toNanos = readTime(
		context,
		context.getNodeParameter('to', itemIndex, ''),
		itemIndex,
		'To',
		true,
	) as bigint;
	if (toNanos <= fromNanos)
		fail(
			context,
			itemIndex,
			ERROR_MESSAGES.windowOrder(itemIndex),
			'Set "From" to a time before "To".',
		);
	const filters = context.getNodeParameter('filters', itemIndex, {}) as {
		query?: string;
		sort?: SortOrder;
	};
	const options = context.getNodeParameter('options', itemIndex, {}) as { pageSize?: number };
	const simplify = context.getNodeParameter('simplify', itemIndex, true) as boolean;
	const query = String(filters.query ?? '').trim();
	const client = await doraClient(context, itemIndex, true);
	try {
		const { events } = await walkWindow({
			fromMs: Number(fromNanos / 1_000_000n),
			toMs: Number(toNanos / 1_000_000n),
			pageSize: Math.min(
				MAX_PAGE_SIZE,
				Math.max(1, Math.floor(options.pageSize ?? DEFAULT_PAGE_SIZE)),
			),
			limit: readLimit(context, itemIndex),
			sort: filters.sort ?? 'started_at',
			fetchPage: async (page) => {
				const attributes: Record<string, unknown> = {
					from: page.from,
					to: page.to,
					limit: page.limit,
					sort: page.sort,
				};
				if (query) attributes.query = query;
				// A search sent as POST: reading twice changes nothing, so it is retried like a GET.
				const response = await client.request<{ data?: DoraEventData[] }>(
					'POST',
					DORA_PATHS[resource].list,
					{ data: { type: LIST_REQUEST_TYPES[resource], attributes } },
					{ idempotent: true },
				);
				return Array.isArray(response.body?.data) ? response.body.data : [];
			},
		});
		return events.map((event) => outputItem(shapeEvent(event, simplify)));
	} catch (error) {
		if (error instanceof WindowWalkError) {
			throw new NodeOperationError(context.getNode(), error.message, {
				itemIndex,
				description: error.message,
			});
		}
		throw toNodeError(context.getNode(), error, itemIndex);
	}
}
