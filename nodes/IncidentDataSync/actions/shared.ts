import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { PositionEntry } from '../../../lib/incremental';

/** Comma-separated node names as the user typed them; empty means every node. */
export function readNodeNames(context: IExecuteFunctions): string[] {
	const raw = String(context.getNodeParameter('sourceNodes', 0, '') ?? '');
	return [
		...new Set(
			raw
				.split(',')
				.map((name) => name.trim())
				.filter(Boolean),
		),
	];
}

export function entryMatches(entry: PositionEntry, names: string[]): boolean {
	return names.length === 0 || names.includes(entry.node);
}

/** The input items, unchanged, each paired with itself. */
export function passThrough(context: IExecuteFunctions): INodeExecutionData[] {
	return context
		.getInputData()
		.map((item, itemIndex) => ({ ...item, pairedItem: { item: itemIndex } }));
}

export const MANUAL_RUN_NOTE =
	'This was a manual run: n8n does not save what manual runs change in the workflow, so no sync position moved. Production executions (a trigger or schedule of the published workflow) move them.';

export function sourceNodesProperty(
	operation: string,
	description: string,
	required = false,
): INodeProperties {
	return {
		displayName: 'Source Nodes',
		name: 'sourceNodes',
		type: 'string',
		default: '',
		required,
		placeholder: 'e.g. incident.io, FireHydrant',
		description,
		displayOptions: { show: { operation: [operation] } },
	};
}
