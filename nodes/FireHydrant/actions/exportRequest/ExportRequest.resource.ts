import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getMany from './getMany.operation';

export { get, getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['exportRequest'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get one export request, with a fresh download URL',
				action: 'Get an export request',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List the nightly export requests',
				action: 'Get many export requests',
			},
		],
		default: 'getMany',
	},
	...get.description,
	...getMany.description,
];
