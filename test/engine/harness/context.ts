/**
 * Per-run plumbing shared by runWorkflow, runPoll and runWebhook: the `Workflow` instance, the
 * registries, the credentials helper and the `IWorkflowExecuteAdditionalData` n8n's node
 * contexts read from. Mirrors what n8n's CLI assembles in `WorkflowExecuteAdditionalData.getBase`
 * minus the server-only parts (database, push, task runners, sub-workflows).
 */
import { BinaryDataService, ExecutionLifecycleHooks, ExternalSecretsProxy } from 'n8n-core';
import {
	Workflow,
	type IBinaryData,
	type ICredentialType,
	type IDataObject,
	type INode,
	type IConnections,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type IWorkflowSettings,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import {
	HarnessCredentialsHelper,
	normalizeCredentials,
	type EngineCredential,
} from './credentials-helper';
import { ensureEngineEnvironment, type EngineEnvironment } from './environment';
import { HarnessCredentialTypes, HarnessNodeTypes, type NodeTypeMap } from './node-types';

/** Where n8n would be reachable; only used to build URLs such as `$execution.resumeUrl`. */
const INSTANCE_URL = 'http://localhost:5678';

export interface RegistryOptions {
	/** Node types by full type name, e.g. `'n8n-nodes-incident-data.fireHydrant'`. */
	nodeTypes: NodeTypeMap;
	/** Credential type instances, e.g. `new FireHydrantApi()`. */
	credentialTypes?: ICredentialType[];
	/** Decrypted credentials; nodes find them by `node.credentials[type].id`, else by type. */
	credentials?: EngineCredential[];
}

export interface PreparedRun {
	env: EngineEnvironment;
	workflow: Workflow;
	nodeTypes: HarnessNodeTypes;
	credentialsHelper: HarnessCredentialsHelper;
	additionalData: IWorkflowExecuteAdditionalData;
	hooks: ExecutionLifecycleHooks;
	executionId: string;
}

export interface PrepareOptions extends RegistryOptions {
	nodes: INode[];
	connections: IConnections;
	staticData?: IDataObject;
	settings?: IWorkflowSettings;
	mode: WorkflowExecuteMode;
	workflowId?: string;
	workflowName?: string;
}

let executionCounter = 0;

export async function prepareRun(options: PrepareOptions): Promise<PreparedRun> {
	const env = await ensureEngineEnvironment();
	const nodeTypes = new HarnessNodeTypes(options.nodeTypes);
	const credentialTypes = new HarnessCredentialTypes(options.credentialTypes ?? []);
	const store = normalizeCredentials(options.credentials);
	const credentialsHelper = new HarnessCredentialsHelper(credentialTypes, store);

	// The Workflow constructor writes parameter defaults into the node objects and wraps the
	// static data in place, so work on copies: tests may reuse their definitions across runs.
	const nodes = structuredClone(options.nodes);
	for (const node of nodes) assignCredentials(node, nodeTypes, store);

	const workflowId = options.workflowId ?? 'harness-workflow';
	const workflow = new Workflow({
		id: workflowId,
		name: options.workflowName ?? 'Engine test workflow',
		nodes,
		connections: structuredClone(options.connections),
		active: options.mode !== 'manual',
		nodeTypes,
		staticData: structuredClone(options.staticData ?? {}),
		// New workflows in n8n 1.x/2.x are saved with execution order v1.
		settings: { executionOrder: 'v1', ...options.settings },
	});

	executionCounter += 1;
	const executionId = `harness-execution-${executionCounter}`;
	const now = new Date();
	const workflowData: IWorkflowBase = {
		id: workflowId,
		name: workflow.name ?? '',
		active: workflow.active,
		isArchived: false,
		activeVersionId: null,
		createdAt: now,
		updatedAt: now,
		nodes,
		connections: workflow.connectionsBySourceNode,
		settings: workflow.settings,
	};
	const hooks = new ExecutionLifecycleHooks(options.mode, executionId, workflowData);

	const additionalData: IWorkflowExecuteAdditionalData = {
		credentialsHelper,
		hooks,
		executionId,
		workflowId,
		workflowSettings: workflow.settings,
		currentNodeExecutionIndex: 0,
		restApiUrl: `${INSTANCE_URL}/rest`,
		instanceBaseUrl: `${INSTANCE_URL}/`,
		formBaseUrl: `${INSTANCE_URL}/form`,
		formWaitingBaseUrl: `${INSTANCE_URL}/form-waiting`,
		formTestBaseUrl: `${INSTANCE_URL}/form-test`,
		webhookBaseUrl: `${INSTANCE_URL}/webhook`,
		webhookWaitingBaseUrl: `${INSTANCE_URL}/webhook-waiting`,
		webhookTestBaseUrl: `${INSTANCE_URL}/webhook-test`,
		mcpBaseUrl: `${INSTANCE_URL}/mcp`,
		mcpTestBaseUrl: `${INSTANCE_URL}/mcp-test`,
		variables: {},
		externalSecretsProxy: new ExternalSecretsProxy(),
		logAiEvent: () => {},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		executeWorkflow: async () => {
			throw new Error('engine harness: executing sub-workflows is not supported');
		},
		startRunnerTask: async () => {
			throw new Error('engine harness: the Code node task runner is not available');
		},
	};

	return { env, workflow, nodeTypes, credentialsHelper, additionalData, hooks, executionId };
}

/**
 * Points a node at the given credential of each type its description declares, unless the test
 * set `node.credentials` itself — what the n8n editor does when only one credential fits.
 */
function assignCredentials(
	node: INode,
	nodeTypes: HarnessNodeTypes,
	store: ReturnType<typeof normalizeCredentials>,
): void {
	const declared = nodeTypes.getByNameAndVersion(node.type, node.typeVersion).description
		.credentials;
	for (const { name } of declared ?? []) {
		if (node.credentials?.[name] !== undefined) continue;
		const credential = store.find((candidate) => candidate.type === name);
		if (credential === undefined) continue;
		node.credentials = {
			...node.credentials,
			[name]: { id: credential.id, name: credential.name },
		};
	}
}

/**
 * Workflow static data as n8n would persist it: a JSON copy without the change-tracking proxy.
 * (Dates come back as strings, as after n8n's database round trip.)
 */
export function plainStaticData(workflow: Workflow): IDataObject {
	return JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject;
}

/** Whether a node changed the static data during the run (n8n's `__dataChanged` flag). */
export function staticDataChanged(workflow: Workflow): boolean {
	return workflow.staticData.__dataChanged === true;
}

/**
 * The bytes of binary data a node produced, wherever n8n stored them (filesystem by default in
 * 2.x, so `item.binary.data.data` is only the string 'filesystem-v2', not base64 content).
 */
export async function readBinaryData(binary: IBinaryData): Promise<Buffer> {
	const { container } = await ensureEngineEnvironment();
	return await container.get(BinaryDataService).getAsBuffer(binary);
}
