import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { normalizeItems, type SourceChoice } from '../../schema/normalize';
import { addHints, rejectOrPassThrough } from '../shared';

const properties: INodeProperties[] = [
	{
		displayName: 'Source',
		name: 'source',
		type: 'options',
		options: [
			{
				name: 'Detect per Item',
				value: 'detect',
				description: "Tell each item's tool from its fields",
			},
			{
				name: 'Datadog DORA Metrics',
				value: 'datadog',
				description: 'Failure events from Get / Get Many',
			},
			{
				name: 'FireHydrant',
				value: 'firehydrant',
				description: 'Export Data rows, Incident items, or FireHydrant Trigger deliveries',
			},
			{
				name: 'Incident.io',
				value: 'incident_io',
				description: 'Incidents (raw or flattened) or incident.io Trigger deliveries',
			},
		],
		default: 'detect',
		description:
			'Which tool the items come from. With a fixed source, an item of another tool fails.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Include Raw',
				name: 'includeRaw',
				type: 'boolean',
				default: false,
				description: 'Whether to add the source item under `raw`',
			},
			{
				displayName: 'Severity Order',
				name: 'severityOrder',
				type: 'string',
				default: '',
				placeholder: 'Critical, Major, Minor',
				description:
					"Severity names, most severe first, separated by commas: sets severity_rank for every source. Empty: incident.io's own ranks, and SEV1, SEV2… by their number.",
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { operation: ['normalize'] } }, properties);

/** Runs once over all items: versions of one incident and FireHydrant's joined rows span items. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	if (items.length === 0) return [];
	const options = this.getNodeParameter('options', 0, {}) as {
		includeRaw?: boolean;
		severityOrder?: string;
	};
	const result = normalizeItems(
		items.map((item) => item.json),
		{
			source: this.getNodeParameter('source', 0, 'detect') as SourceChoice,
			includeRaw: options.includeRaw === true,
			severityOrder: String(options.severityOrder ?? '')
				.split(',')
				.map((name) => name.trim())
				.filter((name) => name !== ''),
		},
	);
	const output: INodeExecutionData[] = result.items.map((item) => ({
		json: item.json as unknown as IDataObject,
		pairedItem: item.itemIndexes.map((index) => ({ item: index })),
	}));
	const errors = rejectOrPassThrough(
		this,
		items,
		result.rejected,
		(rejected) =>
			new NodeOperationError(this.getNode(), rejected.message, {
				itemIndex: rejected.itemIndex,
				description: rejected.description,
			}),
	);
	addHints(this, result.hints);
	return output.concat(errors);
}
