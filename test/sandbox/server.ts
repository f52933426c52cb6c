import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * The vendor-neutral part of the sandbox: one loopback HTTP server, a request log, a control API
 * under `/__sandbox/`, and dispatch to one module per vendor. A module claims the paths it
 * emulates; two vendors that both use `/v1/...` (FireHydrant and incident.io do) cannot share the
 * root, so every module but one must claim a prefix of its own.
 */

export type RequestKind = 'api' | 'download' | 'control';

export interface RecordedRequest {
	method: string;
	/** Path without the query string, as sent (not percent-decoded). */
	path: string;
	/** Query parameters; when a name repeats, the last value wins. */
	query: Record<string, string>;
	/** Status sent; 0 while the response has not started. */
	status: number;
	/** Arrival time, epoch milliseconds. */
	at: number;
	kind: RequestKind;
}

export type HeaderValues = Record<string, string | number>;

/** One request/response pair as a module sees it. */
export class SandboxExchange {
	readonly method: string;
	readonly path: string;
	readonly searchParams: URLSearchParams;
	readonly query: Record<string, string>;

	constructor(
		readonly request: http.IncomingMessage,
		readonly response: http.ServerResponse,
		readonly record: RecordedRequest,
		readonly baseUrl: string,
		url: URL,
	) {
		this.method = (request.method ?? 'GET').toUpperCase();
		this.path = url.pathname;
		this.searchParams = url.searchParams;
		this.query = record.query;
	}

	header(name: string): string | undefined {
		const value = this.request.headers[name.toLowerCase()];
		return Array.isArray(value) ? value[0] : value;
	}

	/** Writes the status line and headers, and notes the status in the request log. */
	begin(status: number, headers: HeaderValues): void {
		this.record.status = status;
		this.response.writeHead(status, headers);
	}

	sendBody(
		status: number,
		contentType: string,
		body: string | Buffer,
		headers: HeaderValues = {},
	): void {
		const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
		this.begin(status, { 'Content-Type': contentType, 'Content-Length': bytes.length, ...headers });
		// HEAD answers carry the length of the body they would have had, but no body.
		this.response.end(this.method === 'HEAD' ? undefined : bytes);
	}

	sendJson(status: number, body: unknown, headers: HeaderValues = {}): void {
		this.sendBody(status, 'application/json; charset=utf-8', JSON.stringify(body), headers);
	}

	/** The request body; control requests only, so a generous cap is enough protection. */
	async readBody(limitBytes = 256 * 1024 * 1024): Promise<Buffer> {
		const chunks: Buffer[] = [];
		let received = 0;
		for await (const chunk of this.request) {
			const bytes = chunk as Buffer;
			received += bytes.length;
			if (received > limitBytes) throw new Error(`request body larger than ${limitBytes} bytes`);
			chunks.push(bytes);
		}
		return Buffer.concat(chunks);
	}

	async readJson(): Promise<unknown> {
		const body = await this.readBody();
		if (body.length === 0) return {};
		return JSON.parse(body.toString('utf8')) as unknown;
	}
}

/** Thrown by control handlers for a bad request; answered as 400 with the message. */
export class ControlInputError extends Error {}

export interface SandboxModule {
	/** Path segment of this module's control API: `/__sandbox/<name>/...`. */
	readonly name: string;
	/** Whether this module serves `path`, and as what; null leaves it to the next module. */
	classify(path: string): Exclude<RequestKind, 'control'> | null;
	handle(exchange: SandboxExchange): void | Promise<void>;
	/** `subPath` is what follows `/__sandbox/<name>`, e.g. `/faults`. */
	handleControl(exchange: SandboxExchange, subPath: string): void | Promise<void>;
	/** Back to the state right after start: faults, custom data and settings. */
	reset(): void;
}

export const CONTROL_PREFIX = '/__sandbox';

export class SandboxServer {
	readonly requests: RecordedRequest[] = [];
	private readonly server: http.Server;
	private readonly sockets = new Set<Socket>();
	private origin = '';

