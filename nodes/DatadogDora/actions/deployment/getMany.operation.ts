import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { listEvents, listProperties } from '../common/read';

const displayOptions = { show: { resource: ['deployment'], operation: ['getMany'] } };

export const description = updateDisplayOptions(displayOptions, listProperties('deployment'));

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	return await listEvents(this, itemIndex, 'deployment');
}
