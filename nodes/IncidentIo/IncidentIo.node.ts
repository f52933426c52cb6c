import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as stream from './actions/stream/Stream.resource';
import { router } from './actions/router';
import { RESOURCE_NAMES, STREAMS } from './streams';

export class IncidentIo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'incident.io',
		name: 'incidentIo',
		icon: { light: 'file:incidentio.svg', dark: 'file:incidentio.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Read incidents, actions, follow-ups, updates, settings, users and the catalog from incident.io, with changed-since syncs',
		defaults: { name: 'incident.io' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'incidentIoApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: RESOURCE_NAMES.map((resource) => ({
					name: STREAMS[resource].label,
					value: resource,
					description: STREAMS[resource].description,
				})).sort((a, b) => a.name.localeCompare(b.name)),
				default: 'incident',
			},
			...stream.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
