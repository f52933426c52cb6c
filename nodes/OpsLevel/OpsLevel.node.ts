import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as push from './actions/push/Push.resource';
import { router } from './actions/router';
import * as table from './actions/table/Table.resource';
import { methods } from './methods';

export class OpsLevel implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OpsLevel',
		name: 'opsLevel',
		icon: { light: 'file:opslevel.svg', dark: 'file:opslevel.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Read OpsLevel data exports from your S3 bucket: pushes, table rows, current state and changes',
		defaults: { name: 'OpsLevel' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'opsLevelS3Api', required: true, testedBy: 'opsLevelS3ApiTest' }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Push',
						value: 'push',
						description: 'The export files OpsLevel pushed (weekly full, daily incremental)',
					},
					{ name: 'Table', value: 'table', description: 'Rows of one exported table' },
				],
				default: 'table',
			},
			...push.description,
			...table.description,
		],
	};

	methods = methods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
