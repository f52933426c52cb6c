import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { PollPosition } from '../../lib/incremental';
import { readIdList } from '../../lib/validation';
import {
	readSettleMinutes,
	rowOptions,
	settleOption,
	startFromProperty,
	tablesProperty,
} from './actions/common/properties';
import { ERROR_MESSAGES, SAMPLE_ROWS } from './constants';
import {
	collectChanges,
	listPushes,
	pushRows,
	CHANGE,
	type ChangeCursorState,
	type StartFrom,
} from './drops/pushes';
import { rowShape, type RowOptionValues } from './drops/rows';
import { methods } from './methods';
import { openBucket } from './transport';

/** Where the trigger keeps its cursor in the workflow's static data (node scope). */
export const TRIGGER_CURSOR_KEY = 'opsLevelPushes';

export class OpsLevelTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OpsLevel Trigger',
		name: 'opsLevelTrigger',
		icon: { light: 'file:opslevel.svg', dark: 'file:opslevel.dark.svg' },
		group: ['trigger'],
		version: 1,
		// n8n's node picker shows one OpsLevel entry for this trigger and the OpsLevel node, under the
		// trigger's description: it names both.
		description:
			'Read OpsLevel data exports from your S3 bucket, or start a workflow with the rows of each new export push',
		subtitle: '={{ "Tables: " + [].concat($parameter["tables"]).join(", ") }}',
		defaults: { name: 'OpsLevel Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'opsLevelS3Api', required: true, testedBy: 'opsLevelS3ApiTest' }],
		properties: [
			{
				displayName:
					'OpsLevel pushes a full export weekly and an incremental one daily. Each new push is emitted once; rows are marked _change: upsert, delete, or full (replace the table with the rows of a full push).',
				name: 'pollingNotice',
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
				options: [...rowOptions, settleOption].sort((a, b) =>
					a.displayName.localeCompare(b.displayName),
				),
			},
		],
	};

	methods = methods;

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const tables = readIdList(this.getNodeParameter('tables', []), { unique: true });
		if (tables.length === 0) {
			throw new NodeOperationError(this.getNode(), '"Tables" is empty', {
				description: ERROR_MESSAGES.noTable,
			});
		}
		const startFrom = this.getNodeParameter('startFrom', 'latestFull') as StartFrom;
		const options = this.getNodeParameter('options', {}) as RowOptionValues & {
			settleMinutes?: number;
		};
		const shape = rowShape(options);
		const settleMinutes = readSettleMinutes(this, undefined, options.settleMinutes);
		const bucket = await openBucket(this);
		try {
			// A manual test shows rows of the newest push without moving the cursor.
			if (this.getMode() === 'manual') {
				for (const table of tables) {
					const pushes = [
						...(await listPushes(bucket, table, 'full')),
						...(await listPushes(bucket, table, 'incremental')),
					].sort((a, b) => a.order.localeCompare(b.order));
					const newest = pushes[pushes.length - 1];
					if (!newest) continue;
					const rows = [];
					const change = (deleted: boolean) =>
						newest.pushType === 'full' ? CHANGE.full : deleted ? CHANGE.delete : CHANGE.upsert;
					for await (const row of pushRows(bucket, newest, shape, { limit: SAMPLE_ROWS, change }))
						rows.push(row);
					if (rows.length) return [this.helpers.returnJsonArray(rows)];
				}
				return null;
			}

			// Captured before the first request, as every sync position of this pack is.
			const startedAt = Date.now();
			const cursor = new PollPosition<ChangeCursorState>(
				this.getWorkflowStaticData('node'),
				TRIGGER_CURSOR_KEY,
				this.getMode() === 'manual',
			);
			const batch = await collectChanges(bucket, tables, cursor.read(), this.getNode(), {
				shape,
				startFrom,
				settledBefore: startedAt - settleMinutes * 60_000,
			});
			cursor.commit(batch.state);
			return batch.rows.length ? [this.helpers.returnJsonArray(batch.rows)] : null;
		} finally {
			bucket.destroy();
		}
	}
}
