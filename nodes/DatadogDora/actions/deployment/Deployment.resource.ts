import type { INodeProperties } from 'n8n-workflow';

import * as deleteDeployment from './deleteDeployment.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as markChangeFailure from './markChangeFailure.operation';
import * as send from './send.operation';

export { deleteDeployment, get, getMany, markChangeFailure, send };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['deployment'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a deployment event',
				action: 'Delete a deployment event',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a deployment event',
				action: 'Get a deployment event',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List deployment events in a time window',
				action: 'Get many deployment events',
			},
			{
				name: 'Mark Change Failure',
				value: 'markChangeFailure',
				description: 'Mark a deployment as a change failure, with its remediation',
				action: 'Mark a deployment as a change failure',
			},
			{
				name: 'Send',
				value: 'send',
				description: 'Create a deployment event, or update the one with the same Event ID',
				action: 'Send a deployment event',
			},
		],
		default: 'send',
	},
	...send.description,
	...get.description,
	...getMany.description,
	...deleteDeployment.description,
	...markChangeFailure.description,
];
