import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { advancePositionOption, type AdvancePosition } from '../../../../lib/incremental';
import { ERROR_MESSAGES } from '../../constants';
import { DEFAULT_OVERLAP_MINUTES, IncrementalWindow } from '../../rest/incremental';

/** Options an incremental REST read offers; Incident → Get Many and Export Data → Get Rows (REST API). */
export const incrementalOptions: INodeProperties[] = [
	{ ...advancePositionOption, displayOptions: { show: { incremental: [true] } } },
	{
		displayName: 'Incremental',
		name: 'incremental',
		type: 'boolean',
		default: false,
		description:
			'Whether to return only incidents changed since the sync position of this node and filters (kept in the workflow; manual test runs never move it; Limit is then not applied). The first run returns everything the filters match.',
	},
	{
		displayName: 'Overlap (Minutes)',
		name: 'overlapMinutes',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: DEFAULT_OVERLAP_MINUTES,
		description:
			'How far before the last successful run to look again. Incidents carry no updated_at, so the window starts at the last run’s request time minus this overlap; repeats are removed by ID.',
		displayOptions: { show: { incremental: [true] } },
	},
];

/** The incremental window of this node and item, or undefined when the option is off. */
export function readIncrementalWindow(
	context: IExecuteFunctions,
	itemIndex: number,
	options: { incremental?: boolean; overlapMinutes?: number; advancePosition?: AdvancePosition },
	scope: IDataObject,
	legacyKey: string,
): IncrementalWindow | undefined {
	if (!options.incremental) return undefined;
	const overlap = options.overlapMinutes ?? DEFAULT_OVERLAP_MINUTES;
	if (!(typeof overlap === 'number' && overlap >= 0)) {
		throw new NodeOperationError(
			context.getNode(),
			`"Overlap (Minutes)" must be 0 or more; got ${JSON.stringify(overlap)}`,
			{
				itemIndex,
				description: ERROR_MESSAGES.noCursorOverlap,
			},
		);
	}
	return new IncrementalWindow(context, {
		scope,
		legacyKey,
		overlapMinutes: overlap,
		advance: options.advancePosition,
	});
}
