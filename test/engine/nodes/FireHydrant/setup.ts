import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { FireHydrantApi } from '../../../../credentials/FireHydrantApi.credentials';
import { FireHydrant } from '../../../../nodes/FireHydrant/FireHydrant.node';
import { FireHydrantExportTrigger } from '../../../../nodes/FireHydrant/FireHydrantExportTrigger.node';
import { pacerRegistry } from '../../../../lib/pacer';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../sandbox';
import {
	chain,
	runPoll,
	runWorkflow,
	type EngineRunResult,
	type EnginePollResult,
} from '../../harness';

export const FIREHYDRANT_TYPE = 'n8n-nodes-incident-data.fireHydrant';
export const EXPORT_TRIGGER_TYPE = 'n8n-nodes-incident-data.fireHydrantExportTrigger';
export const NODE_NAME = 'FireHydrant';

export const nodeTypes = {
	[FIREHYDRANT_TYPE]: new FireHydrant(),
	[EXPORT_TRIGGER_TYPE]: new FireHydrantExportTrigger(),
};
export const credentialTypes = [new FireHydrantApi()];

export function fireHydrantCredential(sandbox: Sandbox, token = sandbox.fireHydrant.apiToken) {
	return {
		id: 'fh-cred',
		name: 'FireHydrant sandbox',
		type: 'fireHydrantApi',
		data: { apiToken: token, region: 'custom', baseUrl: sandbox.baseUrl },
	};
}

/** The account most REST suites read: 14 incidents over 5 nights, 5 events each. */
export const REST_ACCOUNT: SandboxOptions = {
	seed: 11,
	fireHydrant: { incidents: 14, nights: 5, eventsPerIncident: 5 },
};

/**
 * One sandbox for the suite, handed to `started` and closed after the suite. Before each test the
 * sandbox goes back to its seeded state and the account-wide pacer forgets earlier runs' requests:
 * a run here makes fewer requests than a window allows, so the suite never waits on a window it
 * does not test (pacing itself is tested in transport/restPacing.test.ts).
 */
export function useSandbox(options: SandboxOptions, started: (sandbox: Sandbox) => void): void {
	let sandbox: Sandbox | undefined;
	beforeAll(async () => {
		sandbox = await startSandbox(options);
		started(sandbox);
	});
	afterAll(async () => {
		await sandbox?.close();
	});
	beforeEach(() => {
		pacerRegistry.clear();
		sandbox?.reset();
	});
}

/** The JSON of every item the FireHydrant node emitted. */
export function rowsOf(result: {
	output(name: string): Array<{ json: IDataObject }>;
}): IDataObject[] {
	return result.output(NODE_NAME).map((item) => item.json);
}

/** Runs Start -> FireHydrant with the given parameters against the sandbox. */
export async function runFireHydrant(
	sandbox: Sandbox,
	parameters: INodeParameters,
	options: {
		token?: string;
		node?: Partial<INode>;
		inputItems?: Array<{ json: IDataObject }>;
		/** Runs it like a trigger-started execution with this static data, so it persists between runs. */
		staticData?: IDataObject;
	} = {},
): Promise<EngineRunResult> {
	const workflow = chain({
		name: NODE_NAME,
		type: FIREHYDRANT_TYPE,
		parameters,
		credentials: { fireHydrantApi: { id: 'fh-cred', name: 'FireHydrant sandbox' } },
		...options.node,
	});
	return await runWorkflow({
		nodeTypes,
		credentialTypes,
		credentials: [fireHydrantCredential(sandbox, options.token)],
		workflow: options.staticData ? { ...workflow, staticData: options.staticData } : workflow,
		inputItems: options.inputItems,
		mode: options.staticData ? 'trigger' : undefined,
	});
}

export function exportTriggerNode(parameters: INodeParameters): INode {
	return {
		id: 'export-trigger',
		name: 'FireHydrant Export Trigger',
		type: EXPORT_TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		credentials: { fireHydrantApi: { id: 'fh-cred', name: 'FireHydrant sandbox' } },
	};
}

export async function pollExportTrigger(
	sandbox: Sandbox,
	parameters: INodeParameters,
	options: { staticData?: IDataObject; mode?: 'trigger' | 'manual'; token?: string } = {},
): Promise<EnginePollResult> {
	return await runPoll({
		nodeTypes,
		credentialTypes,
		credentials: [fireHydrantCredential(sandbox, options.token)],
		node: exportTriggerNode(parameters),
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

export const ALL_SOURCES = [
	'incident',
	'incident_role_assignment',
	'incident_event',
	'incident_impact',
	'retrospective',
];

export const getRows = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'exportData',
	operation: 'getRows',
	selectBy: 'since',
	newerThan: new Date(Date.now() - 30 * 24 * 3600 * 1000).toISOString(),
	...extra,
});
