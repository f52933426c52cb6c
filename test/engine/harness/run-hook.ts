/**
 * Runs a trigger node's webhook lifecycle methods (`webhookMethods[name].checkExists|create|delete`)
 * with n8n-core's real HookContext, as n8n's WebhookService.runWebhookMethod does when a workflow
 * is published (`checkExists`, then `create` if it answered false; mode 'trigger') or unpublished
 * (`delete`; mode 'internal', activation 'update'). The node sees the same `getNodeWebhookUrl()`,
 * `getWorkflowStaticData()`, credentials and HTTP helpers as in n8n.
 */
import { HookContext } from 'n8n-core';
import type {
	IDataObject,
	INode,
	IWebhookData,
	IWorkflowSettings,
	WebhookType,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { plainStaticData, prepareRun, staticDataChanged, type RegistryOptions } from './context';

export type HookMethod = 'checkExists' | 'create' | 'delete';

export interface EngineHookOptions extends RegistryOptions {
	node: INode;
	method: HookMethod;
	/** Workflow static data before the call (node static data lives under `node:<name>`). */
	staticData?: IDataObject;
	/**
	 * Execution mode of the context. Default as n8n: 'trigger' for checkExists/create (publishing),
	 * 'internal' for delete (unpublishing). 'manual' = the editor's test URL (`/webhook-test/`).
	 */
	mode?: WorkflowExecuteMode;
	/** `this.getActivationMode()`. Default 'activate' for checkExists/create, 'update' for delete. */
	activation?: WorkflowActivateMode;
	/** Which of the node's `description.webhooks`. Default 'default'. */
	webhookName?: WebhookType;
	workflowSettings?: IWorkflowSettings;
	workflowId?: string;
}

export interface EngineHookResult {
	/** What the method returned (checkExists: whether the remote webhook exists). */
	returned?: boolean;
	/** What the method threw, if anything. */
	error?: unknown;
	/** The URL n8n gives this node's webhook (`getNodeWebhookUrl(name)` of the same context). */
	webhookUrl: string | undefined;
	/** Workflow static data after the call, JSON-plain; pass it to the next call. */
	staticData: IDataObject;
	/** Whether the call changed static data (n8n saves it after publishing and unpublishing). */
	staticDataPersisted: boolean;
}

export async function runHook(options: EngineHookOptions): Promise<EngineHookResult> {
	const isDelete = options.method === 'delete';
	const mode = options.mode ?? (isDelete ? 'internal' : 'trigger');
	const activation = options.activation ?? (isDelete ? 'update' : 'activate');
	const { workflow, additionalData, nodeTypes } = await prepareRun({
		nodeTypes: options.nodeTypes,
		credentialTypes: options.credentialTypes,
		credentials: options.credentials,
		nodes: [options.node],
		connections: {},
		staticData: options.staticData,
		settings: options.workflowSettings,
		// Publishing means an active workflow; only the editor's test webhook is 'manual'.
		mode: mode === 'manual' ? 'manual' : 'trigger',
		workflowId: options.workflowId,
	});
	const node = workflow.getNode(options.node.name);
	if (node === null) throw new Error('engine harness: hook node missing from its workflow');
	const nodeType = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const webhookName = options.webhookName ?? 'default';
	const description = nodeType.description.webhooks?.find(
		(webhook) => webhook.name === webhookName,
	);
	const method = nodeType.webhookMethods?.[webhookName]?.[options.method];
	if (description === undefined || method === undefined) {
		throw new Error(
			`engine harness: node type "${node.type}" has no webhookMethods.${webhookName}.${options.method}`,
		);
	}

	const webhookData: IWebhookData = {
		httpMethod: (description.httpMethod ?? 'POST') as IWebhookData['httpMethod'],
		node: node.name,
		path: node.webhookId ?? String(description.path),
		webhookDescription: description,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
		webhookId: node.webhookId,
		isTest: mode === 'manual',
	};
	const context = new HookContext(workflow, node, additionalData, mode, activation, webhookData);

	let returned: boolean | undefined;
	let error: unknown;
	try {
		returned = await workflow.expression.withIsolate(async () => await method.call(context));
	} catch (thrown) {
		error = thrown;
	}

	return {
		returned,
		error,
		webhookUrl: context.getNodeWebhookUrl(webhookName),
		staticData: plainStaticData(workflow),
		staticDataPersisted: staticDataChanged(workflow),
	};
}
