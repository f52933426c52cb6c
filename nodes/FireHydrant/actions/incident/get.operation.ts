import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { toNodeError } from '../../../../lib/errors';
import { vendorErrorStatus } from '../../../../lib/transport';
import { getIncident, incidentNotFound } from '../../rest/incidents';
import { FireHydrantClient } from '../../transport';
import { requireText } from '../../../../lib/validation';
import { incidentOutput, simplifyProperty } from './shared';
import { outputItem } from '../../../../lib/item-loop';

const properties: INodeProperties[] = [
	{
		displayName: 'Incident ID',
		name: 'incidentId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 6f1c2a9e-…',
		description: 'The UUID of the incident',
	},
	simplifyProperty,
];

const displayOptions = { show: { resource: ['incident'], operation: ['get'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const id = requireText(this, 'incidentId', itemIndex, 'Incident ID');
	const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
	const client = await FireHydrantClient.create(this, itemIndex);
	try {
		const incident = await getIncident(client, id);
		return [outputItem(incidentOutput(incident, simplify))];
	} catch (error) {
		if (vendorErrorStatus(error) === 404) throw incidentNotFound(this.getNode(), id, itemIndex);
		throw toNodeError(this.getNode(), error, itemIndex);
	}
}
