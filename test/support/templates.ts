/**
 * Template workflows as a user gets them: the JSON file from workflows/, with the credentials a
 * user would pick in the editor set on the nodes that need them. Templates ship without
 * credential ids (n8n's own template convention), so the tests add them the way the editor does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Sandbox } from '../sandbox';
import { installProjectHome } from './e2e';
import { importCredentials, importWorkflows, type N8nHome } from './n8n';
import type { PostgresServer } from './postgres';

export const WORKFLOWS_DIR = path.resolve(__dirname, '..', '..', 'workflows');

export interface TemplateNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	[key: string]: unknown;
}

export interface TemplateWorkflow {
	id: string;
	name: string;
	nodes: TemplateNode[];
	connections: Record<string, unknown>;
	[key: string]: unknown;
}

export function readTemplate(file: string): TemplateWorkflow {
	return JSON.parse(fs.readFileSync(path.join(WORKFLOWS_DIR, file), 'utf8')) as TemplateWorkflow;
}

/** Which credential type each node type takes, for the credentials a test sets. */
export type CredentialByNodeType = Record<string, { id: string; name: string; type: string }>;

/**
 * A copy of the template with `credentials` set on every node whose type is in `byNodeType` and
 * that has none yet (a template's own reference, like the Data Table template's, is kept).
 */
export function attachCredentials(
	template: TemplateWorkflow,
	byNodeType: CredentialByNodeType,
): TemplateWorkflow {
	const copy = JSON.parse(JSON.stringify(template)) as TemplateWorkflow;
	for (const node of copy.nodes) {
		const credential = byNodeType[node.type];
		if (credential && node.credentials === undefined)
			node.credentials = { [credential.type]: { id: credential.id, name: credential.name } };
	}
	return copy;
}

/**
 * As {@link attachCredentials}, for a test that names the credentials one template needs: throws
 * when a credential is offered for a node type the template does not use, so a renamed node type
 * cannot leave a node without its credential unnoticed.
 */
export function withCredentials(
	template: TemplateWorkflow,
	byNodeType: CredentialByNodeType,
): TemplateWorkflow {
	for (const nodeType of Object.keys(byNodeType)) {
		if (!template.nodes.some((node) => node.type === nodeType)) {
			throw new Error(`${template.name} has no node of type ${nodeType}`);
		}
	}
	return attachCredentials(template, byNodeType);
}

/** A credential a template test imports, and the node type of the template it is set on. */
export interface TemplateCredential {
	nodeType: string;
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

/**
 * A throwaway n8n folder with this project installed, the credentials imported and the template
 * imported with them set on its nodes, as a user sets them up in the editor. `edit` fills in what a
 * user fills in (a date range, a sheet id) before the import.
 */
export async function installTemplate(
	root: string,
	file: string,
	credentials: TemplateCredential[],
	edit?: (template: TemplateWorkflow) => void,
): Promise<{ home: N8nHome; template: TemplateWorkflow }> {
	const home = await installProjectHome(root);
	await importCredentials(
		home,
		credentials.map(({ id, name, type, data }) => ({ id, name, type, data })),
	);
	const template = withCredentials(
		readTemplate(file),
		Object.fromEntries(credentials.map((credential) => [credential.nodeType, credential])),
	);
	edit?.(template);
	await importWorkflows(home, [template]);
	return { home, template };
}

/** Credential data pointing at the vendor sandbox (test/sandbox), per credential type. */
export const sandboxCredentialData = {
	fireHydrantApi: (sandbox: Sandbox) => ({
		apiToken: sandbox.fireHydrant.apiToken,
		region: 'custom',
		baseUrl: sandbox.baseUrl,
		// What the FireHydrant Trigger registers with its webhook and checks deliveries against.
		webhookSigningSecret: 'sandbox-firehydrant-webhook-secret',
	}),
	incidentIoApi: (sandbox: Sandbox) => ({
		apiKey: sandbox.incidentIo.apiKey,
		baseUrl: sandbox.incidentIo.apiBaseUrl,
		webhookSigningSecret: sandbox.incidentIo.webhookSecret,
	}),
	datadogDoraApi: (sandbox: Sandbox) => ({
		site: 'custom',
		baseUrl: sandbox.datadog.baseUrl,
		apiKey: sandbox.datadog.apiKey,
		applicationKeySecret: sandbox.datadog.applicationKey,
	}),
};

/** n8n's own Postgres credential for the loopback server of test/support/postgres.ts. */
export function postgresCredentialData(server: PostgresServer): Record<string, unknown> {
	return {
		host: server.host,
		port: server.port,
		database: server.database,
		user: server.user,
		password: server.password,
		ssl: 'disable',
	};
}

/**
 * A one-node workflow that reads every row of an n8n Data Table (its node is named "Rows"): how
 * the tests look into a Data Table, which only a running n8n serves.
 */
export function dataTableReader(id: string, tableName: string): TemplateWorkflow {
	return {
		id,
		name: `Read the Data Table ${tableName}`,
		nodes: [
			{
				id: 'm',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'd',
				name: 'Rows',
				type: 'n8n-nodes-base.dataTable',
				typeVersion: 1.1,
				position: [220, 0],
				parameters: {
					resource: 'row',
					operation: 'get',
					dataTableId: { __rl: true, mode: 'name', value: tableName },
					returnAll: true,
				},
			},
		],
		connections: { Start: { main: [[{ node: 'Rows', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		active: false,
	};
}
