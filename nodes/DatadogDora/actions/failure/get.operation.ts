import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getEvent, getProperties } from '../common/read';

const displayOptions = { show: { resource: ['failure'], operation: ['get'] } };

export const description = updateDisplayOptions(displayOptions, getProperties('failure'));

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	return await getEvent(this, itemIndex, 'failure');
}
