import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { secretFingerprint, secretMatchesFingerprint } from '../../lib/signatures';
import {
	fetchRecordForDelivery,
	headerOf,
	receiveWebhook,
	type WebhookReceiver,
} from '../../lib/webhook';
import { ERROR_MESSAGES, FIREHYDRANT_CREDENTIAL_TYPE } from './constants';
import { getIncident } from './rest/incidents';
import { createWebhook, deleteWebhook, getWebhook } from './rest/webhooks';
import { FireHydrantClient } from './transport';
import {
	deliveryKey,
	filterList,
	matchesFilter,
	parseDelivery,
	REMEMBERED_DELIVERIES,
	resolveWebhookSecret,
	SIGNATURE_HEADER,
	verifySignature,
	withIsoTimestamps,
	type ParsedDelivery,
} from './webhooks/delivery';

type Delivery = Extract<ParsedDelivery, { ok: true }>;

/** What the node keeps in its static data about its registration at FireHydrant. */
interface Registration {
	webhookId?: unknown;
	/** Salted scrypt of the secret the webhook was registered with (never the secret itself). */
	secretFingerprint?: unknown;
}

/** The signing secret of this trigger, from its parameter or its credential; undefined when neither has one. */
async function webhookSecretOf(
	context: IHookFunctions | IWebhookFunctions,
): Promise<string | undefined> {
	const credentials = await context.getCredentials(FIREHYDRANT_CREDENTIAL_TYPE);
	return resolveWebhookSecret(
		context.getNodeParameter('webhookSecret', ''),
		credentials.webhookSigningSecret,
	)?.secret;
}

