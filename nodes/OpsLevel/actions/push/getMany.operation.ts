import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { PUSH_TYPES, type PushType } from '../../constants';
import { pushTimestamp } from '../../drops/keys';
import { listDrops } from '../../drops/read';
import type { OpsLevelBucket } from '../../transport';
import { optionalSince, readLimit } from '../validation';
import { returnAllAndLimit } from '../../../../lib/parameters';
import { outputItem } from '../../../../lib/item-loop';

const properties: INodeProperties[] = [
	{
		displayName: 'Push Type',
		name: 'pushType',
		type: 'options',
		options: [
			{ name: 'All', value: 'all' },
			{ name: 'Full (Weekly)', value: 'full' },
			{ name: 'Incremental (Daily)', value: 'incremental' },
		],
		default: 'all',
	},
	{
		displayName: 'Table Names or IDs',
		name: 'tables',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getTables' },
		default: [],
		description:
			'Tables to list; none means every table. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Pushed Since',
		name: 'since',
		type: 'dateTime',
		default: '',
		description: 'Only pushes at or after this time (UTC); empty means all',
	},
	...returnAllAndLimit(),
];

const displayOptions = { show: { resource: ['push'], operation: ['getMany'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	bucket: OpsLevelBucket,
): Promise<INodeExecutionData[]> {
	const pushType = this.getNodeParameter('pushType', itemIndex, 'all') as PushType | 'all';
	const tables = (this.getNodeParameter('tables', itemIndex, []) as string[])
		.map((table) => table.trim())
		.filter(Boolean);
	const since = optionalSince(
		this,
		itemIndex,
		this.getNodeParameter('since', itemIndex, ''),
		'Pushed Since',
	);
	const limit = readLimit(this, itemIndex);
	const results: INodeExecutionData[] = [];
	for await (const drop of listDrops(bucket, {
		pushTypes: pushType === 'all' ? PUSH_TYPES : [pushType],
		tables,
		since,
		itemIndex,
	})) {
		const json: IDataObject = {
			pushType: drop.pushType,
			table: drop.table,
			date: drop.date,
			timestamp: drop.timestamp,
			pushedAt: pushTimestamp(drop),
			key: drop.key,
			size: drop.size,
			lastModified: drop.lastModified,
		};
		results.push(outputItem(json));
		if (limit !== undefined && results.length >= limit) break;
	}
	return results;
}
