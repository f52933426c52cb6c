import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { DatadogDoraApi } from '../../../../credentials/DatadogDoraApi.credentials';
import { DatadogDora } from '../../../../nodes/DatadogDora/DatadogDora.node';
import type { Sandbox } from '../../../sandbox';
import { chain, runWorkflow, type EngineRunResult } from '../../harness';

export const DORA_TYPE = 'n8n-nodes-incident-data.datadogDora';
export const NODE_NAME = 'Datadog DORA Metrics';

export const nodeTypes = { [DORA_TYPE]: new DatadogDora() };
export const credentialTypes = [new DatadogDoraApi()];

export interface CredentialData {
	site?: string;
	baseUrl?: string;
	apiKey?: string;
	applicationKeySecret?: string;
}

export function doraCredential(sandbox: Sandbox, data: CredentialData = {}) {
	return {
		id: 'dd-cred',
		name: 'Datadog sandbox',
		type: 'datadogDoraApi',
		data: {
			site: 'custom',
			baseUrl: sandbox.datadog.baseUrl,
			apiKey: sandbox.datadog.apiKey,
			applicationKeySecret: sandbox.datadog.applicationKey,
			...data,
		},
	};
}

/** Runs Start -> Datadog DORA Metrics with the given parameters, in n8n-core's real engine. */
export async function runDora(
	sandbox: Sandbox,
	parameters: INodeParameters,
	options: {
		credential?: CredentialData;
		node?: Partial<INode>;
		inputItems?: Array<{ json: IDataObject }>;
	} = {},
): Promise<EngineRunResult> {
	const workflow = chain({
		name: NODE_NAME,
		type: DORA_TYPE,
		parameters,
		credentials: { datadogDoraApi: { id: 'dd-cred', name: 'Datadog sandbox' } },
		...options.node,
	});
	return await runWorkflow({
		nodeTypes,
		credentialTypes,
		credentials: [doraCredential(sandbox, options.credential)],
		workflow,
		inputItems: options.inputItems,
	});
}

export function jsonOf(result: EngineRunResult): IDataObject[] {
	return result.output(NODE_NAME).map((item) => item.json);
}

/** The error a node run ended with, as the user sees it: message and description. */
export function errorText(result: EngineRunResult): string {
	const error = (result.nodeError(NODE_NAME) ?? result.error) as
		| { message?: string; description?: string }
		| undefined;
	return `${error?.message ?? ''} | ${error?.description ?? ''}`;
}

/** Parameters of a failure send that maps everything from the input item. */
export const sendFailureFromItem = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'failure',
	operation: 'send',
	eventId: '={{ $json.incidentId }}',
	startedAt: '={{ $json.startedAt }}',
	finishedAt: '={{ $json.finishedAt }}',
	services: '={{ $json.services }}',
	team: '={{ $json.team }}',
	additionalFields: { name: '={{ $json.name }}', env: 'production' },
	options: { deriveEventId: true },
	...extra,
});