const receiver: WebhookReceiver<Delivery> = {
	memory: { staticKey: 'seenDeliveries', maxEntries: REMEMBERED_DELIVERIES },
	async verify(context, rawBody) {
		const secret = await webhookSecretOf(context);
		if (!verifySignature(secret ?? '', rawBody, headerOf(context, SIGNATURE_HEADER))) {
			return {
				status: 401,
				message: 'Invalid or missing fh-signature',
				log: secret
					? undefined
					: 'FireHydrant Trigger refused a delivery: no webhook secret in the credential or the node.',
			};
		}
		return undefined;
	},
	parse(rawBody) {
		const delivery = parseDelivery(rawBody);
		return delivery.ok
			? { ok: true, delivery }
			: { ok: false, refusal: { status: 400, message: delivery.reason } };
	},
	replayKey: (_delivery, rawBody) => deliveryKey(rawBody),
	filteredOut(delivery, context) {
		const resourceTypes = filterList(context.getNodeParameter('resourceTypes', ''));
		const operations = filterList(context.getNodeParameter('operations', ''));
		if (
			matchesFilter(resourceTypes, delivery.resourceType) &&
			matchesFilter(operations, delivery.operation)
		)
			return undefined;
		return `${delivery.resourceType || '(no resource type)'} ${delivery.operation || '(no operation)'}`;
	},
	async emit(delivery, context) {
		const options = context.getNodeParameter('options', {}) as { fetchIncident?: boolean };
		const json: IDataObject = {
			resourceType: delivery.resourceType,
			operation: delivery.operation,
			...(withIsoTimestamps(delivery.payload) as IDataObject),
		};
		const data = (delivery.payload.data ?? {}) as IDataObject;
		const incidentId = (data.incident as IDataObject | undefined)?.id;
		if (options.fetchIncident && typeof incidentId === 'string') {
			const client = await FireHydrantClient.create(context);
			// The delivery is still worth emitting when the incident is gone or unreadable.
			const fetched = await fetchRecordForDelivery(
				context.getNode(),
				async () => await getIncident(client, incidentId),
				{
					notFound: `Incident ${incidentId} no longer exists in FireHydrant (404).`,
					forbidden: `FireHydrant refused to read incident ${incidentId} (403): the API token may not read incidents. Use an API key whose role may read incidents (Settings → API keys).`,
				},
			);
			json.incident =
				fetched.record === null ? null : (withIsoTimestamps(fetched.record) as IDataObject);
			if (fetched.record === null) json.incidentError = fetched.reason;
		}
		return [{ json }];
	},
};

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
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		properties: [
			{
				displayName:
					'When the workflow is published, this node registers its URL with FireHydrant (Webhooks API) with the webhook signing secret of the credential, and removes it when unpublished. Deliveries without a valid fh-signature are refused with 401.',
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
				description:
					'Leave empty to use "Webhook Signing Secret" of the credential (recommended: a secret here is stored in the workflow). When set, it is used instead of the credential\'s, for this trigger only. FireHydrant signs deliveries with it (fh-signature = hex HMAC-SHA256 of the body); changing it and publishing again registers the webhook anew.',
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
						description:
							'Whether to read the whole incident from the API (one request) and add it as "incident". An incident deleted since (404) or not readable with the token (403) still emits the delivery, with incident null and the reason in incidentError.',
					},
					{
						displayName: 'Ignore Replays',
						name: 'ignoreReplays',
						type: 'boolean',
						default: true,
						description:
							'Whether a delivery whose exact body was already accepted (a resend, or the same delivery twice at once) is acknowledged without starting the workflow again',
					},
				],
			},
		],
	};

	webhookMethods = {
		default: {
			/**
			 * Whether FireHydrant already has this URL registered WITH the current secret. A secret
			 * changed since (or one registered before the fingerprint was kept) answers false, and
			 * `create` replaces the old webhook: FireHydrant would otherwise keep signing with the
			 * old secret and every delivery would be refused with 401.
			 */
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const state = this.getWorkflowStaticData('node') as IDataObject & Registration;
				const id = typeof state.webhookId === 'string' ? state.webhookId : undefined;
				if (!id) return false;
				const client = await FireHydrantClient.create(this);
				const webhook = await getWebhook(client, id);
				if (webhook === undefined || webhook.url !== this.getNodeWebhookUrl('default')) {
					// Gone, or pointed elsewhere in FireHydrant's UI (then it is someone else's now).
					delete state.webhookId;
					delete state.secretFingerprint;
					return false;
				}
				const secret = await webhookSecretOf(this);
				// Kept in static data: `create` removes the old webhook before registering again.
				return (
					secret !== undefined && (await secretMatchesFingerprint(secret, state.secretFingerprint))
				);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const secret = await webhookSecretOf(this);
				if (!secret)
					throw new NodeOperationError(this.getNode(), 'No webhook secret', {
						description: ERROR_MESSAGES.webhookSecretMissing,
					});
				const state = this.getWorkflowStaticData('node') as IDataObject & Registration;
				const client = await FireHydrantClient.create(this);
				const previous = typeof state.webhookId === 'string' ? state.webhookId : undefined;
				// Replays were once remembered by signature under this key; the body hash replaced it.
				delete state.deliveries;
				if (previous) {
					// Registered with another secret: removed first, so FireHydrant never holds two
					// webhooks for this URL (each delivery would arrive twice, one refused).
					await deleteWebhook(client, previous);
					delete state.webhookId;
					delete state.secretFingerprint;
				}
				const url = this.getNodeWebhookUrl('default') ?? '';
				const created = await createWebhook(client, { url, secret, subscriptions: 'incidents' });
				if (!created.id) {
					throw new NodeOperationError(
						this.getNode(),
						'FireHydrant created the webhook but returned no id',
						{
							description:
								'Check the webhooks list in FireHydrant (Settings → Webhooks) and remove the duplicate, then publish again.',
						},
					);
				}
				state.webhookId = created.id;
				state.secretFingerprint = await secretFingerprint(secret);
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const state = this.getWorkflowStaticData('node') as IDataObject & Registration;
				const id = typeof state.webhookId === 'string' ? state.webhookId : undefined;
				if (!id) return true;
				const client = await FireHydrantClient.create(this);
				await deleteWebhook(client, id);
				delete state.webhookId;
				delete state.secretFingerprint;
				delete state.seenDeliveries;
				delete state.deliveries;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const options = this.getNodeParameter('options', {}) as { ignoreReplays?: boolean };
		return await receiveWebhook(this, receiver, { ignoreReplays: options.ignoreReplays !== false });
	}
}
