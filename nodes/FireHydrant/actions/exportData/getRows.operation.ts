import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { ALL_SOURCE_CHOICES } from '../../constants';
import { FireHydrantClient } from '../../transport';
import { sourcesProperty } from '../common/rowOptions';
import * as exportFiles from './getRows/exportFiles';
import * as exportRequestSelection from './getRows/exportRequestSelection';
import * as exportRows from './getRows/exportRows';
import * as restRows from './getRows/restRows';

/**
 * Export Data → Get Rows: one operation, three ways to get the rows, each in getRows/ with its own
 * parameters and execute: export rows (the CSV reports' rows), export files (the reports as binary
 * CSV) and REST rows (the same rows built from the REST API). This file holds what they share and
 * keeps the parameters in the order the editor shows them.
 */
const EXPORT_ONLY = { show: { dataSource: ['export'] } };

const properties: INodeProperties[] = [
	{
		displayName: 'Data Source',
		name: 'dataSource',
		type: 'options',
		options: [
			{
				name: 'Data Export',
				value: 'export',
				description:
					'The nightly CSV reports (Enterprise accounts with the Data Export integration; deprecated by FireHydrant)',
			},
			{
				name: 'REST API',
				value: 'rest',
				description: 'The same rows built from the REST API, for accounts without the export',
			},
		],
		default: 'export',
	},
	...restRows.windowProperties,
	...exportRequestSelection.properties,
	sourcesProperty,
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{ name: 'One Item per Row', value: 'rows' },
			{
				name: 'One Item per Export File',
				value: 'files',
				description: 'The CSV as binary data, for bulk loading into a warehouse',
			},
		],
		default: 'rows',
		displayOptions: EXPORT_ONLY,
	},
	...exportRows.limitProperties,
	...restRows.limitProperties,
	...exportFiles.fieldProperties,
	exportRows.optionsProperty,
	restRows.optionsProperty,
	exportFiles.optionsProperty,
];

const displayOptions = { show: { resource: ['exportData'], operation: ['getRows'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const dataSource = this.getNodeParameter('dataSource', itemIndex, 'export') as string;
	const sources = this.getNodeParameter('sources', itemIndex, ALL_SOURCE_CHOICES) as string[];
	if (dataSource === 'rest') return await restRows.execute(this, itemIndex, sources);
	const output = this.getNodeParameter('output', itemIndex, 'rows') as string;
	const client = await FireHydrantClient.create(this, itemIndex);
	const requests = await exportRequestSelection.selectExportRequests(this, client, itemIndex);
	if (output === 'files') {
		const { items, hints } = await exportFiles.execute(this, itemIndex, {
			client,
			requests,
			sources,
		});
		if (hints.length)
			this.addExecutionHints(
				...hints.map((message) => ({ message, location: 'outputPane' as const })),
			);
		return items;
	}
	return await exportRows.execute(this, itemIndex, { client, requests, sources });
}
