/**
 * The node- and credential-type registries n8n's engine looks types up in.
 *
 * In n8n these are filled by the loader from the installed packages; here the test hands the
 * type instances in directly, so the node code under test is exactly what the test imported.
 */
import {
	NodeConnectionTypes,
	NodeHelpers,
	type ICredentialType,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type INodeTypes,
	type IVersionedNodeType,
} from 'n8n-workflow';

/** Type name of the start node the harness registers itself. */
export const START_NODE_TYPE = 'harness.start';

/**
 * A minimal start node, like n8n's former `n8n-nodes-base.start`: it emits the items the run
 * was started with. Being a plain `execute` node (not a trigger) keeps the first node of every
 * test workflow free of trigger semantics while still giving downstream nodes real input items.
 */
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool -- harness-internal, never packaged
class HarnessStart implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Start',
		name: START_NODE_TYPE,
		group: ['input'],
		version: 1,
		description: 'Emits the items the engine-test run was started with',
		defaults: { name: 'Start' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

export type NodeTypeMap = Record<string, INodeType | IVersionedNodeType>;

export class HarnessNodeTypes implements INodeTypes {
	private readonly types: NodeTypeMap;

	constructor(types: NodeTypeMap) {
		this.types = { [START_NODE_TYPE]: new HarnessStart(), ...types };
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types[nodeType];
		if (type === undefined) {
			// n8n would throw UnrecognizedNodeTypeError; name what *is* registered, since the usual
			// cause in a test is a key that does not match the node's `type` field.
			throw new Error(
				`engine harness: unknown node type "${nodeType}". Registered: ${Object.keys(this.types).join(', ')}`,
			);
		}
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return Object.fromEntries(
			Object.keys(this.types).map((name) => [name, { className: name, sourcePath: '' }]),
		);
	}
}

export class HarnessCredentialTypes {
	private readonly types = new Map<string, ICredentialType>();

	constructor(types: ICredentialType[]) {
		for (const type of types) this.types.set(type.name, type);
	}

	recognizes(name: string): boolean {
		return this.types.has(name);
	}

	getByName(name: string): ICredentialType {
		const type = this.types.get(name);
		if (type === undefined) {
			throw new Error(
				`engine harness: unknown credential type "${name}"; pass an instance of it in \`credentialTypes\`. Registered: ${[...this.types.keys()].join(', ') || '(none)'}`,
			);
		}
		return type;
	}

	/** All ancestors named in `extends`, nearest first (as n8n's CredentialTypes does). */
	getParentTypes(name: string): string[] {
		const parents = this.types.get(name)?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}
}
