import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as exportData from './actions/exportData/ExportData.resource';
import * as exportRequest from './actions/exportRequest/ExportRequest.resource';
import * as incident from './actions/incident/Incident.resource';
import { router } from './actions/router';

export class FireHydrant implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'FireHydrant',
		name: 'fireHydrant',
		icon: { light: 'file:firehydrant.svg', dark: 'file:firehydrant.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Read incident data from FireHydrant: incidents, and rows from the data export or the REST API',
		defaults: { name: 'FireHydrant' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'fireHydrantApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Export Data',
						value: 'exportData',
						description: 'Rows of the nightly CSV data exports',
					},
					{
						name: 'Export Request',
						value: 'exportRequest',
						description: 'The nightly reports themselves',
					},
					{ name: 'Incident', value: 'incident', description: 'Incidents from the REST API' },
				],
				default: 'exportData',
			},
			{
				displayName:
					'FireHydrant has deprecated the CSV data export (Enterprise accounts only). Reports are kept for 30 days and start from the day the export was enabled.',
				name: 'deprecationNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { resource: ['exportData', 'exportRequest'] } },
			},
			...exportData.description,
			...exportRequest.description,
			...incident.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
