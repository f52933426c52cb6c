import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { IncidentEntity } from '../../rest/entities';
import { incidentCells } from '../../rest/rows';

export const simplifyProperty: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: true,
	description:
		'Whether to return the incident as the flat row the data export has (number, name, severity, milestone times, duration) instead of the full API object',
};

/** An incident as output: the flat export-shaped row (timestamps in ISO 8601), or the API object. */
export function incidentOutput(incident: IncidentEntity, simplify: boolean): IDataObject {
	if (!simplify) return incident;
	const cells = incidentCells(incident);
	delete cells.account_id;
	return cells;
}
