import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { positionMap } from '../../../lib/incremental';
import { entryMatches, readNodeNames, sourceNodesProperty } from './shared';

export const description: INodeProperties[] = [
	sourceNodesProperty(
		'getPositions',
		'Comma-separated names of the incremental nodes whose positions to list. Empty: all.',
	),
];

/** One item per position: which node and parameters it belongs to, where it stands, what waits. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const names = readNodeNames(this);
	const map = positionMap(this.getWorkflowStaticData('global'), false) ?? {};
	return Object.entries(map)
		.filter(([, entry]) => entryMatches(entry, names))
		.map(([key, entry]) => ({
			json: {
				key,
				node: entry.node,
				scope: entry.scope,
				committed: (entry.committed ?? null) as IDataObject | null,
				committedAt: entry.committedAt ?? null,
				revision: entry.revision,
				pending: entry.pending
					? { executionId: entry.pending.executionId, stagedAt: entry.pending.stagedAt }
					: null,
			},
			pairedItem: { item: 0 },
		}));
}
