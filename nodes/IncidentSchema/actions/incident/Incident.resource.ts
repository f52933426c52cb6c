import type { INodeProperties } from 'n8n-workflow';

import * as computeMetrics from './computeMetrics.operation';
import * as normalize from './normalize.operation';
import * as toDoraFailure from './toDoraFailure.operation';

export { computeMetrics, normalize, toDoraFailure };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Compute Metrics',
				value: 'computeMetrics',
				description:
					'Counts, time-to medians and p90s, open incidents and change failure rate per group and window',
				action: 'Compute incident metrics',
			},
			{
				name: 'Normalize Incidents',
				value: 'normalize',
				description: 'One row per incident in one schema, whichever tool it came from',
				action: 'Normalize incidents',
			},
			{
				name: 'To DORA Failure',
				value: 'toDoraFailure',
				description:
					"Shape normalized incidents for the Datadog DORA Metrics node's Failure → Send",
				action: 'Shape incidents as DORA failures',
			},
		],
		default: 'normalize',
	},
	...normalize.description,
	...computeMetrics.description,
	...toDoraFailure.description,
];
