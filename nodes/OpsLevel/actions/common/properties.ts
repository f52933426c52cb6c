import type { INodeProperties } from 'n8n-workflow';

import { readNumberInRange, type NodeContext } from '../../../../lib/validation';

/** The table picker: tables found in the bucket, or any name by expression. */
export const tableProperty: INodeProperties = {
	displayName: 'Table Name or ID',
	name: 'table',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getTables' },
	default: 'services',
	required: true,
	description:
		'The exported table, e.g. services, teams, users, repositories, checks, check_results. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};

/** Row options shared by every table operation and the trigger. */
export const rowOptions: INodeProperties[] = [
	{
		displayName: 'NULL and Empty Cells as Null',
		name: 'nullCells',
		type: 'boolean',
		default: true,
		description: 'Whether cells holding the literal NULL or nothing become null instead of text',
	},
	{
		displayName: 'Timestamps to ISO 8601 UTC',
		name: 'isoTimestamps',
		type: 'boolean',
		default: true,
		description: 'Whether *_at columns (2020-02-19 13:57:11) become 2020-02-19T13:57:11.000Z',
	},
];

/** Where getChanges and the trigger begin when they have no position yet. */
export const startFromProperty: INodeProperties = {
	displayName: 'Start From',
	name: 'startFrom',
	type: 'options',
	options: [
		{
			name: 'Latest Full Push',
			value: 'latestFull',
			description:
				'The first run emits the latest full push (marked full) and every incremental after it',
		},
		{
			name: 'Now',
			value: 'now',
			description: 'The first run emits nothing; later runs emit pushes that arrive after it',
		},
	],
	default: 'latestFull',
};

/** The tables picker of getChanges and the trigger. */
export const tablesProperty: INodeProperties = {
	displayName: 'Table Names or IDs',
	name: 'tables',
	type: 'multiOptions',
	typeOptions: { loadOptionsMethod: 'getTables' },
	default: [],
	required: true,
	description:
		'Tables whose pushes to read. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};

export const includeDeletedOption: INodeProperties = {
	displayName: 'Include Deleted Rows',
	name: 'includeDeleted',
	type: 'boolean',
	default: false,
	description: 'Whether rows deleted by an incremental push are emitted too, marked _deleted: true',
};

/** Pushes younger than this may still be receiving files, so they wait for a later run. */
const DEFAULT_SETTLE_MINUTES = 10;

export const settleOption: INodeProperties = {
	displayName: 'Settle Time (Minutes)',
	name: 'settleMinutes',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 1440 },
	default: DEFAULT_SETTLE_MINUTES,
	description:
		'A push is read only once its timestamp and its newest file are this old, because its files can land over several minutes; until then it and the pushes after it wait for a later run. 0 reads pushes as soon as they appear.',
};

/** The settle time in minutes; an expression that yields something else names the field. */
export function readSettleMinutes(
	context: NodeContext,
	itemIndex: number | undefined,
	value: unknown,
): number {
	return readNumberInRange(context, itemIndex, value, {
		field: 'Settle Time (Minutes)',
		min: 0,
		max: 1440,
		fallback: DEFAULT_SETTLE_MINUTES,
		fix: 'Enter a number of minutes from 0 to 1440 in "Settle Time (Minutes)"',
	});
}
