import type { INodeProperties } from 'n8n-workflow';

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

export const includeDeletedOption: INodeProperties = {
	displayName: 'Include Deleted Rows',
	name: 'includeDeleted',
	type: 'boolean',
	default: false,
	description: 'Whether rows deleted by an incremental push are emitted too, marked _deleted: true',
};
