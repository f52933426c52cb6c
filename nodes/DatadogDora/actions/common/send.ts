import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import {
	DEFAULT_CONCURRENCY,
	DORA_PATHS,
	ERROR_MESSAGES,
	EVENT_TYPES,
	MAX_CONCURRENCY,
	type DoraResource,
} from '../../constants';
import { invalidTags, nanosForJson, tagList, textList, tooManyTags } from '../../events';
import { eventIdFor, fail, readTime } from '../validation';
import { doraClient } from './read';

/** Fields both event kinds share; each resource adds its own (services/team, or service). */
export const eventIdProperty: INodeProperties = {
	displayName: 'Event ID',
	name: 'eventId',
	type: 'string',
	default: '',
	placeholder: 'e.g. {{ $json.incident_id }}',
	description:
		'Optional. Sending again with the same ID updates the event instead of adding another. With "Derive Event ID" on, any value (a FireHydrant or incident.io incident ID) works; otherwise 16–128 characters of letters, digits and - _ . :.',
};

export const timeProperties = (finishedRequired: boolean): INodeProperties[] => [
	{
		displayName: 'Started At',
		name: 'startedAt',
		type: 'string',
		default: '',
		required: true,
		placeholder: '2024-05-01T12:00:00Z',
		description:
			'ISO 8601 date-time, or Unix seconds, milliseconds or nanoseconds (told apart by size)',
	},
	{
		displayName: 'Finished At',
		name: 'finishedAt',
		type: 'string',
		default: '',
		required: finishedRequired,
		placeholder: '2024-05-01T13:30:00Z',
		description: 'Same formats as Started At; not before it',
	},
];

const gitAndTags: INodeProperties[] = [
	{
		displayName: 'Environment',
		name: 'env',
		type: 'string',
		default: '',
		placeholder: 'production',
	},
	{
		displayName: 'Git Commit SHA',
		name: 'gitCommitSha',
		type: 'string',
		default: '',
		description: 'Together with Git Repository URL',
	},
	{
		displayName: 'Git Repository URL',
		name: 'gitRepositoryUrl',
		type: 'string',
		default: '',
		placeholder: 'https://github.com/org/repo',
		description: 'Together with Git Commit SHA',
	},
	{
		displayName: 'Custom Tags',
		name: 'customTags',
		type: 'string',
		default: '',
		placeholder: 'department:engineering, language:java',
		description: 'Key:value pairs separated by commas or new lines (or an array), at most 100',
	},
	{
		displayName: 'Version',
		name: 'version',
		type: 'string',
		default: '',
		description: 'Version to correlate with APM Deployment Tracking',
	},
];

export const failureAdditionalFields: INodeProperties[] = [
	...gitAndTags,
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		placeholder: 'Database outage',
	},
	{ displayName: 'Severity', name: 'severity', type: 'string', default: '', placeholder: 'SEV-1' },
];

export const deploymentAdditionalFields: INodeProperties[] = [
	...gitAndTags,
	{
		displayName: 'Team',
		name: 'team',
		type: 'string',
		default: '',
		description: 'Team owning the service',
	},
];

export const sendOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
			default: DEFAULT_CONCURRENCY,
			description:
				'How many items are sent at the same time. Datadog rate-limits per organisation; the node waits when told to.',
		},
		{
			displayName: 'Derive Event ID',
			name: 'deriveEventId',
			type: 'boolean',
			default: false,
			description:
				'Whether to turn the Event ID value into a valid Datadog ID (SHA-256, 64 hex characters). The same value always gives the same ID, so re-running a workflow updates events instead of duplicating them.',
		},
	],
};

interface AdditionalFields {
	env?: string;
	name?: string;
	severity?: string;
	version?: string;
	team?: string;
	gitCommitSha?: string;
	gitRepositoryUrl?: string;
	customTags?: unknown;
}

function text(value: unknown): string {
	return value === undefined || value === null ? '' : String(value).trim();
}

/**
 * The `attributes` of a send request for item `itemIndex`, after every check; times as Unix
 * nanoseconds, the unit of Datadog's own clients.
 */
