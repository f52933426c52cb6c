import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { advancePositionOption, SyncRun, type AdvancePosition } from '../../../../lib/incremental';
import { readIdList } from '../../../../lib/validation';
import { ERROR_MESSAGES } from '../../constants';
import {
	collectChanges,
	isChangeCursor,
	type ChangeCursorState,
	type StartFrom,
} from '../../drops/pushes';
import { rowShape, type RowOptionValues } from '../../drops/rows';
import type { OpsLevelBucket } from '../../transport';
import {
	readSettleMinutes,
	rowOptions,
	settleOption,
	startFromProperty,
	tablesProperty,
} from '../common/properties';
import { outputItem } from '../../../../lib/item-loop';

/** Where getChanges keeps its cursor in the workflow's static data (node scope). */
export const CHANGES_CURSOR_KEY = 'opsLevelChanges';

const properties: INodeProperties[] = [
	{
		displayName:
			'Each run emits the pushes that arrived since the last successful run (the cursor lives in the workflow; a failed run does not move it). Rows are marked _change: upsert, delete, or full (a full push: replace the table with its rows).',
		name: 'changesNotice',
		type: 'notice',
		default: '',
	},
	tablesProperty,
	startFromProperty,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [advancePositionOption, ...rowOptions, settleOption].sort((a, b) =>
			a.displayName.localeCompare(b.displayName),
		),
	},
];

const displayOptions = { show: { resource: ['table'], operation: ['getChanges'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	bucket: OpsLevelBucket,
): Promise<INodeExecutionData[]> {
	const tables = readIdList(this.getNodeParameter('tables', itemIndex, []), { unique: true });
	if (tables.length === 0) {
		throw new NodeOperationError(this.getNode(), `"Tables" is empty in item ${itemIndex}`, {
			itemIndex,
			description: ERROR_MESSAGES.noTable,
		});
	}
	const startFrom = this.getNodeParameter('startFrom', itemIndex, 'latestFull') as StartFrom;
	const shape = rowShape(this.getNodeParameter('options', itemIndex, {}) as RowOptionValues);
	const options = this.getNodeParameter('options', itemIndex, {}) as {
		advancePosition?: AdvancePosition;
		settleMinutes?: number;
	};
	const sync = new SyncRun<ChangeCursorState>(this, {
		scope: { resource: 'table', operation: 'getChanges', tables },
		legacy: {
			key: CHANGES_CURSOR_KEY,
			convert: (stored) => (isChangeCursor(stored) ? stored : undefined),
		},
		advance: options.advancePosition,
	});
	const settleMinutes = readSettleMinutes(this, itemIndex, options.settleMinutes);
	const batch = await collectChanges(bucket, tables, sync.read(), this.getNode(), {
		shape,
		startFrom,
		itemIndex,
		settledBefore: sync.startedAt.getTime() - settleMinutes * 60_000,
	});
	// Only now, with every row read, is the position staged (or moved, as Advance Position says).
	sync.advance(batch.state, batch.rows.length);
	return batch.rows.map(outputItem);
}
