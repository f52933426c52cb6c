import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	deploymentAdditionalFields,
	eventIdProperty,
	sendEvent,
	sendOptions,
	timeProperties,
} from '../common/send';

const properties: INodeProperties[] = [
	eventIdProperty,
	{
		displayName: 'Service',
		name: 'service',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'shopist',
		description: 'The service that was deployed',
	},
	...timeProperties(true),
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: deploymentAdditionalFields,
	},
	sendOptions,
];

const displayOptions = { show: { resource: ['deployment'], operation: ['send'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	return await sendEvent(this, itemIndex, 'deployment');
}
