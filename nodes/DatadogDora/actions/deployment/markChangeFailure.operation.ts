import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { patchDeployment } from '../common/write';

const properties: INodeProperties[] = [
	{
		displayName: 'Event ID',
		name: 'eventId',
		type: 'string',
		default: '',
		required: true,
		description: 'The ID of the deployment event that caused the failure',
	},
	{
		displayName: 'Change Failure',
		name: 'changeFailure',
		type: 'boolean',
		default: true,
		description: 'Whether the deployment is a change failure (turn off to clear the mark)',
	},
	{
		displayName: 'Remediation Deployment ID',
		name: 'remediationId',
		type: 'string',
		default: '',
		description: 'Optional. The ID of the deployment event that remediated it.',
	},
	{
		displayName: 'Remediation Type',
		name: 'remediationType',
		type: 'options',
		// UNVERIFIED (vendor notes): the recorded exchange shows "rollback" only; "rollforward" is assumed.
		options: [
			{ name: 'Rollback', value: 'rollback' },
			{ name: 'Rollforward', value: 'rollforward' },
		],
		default: 'rollback',
		displayOptions: { hide: { remediationId: [''] } },
	},
];

const displayOptions = { show: { resource: ['deployment'], operation: ['markChangeFailure'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	return await patchDeployment(this, itemIndex);
}
