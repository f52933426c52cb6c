import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeParameters,
} from 'n8n-workflow';

import { OpsLevelS3Api } from '../../../../credentials/OpsLevelS3Api.credentials';
import { OpsLevel } from '../../../../nodes/OpsLevel/OpsLevel.node';
import { OpsLevelTrigger } from '../../../../nodes/OpsLevel/OpsLevelTrigger.node';
import {
	chain,
	runPoll,
	runWorkflow,
	type EnginePollResult,
	type EngineRunResult,
} from '../../harness';

export const OPSLEVEL_TYPE = 'n8n-nodes-incident-data.opsLevel';
export const TRIGGER_TYPE = 'n8n-nodes-incident-data.opsLevelTrigger';
export const NODE_NAME = 'OpsLevel';

export const nodeTypes = {
	[OPSLEVEL_TYPE]: new OpsLevel(),
	[TRIGGER_TYPE]: new OpsLevelTrigger(),
};
export const credentialTypes = [new OpsLevelS3Api()];

export const CREDENTIAL_REF = { opsLevelS3Api: { id: 'ol-cred', name: 'OpsLevel bucket' } };

export function credential(data: ICredentialDataDecryptedObject) {
	return { id: 'ol-cred', name: 'OpsLevel bucket', type: 'opsLevelS3Api', data };
}

/** Runs Start -> OpsLevel with the given parameters and credential data. */
export async function runOpsLevel(
	credentialData: ICredentialDataDecryptedObject,
	parameters: INodeParameters,
	options: {
		node?: Partial<INode>;
		inputItems?: Array<{ json: IDataObject }>;
		staticData?: IDataObject;
		mode?: 'trigger' | 'manual';
	} = {},
): Promise<EngineRunResult> {
	const workflow = chain({
		name: NODE_NAME,
		type: OPSLEVEL_TYPE,
		parameters,
		credentials: CREDENTIAL_REF,
		...options.node,
	});
	return await runWorkflow({
		nodeTypes,
		credentialTypes,
		credentials: [credential(credentialData)],
		workflow: { ...workflow, staticData: options.staticData },
		inputItems: options.inputItems,
		// Production semantics by default: only those move sync positions (n8n keeps none of a manual run).
		mode: options.mode ?? 'trigger',
	});
}

export async function pollOpsLevelTrigger(
	credentialData: ICredentialDataDecryptedObject,
	parameters: INodeParameters,
	options: { staticData?: IDataObject; mode?: 'trigger' | 'manual' } = {},
): Promise<EnginePollResult> {
	return await runPoll({
		nodeTypes,
		credentialTypes,
		credentials: [credential(credentialData)],
		node: {
			id: 'ol-trigger',
			name: 'OpsLevel Trigger',
			type: TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters,
			credentials: CREDENTIAL_REF,
		},
		staticData: options.staticData,
		mode: options.mode ?? 'trigger',
	});
}

/** The error a node run ended with, as the user sees it: message and description. */
export function errorText(result: EngineRunResult): string {
	const error = (result.nodeError(NODE_NAME) ?? result.error) as
		| { message?: string; description?: string }
		| undefined;
	return `${error?.message ?? ''} | ${error?.description ?? ''}`;
}

export function jsonOf(items: Array<Array<{ json: IDataObject }>> | null): IDataObject[] {
	return items ? items[0].map((item) => item.json) : [];
}
