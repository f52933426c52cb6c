import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { deleteEvent, deleteProperties } from '../common/write';

const displayOptions = { show: { resource: ['failure'], operation: ['delete'] } };

export const description = updateDisplayOptions(displayOptions, deleteProperties('failure'));

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	return await deleteEvent(this, itemIndex, 'failure');
}
