/**
 * Runs a whole workflow through n8n-core's real `WorkflowExecute`, in process.
 */
import { WorkflowExecute } from 'n8n-core';
import {
	createRunExecutionData,
	type ExecutionError,
	type IBinaryData,
	type IConnections,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type IRun,
	type ITaskData,
	type IWorkflowSettings,
	type NodeExecutionHint,
	type Workflow,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import {
	plainStaticData,
	prepareRun,
	readBinaryData,
	staticDataChanged,
	type RegistryOptions,
} from './context';
import { START_NODE_TYPE } from './node-types';

export interface EngineRunOptions extends RegistryOptions {
	workflow: {
		id?: string;
		name?: string;
		nodes: INode[];
		connections: IConnections;
		staticData?: IDataObject;
		settings?: IWorkflowSettings;
	};
	/** Node the run starts at; default: the harness Start node, else n8n's own choice. */
	startNode?: string;
	/** Items the start node receives (and the harness Start node emits). Default `[{ json: {} }]`. */
	inputItems?: INodeExecutionData[];
	/** Default 'manual' (an editor run). Use 'trigger' or 'webhook' for production semantics. */
	mode?: WorkflowExecuteMode;
}

export interface EngineRunResult {
	run: IRun;
	status: IRun['status'];
	/** The workflow-level error, as n8n stores it in `resultData.error` (a plain copy). */
	error?: ExecutionError | Error;
	/** Items of one output of one node run; throws a descriptive error if there are none to read. */
	output(nodeName: string, outputIndex?: number, runIndex?: number): INodeExecutionData[];
	/** The error stored in the node's run data (e.g. a NodeApiError), if it failed. */
	nodeError(nodeName: string, runIndex?: number): unknown;
	/** Execution hints the node added with `this.addExecutionHints`. */
	hints(nodeName: string, runIndex?: number): NodeExecutionHint[];
	/** Bytes of an output item's binary property, read back from n8n's binary data store. */
	binary(
		nodeName: string,
		itemIndex?: number,
		property?: string,
		outputIndex?: number,
	): Promise<Buffer>;
	/** Workflow static data after the run, JSON-plain; feed it to the next run's `workflow.staticData`. */
	staticData: IDataObject;
	/**
	 * Whether n8n would have saved that static data: only when it changed and the run was not
	 * manual — editor runs ('manual') never persist static data in n8n.
	 */
	staticDataPersisted: boolean;
}

export async function runWorkflow(options: EngineRunOptions): Promise<EngineRunResult> {
	const mode = options.mode ?? 'manual';
	const { workflow, additionalData } = await prepareRun({
		nodeTypes: options.nodeTypes,
		credentialTypes: options.credentialTypes,
		credentials: options.credentials,
		nodes: options.workflow.nodes,
		connections: options.workflow.connections,
		staticData: options.workflow.staticData,
		settings: options.workflow.settings,
		workflowId: options.workflow.id,
		workflowName: options.workflow.name,
		mode,
	});

	const startNode = pickStartNode(workflow, options.startNode);
	// Like n8n's own test harness: seed the execution stack with the start node and its input,
	// then let the engine process the rest of the graph.
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{
					node: startNode,
					data: { main: [options.inputItems ?? [{ json: {} }]] },
					source: null,
				},
			],
		},
	});

	let run: IRun;
	try {
		run = await new WorkflowExecute(additionalData, mode, runExecutionData).processRunExecutionData(
			workflow,
		);
	} catch (error) {
		// processRunExecutionData throws before running anything, e.g. WorkflowHasIssuesError for a
		// missing required parameter; n8n reports that as a failed execution, so do the same.
		const failure = error instanceof Error ? error : new Error(String(error));
		run = {
			data: runExecutionData,
			mode,
			startedAt: new Date(),
			stoppedAt: new Date(),
			storedAt: 'db',
			status: 'error',
		};
		return buildResult(run, workflow, mode, failure);
	}
	return buildResult(run, workflow, mode);
}

function pickStartNode(workflow: Workflow, name: string | undefined): INode {
	if (name !== undefined) {
		const node = workflow.getNode(name);
		if (node === null)
			throw new Error(`engine harness: start node "${name}" is not in the workflow`);
		return node;
	}
	const node =
		Object.values(workflow.nodes).find((candidate) => candidate.type === START_NODE_TYPE) ??
		workflow.getStartNode();
	if (node === undefined) throw new Error('engine harness: the workflow has no node to start from');
	return node;
}

export function buildResult(
	run: IRun,
	workflow: Workflow,
	mode: WorkflowExecuteMode,
	thrown?: Error,
): EngineRunResult {
	const { runData } = run.data.resultData;
	const error = thrown ?? run.data.resultData.error;

	const task = (nodeName: string, runIndex: number): ITaskData => {
		const tasks = runData[nodeName];
		if (tasks === undefined) {
			const ran = Object.keys(runData);
			throw new Error(
				`engine harness: node "${nodeName}" did not run (status "${run.status}"; ran: ${ran.length ? ran.join(', ') : 'nothing'}` +
					(error ? `; workflow error: ${error.message}` : '') +
					')',
			);
		}
		const found = tasks[runIndex];
		if (found === undefined) {
			throw new Error(
				`engine harness: node "${nodeName}" has ${tasks.length} run(s), no run ${runIndex}`,
			);
		}
		return found;
	};

	const output = (nodeName: string, outputIndex = 0, runIndex = 0): INodeExecutionData[] => {
		const data = task(nodeName, runIndex);
		if (data.error !== undefined && data.data === undefined) {
			throw new Error(`engine harness: node "${nodeName}" failed: ${data.error.message}`);
		}
		return data.data?.main?.[outputIndex] ?? [];
	};

	return {
		run,
		status: run.status,
		error,
		output,
		nodeError: (nodeName, runIndex = 0) => runData[nodeName]?.[runIndex]?.error,
		hints: (nodeName, runIndex = 0) => task(nodeName, runIndex).hints ?? [],
		binary: async (nodeName, itemIndex = 0, property = 'data', outputIndex = 0) => {
			const item = output(nodeName, outputIndex)[itemIndex];
			const binary: IBinaryData | undefined = item?.binary?.[property];
			if (binary === undefined) {
				throw new Error(
					`engine harness: item ${itemIndex} of node "${nodeName}" has no binary property "${property}"`,
				);
			}
			return await readBinaryData(binary);
		},
		staticData: plainStaticData(workflow),
		staticDataPersisted: mode !== 'manual' && staticDataChanged(workflow),
	};
}
