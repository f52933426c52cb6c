import type {
	IDataObject,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { PollPosition } from '../../lib/incremental';
import { ALL_SOURCE_CHOICES, FIREHYDRANT_CREDENTIAL_TYPE } from './constants';
import {
	resolveRowOptions,
	rowOptions,
	sourcesProperty,
	type RowOptionValues,
} from './actions/common/rowOptions';
import { pollExportRows, sampleExportRows, type ExportTriggerState } from './dataExports/poll';
import { FireHydrantClient } from './transport';

/** One report that is not valid CSV must not hold back every other report, poll after poll. */
const onMalformedOption: INodeProperties = {
	displayName: 'On Malformed Report',
	name: 'onMalformed',
	type: 'options',
	options: [
		{
			name: 'Skip It and Warn',
			value: 'skip',
			description:
				'Leave the report out, log a warning naming its export request, and read the others',
		},
		{
			name: 'Fail the Poll',
			value: 'fail',
			description:
				'Stop; the poll fails again until the report is excluded or FireHydrant fixes it',
		},
	],
	default: 'skip',
	description: 'What to do with a report that cannot be read as CSV',
};

export class FireHydrantExportTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'FireHydrant Export Trigger',
		name: 'fireHydrantExportTrigger',
		icon: { light: 'file:firehydrant.svg', dark: 'file:firehydrant.dark.svg' },
		group: ['trigger'],
		version: 1,
		description: 'Starts the workflow with the rows of each new FireHydrant data export report',
		subtitle: '={{ "Sources: " + $parameter["sources"].join(", ") }}',
		defaults: { name: 'FireHydrant Export Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: FIREHYDRANT_CREDENTIAL_TYPE, required: true }],
		properties: [
			{
				displayName:
					'FireHydrant generates reports nightly. Each new completed report is read once; rows already emitted (same source, ID and updated_at) are not emitted again.',
				name: 'pollingNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Start From',
				name: 'startFrom',
				type: 'options',
				options: [
					{
						name: 'Everything Still Available',
						value: 'available',
						description: 'The first poll emits every report of the last 30 days',
					},
					{
						name: 'Now',
						value: 'now',
						description: 'Only reports generated after the workflow is published',
					},
				],
				default: 'available',
			},
			sourcesProperty,
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [...rowOptions, onMalformedOption].sort((a, b) =>
					a.displayName.localeCompare(b.displayName),
				),
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const sources = this.getNodeParameter('sources', ALL_SOURCE_CHOICES) as string[];
		const startFrom = this.getNodeParameter('startFrom', 'available') as 'available' | 'now';
		const values = this.getNodeParameter('options', {}) as RowOptionValues & {
			onMalformed?: 'skip' | 'fail';
		};
		const options = {
			...resolveRowOptions(values),
			onMalformed: values.onMalformed ?? ('skip' as const),
		};
		const client = await FireHydrantClient.create(this);
		// A poll has no execution hints in n8n (IPollFunctions offers no addExecutionHints), so what a
		// run's hints say (a skipped malformed or expunged report, damaged cells) goes to n8n's log
		// as a warning, as the On Malformed Report option promises.
		const logHints = (hints: string[]) => {
			for (const hint of hints) this.logger.warn(`FireHydrant Export Trigger: ${hint}`);
		};

		// A manual test shows what the workflow would receive without moving the cursor.
		if (this.getMode() === 'manual') {
			const sample = await sampleExportRows(client, this.getNode(), { ...options, sources });
			logHints(sample.hints);
			return sample.rows.length ? [this.helpers.returnJsonArray(sample.rows)] : null;
		}

		const cursor = new PollPosition<ExportTriggerState>(
			this.getWorkflowStaticData('node'),
			'exportCursor',
			this.getMode() === 'manual',
		);
		const result = await pollExportRows(client, this.getNode(), cursor.read(), {
			...options,
			sources,
			startFrom,
			now: new Date(),
		});
		logHints(result.hints);
		cursor.commit(result.state);
		return result.rows.length ? [this.helpers.returnJsonArray(result.rows as IDataObject[])] : null;
	}
}
