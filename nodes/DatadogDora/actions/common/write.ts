import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { DORA_PATHS, PATCH_REQUEST_TYPE, type DoraResource } from '../../constants';
import { requireText } from '../../../../lib/validation';
import { EVENT_ID_FIX } from '../validation';
import { doraClient, eventIdProperty } from './read';
import { outputItem } from '../../../../lib/item-loop';

export const deleteProperties = (resource: DoraResource): INodeProperties[] => [
	eventIdProperty(resource, 'The ID of the {event} to delete'),
];

export async function deleteEvent(
	context: IExecuteFunctions,
	itemIndex: number,
	resource: DoraResource,
): Promise<INodeExecutionData[]> {
	const id = requireText(context, 'eventId', itemIndex, 'Event ID', EVENT_ID_FIX);
	const client = await doraClient(context, itemIndex, true);
	await client.request('DELETE', `${DORA_PATHS[resource].remove}/${encodeURIComponent(id)}`);
	return [outputItem({ deleted: true, id })];
}

export interface Remediation {
	id: string;
	type: string;
}

/** Marks a deployment as a change failure (or not), with the deployment that remediated it. */
export async function patchDeployment(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const id = requireText(context, 'eventId', itemIndex, 'Event ID', EVENT_ID_FIX);
	const changeFailure = context.getNodeParameter('changeFailure', itemIndex, true) as boolean;
	const remediationId = String(
		context.getNodeParameter('remediationId', itemIndex, '') ?? '',
	).trim();
	const remediationType = String(
		context.getNodeParameter('remediationType', itemIndex, 'rollback'),
	);
	const attributes: { change_failure: boolean; remediation?: Remediation } = {
		change_failure: changeFailure,
	};
	if (remediationId) attributes.remediation = { id: remediationId, type: remediationType };
	const client = await doraClient(context, itemIndex, true);
	// The PATCH sets absolute values, so sending it twice changes nothing: retried like a read.
	const response = await client.request(
		'PATCH',
		`${DORA_PATHS.deployment.item}/${encodeURIComponent(id)}`,
		{ data: { attributes: { ...attributes }, id, type: PATCH_REQUEST_TYPE } },
		{ idempotent: true },
	);
	return [
		{
			json: {
				id,
				changeFailure,
				...(attributes.remediation ? { remediation: { ...attributes.remediation } } : {}),
				statusCode: response.statusCode,
				delayed: response.statusCode === 202,
			},
		},
	];
}

export type { DoraResource };
