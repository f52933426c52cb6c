import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { ERROR_MESSAGES } from '../../constants';
import { flattenIncident, type IncidentRecord } from '../../flatten';
import { RESOURCES_WITH_GET, STREAMS, type ResourceName } from '../../streams';
import { IncidentIoClient } from '../../transport';
import { requireText } from '../../../../lib/validation';
import { addFlattenHints, flattenProperties } from './shared';
import { outputItem } from '../../../../lib/item-loop';

const operation = 'get';

const properties: INodeProperties[] = [
	{
		displayName: 'ID',
		name: 'id',
		type: 'string',
		required: true,
		default: '',
		placeholder: '01FDAG4SAP5TYPT98WGR2N7W91',
		description: 'The ID of the record to get',
	},
];

const displayOptions = { show: { resource: RESOURCES_WITH_GET, operation: [operation] } };

export const description: INodeProperties[] = [
	...updateDisplayOptions(displayOptions, properties),
	...flattenProperties(operation),
];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const resource = this.getNodeParameter('resource', itemIndex) as ResourceName;
	const stream = STREAMS[resource];
	const id = requireText(this, 'id', itemIndex, 'ID', ERROR_MESSAGES.missingId(stream.label));
	const client = await IncidentIoClient.create(this, itemIndex);
	const path = String(stream.showPath).replace('{id}', encodeURIComponent(id));
	const response = await client.get<IDataObject>(path);
	const record = (response.body?.[String(stream.showKey)] ?? {}) as IDataObject;
	if (resource === 'incident' && (this.getNodeParameter('flatten', itemIndex, false) as boolean)) {
		const { row, warnings } = flattenIncident(record as IncidentRecord);
		addFlattenHints(this, warnings);
		return [outputItem(row)];
	}
	return [outputItem(record)];
}
