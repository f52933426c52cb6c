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
		displayOptions: { show: { resource: ['incident'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get one incident by ID',
				action: 'Get an incident',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List incidents, optionally only those changed since the last run',
				action: 'Get many incidents',
			},
		],
		default: 'getMany',
	},
	...get.description,
	...getMany.description,
];
