/* eslint-disable @n8n/community-nodes/icon-validation, @n8n/community-nodes/require-node-description-fields, @n8n/community-nodes/node-usable-as-tool --
	test-only fixture, never packaged: the community-node publishing rules do not apply */
/**
 * Two inputs in, their items one after the other out: n8n's Merge (Append) for the engine harness,
 * which registers only the node types a test gives it.
 */
import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

export const APPEND_TYPE = 'harness-fixtures.append';

export class Append implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Append',
		name: 'append',
		group: ['transform'],
		version: 1,
		description: 'Appends input 2 to input 1',
		defaults: { name: 'Append' },
		inputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		requiredInputs: [0, 1],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const first = this.getInputData(0);
		const second = this.getInputData(1);
		return [
			[
				...first.map((item, index) => ({ json: item.json, pairedItem: { item: index, input: 0 } })),
				...second.map((item, index) => ({
					json: item.json,
					pairedItem: { item: index, input: 1 },
				})),
			],
		];
	}
}
