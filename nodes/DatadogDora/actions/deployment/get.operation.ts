import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getEvent, getProperties } from '../common/read';

const displayOptions = { show: { resource: ['deployment'], operation: ['get'] } };

export const description = updateDisplayOptions(displayOptions, getProperties('deployment'));

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	return await getEvent(this, itemIndex, 'deployment');
}
