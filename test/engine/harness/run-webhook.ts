/**
 * Runs a webhook trigger's `webhook()` with n8n-core's real WebhookContext, as n8n's webhook
 * server does when a request arrives: the node sees the request through `getRequestObject()`,
 * `getBodyData()`, `getHeaderData()`, `getQueryData()` (with `rawBody` kept as n8n keeps it),
 * and may answer through `getResponseObject()` (then it returns `noWebhookResponse: true`).
 *
 * express is not loaded: the request and response are small stand-ins with the members n8n's
 * webhook handling and typical trigger nodes use.
 */
import { WebhookContext } from 'n8n-core';
import {
	jsonParse,
	type IDataObject,
	type IHttpRequestMethods,
	type INode,
	type IWebhookData,
	type IWebhookResponseData,
	type IWorkflowExecuteAdditionalData,
	type IWorkflowSettings,
	type WebhookType,
} from 'n8n-workflow';
import { parse as parseQueryString } from 'node:querystring';

import { plainStaticData, prepareRun, staticDataChanged, type RegistryOptions } from './context';

export interface EngineWebhookRequest {
	method?: IHttpRequestMethods;
	/** Header names are lower-cased, as Node's HTTP server delivers them. */
	headers?: Record<string, string | string[]>;
	/** The body exactly as sent; parsed like n8n does for JSON, form-urlencoded and text/plain. */
	rawBody?: Buffer | string;
	query?: Record<string, string | string[]>;
	params?: Record<string, string>;
}

export interface EngineWebhookOptions extends RegistryOptions {
	node: INode;
	request: EngineWebhookRequest;
	staticData?: IDataObject;
	/** 'webhook' = production URL (default), 'manual' = test URL while listening in the editor. */
	mode?: 'webhook' | 'manual';
	/** Which of the node's `description.webhooks` was called. Default 'default'. */
	webhookName?: WebhookType;
	workflowSettings?: IWorkflowSettings;
	/** The workflow's id (what a trigger's in-process memory is keyed by). Default as prepareRun. */
	workflowId?: string;
}

export interface EngineWebhookResult {
	/** What `webhook()` returned. */
	response?: IWebhookResponseData;
	/** Status the node sent itself through `getResponseObject()`, if it did. */
	responseStatus?: number;
	/** Body the node sent itself (parsed object for `.json()`, else string/Buffer). */
	responseBody?: unknown;
	responseHeaders: Record<string, string>;
	staticData: IDataObject;
	/** n8n saves changed static data after every webhook call, test or production. */
	staticDataPersisted: boolean;
	/** What `webhook()` threw, if anything. */
	error?: unknown;
}

export async function runWebhook(options: EngineWebhookOptions): Promise<EngineWebhookResult> {
	const mode = options.mode ?? 'webhook';
	const { workflow, additionalData, nodeTypes } = await prepareRun({
		nodeTypes: options.nodeTypes,
		credentialTypes: options.credentialTypes,
		credentials: options.credentials,
		nodes: [options.node],
		connections: {},
		staticData: options.staticData,
		settings: options.workflowSettings,
		mode,
		workflowId: options.workflowId,
	});
	const node = workflow.getNode(options.node.name);
	if (node === null) throw new Error('engine harness: webhook node missing from its workflow');
	const nodeType = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const webhookName = options.webhookName ?? 'default';
	const description = nodeType.description.webhooks?.find(
		(webhook) => webhook.name === webhookName,
	);
	if (nodeType.webhook === undefined || description === undefined) {
		throw new Error(`engine harness: node type "${node.type}" has no "${webhookName}" webhook`);
	}

	const request = new FakeRequest(options.request);
	const response = new FakeResponse();
	// express.Request/Response are what n8n passes here; the stand-ins cover what nodes use.
	additionalData.httpRequest = request as unknown as IWorkflowExecuteAdditionalData['httpRequest'];
	additionalData.httpResponse =
		response as unknown as IWorkflowExecuteAdditionalData['httpResponse'];

	const webhookData: IWebhookData = {
		httpMethod: request.method,
		node: node.name,
		path: node.webhookId ?? String(description.path),
		webhookDescription: description,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
		webhookId: node.webhookId,
		isTest: mode === 'manual',
	};
	const context = new WebhookContext(workflow, node, additionalData, mode, webhookData, [], null);
	const webhook = nodeType.webhook;

	let result: IWebhookResponseData | undefined;
	let error: unknown;
	try {
		result = await workflow.expression.withIsolate(async () => await webhook.call(context));
	} catch (thrown) {
		error = thrown;
	}

	return {
		response: result,
		responseStatus: response.finished ? response.statusCode : undefined,
		responseBody: response.body,
		responseHeaders: response.headers,
		staticData: plainStaticData(workflow),
		staticDataPersisted: staticDataChanged(workflow),
		error,
	};
}

