import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { IncidentRow } from '../../schema/columns';
import {
	computeMetrics,
	deploymentOf,
	isIncidentRow,
	type Deployment,
	type GroupBy,
	type MetricsWindow,
} from '../../schema/metrics';
import { addHints, rejectOrPassThrough, type ItemProblem } from '../shared';

const properties: INodeProperties[] = [
	{
		displayName: 'Group By',
		name: 'groupBy',
		type: 'options',
		options: [
			{ name: 'None', value: 'none', description: 'One group: every incident' },
			{
				name: 'Service',
				value: 'service',
				description: 'An incident counts for each of its services',
			},
			{ name: 'Severity', value: 'severity', description: 'By severity_raw' },
			{ name: 'Team', value: 'team', description: 'An incident counts for each of its teams' },
		],
		default: 'none',
	},
	{
		displayName: 'Window',
		name: 'window',
		type: 'options',
		options: [
			{ name: 'All Input', value: 'all', description: 'One window over every incident' },
			{
				name: 'Calendar Month',
				value: 'month',
				description: 'By the UTC month the incident started in',
			},
			{
				name: 'Calendar Week',
				value: 'week',
				description: 'By the ISO week (Monday, UTC) the incident started in',
			},
		],
		default: 'month',
	},
];

export const description = updateDisplayOptions(
	{ show: { operation: ['computeMetrics'] } },
	properties,
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	if (items.length === 0) return [];
	const incidents: IncidentRow[] = [];
	const incidentIndex = new Map<IncidentRow, number>();
	const deployments: Deployment[] = [];
	const problems: ItemProblem[] = [];
	items.forEach((item, itemIndex) => {
		if (isIncidentRow(item.json)) {
			const row = item.json as unknown as IncidentRow;
			incidents.push(row);
			incidentIndex.set(row, itemIndex);
			return;
		}
		const deployment = deploymentOf(item.json);
		if (deployment) deployments.push(deployment);
		else
			problems.push({
				itemIndex,
				message: `Item ${itemIndex} is neither a normalized incident nor a Datadog DORA deployment event`,
			});
	});
	const errors = rejectOrPassThrough(
		this,
		items,
		problems,
		(problem) =>
			new NodeOperationError(this.getNode(), problem.message, {
				itemIndex: problem.itemIndex,
				description:
					'Compute Metrics reads the output of "Normalize Incidents" (fields incident_key and row_hash) and Datadog DORA deployment events (type dora_deployment). Put Normalize Incidents before this node.',
			}),
	);
	const groupBy = this.getNodeParameter('groupBy', 0, 'none') as GroupBy;
	const window = this.getNodeParameter('window', 0, 'month') as MetricsWindow;
	const result = computeMetrics(incidents, deployments, groupBy, window);
	const hints: string[] = [];
	if (result.undated > 0)
		hints.push(
			`${result.undated} incident(s) have neither started_at nor created_at and are left out of the ${window}ly windows.`,
		);
	if (deployments.length > 0 && groupBy === 'severity')
		hints.push(
			'Deployments cannot be matched to severities: change failure rate is only computed for Group By None, Service or Team.',
		);
	addHints(this, hints);
	const pairedAll = incidents.map((row) => ({ item: incidentIndex.get(row) as number }));
	const output: INodeExecutionData[] = result.rows.map((row) => ({
		json: row as IDataObject,
		pairedItem: pairedAll.length > 0 ? pairedAll : { item: 0 },
	}));
	return output.concat(errors);
}
