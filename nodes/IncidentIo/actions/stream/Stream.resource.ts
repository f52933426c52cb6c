import type { INodeProperties } from 'n8n-workflow';

import { RESOURCE_NAMES, STREAMS } from '../../streams';
import * as get from './get.operation';
import * as getMany from './getMany.operation';

export { get, getMany };

/**
 * "a" or "an" by the sound of the first word, not its first letter: a user, a unit, a one-off,
 * a European; an update, an hour, an incident.
 */
function indefiniteArticle(phrase: string): 'a' | 'an' {
	const word = phrase.trim().toLowerCase();
	if (/^(uni|u[^aeioun][aeiou]|eu|one\b|once\b)/.test(word)) return 'a';
	if (/^(hour|honest|honou?r|heir)/.test(word)) return 'an';
	return /^[aeiou]/.test(word) ? 'an' : 'a';
}

/** One Operation picker per resource, so every action text names its record. */
export const description: INodeProperties[] = [
	...RESOURCE_NAMES.map((resource): INodeProperties => {
		const stream = STREAMS[resource];
		const options = [
			...(stream.showPath
				? [
						{
							name: 'Get',
							value: 'get',
							description: `Get one ${stream.label.toLowerCase()} by ID`,
							action: `Get ${indefiniteArticle(stream.label)} ${stream.label.toLowerCase()}`,
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
	}),
	...get.description,
	...getMany.description,
];
