import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { byCreatedAt, type ExportRequest } from '../../../dataExports/exportRequests';
import { withReportStream } from '../../../dataExports/reader';
import { identifySource, isSourceSelected } from '../../../dataExports/sources';
import { resolveRowOptions, rowOptions, type RowOptionValues } from '../../common/rowOptions';
import type { SelectedReports } from './exportRequestSelection';

/** Get Rows, Data Source "Data Export", Output "One Item per Export File": each report as a binary CSV. */
export const fieldProperties: INodeProperties[] = [
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the output binary field to put the file in',
		displayOptions: { show: { dataSource: ['export'], output: ['files'] } },
	},
];

export const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'fileOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: rowOptions.filter((option) => option.name === 'onExpunged'),
	displayOptions: { show: { dataSource: ['export'], output: ['files'] } },
};

function fileName(request: ExportRequest): string {
	const { tag } = identifySource(request.source);
	const safeTag = tag.replace(/[^A-Za-z0-9_.-]+/g, '_');
	const stamp = request.created_at.replace(/[:]/g, '-');
	return `firehydrant-${safeTag}-${stamp}-${request.id}.csv`;
}

export async function execute(
	context: IExecuteFunctions,
	itemIndex: number,
	{ client, requests, sources }: SelectedReports,
): Promise<{ items: INodeExecutionData[]; hints: string[] }> {
	const binaryPropertyName = context.getNodeParameter(
		'binaryPropertyName',
		itemIndex,
		'data',
	) as string;
	const { onExpunged } = resolveRowOptions(
		context.getNodeParameter('fileOptions', itemIndex, {}) as RowOptionValues,
	);
	const hints: string[] = [];
	const items: INodeExecutionData[] = [];
	const selected = requests
		.filter(
			(request) => request.status === 'completed' && isSourceSelected(request.source, sources),
		)
		.sort(byCreatedAt);
	for (const request of selected) {
		const result = await withReportStream(
			client,
			context.getNode(),
			request,
			{ onExpunged, warn: (message) => hints.push(message) },
			// The report streams into n8n's binary data store; it is never held as a string here.
			async (stream) =>
				await context.helpers.prepareBinaryData(stream, fileName(request), 'text/csv'),
		);
		if (result.status === 'expunged') continue;
		const json: IDataObject = {
			exportRequestId: request.id,
			_source: identifySource(request.source).tag,
			source: request.source,
			created_at: request.created_at,
			window_starts_at: request.window_starts_at ?? null,
			window_ends_at: request.window_ends_at ?? null,
			fileName: fileName(request),
		};
		items.push({ json, binary: { [binaryPropertyName]: result.value } });
	}
	return { items, hints };
}
