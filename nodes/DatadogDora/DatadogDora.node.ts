import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as deployment from './actions/deployment/Deployment.resource';
import * as failure from './actions/failure/Failure.resource';
import { router } from './actions/router';

export class DatadogDora implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Datadog DORA Metrics',
		name: 'datadogDora',
		icon: { light: 'file:datadogDora.svg', dark: 'file:datadogDora.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Send, read and delete DORA failure and deployment events in Datadog',
		defaults: { name: 'Datadog DORA Metrics' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'datadogDoraApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Deployment',
						value: 'deployment',
						description: 'Deployments, and the change failures among them',
					},
					{
						name: 'Failure',
						value: 'failure',
						description: 'Failures (incidents) that count towards DORA metrics',
					},
				],
				default: 'failure',
			},
			...failure.description,
			...deployment.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
