/**
 * An `ICredentialsHelper` backed by plain, already-decrypted credential data.
 *
 * It reproduces what n8n's CLI CredentialsHelper does with a credential once it has been read
 * from the database — defaults of the credential type's properties, expression resolution in
 * credential fields, the type's `authenticate` block (function or generic `={{$credentials.x}}`
 * templates), `preAuthentication` for expirable hidden fields, parent types via `extends` — and
 * leaves out what only matters in a server: the database, overwrites, external secrets,
 * dynamic (per-user) credentials and policy checks.
 */
import { Credentials, getAdditionalKeys } from 'n8n-core';
import {
	ICredentialsHelper,
	NodeHelpers,
	Workflow,
	isExpression,
	type ICredentialDataDecryptedObject,
	type ICredentialsExpressionResolveValues,
	type IExecuteData,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeParameters,
	type INodeProperties,
	type IRequestOptionsSimplified,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { HarnessNodeTypes, START_NODE_TYPE, type HarnessCredentialTypes } from './node-types';

/** A credential as the test provides it: decrypted data plus how nodes refer to it. */
export interface EngineCredential {
	id?: string;
	name?: string;
	type: string;
	data: ICredentialDataDecryptedObject;
}

interface StoredCredential {
	id: string;
	name: string;
	type: string;
	data: ICredentialDataDecryptedObject;
}

/** Stand-in node for resolving expressions that have no workflow context (as n8n does). */
const CONTEXTLESS_NODE: INode = {
	id: 'harness-credentials',
	name: '',
	type: START_NODE_TYPE,
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** Gives each credential an id and name, the way stored credentials always have them. */
export function normalizeCredentials(credentials: EngineCredential[] = []): StoredCredential[] {
	return credentials.map((credential, index) => ({
		id: credential.id ?? `harness-credential-${index + 1}`,
		name: credential.name ?? `${credential.type} (engine test)`,
		type: credential.type,
		data: structuredClone(credential.data),
	}));
}

export class HarnessCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly credentialTypes: HarnessCredentialTypes,
		private readonly store: StoredCredential[],
	) {
		super();
	}

	/** Finds the stored credential a node refers to: by id first, then by type alone. */
	find(nodeCredentials: INodeCredentialsDetails | undefined, type: string): StoredCredential {
		const ofType = this.store.filter((credential) => credential.type === type);
		const byId = ofType.find((credential) => credential.id === nodeCredentials?.id);
		const found = byId ?? ofType[0];
		if (found === undefined) {
			throw new Error(
				`engine harness: no credential of type "${type}" was given to the run` +
					(nodeCredentials?.id ? ` (the node refers to id "${nodeCredentials.id}")` : ''),
			);
		}
		return found;
	}

	getParentTypes(name: string): string[] {
		return this.credentialTypes.getParentTypes(name);
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		if (!this.credentialTypes.recognizes(credentialType)) return true;
		const type = this.credentialTypes.getByName(credentialType);
		if (!type.restrictToSupportedNodes) return true;
		// `supportedNodes` may hold short names ("fireHydrant") or full ones.
		const shortName = nodeType.slice(nodeType.lastIndexOf('.') + 1);
		return (type.supportedNodes ?? []).some((name) => name === nodeType || name === shortName);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		// Both request shapes reach here; n8n treats them as one record of option groups.
		const requestOptions = incomingRequestOptions as IHttpRequestOptions;
		const { authenticate } = this.credentialTypes.getByName(typeName);
		if (authenticate === undefined) return requestOptions;

		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions);
		}

		if (workflow === undefined || node === undefined) {
			throw new Error('engine harness: generic authentication needs the workflow and node');
		}
		requestOptions.headers ??= {};
		if (authenticate.type === 'generic') {
			// e.g. { headers: { Authorization: '=Bearer {{$credentials.apiKey}}' }, qs: {...} }
			const groups = requestOptions as unknown as Record<
				string,
				Record<string, unknown> | undefined
			>;
			for (const [group, templates] of Object.entries(authenticate.properties)) {
				const target = (groups[group] ??= {});
				for (const [key, value] of Object.entries(templates as Record<string, unknown>)) {
					const resolvedKey = this.resolveTemplate(key, credentials, workflow, node);
					target[resolvedKey] = this.resolveTemplate(value, credentials, workflow, node);
				}
			}
		}
		return requestOptions;
	}

	/** Resolves one `={{$credentials.x}}` template the way n8n does (empty results become ''). */
	private resolveTemplate(
		template: unknown,
		credentials: ICredentialDataDecryptedObject,
		workflow: Workflow,
		node: INode,
	): string {
		if (typeof template !== 'string') return String(template);
		if (!isExpression(template)) return template;
		const value = workflow.expression.getSimpleParameterValue(
			node,
			template,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
		return value ? String(value) : '';
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.credentialTypes.getByName(typeName);
		const expirable = type.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (expirable === undefined || typeof type.preAuthentication !== 'function') return undefined;
		// Only when the token is missing or the server rejected it, as in n8n.
		if (credentials[expirable.name] !== '' && !credentialsExpired) return undefined;

		const output = await type.preAuthentication.call(helpers, credentials);
		if (output[expirable.name] === undefined) return undefined;
		// n8n persists the refreshed fields only for nodes that reference the credential.
		const nodeCredentials = node.credentials?.[typeName];
		if (nodeCredentials === undefined) return undefined;

		const stored = this.find(nodeCredentials, typeName);
		stored.data = { ...stored.data, ...(output as ICredentialDataDecryptedObject) };
		return Object.assign(credentials, output);
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const { preAuthentication } = this.credentialTypes.getByName(typeName);
		if (typeof preAuthentication !== 'function') return undefined;
		return (await preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject;
	}

	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<Credentials> {
		const stored = this.find(nodeCredentials, type);
		const credentials = new Credentials({ id: stored.id, name: stored.name }, type);
		await credentials.setData(stored.data);
		return credentials;
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const original = structuredClone(this.find(nodeCredentials, type).data);
		if (raw === true) return original;

		// Fill in the credential type's defaults, exactly as n8n does after decrypting.
		let data = (NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			original as INodeParameters,
			true,
			false,
			null,
			null,
		) ?? {}) as ICredentialDataDecryptedObject;
		// Not declared as properties, so getNodeParameters drops them; n8n puts them back.
		for (const key of ['oauthTokenData', 'allowedHttpRequestDomains', 'allowedDomains']) {
			if (data[key] === undefined && original[key] !== undefined) data[key] = original[key];
		}

		const additionalKeys = getAdditionalKeys(additionalData, mode, null, { isCredential: true });
		if (expressionResolveValues) {
			data = expressionResolveValues.workflow.expression.getParameterValue(
				data as INodeParameters,
				expressionResolveValues.runExecutionData,
				expressionResolveValues.runIndex,
				expressionResolveValues.itemIndex,
				expressionResolveValues.node.name,
				expressionResolveValues.connectionInputData,
				mode,
				additionalKeys,
				executeData,
				false,
				data,
			) as ICredentialDataDecryptedObject;
		} else {
			// Poll, webhook and trigger contexts have no run data: n8n resolves against a bare workflow.
			const workflow = new Workflow({
				nodes: [{ ...CONTEXTLESS_NODE }],
				connections: {},
				active: false,
				nodeTypes: new HarnessNodeTypes({}),
			});
			data = (workflow.expression.getComplexParameterValue(
				CONTEXTLESS_NODE,
				data as INodeParameters,
				mode,
				additionalKeys,
				undefined,
				undefined,
				data,
			) ?? {}) as ICredentialDataDecryptedObject;
		}
		return data;
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.find(nodeCredentials, type).data = structuredClone(data);
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const stored = this.find(nodeCredentials, type);
		stored.data = { ...stored.data, oauthTokenData: data.oauthTokenData };
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.credentialTypes.getByName(type);
		if (credentialType.extends === undefined) {
			if (type === 'oAuth1Api' || type === 'oAuth2Api') {
				return [
					...credentialType.properties,
					{ displayName: 'oauthTokenData', name: 'oauthTokenData', type: 'json', default: {} },
				];
			}
			return credentialType.properties;
		}
		// Parent properties first; the child's own definitions win.
		const combined: INodeProperties[] = [];
		for (const parent of credentialType.extends) {
			NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(combined, credentialType.properties);
		return combined;
	}
}
