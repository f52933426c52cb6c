import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { verifySvixSignature } from '../../lib/signatures';
import {
	fetchRecordForDelivery,
	headerOf,
	receiveWebhook,
	type WebhookReceiver,
} from '../../lib/webhook';
import { INCIDENT_IO_CREDENTIAL_TYPE } from './constants';
import { IncidentIoClient } from './transport';
import { eventLabel, fullRecordPath, WEBHOOK_EVENT_TYPES } from './events';

/** Svix retries a delivery for 24 h with the same `webhook-id`; this many ids are remembered. */
const MAX_REMEMBERED_DELIVERIES = 2000;

type FetchFullRecord = 'private' | 'always' | 'never';

interface Delivery {
	eventType: string;
	/** `webhook-id`: Svix keeps it for every retry of one message. */
	webhookId: string;
	timestamp: string | null;
	/** The payload under the event type's key, as delivered. */
	payload: IDataObject;
}

const REFUSED = 'signature verification failed';

const receiver: WebhookReceiver<Delivery> = {
	memory: { staticKey: 'seenDeliveries', maxEntries: MAX_REMEMBERED_DELIVERIES },
	async verify(context, rawBody) {
		const credentials = await context.getCredentials(INCIDENT_IO_CREDENTIAL_TYPE);
		const secret = String(credentials.webhookSigningSecret ?? '').trim();
		if (!secret) {
			return {
				status: 401,
				message: REFUSED,
				log: 'incident.io Trigger refused a delivery: the credential has no Webhook Signing Secret.',
			};
		}
		const verdict = verifySvixSignature(
			{
				id: headerOf(context, 'webhook-id'),
				timestamp: headerOf(context, 'webhook-timestamp'),
				signature: headerOf(context, 'webhook-signature'),
				rawBody,
			},
			{ secret },
		);
		if (!verdict.valid)
			return {
				status: 401,
				message: REFUSED,
				log: `incident.io Trigger refused a delivery: ${verdict.reason}`,
			};
		return undefined;
	},
	parse(rawBody, context) {
		let parsed: unknown;
		try {
			parsed = JSON.parse(rawBody.toString('utf8')) as unknown;
		} catch {
			parsed = undefined;
		}
		if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
			return { ok: false, refusal: { status: 400, message: 'body is not a JSON object' } };
		}
		const envelope = parsed as IDataObject;
		const eventType = typeof envelope.event_type === 'string' ? envelope.event_type : '';
		if (!eventType)
			return { ok: false, refusal: { status: 400, message: 'body has no event_type' } };
		const payload = envelope[eventType];
		return {
			ok: true,
			delivery: {
				eventType,
				// Verified above: a delivery without webhook-id never gets here.
				webhookId: headerOf(context, 'webhook-id') ?? '',
				timestamp: headerOf(context, 'webhook-timestamp') ?? null,
				payload:
					typeof payload === 'object' && payload !== null && !Array.isArray(payload)
						? (payload as IDataObject)
						: {},
			},
		};
	},
	// Svix sends every retry of a message with the same webhook-id, and another message never with it.
	replayKey: (delivery) => delivery.webhookId,
	filteredOut(delivery, context) {
		const events = context.getNodeParameter('events', []) as string[];
		return events.length > 0 && !events.includes(delivery.eventType)
			? delivery.eventType
			: undefined;
	},
	async emit(delivery, context) {
		const json: IDataObject = {
			event_type: delivery.eventType,
			webhook_id: delivery.webhookId,
			webhook_timestamp: delivery.timestamp,
			fetched: false,
			data: delivery.payload,
		};
		const mode = context.getNodeParameter('fetchFullRecord', 'private') as FetchFullRecord;
		const id = delivery.payload.id;
		const target = typeof id === 'string' ? fullRecordPath(delivery.eventType, id) : undefined;
		if (
			target &&
			(mode === 'always' || (mode === 'private' && delivery.eventType.startsWith('private_')))
		) {
			const fetched = await fetchRecordForDelivery(
				context.getNode(),
				async () => {
					const client = await IncidentIoClient.create(context);
					const response = await client.get<IDataObject>(target.path);
					return (response.body?.[target.key] ?? delivery.payload) as IDataObject;
				},
				{
					notFound: `incident.io has no ${target.key.replace('_', '-')} ${String(id)} (404): it was deleted after the event.`,
					forbidden: `incident.io refused to read ${target.key.replace('_', '-')} ${String(id)} (403): the API key of the credential lacks the scope "View all incident data, including private incidents". Add it in incident.io (Settings → API keys) to receive the full record.`,
				},
			);
			if (fetched.record === null) {
				// As the FireHydrant Trigger does: the record is null and the reason says why; the
				// delivery is still emitted, with its payload as delivered.
				json.data = null;
				json.dataError = fetched.reason;
				json.deliveredData = delivery.payload;
				context.logger.warn(`incident.io Trigger: ${fetched.reason}`);
			} else {
				json.data = fetched.record;
				json.fetched = true;
			}
		}
		return context.helpers.returnJsonArray([json]);
	},
};

export class IncidentIoTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'incident.io Trigger',
		name: 'incidentIoTrigger',
		icon: { light: 'file:incidentio.svg', dark: 'file:incidentio.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{ ($parameter["events"] || []).length ? $parameter["events"].join(", ") : "all events" }}',
		// n8n's node picker shows one incident.io entry for this trigger and the incident.io node, under
		// the trigger's description: it names both.
		description:
			'Read incidents, actions, follow-ups, settings and the catalog from incident.io, or start a workflow on its signed webhooks',
		defaults: { name: 'incident.io Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'incidentIoApi', required: true }],
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
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
				options: WEBHOOK_EVENT_TYPES.map((eventType) => ({
					name: eventLabel(eventType),
					value: eventType,
				})),
				default: [],
				description:
					'Which event types start the workflow; none selected means every event type. Others are acknowledged and dropped.',
			},
			{
				displayName: 'Fetch Full Record',
				name: 'fetchFullRecord',
				type: 'options',
				options: [
					{
						name: 'For Private Incident Events',
						value: 'private',
						description:
							'Private-incident events carry only an ID; fetch the incident, action or follow-up',
					},
					{
						name: 'Always',
						value: 'always',
						description: 'Fetch the current record for every incident, action and follow-up event',
					},
					{ name: 'Never', value: 'never', description: 'Emit the payload as delivered' },
				],
				default: 'private',
				description:
					'Whether to fetch the record through the API (needs the API key of the credential and, for private incidents, the "View all incident data" scope). A record deleted since (404) or not readable with the key (403) still emits the delivery, with data null, the reason in dataError and the payload in deliveredData.',
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
					`incident.io has no API to register webhooks: add ${this.getNodeWebhookUrl('default') ?? "this node's production URL"} as an endpoint in incident.io (Settings → Webhooks).`,
				);
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				this.logger.info(
					'incident.io has no API to remove webhooks: delete the endpoint in incident.io (Settings → Webhooks) if it is no longer used.',
				);
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveWebhook(this, receiver);
	}
}
