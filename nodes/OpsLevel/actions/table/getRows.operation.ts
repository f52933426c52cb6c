import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { ERROR_MESSAGES } from '../../constants';
import { parseDropKey } from '../../drops/keys';
import { groupPushes, listPushes, pushRows, type Push } from '../../drops/pushes';
import type { OpsLevelBucket } from '../../transport';
import { rowShape, type RowOptionValues } from '../../drops/rows';
import { requireText } from '../../../../lib/validation';
import { readLimit, readTable } from '../validation';
import { rowOptions, tableProperty } from '../common/properties';
import { returnAllAndLimit } from '../../../../lib/parameters';
import { outputItem } from '../../../../lib/item-loop';

const properties: INodeProperties[] = [
	{
		displayName: 'Push',
		name: 'source',
		type: 'options',
		options: [
			{
				name: 'Latest Full Push',
				value: 'latestFull',
				description: 'The newest weekly full export of the table',
			},
			{
				name: 'Latest Incremental Push',
				value: 'latestIncremental',
				description: 'The newest daily changes of the table',
			},
			{ name: 'Given Key', value: 'key', description: 'One export file, by its key in the bucket' },
		],
		default: 'latestFull',
	},
	{ ...tableProperty, displayOptions: { show: { source: ['latestFull', 'latestIncremental'] } } },
	{
		displayName: 'Key',
		name: 'key',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'v1/full/services/2020-07-14/22:00:00/services.csv.gz',
		description: 'The object key, as Push → Get Many lists it',
		displayOptions: { show: { source: ['key'] } },
	},
	...returnAllAndLimit({ returnAllDefault: true }),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: rowOptions,
	},
];

const displayOptions = { show: { resource: ['table'], operation: ['getRows'] } };

export const description = updateDisplayOptions(displayOptions, properties);

async function selectPush(
	context: IExecuteFunctions,
	itemIndex: number,
	bucket: OpsLevelBucket,
): Promise<Push> {
	const source = context.getNodeParameter('source', itemIndex, 'latestFull') as
		| 'latestFull'
		| 'latestIncremental'
		| 'key';
	if (source === 'key') {
		const key = requireText(context, 'key', itemIndex, 'Key', ERROR_MESSAGES.noKey).replace(
			/^\/+(?=v1\/)/,
			'',
		);
		const drop = parseDropKey(key, bucket.rootPrefix);
		if (!drop) {
			throw new NodeOperationError(context.getNode(), ERROR_MESSAGES.notADrop(key), { itemIndex });
		}
		return groupPushes([drop])[0];
	}
	const table = readTable(context, itemIndex);
	const pushType = source === 'latestFull' ? 'full' : 'incremental';
	const pushes = await listPushes(bucket, table, pushType, { itemIndex });
	const latest = pushes[pushes.length - 1];
	if (!latest) {
		const message =
			pushType === 'full'
				? ERROR_MESSAGES.noFullPush(table)
				: ERROR_MESSAGES.noIncrementalPush(table);
		throw new NodeOperationError(context.getNode(), message, { itemIndex });
	}
	return latest;
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	bucket: OpsLevelBucket,
): Promise<INodeExecutionData[]> {
	const push = await selectPush(this, itemIndex, bucket);
	const shape = rowShape(this.getNodeParameter('options', itemIndex, {}) as RowOptionValues);
	const limit = readLimit(this, itemIndex);
	const results: INodeExecutionData[] = [];
	for await (const json of pushRows(bucket, push, shape, { itemIndex, limit })) {
		results.push(outputItem(json));
	}
	return results;
}
