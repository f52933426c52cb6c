/**
 * Runs a polling trigger's `poll()` the two ways n8n does:
 *
 *  - 'trigger': a scheduled tick of an active workflow. n8n-core's PollTriggerExecutor calls
 *    `poll()` with a PollContext in mode 'trigger'; non-null results are `__emit`ted (which is
 *    when n8n saves the workflow static data and starts an execution), errors go to `__emitError`.
 *  - 'manual': "Fetch test event" in the editor. WorkflowExecute runs the poll node as the start
 *    node of a manual execution (PollContext in mode 'manual'); static data is never saved.
 */
import { PollContext, PollTriggerExecutor } from 'n8n-core';
import type {
	IDataObject,
	INode,
	INodeExecutionData,
	IWorkflowSettings,
	WorkflowActivateMode,
} from 'n8n-workflow';

import { plainStaticData, prepareRun, staticDataChanged, type RegistryOptions } from './context';
import { runWorkflow } from './run-workflow';

export interface EnginePollOptions extends RegistryOptions {
	node: INode;
	/** Workflow static data before the poll (node static data lives under `node:<name>`). */
	staticData?: IDataObject;
	mode?: 'trigger' | 'manual';
	/** How the workflow was activated (`this.getActivationMode()`); trigger mode only. */
	activation?: WorkflowActivateMode;
	workflowSettings?: IWorkflowSettings;
}

export interface EnginePollResult {
	/** What `poll()` returned: one array per output, or null for "nothing new". */
	items: INodeExecutionData[][] | null;
	/** Workflow static data after the poll, JSON-plain; pass it to the next poll. */
	staticData: IDataObject;
	/**
	 * Whether n8n would have saved that static data. In trigger mode n8n saves it when the poll
	 * emits, not when `poll()` returns null: cursor changes made on an empty poll then live only in
	 * the memory of the running instance. Manual runs never save static data.
	 */
	staticDataPersisted: boolean;
	/** The error `poll()` threw, if any (trigger mode routes it to `__emitError` as n8n does). */
	error?: unknown;
}

export async function runPoll(options: EnginePollOptions): Promise<EnginePollResult> {
	return options.mode === 'manual' ? await runManualPoll(options) : await runTriggerPoll(options);
}

async function runTriggerPoll(options: EnginePollOptions): Promise<EnginePollResult> {
	const { env, workflow, additionalData } = await prepareRun({
		nodeTypes: options.nodeTypes,
		credentialTypes: options.credentialTypes,
		credentials: options.credentials,
		nodes: [options.node],
		connections: {},
		staticData: options.staticData,
		settings: options.workflowSettings,
		mode: 'trigger',
	});
	const node = workflow.getNode(options.node.name);
	if (node === null) throw new Error('engine harness: poll node missing from its workflow');

	const outcome: { items: INodeExecutionData[][] | null; error?: unknown } = { items: null };
	const pollFunctions = new PollContext(
		workflow,
		node,
		additionalData,
		'trigger',
		options.activation ?? 'activate',
		(data) => {
			outcome.items = data;
		},
		(error) => {
			outcome.error = error;
		},
	);

	// The executor n8n schedules; `false` = a real tick (not the activation test), so a thrown
	// error reaches __emitError instead of rejecting, and the expression isolate is managed by it.
	const execute = env.container
		.get(PollTriggerExecutor)
		.create(workflow, node, pollFunctions, () => true);
	await execute(false);

	return {
		items: outcome.items,
		staticData: plainStaticData(workflow),
		staticDataPersisted: outcome.items !== null && staticDataChanged(workflow),
		error: outcome.error,
	};
}

async function runManualPoll(options: EnginePollOptions): Promise<EnginePollResult> {
	const result = await runWorkflow({
		nodeTypes: options.nodeTypes,
		credentialTypes: options.credentialTypes,
		credentials: options.credentials,
		workflow: {
			nodes: [options.node],
			connections: {},
			staticData: options.staticData,
			settings: options.workflowSettings,
		},
		startNode: options.node.name,
		mode: 'manual',
	});
	const task = result.run.data.resultData.runData[options.node.name]?.[0];
	const main = task?.data?.main;
	return {
		items: main === undefined ? null : main.map((output) => output ?? []),
		staticData: result.staticData,
		staticDataPersisted: false,
		error: task?.error ?? result.error,
	};
}
