import type { FireHydrantClient } from '../transport';

/**
 * FireHydrant's Webhooks API (`/v1/webhooks`), which the FireHydrant Trigger uses to register its
 * URL when its workflow is published and to remove it when unpublished.
 */
export const WEBHOOKS_PATH = '/v1/webhooks';

export interface WebhookEntity {
	id?: string;
	url?: string;
	state?: string;
	subscriptions?: string;
}

function webhookPath(id: string): string {
	return `${WEBHOOKS_PATH}/${encodeURIComponent(id)}`;
}

/** The webhook with this id, or undefined when FireHydrant has none (deleted in its UI: 404). */
export async function getWebhook(
	client: FireHydrantClient,
	id: string,
): Promise<WebhookEntity | undefined> {
	const response = await client.request<WebhookEntity>('GET', webhookPath(id), {}, undefined, {
		acceptStatuses: [404],
	});
	return response.statusCode === 404 ? undefined : (response.body ?? {});
}

/**
 * Registers a URL; the created webhook as FireHydrant returns it.
 * UNVERIFIED (vendor notes): the spec's create body has only `url`; the signing secret and the
 * subscriptions are sent as the FireHydrant UI sets them.
 */
export async function createWebhook(
	client: FireHydrantClient,
	webhook: { url: string; secret: string; subscriptions: string },
): Promise<WebhookEntity> {
	const response = await client.request<WebhookEntity>('POST', WEBHOOKS_PATH, {}, { ...webhook });
	return response.body ?? {};
}

/** Removes a webhook; one already gone (404, deleted in FireHydrant's UI) counts as removed. */
export async function deleteWebhook(client: FireHydrantClient, id: string): Promise<void> {
	await client.request('DELETE', webhookPath(id), {}, undefined, { acceptStatuses: [404] });
}
