import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { AdvancePosition } from '../../../../lib/incremental';
import { returnAllAndLimit } from '../../../../lib/parameters';
import { ALL_SOURCE_CHOICES, ERROR_MESSAGES, KNOWN_EXPORT_SOURCES, OTHER_SOURCES } from '../../constants';
import { collectExportRows } from '../../dataExports/collect';
import {
	byCreatedAt,
	getExportRequest,
	listExportRequests,
	type ExportRequest,
} from '../../dataExports/exportRequests';
import { withReportStream, type ExpungedPolicy } from '../../dataExports/reader';
import { DEFAULT_ROW_SHAPE } from '../../dataExports/rows';
import { identifySource, isSourceSelected } from '../../dataExports/sources';
import { collectRestRows } from '../../rest/collect';
import { FireHydrantClient } from '../../transport';
import { incrementalOptions, readIncrementalWindow } from '../incident/getMany.operation';
import { optionalInstant, readLimit } from '../validation';

export const SOURCE_OPTIONS = [
	{ name: 'Incidents', value: 'incident', description: KNOWN_EXPORT_SOURCES.incident },
	{
		name: 'Incident Role Assignments',
		value: 'incident_role_assignment',
		description: KNOWN_EXPORT_SOURCES.incident_role_assignment,
	},
	{ name: 'Incident Events', value: 'incident_event', description: KNOWN_EXPORT_SOURCES.incident_event },
	{ name: 'Incident Impacts', value: 'incident_impact', description: KNOWN_EXPORT_SOURCES.incident_impact },
	{ name: 'Retrospectives', value: 'retrospective', description: KNOWN_EXPORT_SOURCES.retrospective },
	{
		name: 'Other (Newer or Unknown) Sources',
		value: OTHER_SOURCES,
		description: 'Sources this node does not know yet, read as generic CSV and tagged with their source string',
	},
];

/** Row options shared with the export trigger, so both shape rows the same way. */
export const rowOptions: INodeProperties[] = [
	{
		displayName: 'Deduplicate',
		name: 'deduplicate',
		type: 'boolean',
		default: true,
		description:
			'Whether to keep one row per source and record ID, the one with the newest updated_at. Nightly reports overlap on purpose, so the same record arrives several times.',
	},
	{
		displayName: 'Duration to Seconds',
		name: 'durationToSeconds',
		type: 'boolean',
		default: true,
		description: 'Whether to add active_duration_seconds beside the ISO 8601 active_duration',
	},
	{
		displayName: 'Empty Cells as Null',
		name: 'emptyAsNull',
		type: 'boolean',
		default: true,
		description: 'Whether empty CSV cells become null instead of empty strings',
	},
	{
		displayName: 'On Expunged Report',
		name: 'onExpunged',
		type: 'options',
		options: [
			{ name: 'Skip It and Warn', value: 'skip' },
			{ name: 'Fail the Run', value: 'fail' },
		],
		default: 'skip',
		description: 'What to do when a report is gone (FireHydrant expunges reports after 30 days)',
	},
	{
		displayName: 'Parse JSON Columns',
		name: 'parseJsonColumns',
		type: 'boolean',
		default: true,
		description:
			'Whether event_details, tags and questions become values. A cell that is not valid JSON stays text and is listed in _invalidJsonColumns.',
	},
	{
		displayName: 'Parse Event Details Schema',
		name: 'parseEventDetailsSchema',
		type: 'boolean',
		default: false,
		description:
			'Whether event_details_schema becomes an object instead of its JSON text. Off by default: it is one of a few fixed schemas per event type, and as an object it makes every event item about a third larger in n8n\'s memory and stored executions.',
	},
];

const EXPORT_ONLY = { show: { dataSource: ['export'] } };
const REST_ONLY = { show: { dataSource: ['rest'] } };

/** Everything but the expunged-report policy applies to rows built from the REST API too. */
const restRowOptions: INodeProperties[] = rowOptions.filter((option) => option.name !== 'onExpunged');