function buildSendAttributes(
	context: IExecuteFunctions,
	itemIndex: number,
	resource: DoraResource,
): IDataObject {
	const additional = context.getNodeParameter(
		'additionalFields',
		itemIndex,
		{},
	) as AdditionalFields;
	const options = context.getNodeParameter('options', itemIndex, {}) as { deriveEventId?: boolean };
	const startedAt = readTime(
		context,
		context.getNodeParameter('startedAt', itemIndex, ''),
		itemIndex,
		'Started At',
		true,
	) as bigint;
	const finishedAt = readTime(
		context,
		context.getNodeParameter('finishedAt', itemIndex, ''),
		itemIndex,
		'Finished At',
		resource === 'deployment',
	);
	if (finishedAt !== undefined && finishedAt < startedAt) {
		fail(
			context,
			itemIndex,
			ERROR_MESSAGES.finishedBeforeStarted(itemIndex),
			'Fix "Finished At" or "Started At": an event cannot end before it starts.',
		);
	}

	const attributes: IDataObject = {};
	const id = eventIdFor(
		context,
		itemIndex,
		context.getNodeParameter('eventId', itemIndex, ''),
		options.deriveEventId === true,
	);
	if (id !== undefined) attributes.id = id;

	if (resource === 'failure') {
		const services = textList(context.getNodeParameter('services', itemIndex, ''));
		const team = text(context.getNodeParameter('team', itemIndex, ''));
		if (services.length === 0 && !team) {
			fail(
				context,
				itemIndex,
				ERROR_MESSAGES.noServicesOrTeam(itemIndex),
				'Datadog needs "Services" or "Team" (or both) to attribute a failure.',
			);
		}
		if (services.length > 0) attributes.services = services;
		if (team) attributes.team = team;
	} else {
		const service = text(context.getNodeParameter('service', itemIndex, ''));
		if (!service)
			fail(
				context,
				itemIndex,
				ERROR_MESSAGES.missingField('Service', itemIndex),
				'Enter the service that was deployed.',
			);
		attributes.service = service;
		const team = text(additional.team);
		if (team) attributes.team = team;
	}

	attributes.started_at = nanosForJson(startedAt);
	if (finishedAt !== undefined) attributes.finished_at = nanosForJson(finishedAt);
	for (const field of ['env', 'name', 'severity', 'version'] as const) {
		const value = text(additional[field]);
		if (value && (resource === 'failure' || (field !== 'name' && field !== 'severity')))
			attributes[field] = value;
	}

	const sha = text(additional.gitCommitSha);
	const repository = text(additional.gitRepositoryUrl);
	if (Boolean(sha) !== Boolean(repository)) {
		fail(
			context,
			itemIndex,
			ERROR_MESSAGES.gitIncomplete(itemIndex),
			'Datadog needs both "Git Commit SHA" and "Git Repository URL", or neither.',
		);
	}
	if (sha) attributes.git = { commit_sha: sha, repository_url: repository };

	const tags = tagList(additional.customTags);
	const bad = invalidTags(tags);
	if (bad.length > 0)
		fail(
			context,
			itemIndex,
			ERROR_MESSAGES.badTag(itemIndex, bad[0]),
			'Write each custom tag as key:value, e.g. department:engineering.',
		);
	if (tooManyTags(tags))
		fail(
			context,
			itemIndex,
			ERROR_MESSAGES.tooManyTags(itemIndex, tags.length),
			'Remove custom tags until at most 100 are left.',
		);
	if (tags.length > 0) attributes.custom_tags = tags;
	return attributes;
}

interface SendResponse {
	data?: { id?: string; type?: string } | null;
}

export async function sendEvent(
	context: IExecuteFunctions,
	itemIndex: number,
	resource: DoraResource,
): Promise<INodeExecutionData[]> {
	const attributes = buildSendAttributes(context, itemIndex, resource);
	const client = await doraClient(context, itemIndex, false);
	// With an id, Datadog updates the event a second send would add: only then may a send that
	// failed after leaving (5xx, connection reset) be retried without doubling the event.
	const response = await client.request<SendResponse>(
		'POST',
		DORA_PATHS[resource].send,
		{ data: { attributes } },
		{ idempotent: attributes.id !== undefined },
	);
	const data = response.body?.data ?? undefined;
	return [
		{
			json: {
				id: data?.id ?? (attributes.id as string | undefined) ?? null,
				type: data?.type ?? EVENT_TYPES[resource],
				statusCode: response.statusCode,
				// 202: Datadog accepted the event but will process it later.
				delayed: response.statusCode === 202,
			},
		},
	];
}
