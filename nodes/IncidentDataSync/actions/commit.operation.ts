import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { positionMap, promotePending } from '../../../lib/incremental';
import {
	entryMatches,
	MANUAL_RUN_NOTE,
	passThrough,
	readNodeNames,
	sourceNodesProperty,
} from './shared';

export const description: INodeProperties[] = [
	{
		displayName:
			'Put this node after the node that delivers the rows (the warehouse, the sheet). It moves the sync position of each incremental node of THIS execution; if a node before it fails, the rows are offered again next run. Its input items pass through unchanged.',
		name: 'commitNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { operation: ['commit'] } },
	},
	sourceNodesProperty(
		'commit',
		'Comma-separated names of the incremental nodes whose positions to move. Empty: every one that read in this execution.',
	),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	if (this.getMode() === 'manual') {
		this.addExecutionHints({ message: MANUAL_RUN_NOTE, location: 'outputPane' });
		return passThrough(this);
	}
	const names = readNodeNames(this);
	const map = positionMap(this.getWorkflowStaticData('global'), false) ?? {};
	const executionId = this.getExecutionId();
	const now = new Date();
	const superseded: string[] = [];
	for (const entry of Object.values(map)) {
		if (!entryMatches(entry, names)) continue;
		if (promotePending(entry, executionId, now) === 'superseded') superseded.push(entry.node);
	}
	if (superseded.length) {
		this.addExecutionHints({
			message: `Another execution moved the sync position of ${[...new Set(superseded)].map((name) => `"${name}"`).join(', ')} while this one ran, so this one left it there: the next run reads again from that position, and nothing is skipped.`,
			location: 'outputPane',
		});
	}
	return passThrough(this);
}
