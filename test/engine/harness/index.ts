/**
 * Engine-test harness: runs this pack's node types in-process with n8n-core's real execution
 * engine (WorkflowExecute, ExecuteContext, PollContext, WebhookContext, HookContext and their helpers), so
 * node code gets the same `this` as in n8n — no hand-written IExecuteFunctions fakes.
 *
 *   const { nodes, connections } = chain({ name: 'FireHydrant', type: FH_TYPE, parameters });
 *   const result = await runWorkflow({ nodeTypes, credentialTypes, credentials, workflow: { nodes, connections } });
 *   expect(result.output('FireHydrant')).toHaveLength(2);
 */
import type { IConnections, INode } from 'n8n-workflow';

import { START_NODE_TYPE } from './node-types';

export { START_NODE_TYPE } from './node-types';
export type { NodeTypeMap } from './node-types';
export type { EngineCredential } from './credentials-helper';
export { readBinaryData, type RegistryOptions } from './context';
export { disposeEngineEnvironment, ensureEngineEnvironment } from './environment';
export { runWorkflow, type EngineRunOptions, type EngineRunResult } from './run-workflow';
export { runPoll, type EnginePollOptions, type EnginePollResult } from './run-poll';
export {
	runWebhook,
	type EngineWebhookOptions,
	type EngineWebhookRequest,
	type EngineWebhookResult,
} from './run-webhook';
export {
	runHook,
	type EngineHookOptions,
	type EngineHookResult,
	type HookMethod,
} from './run-hook';

/** Name of the start node `chain()` puts first. */
export const START_NODE_NAME = 'Start';

/** A node for `chain()`: everything but name, type and parameters has a default. */
export type ChainNode = Partial<INode> & Pick<INode, 'name' | 'type' | 'parameters'>;

/**
 * Builds `Start -> nodes[0] -> nodes[1] -> ...` (main output 0 to main input 0), the shape of a
 * simple n8n workflow. Missing ids, positions and `typeVersion` (1) are filled in.
 */
export function chain(...nodes: ChainNode[]): { nodes: INode[]; connections: IConnections } {
	const start: INode = {
		id: 'harness-start',
		name: START_NODE_NAME,
		type: START_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const built: INode[] = [
		start,
		...nodes.map((node, index) => ({
			id: `harness-node-${index + 1}`,
			typeVersion: 1,
			position: [(index + 1) * 220, 0] as [number, number],
			...node,
		})),
	];

	const names = new Set<string>();
	for (const { name } of built) {
		if (names.has(name)) throw new Error(`engine harness: chain() got two nodes named "${name}"`);
		names.add(name);
	}

	const connections: IConnections = {};
	for (let index = 0; index < built.length - 1; index++) {
		connections[built[index].name] = {
			main: [[{ node: built[index + 1].name, type: 'main', index: 0 }]],
		};
	}
	return { nodes: built, connections };
}