	constructor(private readonly modules: readonly SandboxModule[]) {
		this.server = http.createServer((request, response) => {
			// dispatch answers its own failures; this only catches one before the exchange exists.
			this.dispatch(request, response).catch(() => {
				if (!response.headersSent) response.writeHead(400);
				response.end();
			});
		});
		// Tracked so close() can end keep-alive connections instead of waiting for clients.
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
	}

	get baseUrl(): string {
		return this.origin;
	}

	async listen(host: string, port: number): Promise<string> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, host, () => {
				this.server.off('error', reject);
				resolve();
			});
		});
		const address = this.server.address() as AddressInfo;
		const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
		this.origin = `http://${hostForUrl}:${address.port}`;
		return this.origin;
	}

	async close(): Promise<void> {
		if (!this.server.listening) return;
		const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
		for (const socket of this.sockets) socket.destroy();
		await closed;
	}

	private async dispatch(
		request: http.IncomingMessage,
		response: http.ServerResponse,
	): Promise<void> {
		const url = new URL(request.url ?? '/', 'http://sandbox.invalid');
		const query: Record<string, string> = {};
		for (const [name, value] of url.searchParams) query[name] = value;
		const isControl =
			url.pathname === CONTROL_PREFIX || url.pathname.startsWith(`${CONTROL_PREFIX}/`);
		let owner: SandboxModule | undefined;
		let kind: RequestKind = 'api';
		if (isControl) {
			kind = 'control';
		} else {
			for (const candidate of this.modules) {
				const claimed = candidate.classify(url.pathname);
				if (claimed !== null) {
					owner = candidate;
					kind = claimed;
					break;
				}
			}
		}
		const record: RecordedRequest = {
			method: (request.method ?? 'GET').toUpperCase(),
			path: url.pathname,
			query,
			status: 0,
			at: Date.now(),
			kind,
		};
		this.requests.push(record);
		const exchange = new SandboxExchange(request, response, record, this.origin, url);
		try {
			if (isControl) {
				await this.handleControl(exchange, url.pathname.slice(CONTROL_PREFIX.length));
			} else if (owner) {
				await owner.handle(exchange);
			} else {
				exchange.sendJson(404, { error: 'not found', path: url.pathname });
			}
		} catch (error) {
			this.failInternally(exchange, error);
		}
	}

	private async handleControl(exchange: SandboxExchange, subPath: string): Promise<void> {
		try {
			if (subPath === '/health' || subPath === '' || subPath === '/') {
				exchange.sendJson(200, {
					ok: true,
					baseUrl: this.origin,
					modules: this.modules.map((module) => module.name),
				});
				return;
			}
			if (subPath === '/requests') {
				if (exchange.method === 'DELETE') {
					this.requests.length = 0;
					exchange.sendJson(200, { ok: true });
				} else {
					exchange.sendJson(200, this.requests);
				}
				return;
			}
			if (subPath === '/reset' && exchange.method === 'POST') {
				this.reset();
				exchange.sendJson(200, { ok: true });
				return;
			}
			for (const module of this.modules) {
				const prefix = `/${module.name}`;
				if (subPath === prefix || subPath.startsWith(`${prefix}/`)) {
					await module.handleControl(exchange, subPath.slice(prefix.length));
					return;
				}
			}
			exchange.sendJson(404, { error: 'unknown control path', path: exchange.path });
		} catch (error) {
			if (error instanceof ControlInputError || error instanceof SyntaxError) {
				exchange.sendJson(400, { error: error.message });
			} else {
				this.failInternally(exchange, error);
			}
		}
	}

	/** Every module back to its start state, and an empty request log. */
	reset(): void {
		for (const module of this.modules) module.reset();
		this.requests.length = 0;
	}

	/** A bug in the sandbox must show up as a 500 (in the log too), never as a hanging request. */
	private failInternally(exchange: SandboxExchange, error: unknown): void {
		const message = error instanceof Error ? error.message : String(error);
		process.stderr.write(
			`sandbox: internal error on ${exchange.method} ${exchange.path}: ${error instanceof Error ? error.stack : message}\n`,
		);
		if (exchange.response.headersSent) {
			exchange.response.destroy();
			return;
		}
		exchange.sendJson(500, { error: 'sandbox internal error', message });
	}
}
