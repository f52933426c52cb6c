import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { ERROR_MESSAGES } from '../../../constants';
import {
	getExportRequest,
	listExportRequests,
	type ExportRequest,
} from '../../../dataExports/exportRequests';
import type { FireHydrantClient } from '../../../transport';
import { readIsoInstant } from '../../../../../lib/validation';

const EXPORT_ONLY = { show: { dataSource: ['export'] } };

/** Which reports Get Rows reads (Data Source "Data Export"), for rows and for files alike. */
export const properties: INodeProperties[] = [
	{
		displayName: 'Export Requests',
		name: 'selectBy',
		type: 'options',
		options: [
			{
				name: 'Completed Since',
				value: 'since',
				description: 'Every completed report generated after a time',
			},
			{ name: 'By ID', value: 'ids', description: 'The reports of given export request IDs' },
		],
		default: 'since',
		displayOptions: EXPORT_ONLY,
	},
	{
		displayName: 'Generated After',
		name: 'newerThan',
		type: 'dateTime',
		default: '={{ $now.minus({ days: 2 }).toISO() }}',
		required: true,
		description:
			'Reports generated after this time. Reports are kept for 30 days; consecutive reports overlap, which Deduplicate takes care of.',
		displayOptions: { show: { dataSource: ['export'], selectBy: ['since'] } },
	},
	{
		displayName: 'Export Request IDs',
		name: 'exportRequestIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'a9fc8336-b3d0-4bc0-8d74-29f3c7508576, 0b5e…',
		description: 'Comma-separated IDs of export requests',
		displayOptions: { show: { dataSource: ['export'], selectBy: ['ids'] } },
	},
];

/** What Get Rows read from the export request selection: the reports to read and their sources. */
export interface SelectedReports {
	client: FireHydrantClient;
	requests: ExportRequest[];
	sources: string[];
}

export async function selectExportRequests(
	context: IExecuteFunctions,
	client: FireHydrantClient,
	itemIndex: number,
): Promise<ExportRequest[]> {
	const selectBy = context.getNodeParameter('selectBy', itemIndex, 'since') as string;
	if (selectBy === 'ids') {
		const raw = String(context.getNodeParameter('exportRequestIds', itemIndex, '') ?? '');
		const ids = [...new Set(raw.split(/[\s,]+/).filter(Boolean))];
		if (ids.length === 0) {
			throw new NodeOperationError(context.getNode(), ERROR_MESSAGES.noExportRequestIds, {
				itemIndex,
			});
		}
		const requests: ExportRequest[] = [];
		for (const id of ids) {
			const request = await getExportRequest(client, id);
			if (request.status !== 'completed') {
				throw new NodeOperationError(
					context.getNode(),
					`Export request ${id} is "${request.status}", not completed, so it has no report to read yet.`,
					{
						itemIndex,
						description:
							'Wait for FireHydrant to complete it, or remove it from "Export Request IDs".',
					},
				);
			}
			requests.push(request);
		}
		return requests;
	}
	const newerThan = readIsoInstant(
		context,
		itemIndex,
		context.getNodeParameter('newerThan', itemIndex, ''),
		'Generated After',
	);
	return await listExportRequests(client, { newerThan, status: 'completed' });
}
