import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { AdvancePosition } from '../../../../../lib/incremental';
import { readLimit, returnAllAndLimit } from '../../../../../lib/parameters';
import { collectRestRows } from '../../../rest/collect';
import { FireHydrantClient } from '../../../transport';
import { incrementalOptions, readIncrementalWindow } from '../../common/incremental';
import { resolveRowOptions, rowOptions, type RowOptionValues } from '../../common/rowOptions';
import { readIsoInstant } from '../../../../../lib/validation';
import { outputItem } from '../../../../../lib/item-loop';

/** Get Rows, Data Source "REST API": the export's rows built from the REST API. */

const REST_ONLY = { show: { dataSource: ['rest'] } };

/** Everything but the expunged-report policy applies to rows built from the REST API too. */
const restRowOptions: INodeProperties[] = rowOptions.filter(
	(option) => option.name !== 'onExpunged',
);

/** Which incidents (and their rows) to read. */
export const windowProperties: INodeProperties[] = [
	{
		displayName: 'Changed After',
		name: 'changedAfter',
		type: 'dateTime',
		default: '',
		description: 'Only incidents (and their rows) changed after this time. Empty: all incidents.',
		displayOptions: REST_ONLY,
	},
	{
		displayName: 'Changed Before',
		name: 'changedBefore',
		type: 'dateTime',
		default: '',
		description: 'Only incidents changed before this time. Empty: up to now.',
		displayOptions: REST_ONLY,
	},
];

export const limitProperties: INodeProperties[] = returnAllAndLimit({
	returnAllDefault: true,
	show: { dataSource: ['rest'] },
});

export const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'restOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [...restRowOptions, ...incrementalOptions],
	displayOptions: REST_ONLY,
};

export async function execute(
	context: IExecuteFunctions,
	itemIndex: number,
	sources: string[],
): Promise<INodeExecutionData[]> {
	const limit = readLimit(context, itemIndex);
	const values = context.getNodeParameter('restOptions', itemIndex, {}) as RowOptionValues & {
		incremental?: boolean;
		overlapMinutes?: number;
		advancePosition?: AdvancePosition;
	};
	const shape = resolveRowOptions(values);
	const changedAfter = readIsoInstant(
		context,
		itemIndex,
		context.getNodeParameter('changedAfter', itemIndex, ''),
		'Changed After',
	);
	const changedBefore = readIsoInstant(
		context,
		itemIndex,
		context.getNodeParameter('changedBefore', itemIndex, ''),
		'Changed Before',
	);
	const scope: IDataObject = {
		resource: 'exportData',
		operation: 'getRows',
		dataSource: 'rest',
		sources,
		changedAfter,
		changedBefore,
	};
	const window = readIncrementalWindow(context, itemIndex, values, scope, 'restRowsCursor');
	window?.limitIgnored(limit);
	const client = await FireHydrantClient.create(context, itemIndex);
	const collected = await collectRestRows(client, {
		...shape,
		sources,
		limit: window ? undefined : limit,
		filter: {
			updatedAfter: window ? window.startAfter(changedAfter) : changedAfter,
			updatedBefore: changedBefore,
		},
	});
	if (collected.hints.length) {
		context.addExecutionHints(
			...collected.hints.map((message) => ({ message, location: 'outputPane' as const })),
		);
	}
	// collectRestRows stops requesting once Limit rows are in hand; with Incremental, Limit is not
	// applied (rows past it would be skipped for good once the position moves).
	window?.advance(collected.rows.length);
	return collected.rows.map(outputItem);
}
