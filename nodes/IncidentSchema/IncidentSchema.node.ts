import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as incident from './actions/incident/Incident.resource';
import { router } from './actions/router';

export class IncidentSchema implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Incident Schema',
		name: 'incidentSchema',
		icon: { light: 'file:incidentSchema.svg', dark: 'file:incidentSchema.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description:
			'Normalize FireHydrant, incident.io and Datadog DORA incidents into one schema, compute metrics, shape DORA failures',
		defaults: { name: 'Incident Schema' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: incident.description,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
