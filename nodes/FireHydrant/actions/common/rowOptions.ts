import type { INodeProperties } from 'n8n-workflow';

import { KNOWN_EXPORT_SOURCES, OTHER_SOURCES } from '../../constants';
import type { ExpungedPolicy } from '../../dataExports/reader';
import { DEFAULT_ROW_SHAPE } from '../../dataExports/rows';

/**
 * What the FireHydrant node (Export Data → Get Rows) and the FireHydrant Export Trigger both offer
 * about rows: the source choices and the row options, so both shape rows the same way.
 */
const SOURCE_OPTIONS = [
	{ name: 'Incidents', value: 'incident', description: KNOWN_EXPORT_SOURCES.incident },
	{
		name: 'Incident Role Assignments',
		value: 'incident_role_assignment',
		description: KNOWN_EXPORT_SOURCES.incident_role_assignment,
	},
	{
		name: 'Incident Events',
		value: 'incident_event',
		description: KNOWN_EXPORT_SOURCES.incident_event,
	},
	{
		name: 'Incident Impacts',
		value: 'incident_impact',
		description: KNOWN_EXPORT_SOURCES.incident_impact,
	},
	{
		name: 'Retrospectives',
		value: 'retrospective',
		description: KNOWN_EXPORT_SOURCES.retrospective,
	},
	{
		name: 'Other (Newer or Unknown) Sources',
		value: OTHER_SOURCES,
		description:
			'Sources this node does not know yet, read as generic CSV and tagged with their source string',
	},
];

/** Which CSV reports to read: the same field in Get Rows and the Export Trigger. */
export const sourcesProperty: INodeProperties = {
	displayName: 'Sources',
	name: 'sources',
	type: 'multiOptions',
	options: SOURCE_OPTIONS,
	// Literal on purpose: the editor and the linter read the default from the description.
	default: [
		'incident',
		'incident_role_assignment',
		'incident_event',
		'incident_impact',
		'retrospective',
		'other',
	],
	description: 'Which CSV reports to read',
};

/** Row options shared by Get Rows and the Export Trigger. */
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
			"Whether event_details_schema becomes an object instead of its JSON text. Off by default: it is one of a few fixed schemas per event type, and as an object it makes every event item about a third larger in n8n's memory and stored executions.",
	},
];

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
		parseEventDetailsSchema:
			values.parseEventDetailsSchema ?? DEFAULT_ROW_SHAPE.parseEventDetailsSchema,
		onExpunged: values.onExpunged ?? ('skip' as ExpungedPolicy),
	};
}
