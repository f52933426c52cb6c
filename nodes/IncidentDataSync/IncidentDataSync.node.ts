import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { router } from './actions/router';
import * as commit from './actions/commit.operation';
import * as getPositions from './actions/getPositions.operation';
import * as reset from './actions/reset.operation';

export class IncidentDataSync implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Incident Data Sync',
		name: 'incidentDataSync',
		icon: { light: 'file:incidentDataSync.svg', dark: 'file:incidentDataSync.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description:
			'Moves the sync positions of incremental FireHydrant, incident.io and OpsLevel reads only once the workflow has delivered their rows',
		defaults: { name: 'Incident Data Sync' },
		// Not a tool: it acts on the workflow's own sync positions, which an agent has no business moving.
		usableAsTool: undefined,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Commit Sync Position',
						value: 'commit',
						description:
							'Move the positions the incremental nodes of this execution read up to; put it after the destination',
						action: 'Commit sync position',
					},
					{
						name: 'Get Sync Positions',
						value: 'getPositions',
						description: 'List the sync positions kept in this workflow',
						action: 'Get sync positions',
					},
					{
						name: 'Reset Sync Position',
						value: 'reset',
						description:
							'Forget the positions of chosen nodes, so their next run reads from the start',
						action: 'Reset sync position',
					},
				],
				default: 'commit',
			},
			...commit.description,
			...getPositions.description,
			...reset.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
