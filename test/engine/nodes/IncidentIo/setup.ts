import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { IncidentIoApi } from '../../../../credentials/IncidentIoApi.credentials';
import { pacerRegistry } from '../../../../lib/pacer';
import {
	GENERAL_RATE_LIMIT,
	INCIDENT_LIST_RATE_LIMIT,
} from '../../../../nodes/IncidentIo/constants';
import { IncidentIo } from '../../../../nodes/IncidentIo/IncidentIo.node';
import { pacerKeys } from '../../../../nodes/IncidentIo/transport';
import { IncidentIoTrigger } from '../../../../nodes/IncidentIo/IncidentIoTrigger.node';
import type { Sandbox } from '../../../sandbox';
import {
	chain,
	runWebhook,
	runWorkflow,
	type EngineRunResult,
	type EngineWebhookRequest,
} from '../../harness';

export const INCIDENT_IO_TYPE = 'n8n-nodes-incident-data.incidentIo';
export const TRIGGER_TYPE = 'n8n-nodes-incident-data.incidentIoTrigger';
export const NODE_NAME = 'incident.io';

export const nodeTypes = {
	[INCIDENT_IO_TYPE]: new IncidentIo(),
	[TRIGGER_TYPE]: new IncidentIoTrigger(),
};
export const credentialTypes = [new IncidentIoApi()];

const CREDENTIAL_REF = { incidentIoApi: { id: 'iio-cred', name: 'incident.io sandbox' } };

export function incidentIoCredential(
	sandbox: Sandbox,
	apiKey = sandbox.incidentIo.apiKey,
	secret = sandbox.incidentIo.webhookSecret,
) {
	return {
		id: 'iio-cred',
		name: 'incident.io sandbox',
		type: 'incidentIoApi',
		data: { apiKey, baseUrl: sandbox.incidentIo.apiBaseUrl, webhookSigningSecret: secret },
	};
}

/**
 * Shrinks both rate-limit windows by `scale` on the sandbox AND in the node's pacers for this
 * sandbox, so pacing is exercised in seconds instead of minutes. Limits keep their published
 * ratio: the sandbox allows 60 / 1200, the nodes pace to 50 / 1000 per (scaled) window.
 */
export function scaleRateLimits(sandbox: Sandbox, scale: number): void {
	const windowMs = Math.round(60_000 * scale);
	sandbox.incidentIo.setRateLimits({
		incidentList: { limit: 60, windowMs },
		general: { limit: 1200, windowMs },
	});
	const keys = pacerKeys(sandbox.incidentIo.apiBaseUrl);
	pacerRegistry.getPacer(keys.incidentList, {
		limit: INCIDENT_LIST_RATE_LIMIT.limit,
		intervalMs: windowMs,
	});
	pacerRegistry.getPacer(keys.general, { limit: GENERAL_RATE_LIMIT.limit, intervalMs: windowMs });
}

export async function runIncidentIo(
	sandbox: Sandbox,
	parameters: INodeParameters,
	options: {
		apiKey?: string;
		node?: Partial<INode>;
		inputItems?: Array<{ json: IDataObject }>;
		staticData?: IDataObject;
	} = {},
): Promise<EngineRunResult> {
	const workflow = chain({
		name: NODE_NAME,
		type: INCIDENT_IO_TYPE,
		parameters,
		credentials: CREDENTIAL_REF,
		...options.node,
	});
	return await runWorkflow({
		nodeTypes,
		credentialTypes,
		credentials: [incidentIoCredential(sandbox, options.apiKey)],
		workflow: { ...workflow, staticData: options.staticData, id: 'iio1' },
		inputItems: options.inputItems,
		mode: 'trigger',
	});
}

export function rowsOf(result: EngineRunResult): IDataObject[] {
	return result.output(NODE_NAME).map((item) => item.json);
}

/** The ids of the rows the node emitted, sorted: for comparing with what the sandbox changed. */
export function sortedIds(result: EngineRunResult): string[] {
	return rowsOf(result)
		.map((row) => String(row.id))
		.sort();
}

/** The error a node run ended with, as the user sees it: message and description. */
export function errorText(result: EngineRunResult): string {
	const error = (result.nodeError(NODE_NAME) ?? result.error) as
		| { message?: string; description?: string }
		| undefined;
	return `${error?.message ?? ''} | ${error?.description ?? ''}`;
}

export function triggerNode(parameters: INodeParameters = {}): INode {
	return {
		id: 'iio-trigger',
		name: 'incident.io Trigger',
		type: TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		credentials: CREDENTIAL_REF,
		webhookId: 'incident-io-hook',
	};
}

export async function deliver(
	sandbox: Sandbox,
	request: EngineWebhookRequest,
	parameters: INodeParameters = {},
	staticData?: IDataObject,
) {
	return await runWebhook({
		nodeTypes,
		credentialTypes,
		credentials: [incidentIoCredential(sandbox)],
		node: triggerNode(parameters),
		request,
		staticData,
	});
}

/** Fails with the node's own error text, so a failing run says why. */
export function expectSuccess(result: EngineRunResult): void {
	if (result.status !== 'success')
		throw new Error(`run ended with status ${result.status}: ${errorText(result)}`);
}
