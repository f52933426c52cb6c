import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { readLimit, returnAllAndLimit } from '../../../../../lib/parameters';
import { collectExportRows } from '../../../dataExports/collect';
import { resolveRowOptions, rowOptions, type RowOptionValues } from '../../common/rowOptions';
import type { SelectedReports } from './exportRequestSelection';
import { outputItem } from '../../../../../lib/item-loop';

/** Get Rows, Data Source "Data Export", Output "One Item per Row": the reports' CSV rows, shaped. */
export const limitProperties: INodeProperties[] = returnAllAndLimit({
	returnAllDefault: true,
	show: { dataSource: ['export'], output: ['rows'] },
});

export const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: rowOptions,
	displayOptions: { show: { dataSource: ['export'], output: ['rows'] } },
};

export async function execute(
	context: IExecuteFunctions,
	itemIndex: number,
	{ client, requests, sources }: SelectedReports,
): Promise<INodeExecutionData[]> {
	const limit = readLimit(context, itemIndex);
	const options = resolveRowOptions(
		context.getNodeParameter('options', itemIndex, {}) as RowOptionValues,
	);
	const collected = await collectExportRows(client, context.getNode(), requests, {
		...options,
		sources,
	});
	if (collected.hints.length) {
		context.addExecutionHints(
			...collected.hints.map((message) => ({ message, location: 'outputPane' as const })),
		);
	}
	const rows = limit === undefined ? collected.rows : collected.rows.slice(0, limit);
	return rows.map(outputItem);
}
