import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { answerWithoutRun, rawBodyOf } from '../../lib/webhook';
import { toNodeError } from '../../lib/errors';
import { vendorErrorStatus } from '../../lib/transport';
import { ERROR_MESSAGES } from '../FireHydrant/constants';
import { getIncident } from '../FireHydrant/rest/incidents';
import { FireHydrantClient } from '../FireHydrant/transport';
import {
	filterList,
	matchesFilter,
	parseDelivery,
	rememberDelivery,
	SIGNATURE_HEADER,
	verifySignature,
	withIsoTimestamps,
} from './webhook';

const WEBHOOKS_PATH = '/v1/webhooks';

interface WebhookEntity {
	id?: string;
	url?: string;
}

export class FireHydrantTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'FireHydrant Trigger',
		name: 'fireHydrantTrigger',
		icon: { light: 'file:firehydrantTrigger.svg', dark: 'file:firehydrantTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["resourceTypes"] || "all events" }}',
		// n8n's node picker shows one FireHydrant entry for this trigger and the FireHydrant node, under
		// the trigger's description: it names both.
		description:
			'Read FireHydrant incidents and data export rows, or start a workflow on its signed webhooks (incident created, updated, resolved…)',
		defaults: { name: 'FireHydrant Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'fireHydrantApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
		properties: [
			{
				displayName:
					'When the workflow is published, this node registers its URL with FireHydrant (Webhooks API) and removes it when unpublished. Deliveries without a valid fh-signature are refused with 401.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Webhook Secret',
				name: 'webhookSecret',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				required: true,
				description:
					'The secret FireHydrant signs deliveries with (fh-signature = hex HMAC-SHA256 of the body). Sent to FireHydrant when the webhook is registered; use a long random value.',
			},
			{
				displayName: 'Resource Types',
				name: 'resourceTypes',
				type: 'string',
				default: 'incidents',
				placeholder: 'incidents, change_events',
				description: 'Comma-separated event.resource_type values to emit; empty for every type',
			},
			{
				displayName: 'Operations',
				name: 'operations',
				type: 'string',
				default: '',
				placeholder: 'created, updated',
				description: 'Comma-separated event.operation values to emit; empty for every operation',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Fetch Full Incident',
						name: 'fetchIncident',
						type: 'boolean',
						default: false,
						description: 'Whether to read the whole incident from the API (one request) and add it as "incident"',
					},
					{
						displayName: 'Ignore Replays',
						name: 'ignoreReplays',
						type: 'boolean',
						default: true,
						description: 'Whether a delivery whose exact signed body was already accepted is acknowledged without starting the workflow again',
					},
				],
			},
		],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const state = this.getWorkflowStaticData('node');
				const id = typeof state.webhookId === 'string' ? state.webhookId : undefined;
				if (!id) return false;
				const client = await FireHydrantClient.create(this);
				const response = await client.request<WebhookEntity>('GET', `${WEBHOOKS_PATH}/${encodeURIComponent(id)}`, {}, undefined, {
							acceptStatuses: [404],
						});
				if (response.statusCode === 404 || response.body?.url !== this.getNodeWebhookUrl('default')) {
					delete state.webhookId;
					return false;
				}
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const secret = String(this.getNodeParameter('webhookSecret', '') ?? '');
				if (!secret) throw new NodeOperationError(this.getNode(), 'No webhook secret', { description: ERROR_MESSAGES.webhookSecretMissing });
				const client = await FireHydrantClient.create(this);
				// UNVERIFIED (vendor notes): the spec's create body has only `url`; the secret and the
				// subscriptions are sent as the FireHydrant UI sets them.
				const url = this.getNodeWebhookUrl('default') ?? '';
				const response = await client.request<WebhookEntity>('POST', WEBHOOKS_PATH, {}, { url, secret, subscriptions: 'incidents' });
				const id = response.body?.id;
				if (!id) {
					throw new NodeOperationError(this.getNode(), 'FireHydrant created the webhook but returned no id', {
						description: 'Check the webhooks list in FireHydrant (Settings → Webhooks) and remove the duplicate, then publish again.',
					});
				}
				this.getWorkflowStaticData('node').webhookId = id;
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const state = this.getWorkflowStaticData('node');
				const id = typeof state.webhookId === 'string' ? state.webhookId : undefined;
				if (!id) return true;
				const client = await FireHydrantClient.create(this);
				// Already gone (deleted in FireHydrant's UI) counts as deleted.
				await client.request('DELETE', `${WEBHOOKS_PATH}/${encodeURIComponent(id)}`, {}, undefined, {
					acceptStatuses: [404],
				});
				delete state.webhookId;
				delete state.deliveries;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const rawBody = rawBodyOf(this) ?? Buffer.from('');
		const header = this.getHeaderData()[SIGNATURE_HEADER];
		const signature = Array.isArray(header) ? header[0] : header;
		const secret = String(this.getNodeParameter('webhookSecret', '') ?? '');
		if (!verifySignature(secret, rawBody, typeof signature === 'string' ? signature : undefined)) {
			return answerWithoutRun(this, 401, 'Invalid or missing fh-signature');
		}
		const delivery = parseDelivery(rawBody);
		if (!delivery.ok) return answerWithoutRun(this, 400, delivery.reason);

		const options = this.getNodeParameter('options', {}) as { fetchIncident?: boolean; ignoreReplays?: boolean };
		if (options.ignoreReplays !== false && !rememberDelivery(this.getWorkflowStaticData('node'), String(signature))) {
			return answerWithoutRun(this, 200, 'Already received; ignored as a replay');
		}
		const resourceTypes = filterList(this.getNodeParameter('resourceTypes', ''));
		const operations = filterList(this.getNodeParameter('operations', ''));
		if (!matchesFilter(resourceTypes, delivery.resourceType) || !matchesFilter(operations, delivery.operation)) {
			return answerWithoutRun(this, 200, 'Received; filtered out');
		}

		const json: IDataObject = {
			resourceType: delivery.resourceType,
			operation: delivery.operation,
			...(withIsoTimestamps(delivery.payload) as IDataObject),
		};
		const data = (delivery.payload.data ?? {}) as IDataObject;
		const incidentId = (data.incident as IDataObject | undefined)?.id;
		if (options.fetchIncident && typeof incidentId === 'string') {
			const client = await FireHydrantClient.create(this);
			try {
				json.incident = withIsoTimestamps(await getIncident(client, incidentId)) as IDataObject;
			} catch (error) {
				// The delivery is still worth emitting: the incident may be deleted by now.
				if (vendorErrorStatus(error) !== 404) throw toNodeError(this.getNode(), error);
				json.incident = null;
				json.incidentError = `Incident ${incidentId} no longer exists in FireHydrant (404).`;
			}
		}
		return { workflowData: [[{ json }]] };
	}
}
