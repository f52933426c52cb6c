import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { positionMap } from '../../../lib/incremental';
import {
	entryMatches,
	MANUAL_RUN_NOTE,
	passThrough,
	readNodeNames,
	sourceNodesProperty,
} from './shared';

export const description: INodeProperties[] = [
	sourceNodesProperty(
		'reset',
		'Comma-separated names of the incremental nodes whose positions to forget: their next run reads everything again (or from their Start Date)',
		true,
	),
];

/**
 * Forgets the positions but keeps each entry with a new revision: an execution still running
 * with a position staged before the reset can then never commit it over the reset.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const names = readNodeNames(this);
	if (names.length === 0) {
		throw new NodeOperationError(this.getNode(), '"Source Nodes" is empty', {
			description:
				'Enter the names of the incremental nodes whose sync positions to reset, separated by commas.',
		});
	}
	if (this.getMode() === 'manual') {
		this.addExecutionHints({ message: MANUAL_RUN_NOTE, location: 'outputPane' });
		return passThrough(this);
	}
	const map = positionMap(this.getWorkflowStaticData('global'), false) ?? {};
	let reset = 0;
	for (const entry of Object.values(map)) {
		if (!entryMatches(entry, names)) continue;
		delete entry.committed;
		delete entry.committedAt;
		// A pending position stays: based on the old revision, Commit's compare-and-set refuses it.
		entry.revision += 1;
		reset++;
	}
	this.addExecutionHints({
		message: `Reset ${reset} sync position(s) of ${names.map((name) => `"${name}"`).join(', ')}.`,
		location: 'outputPane',
	});
	return passThrough(this);
}
