import type { INodeProperties } from 'n8n-workflow';

import * as getChanges from './getChanges.operation';
import * as getCurrentState from './getCurrentState.operation';
import * as getRows from './getRows.operation';

export { getChanges, getCurrentState, getRows };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['table'] } },
		options: [
			{
				name: 'Get Changes',
				value: 'getChanges',
				description: 'Rows of the pushes not processed yet, marked upsert, delete or full',
				action: 'Get changes of a table',
			},
			{
				name: 'Get Current State',
				value: 'getCurrentState',
				description: 'The latest full push with every later incremental applied: the live rows',
				action: 'Get current state of a table',
			},
			{
				name: 'Get Rows',
				value: 'getRows',
				description:
					'The rows of one push: the latest full, the latest incremental, or a given file',
				action: 'Get rows of a table push',
			},
		],
		default: 'getCurrentState',
	},
	...getRows.description,
	...getCurrentState.description,
	...getChanges.description,
];
