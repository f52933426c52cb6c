import type { INodeProperties } from 'n8n-workflow';

import * as getRows from './getRows.operation';

export { getRows };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['exportData'] } },
		options: [
			{
				name: 'Get Rows',
				value: 'getRows',
				description: 'Download the CSV reports and return their rows (or the files)',
				action: 'Get rows from data exports',
			},
		],
		default: 'getRows',
	},
	...getRows.description,
];
