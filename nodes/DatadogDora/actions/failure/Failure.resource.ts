import type { INodeProperties } from 'n8n-workflow';

import * as deleteFailure from './deleteFailure.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as send from './send.operation';

export { deleteFailure, get, getMany, send };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['failure'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a failure event',
				action: 'Delete a failure event',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a failure event',
				action: 'Get a failure event',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List failure events in a time window',
				action: 'Get many failure events',
			},
			{
				name: 'Send',
				value: 'send',
				description: 'Create a failure event, or update the one with the same Event ID',
				action: 'Send a failure event',
			},
		],
		default: 'send',
	},
	...send.description,
	...get.description,
	...getMany.description,
	...deleteFailure.description,
];
