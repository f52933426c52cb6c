import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { AdvancePosition } from '../../../../lib/incremental';
import { readLimit, returnAllAndLimit } from '../../../../lib/parameters';
import { listIncidents, type IncidentFilter } from '../../rest/incidents';
import { FireHydrantClient } from '../../transport';
import { incrementalOptions, readIncrementalWindow } from '../common/incremental';
import { readIsoInstant } from '../../../../lib/validation';
import { incidentOutput, simplifyProperty } from './shared';
import { outputItem } from '../../../../lib/item-loop';

const properties: INodeProperties[] = [
	...returnAllAndLimit(),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Archived',
				name: 'archived',
				type: 'boolean',
				default: false,
				description: 'Whether to return archived incidents instead of current ones',
			},
			{
				displayName: 'Created At or After',
				name: 'createdAtOrAfter',
				type: 'dateTime',
				default: '',
			},
			{
				displayName: 'Services',
				name: 'services',
				type: 'string',
				default: '',
				placeholder: 'e.g. 3f2a…, 9b1c…',
				description: 'Comma-separated service IDs',
			},
			{
				displayName: 'Severities',
				name: 'severities',
				type: 'string',
				default: '',
				placeholder: 'SEV1, SEV2',
				description: 'Comma-separated severity names',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'string',
				default: '',
				placeholder: 'open',
				description: 'Incident status as the API takes it (for example open or closed)',
			},
			{
				displayName: 'Teams',
				name: 'teams',
				type: 'string',
				default: '',
				description: 'Comma-separated team IDs',
			},
			{ displayName: 'Updated After', name: 'updatedAfter', type: 'dateTime', default: '' },
			{ displayName: 'Updated Before', name: 'updatedBefore', type: 'dateTime', default: '' },
		],
	},
	simplifyProperty,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: incrementalOptions,
	},
];

const displayOptions = { show: { resource: ['incident'], operation: ['getMany'] } };

export const description = updateDisplayOptions(displayOptions, properties);

interface FilterValues {
	archived?: boolean;
	createdAtOrAfter?: string;
	services?: string;
	severities?: string;
	status?: string;
	teams?: string;
	updatedAfter?: string;
	updatedBefore?: string;
}

function commaList(value: string | undefined): string | undefined {
	const items = String(value ?? '')
		.split(',')
		.map((item) => item.trim())
		.filter(Boolean);
	return items.length > 0 ? items.join(',') : undefined;
}

export function readIncidentFilter(
	context: IExecuteFunctions,
	itemIndex: number,
	values: FilterValues,
): IncidentFilter {
	return {
		updatedAfter: readIsoInstant(context, itemIndex, values.updatedAfter, 'Updated After'),
		updatedBefore: readIsoInstant(context, itemIndex, values.updatedBefore, 'Updated Before'),
		createdAtOrAfter: readIsoInstant(
			context,
			itemIndex,
			values.createdAtOrAfter,
			'Created At or After',
		),
		archived: values.archived,
		status: values.status?.trim() || undefined,
		severities: commaList(values.severities),
		teams: commaList(values.teams),
		services: commaList(values.services),
	};
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const limit = readLimit(this, itemIndex);
	const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
	const filter = readIncidentFilter(
		this,
		itemIndex,
		this.getNodeParameter('filters', itemIndex, {}) as FilterValues,
	);
	const options = this.getNodeParameter('options', itemIndex, {}) as {
		incremental?: boolean;
		overlapMinutes?: number;
		advancePosition?: AdvancePosition;
	};
	const scope: IDataObject = { resource: 'incident', operation: 'getMany', filter: { ...filter } };
	const window = readIncrementalWindow(this, itemIndex, options, scope, 'incidentCursor');
	window?.limitIgnored(limit);
	const client = await FireHydrantClient.create(this, itemIndex);
	const incidents = await listIncidents(
		client,
		{
			...filter,
			updatedAfter: window ? window.startAfter(filter.updatedAfter) : filter.updatedAfter,
		},
		window ? undefined : limit,
	);
	const items = incidents.map((incident) => outputItem(incidentOutput(incident, simplify)));
	window?.advance(items.length);
	return items;
}
