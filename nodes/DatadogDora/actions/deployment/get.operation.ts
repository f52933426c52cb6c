import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getEvent, simplifyProperty } from '../common/read';

const properties: INodeProperties[] = [
	{
		displayName: 'Event ID',
		name: 'eventId',
		type: 'string',
		default: '',
		required: true,
		description: 'The ID of the deployment event, as returned by Send (or derived from your own ID)',
	},
	simplifyProperty,
];

const displayOptions = { show: { resource: ['deployment'], operation: ['get'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	return await getEvent(this, itemIndex, 'deployment');
}
