import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { answerWithoutRun, rawBodyOf } from '../../lib/webhook';
import { SeenKeys } from '../../lib/dedupe';
import { verifySvixSignature } from '../../lib/signatures';
import { INCIDENT_IO_CREDENTIAL_TYPE } from '../IncidentIo/constants';
import { IncidentIoClient } from '../IncidentIo/transport';
import { eventLabel, fullRecordPath, WEBHOOK_EVENT_TYPES } from './events';

/** Svix retries a delivery for 24 h with the same `webhook-id`; this many ids are remembered. */
const MAX_REMEMBERED_DELIVERIES = 2000;
const SEEN_DELIVERIES_KEY = 'seenDeliveries';

type FetchFullRecord = 'private' | 'always' | 'never';

export class IncidentIoTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'incident.io Trigger',
		name: 'incidentIoTrigger',
		icon: { light: 'file:incidentio.svg', dark: 'file:incidentio.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ ($parameter["events"] || []).length ? $parameter["events"].join(", ") : "all events" }}',
		// n8n's node picker shows one incident.io entry for this trigger and the incident.io node, under
		// the trigger's description: it names both.
		description:
			'Read incidents, actions, follow-ups, settings and the catalog from incident.io, or start a workflow on its signed webhooks',
		defaults: { name: 'incident.io Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'incidentIoApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
		properties: [
			{
				displayName:
					'incident.io has no API to register webhooks. In incident.io open Settings → Webhooks → Add endpoint, paste this node\'s Production URL, pick the event types, then copy the endpoint\'s signing secret (whsec_…) into "Webhook Signing Secret" of the credential. Deliveries without a valid signature are refused with 401.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: WEBHOOK_EVENT_TYPES.map((eventType) => ({ name: eventLabel(eventType), value: eventType })),
				default: [],
				description: 'Which event types start the workflow; none selected means every event type. Others are acknowledged and dropped.',
			},
			{
				displayName: 'Fetch Full Record',
				name: 'fetchFullRecord',
				type: 'options',
				options: [
					{
						name: 'For Private Incident Events',
						value: 'private',
						description: 'Private-incident events carry only an ID; fetch the incident, action or follow-up',
					},
					{ name: 'Always', value: 'always', description: 'Fetch the current record for every incident, action and follow-up event' },
					{ name: 'Never', value: 'never', description: 'Emit the payload as delivered' },
				],
				default: 'private',
				description: 'Whether to fetch the record through the API (needs the API key of the credential and, for private incidents, the "View all incident data" scope)',
			},
		],
	};

	// incident.io has no endpoint-registration API: the endpoint is added in its dashboard, so the
	// lifecycle only tells the operator so and never pretends to have registered anything.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				this.logger.info(
					`incident.io has no API to register webhooks: add ${this.getNodeWebhookUrl('default') ?? 'this node\'s production URL'} as an endpoint in incident.io (Settings → Webhooks).`,
				);
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				this.logger.info('incident.io has no API to remove webhooks: delete the endpoint in incident.io (Settings → Webhooks) if it is no longer used.');
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const headers = this.getHeaderData() as Record<string, string | string[] | undefined>;
		const header = (name: string) => {
			const value = headers[name];
			return Array.isArray(value) ? value[0] : value;
		};
		const rawBody = rawBodyOf(this);
		const credentials = await this.getCredentials(INCIDENT_IO_CREDENTIAL_TYPE);
		const secret = String(credentials.webhookSigningSecret ?? '').trim();
		if (!secret) {
			this.logger.warn('incident.io Trigger refused a delivery: the credential has no Webhook Signing Secret.');
			return answerWithoutRun(this, 401, 'signature verification failed');
		}
		const verdict = verifySvixSignature(
			{ id: header('webhook-id'), timestamp: header('webhook-timestamp'), signature: header('webhook-signature'), rawBody: rawBody ?? '' },
			{ secret },
		);
		if (!verdict.valid || rawBody === undefined) {
			this.logger.warn(`incident.io Trigger refused a delivery: ${verdict.valid ? 'no raw body' : verdict.reason}`);
			return answerWithoutRun(this, 401, 'signature verification failed');
		}

		let parsed: unknown;
		try {
			parsed = JSON.parse(rawBody.toString('utf8')) as unknown;
		} catch {
			parsed = undefined;
		}
		if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
			return answerWithoutRun(this, 400, 'body is not a JSON object');
		}
		const envelope = parsed as IDataObject;
		const eventType = typeof envelope.event_type === 'string' ? envelope.event_type : '';
		if (!eventType) return answerWithoutRun(this, 400, 'body has no event_type');

		const webhookId = String(header('webhook-id'));
		const staticData = this.getWorkflowStaticData('node');
		const seen = SeenKeys.from(staticData[SEEN_DELIVERIES_KEY] as string[] | undefined, MAX_REMEMBERED_DELIVERIES);
		if (seen.has(webhookId)) return { webhookResponse: { received: true, duplicate: true } };

		const events = this.getNodeParameter('events', []) as string[];
		if (events.length > 0 && !events.includes(eventType)) {
			seen.add(webhookId);
			staticData[SEEN_DELIVERIES_KEY] = seen.toJSON();
			return { webhookResponse: { received: true, ignored: eventType } };
		}

		let data = (envelope[eventType] ?? {}) as IDataObject;
		let fetched = false;
		const mode = this.getNodeParameter('fetchFullRecord', 'private') as FetchFullRecord;
		const target = typeof data.id === 'string' ? fullRecordPath(eventType, data.id) : undefined;
		if (target && (mode === 'always' || (mode === 'private' && eventType.startsWith('private_')))) {
			const client = await IncidentIoClient.create(this);
			const response = await client.get<IDataObject>(target.path);
			data = (response.body?.[target.key] ?? data) as IDataObject;
			fetched = true;
		}

		// Remembered only once the delivery is accepted, so a failed fetch lets Svix's retry through.
		seen.add(webhookId);
		staticData[SEEN_DELIVERIES_KEY] = seen.toJSON();
		return {
			workflowData: [
				this.helpers.returnJsonArray([
					{ event_type: eventType, webhook_id: webhookId, webhook_timestamp: header('webhook-timestamp') ?? null, fetched, data },
				]),
			],
		};
	}
}
