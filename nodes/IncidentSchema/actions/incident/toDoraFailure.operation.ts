import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { IncidentRow } from '../../schema/columns';
import { toDoraFailure, type DoraSkipReason } from '../../schema/dora';
import { isIncidentRow } from '../../schema/metrics';
import { outputItem } from '../../../../lib/item-loop';

export const description: INodeProperties[] = [
	{
		displayName:
			'Outputs the fields of the Datadog DORA Metrics node\'s Failure → Send: map each parameter to {{ $json.<parameter> }} (eventId, startedAt, finishedAt, services, team, env, name, severity) and leave "Derive Event ID" off.',
		name: 'doraNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { operation: ['toDoraFailure'] } },
	},
];

/** Per item (the shared item loop pairs and handles Continue On Fail); skipped incidents are counted for a hint. */
export function executeItem(
	this: IExecuteFunctions,
	itemIndex: number,
	skipped: Record<DoraSkipReason, number>,
): INodeExecutionData[] {
	const json = this.getInputData()[itemIndex].json;
	if (!isIncidentRow(json)) {
		throw new NodeOperationError(this.getNode(), `Item ${itemIndex} is not a normalized incident`, {
			itemIndex,
			description:
				'To DORA Failure reads the output of "Normalize Incidents" (fields incident_key, started_at, services, teams). Put Normalize Incidents before this node.',
		});
	}
	const result = toDoraFailure(json as unknown as IncidentRow);
	if ('skipped' in result) {
		skipped[result.skipped]++;
		return [];
	}
	return [outputItem(result.item)];
}
