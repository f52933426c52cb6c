import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';

export { getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['push'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List the export files OpsLevel has pushed to the bucket',
				action: 'Get many pushes',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
];
