import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getExportRequest } from '../../dataExports/exportRequests';
import { FireHydrantClient } from '../../transport';
import { requireText } from '../../../../lib/validation';
import { outputItem } from '../../../../lib/item-loop';

const properties: INodeProperties[] = [
	{
		displayName: 'Export Request ID',
		name: 'exportRequestId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'a9fc8336-b3d0-4bc0-8d74-29f3c7508576',
		description:
			'The ID of the export request. Each read returns a fresh download URL, valid for 5 minutes.',
	},
];

const displayOptions = { show: { resource: ['exportRequest'], operation: ['get'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const id = requireText(this, 'exportRequestId', itemIndex, 'Export Request ID');
	const client = await FireHydrantClient.create(this, itemIndex);
	const exportRequest = await getExportRequest(client, id);
	return [outputItem(exportRequest)];
}