const properties: INodeProperties[] = [
	{
		displayName: 'Data Source',
		name: 'dataSource',
		type: 'options',
		options: [
			{
				name: 'Data Export',
				value: 'export',
				description: 'The nightly CSV reports (Enterprise accounts with the Data Export integration; deprecated by FireHydrant)',
			},
			{
				name: 'REST API',
				value: 'rest',
				description: 'The same rows built from the REST API, for accounts without the export',
			},
		],
		default: 'export',
	},
	{
		displayName: 'Changed After',
		name: 'changedAfter',
		type: 'dateTime',
		default: '',
		description: 'Only incidents (and their rows) changed after this time. Empty: all incidents.',
		displayOptions: REST_ONLY,
	},
	{
		displayName: 'Changed Before',
		name: 'changedBefore',
		type: 'dateTime',
		default: '',
		description: 'Only incidents changed before this time. Empty: up to now.',
		displayOptions: REST_ONLY,
	},
	{
		displayName: 'Export Requests',
		name: 'selectBy',
		type: 'options',
		options: [
			{ name: 'Completed Since', value: 'since', description: 'Every completed report generated after a time' },
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
	{
		displayName: 'Sources',
		name: 'sources',
		type: 'multiOptions',
		options: SOURCE_OPTIONS,
		// Literal on purpose: the editor and the linter read the default from the description.
		default: ['incident', 'incident_role_assignment', 'incident_event', 'incident_impact', 'retrospective', 'other'],
		description: 'Which CSV reports to read',
	},
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
	...returnAllAndLimit({ returnAllDefault: true, show: { dataSource: ['export'], output: ['rows'] } }),
	...returnAllAndLimit({ returnAllDefault: true, show: { dataSource: ['rest'] } }),
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the output binary field to put the file in',
		displayOptions: { show: { dataSource: ['export'], output: ['files'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: rowOptions,
		displayOptions: { show: { dataSource: ['export'], output: ['rows'] } },
	},
	{
		displayName: 'Options',
		name: 'restOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...restRowOptions, ...incrementalOptions],
		displayOptions: REST_ONLY,
	},
	{
		displayName: 'Options',
		name: 'fileOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: rowOptions.filter((option) => option.name === 'onExpunged'),
		displayOptions: { show: { dataSource: ['export'], output: ['files'] } },
	},
];

const displayOptions = { show: { resource: ['exportData'], operation: ['getRows'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export interface RowOptionValues {
	deduplicate?: boolean;
	durationToSeconds?: boolean;
	emptyAsNull?: boolean;
	onExpunged?: ExpungedPolicy;
	parseJsonColumns?: boolean;
	parseEventDetailsSchema?: boolean;
}

/** Options as the collection gives them, with the documented defaults for the ones left out. */
export function resolveRowOptions(values: RowOptionValues) {
	return {
		deduplicate: values.deduplicate ?? true,
		durationToSeconds: values.durationToSeconds ?? DEFAULT_ROW_SHAPE.durationToSeconds,
		emptyAsNull: values.emptyAsNull ?? DEFAULT_ROW_SHAPE.emptyAsNull,
		parseJsonColumns: values.parseJsonColumns ?? DEFAULT_ROW_SHAPE.parseJsonColumns,
		parseEventDetailsSchema: values.parseEventDetailsSchema ?? DEFAULT_ROW_SHAPE.parseEventDetailsSchema,
		onExpunged: values.onExpunged ?? ('skip' as ExpungedPolicy),
	};
}

async function selectExportRequests(
	context: IExecuteFunctions,
	client: FireHydrantClient,
	itemIndex: number,
): Promise<ExportRequest[]> {
	const selectBy = context.getNodeParameter('selectBy', itemIndex, 'since') as string;
	if (selectBy === 'ids') {
		const raw = String(context.getNodeParameter('exportRequestIds', itemIndex, '') ?? '');
		const ids = [...new Set(raw.split(/[\s,]+/).filter(Boolean))];
		if (ids.length === 0) {
			throw new NodeOperationError(context.getNode(), ERROR_MESSAGES.noExportRequestIds, { itemIndex });
		}
		const requests: ExportRequest[] = [];
		for (const id of ids) {
			const request = await getExportRequest(client, id);
			if (request.status !== 'completed') {
				throw new NodeOperationError(
					context.getNode(),
					`Export request ${id} is "${request.status}", not completed, so it has no report to read yet.`,
					{ itemIndex, description: 'Wait for FireHydrant to complete it, or remove it from "Export Request IDs".' },
				);
			}
			requests.push(request);
		}
		return requests;
	}
	const newerThan = optionalInstant(
		context,
		itemIndex,
		context.getNodeParameter('newerThan', itemIndex, ''),
		'Generated After',
	);
	return await listExportRequests(client, { newerThan, status: 'completed' });
}

function fileName(request: ExportRequest): string {
	const { tag } = identifySource(request.source);
	const safeTag = tag.replace(/[^A-Za-z0-9_.-]+/g, '_');
	const stamp = request.created_at.replace(/[:]/g, '-');
	return `firehydrant-${safeTag}-${stamp}-${request.id}.csv`;
}

async function exportFiles(
	context: IExecuteFunctions,
	client: FireHydrantClient,
	itemIndex: number,
	requests: ExportRequest[],
	sources: string[],
): Promise<{ items: INodeExecutionData[]; hints: string[] }> {
	const binaryPropertyName = context.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string;
	const { onExpunged } = resolveRowOptions(context.getNodeParameter('fileOptions', itemIndex, {}) as RowOptionValues);
	const hints: string[] = [];
	const items: INodeExecutionData[] = [];
	const selected = requests
		.filter((request) => request.status === 'completed' && isSourceSelected(request.source, sources))
		.sort(byCreatedAt);
	for (const request of selected) {
		const result = await withReportStream(
			client,
			context.getNode(),
			request,
			{ onExpunged, warn: (message) => hints.push(message) },
			// The report streams into n8n's binary data store; it is never held as a string here.
			async (stream) => await context.helpers.prepareBinaryData(stream, fileName(request), 'text/csv'),
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

async function restRows(context: IExecuteFunctions, itemIndex: number, sources: string[]): Promise<INodeExecutionData[]> {
	const limit = readLimit(context, itemIndex);
	const values = context.getNodeParameter('restOptions', itemIndex, {}) as RowOptionValues & {
		incremental?: boolean;
		overlapMinutes?: number;
		advancePosition?: AdvancePosition;
	};
	const shape = resolveRowOptions(values);
	const changedAfter = optionalInstant(context, itemIndex, context.getNodeParameter('changedAfter', itemIndex, ''), 'Changed After');
	const changedBefore = optionalInstant(context, itemIndex, context.getNodeParameter('changedBefore', itemIndex, ''), 'Changed Before');
	const scope: IDataObject = { resource: 'exportData', operation: 'getRows', dataSource: 'rest', sources, changedAfter, changedBefore };
	const window = readIncrementalWindow(context, itemIndex, values, scope, 'restRowsCursor');
	window?.limitIgnored(limit);
	const client = await FireHydrantClient.create(context, itemIndex);
	const collected = await collectRestRows(client, {
		...shape,
		sources,
		limit: window ? undefined : limit,
		filter: { updatedAfter: window ? window.startAfter(changedAfter) : changedAfter, updatedBefore: changedBefore },
	});
	if (collected.hints.length) {
		context.addExecutionHints(...collected.hints.map((message) => ({ message, location: 'outputPane' as const })));
	}
	// collectRestRows stops requesting once Limit rows are in hand; with Incremental, Limit is not
	// applied (rows past it would be skipped for good once the position moves).
	window?.advance(collected.rows.length);
	return collected.rows.map((json) => ({ json }));
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const dataSource = this.getNodeParameter('dataSource', itemIndex, 'export') as string;
	if (dataSource === 'rest') {
		return await restRows(this, itemIndex, this.getNodeParameter('sources', itemIndex, ALL_SOURCE_CHOICES) as string[]);
	}
	const sources = this.getNodeParameter('sources', itemIndex, ALL_SOURCE_CHOICES) as string[];
	const output = this.getNodeParameter('output', itemIndex, 'rows') as string;
	const client = await FireHydrantClient.create(this, itemIndex);
	const requests = await selectExportRequests(this, client, itemIndex);

	if (output === 'files') {
		const { items, hints } = await exportFiles(this, client, itemIndex, requests, sources);
		if (hints.length) this.addExecutionHints(...hints.map((message) => ({ message, location: 'outputPane' as const })));
		return items;
	}

	const limit = readLimit(this, itemIndex);
	const options = resolveRowOptions(this.getNodeParameter('options', itemIndex, {}) as RowOptionValues);
	const collected = await collectExportRows(client, this.getNode(), requests, { ...options, sources });
	if (collected.hints.length) {
		this.addExecutionHints(...collected.hints.map((message) => ({ message, location: 'outputPane' as const })));
	}
	const rows = limit === undefined ? collected.rows : collected.rows.slice(0, limit);
	return rows.map((json) => ({ json }));
}
