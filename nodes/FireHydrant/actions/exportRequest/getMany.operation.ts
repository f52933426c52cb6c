import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readLimit, returnAllAndLimit } from '../../../../lib/parameters';
import { listExportRequests } from '../../dataExports/exportRequests';
import { FireHydrantClient } from '../../transport';
import { readIsoInstant } from '../../../../lib/validation';
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
				displayName: 'Newer Than',
				name: 'newerThan',
				type: 'dateTime',
				default: '',
				description:
					'Only reports GENERATED after this time (not incidents updated after it). Reports older than 30 days are expunged.',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: [
					{ name: 'Any', value: 'any' },
					{ name: 'Completed', value: 'completed' },
					{ name: 'Errored', value: 'errored' },
					{ name: 'Offline', value: 'offline' },
					{ name: 'Pending', value: 'pending' },
				],
				default: 'completed',
				description: 'Only export requests in this status',
			},
		],
	},
];

const displayOptions = { show: { resource: ['exportRequest'], operation: ['getMany'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const limit = readLimit(this, itemIndex);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as {
		newerThan?: string;
		status?: string;
	};
	const status = filters.status ?? 'completed';
	const client = await FireHydrantClient.create(this, itemIndex);
	const exportRequests = await listExportRequests(client, {
		newerThan: readIsoInstant(this, itemIndex, filters.newerThan, 'Newer Than'),
		status: status === 'any' ? undefined : status,
		limit,
	});
	return exportRequests.map((exportRequest) => outputItem(exportRequest));
}
