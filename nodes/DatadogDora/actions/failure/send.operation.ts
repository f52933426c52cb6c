import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	eventIdProperty,
	failureAdditionalFields,
	sendEvent,
	sendOptions,
	timeProperties,
} from '../common/send';

const properties: INodeProperties[] = [
	eventIdProperty,
	...timeProperties(false),
	{
		displayName: 'Services',
		name: 'services',
		type: 'string',
		default: '',
		placeholder: 'shopist, checkout',
		description:
			'Services impacted, separated by commas (or an array). Services or Team is required.',
	},
	{
		displayName: 'Team',
		name: 'team',
		type: 'string',
		default: '',
		description: 'Team owning the impacted services. Services or Team is required.',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: failureAdditionalFields,
	},
	sendOptions,
];

const displayOptions = { show: { resource: ['failure'], operation: ['send'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	return await sendEvent(this, itemIndex, 'failure');
}