/** The request members n8n's body parser sets and nodes read. */
class FakeRequest {
	readonly method: IHttpRequestMethods;
	readonly headers: Record<string, string | string[]>;
	readonly query: Record<string, string | string[]>;
	readonly params: Record<string, string>;
	readonly rawBody: Buffer;
	readonly contentType: string | undefined;
	readonly encoding: BufferEncoding = 'utf-8';
	readonly body: unknown;
	readonly _body = true;

	constructor(request: EngineWebhookRequest) {
		this.method = request.method ?? 'POST';
		this.headers = Object.fromEntries(
			Object.entries(request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
		);
		this.query = request.query ?? {};
		this.params = request.params ?? {};
		this.rawBody = Buffer.isBuffer(request.rawBody)
			? request.rawBody
			: Buffer.from(request.rawBody ?? '', 'utf-8');
		const contentType = this.header('content-type');
		this.contentType = contentType?.split(';')[0].trim().toLowerCase();
		this.body = this.parseBody();
	}

	header(name: string): string | undefined {
		const value = this.headers[name.toLowerCase()];
		return Array.isArray(value) ? value[0] : value;
	}

	get(name: string): string | undefined {
		return this.header(name);
	}

	/** n8n reads the raw body once, before parsing; it is already here. */
	async readRawBody(): Promise<void> {}

	/** Same content types and results as n8n's webhook body parser; anything else stays `{}`. */
	private parseBody(): unknown {
		if (this.rawBody.length === 0) return {};
		const text = this.rawBody.toString(this.encoding);
		if (this.contentType === 'application/json') return jsonParse(text);
		if (this.contentType === 'application/x-www-form-urlencoded') {
			return parseQueryString(text, undefined, undefined, { maxKeys: 1000 });
		}
		if (this.contentType === 'text/plain') return text;
		return {};
	}
}

/** Records what a node answers through `getResponseObject()` (express-style, chainable). */
class FakeResponse {
	statusCode = 200;
	headers: Record<string, string> = {};
	body: unknown;
	finished = false;

	get headersSent(): boolean {
		return this.finished;
	}

	status(code: number): this {
		this.statusCode = code;
		return this;
	}

	setHeader(name: string, value: string | number | readonly string[]): this {
		this.headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
		return this;
	}

	set(name: string, value: string): this {
		return this.setHeader(name, value);
	}

	header(name: string, value: string): this {
		return this.setHeader(name, value);
	}

	getHeader(name: string): string | undefined {
		return this.headers[name.toLowerCase()];
	}

	writeHead(code: number, headers?: Record<string, string>): this {
		this.statusCode = code;
		for (const [name, value] of Object.entries(headers ?? {})) this.setHeader(name, value);
		return this;
	}

	json(body: unknown): this {
		this.headers['content-type'] ??= 'application/json; charset=utf-8';
		return this.end(body);
	}

	send(body?: unknown): this {
		return this.end(body);
	}

	end(body?: unknown): this {
		if (body !== undefined) this.body = body;
		this.finished = true;
		return this;
	}
}
