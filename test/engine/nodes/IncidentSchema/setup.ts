import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { DatadogDoraApi } from '../../../../credentials/DatadogDoraApi.credentials';
import { FireHydrantApi } from '../../../../credentials/FireHydrantApi.credentials';
import { IncidentIoApi } from '../../../../credentials/IncidentIoApi.credentials';
import { DatadogDora } from '../../../../nodes/DatadogDora/DatadogDora.node';
import { FireHydrant } from '../../../../nodes/FireHydrant/FireHydrant.node';
import { IncidentIo } from '../../../../nodes/IncidentIo/IncidentIo.node';
import { IncidentSchema } from '../../../../nodes/IncidentSchema/IncidentSchema.node';
import type { Sandbox } from '../../../sandbox';
import { doraCredential } from '../DatadogDora/setup';
import { fireHydrantCredential } from '../FireHydrant/setup';
import { chain, runWorkflow, type ChainNode, type EngineRunResult } from '../../harness';
import { incidentIoCredential } from '../IncidentIo/setup';

export const SCHEMA_TYPE = 'n8n-nodes-incident-data.incidentSchema';
export const SCHEMA_NODE = 'Incident Schema';

export const nodeTypes = {
	'n8n-nodes-incident-data.fireHydrant': new FireHydrant(),
	'n8n-nodes-incident-data.incidentIo': new IncidentIo(),
	'n8n-nodes-incident-data.datadogDora': new DatadogDora(),
	[SCHEMA_TYPE]: new IncidentSchema(),
};
export const credentialTypes = [new FireHydrantApi(), new IncidentIoApi(), new DatadogDoraApi()];

export function credentialsFor(sandbox: Sandbox) {
	return [fireHydrantCredential(sandbox), incidentIoCredential(sandbox), doraCredential(sandbox)];
}

export const fireHydrantNode = (parameters: INodeParameters): ChainNode => ({
	name: 'FireHydrant',
	type: 'n8n-nodes-incident-data.fireHydrant',
	parameters,
	credentials: { fireHydrantApi: { id: 'fh-cred', name: 'FireHydrant sandbox' } },
});

export const incidentIoNode = (parameters: INodeParameters): ChainNode => ({
	name: 'incident.io',
	type: 'n8n-nodes-incident-data.incidentIo',
	parameters,
	credentials: { incidentIoApi: { id: 'iio-cred', name: 'incident.io sandbox' } },
});

export const doraNode = (parameters: INodeParameters): ChainNode => ({
	name: 'Datadog DORA Metrics',
	type: 'n8n-nodes-incident-data.datadogDora',
	parameters,
	credentials: { datadogDoraApi: { id: 'dd-cred', name: 'Datadog sandbox' } },
});

export const schemaNode = (parameters: INodeParameters, node: Partial<INode> = {}): ChainNode => ({
	name: SCHEMA_NODE,
	type: SCHEMA_TYPE,
	parameters,
	...node,
});

/** Start → nodes… in n8n-core's engine, against the sandbox. */
export async function runChain(
	sandbox: Sandbox,
	nodes: ChainNode[],
	inputItems?: Array<{ json: IDataObject }>,
): Promise<EngineRunResult> {
	return await runWorkflow({
		nodeTypes,
		credentialTypes,
		credentials: credentialsFor(sandbox),
		workflow: chain(...nodes),
		inputItems,
		mode: 'trigger',
	});
}

export function rowsOf(result: EngineRunResult, nodeName = SCHEMA_NODE): IDataObject[] {
	if (result.status !== 'success') {
		const error = (result.nodeError(nodeName) ?? result.error) as
			| { message?: string; description?: string }
			| undefined;
		throw new Error(
			`run ended with status ${result.status}: ${error?.message ?? ''} | ${error?.description ?? ''}`,
		);
	}
	return result.output(nodeName).map((item) => item.json);
}
