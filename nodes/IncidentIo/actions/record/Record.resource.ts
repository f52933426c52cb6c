import type { INodeProperties } from 'n8n-workflow';

import { RESOURCE_NAMES, STREAMS } from '../../streams';
import * as get from './get.operation';
import * as getMany from './getMany.operation';

export { get, getMany };

const article = (label: string) => (/^[AEIOU]/i.test(label) ? 'an' : 'a');

/** One Operation picker per resource, so every action text names its record. */
export const description: INodeProperties[] = [
	...RESOURCE_NAMES.map(
		(resource): INodeProperties => {
			const stream = STREAMS[resource];
			const options = [
				...(stream.showPath
					? [
							{
								name: 'Get',
								value: 'get',
								description: `Get one ${stream.label.toLowerCase()} by ID`,
								action: `Get ${article(stream.label)} ${stream.label.toLowerCase()}`,
							},
						]
					: []),
				{
					name: 'Get Many',
					value: 'getMany',
					description: `List ${stream.plural.toLowerCase()}`,
					action: `Get many ${stream.plural.toLowerCase()}`,
				},
			];
			return {
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: [resource] } },
				options,
				default: 'getMany',
			};
		},
	),
	...get.description,
	...getMany.description,
];
