import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { currentState } from '../../drops/pushes';
import type { OpsLevelBucket } from '../../transport';
import { rowShape, type RowOptionValues } from '../../drops/rows';
import { readLimit, readTable } from '../validation';
import { includeDeletedOption, rowOptions, tableProperty } from '../common/properties';
import { returnAllAndLimit } from '../../../../lib/parameters';
import { outputItem } from '../../../../lib/item-loop';

const properties: INodeProperties[] = [
	tableProperty,
	...returnAllAndLimit({ returnAllDefault: true }),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [includeDeletedOption, ...rowOptions],
	},
];

const displayOptions = { show: { resource: ['table'], operation: ['getCurrentState'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	bucket: OpsLevelBucket,
): Promise<INodeExecutionData[]> {
	const table = readTable(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as RowOptionValues;
	const limit = readLimit(this, itemIndex);
	const results: INodeExecutionData[] = [];
	for await (const json of currentState(bucket, table, this.getNode(), {
		shape: rowShape(options),
		includeDeleted: options.includeDeleted ?? false,
		itemIndex,
		limit,
	})) {
		results.push(outputItem(json));
	}
	return results;
}
