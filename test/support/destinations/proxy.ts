/**
 * A loopback HTTPS proxy that never forwards anything off the machine: `CONNECT host:443` for an
 * emulated host is answered by terminating TLS with the test certificate (test/fixtures/tls) and
 * handing the decrypted HTTP/1.1 requests to that host's emulator; any other host, port or
 * absolute-form (`GET http://...`) request is refused with 403 and recorded. Origin-form requests
 * (`GET /...`) to the proxy itself serve the emulators' read-only HTML pages.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';

import { BodyTooLargeError, logWhenDone, RequestLog, sendJson } from './http';

export type HostHandler = (
	request: http.IncomingMessage,
	response: http.ServerResponse,
) => Promise<void> | void;

export interface RefusedConnection {
	at: string;
	/** `host:port` of a CONNECT, or the absolute URL of a plain proxy request. */
	target: string;
	reason: string;
}

export interface ProxyOptions {
	/** Emulated hosts (lower case) and the handler of each. */
	hosts: Map<string, HostHandler>;
	/** Serves origin-form requests to the proxy itself (the HTML pages). */
	pages?: HostHandler;
	/** Folder with leaf.crt and leaf.key; defaults to test/fixtures/tls of this checkout. */
	tlsFolder?: string;
	/** 0 (default) picks a free port. */
	port?: number;
}

export interface DestinationProxy {
	/** `http://127.0.0.1:<port>`, the value for HTTPS_PROXY. */
	url: string;
	port: number;
	/** Every request an emulated host received through the proxy, oldest first. */
	requests: RequestLog;
	refused(): RefusedConnection[];
	close(): Promise<void>;
}

/** Idle sockets (tunnels included) are closed after this: nothing waits forever. */
const IDLE_TIMEOUT_MS = 60_000;

/** The folder of the committed test certificate, found from this file in src or dist-tools. */
export function findTlsFolder(): string {
	for (let folder = __dirname; ; folder = path.dirname(folder)) {
		const candidate = path.join(folder, 'test', 'fixtures', 'tls');
		if (fs.existsSync(path.join(candidate, 'leaf.crt'))) return candidate;
		if (path.dirname(folder) === folder)
			throw new Error(`test/fixtures/tls/leaf.crt not found above ${__dirname}`);
	}
}

export async function startDestinationProxy(options: ProxyOptions): Promise<DestinationProxy> {
	const tlsFolder = options.tlsFolder ?? findTlsFolder();
	const secureContext = tls.createSecureContext({
		// The chain a real server sends: the leaf, then its issuer.
		cert: Buffer.concat([
			fs.readFileSync(path.join(tlsFolder, 'leaf.crt')),
			fs.readFileSync(path.join(tlsFolder, 'ca.crt')),
		]),
		key: fs.readFileSync(path.join(tlsFolder, 'leaf.key')),
	});
	const refused: RefusedConnection[] = [];
	const requests = new RequestLog();
	const sockets = new Set<Socket>();
	/** The host a decrypted socket was opened for (its CONNECT target). */
	const tunnelHost = new WeakMap<Socket, string>();

	const refuse = (target: string, reason: string): void => {
		refused.push({ at: new Date().toISOString(), target, reason });
		if (refused.length > 1000) refused.shift();
	};

	const track = (socket: Socket): void => {
		sockets.add(socket);
		socket.setTimeout(IDLE_TIMEOUT_MS, () => socket.destroy());
		socket.once('close', () => sockets.delete(socket));
	};

	// The decrypted side: plain HTTP/1.1 over the TLS sockets of accepted tunnels.
	const inner = http.createServer((request, response) => {
		const host = tunnelHost.get(request.socket) ?? '';
		const handler = options.hosts.get(host);
		// A Host header naming another host than the tunnel's would be a confused client.
		const hostHeader = (request.headers.host ?? '').toLowerCase().replace(/:443$/, '');
		if (!handler || (hostHeader && hostHeader !== host)) {
			sendJson(response, 421, { error: `this tunnel serves ${host}, not ${hostHeader}` });
			return;
		}
		logWhenDone(requests, host, request, response);
		dispatch(handler, request, response);
	});
	inner.headersTimeout = 30_000;
	inner.requestTimeout = 60_000;

	const outer = http.createServer((request, response) => {
		const target = request.url ?? '';
		if (!target.startsWith('/')) {
			// An absolute-form request asks the proxy to forward plain HTTP: never.
			refuse(target, 'plain HTTP forwarding is never done');
			sendJson(response, 403, {
				error: 'this test proxy forwards nothing; only CONNECT to emulated hosts is served',
			});
			return;
		}
		if (!options.pages) {
			sendJson(response, 404, { error: 'no pages here' });
			return;
		}
		dispatch(options.pages, request, response);
	});
	outer.headersTimeout = 30_000;
	outer.requestTimeout = 60_000;
	outer.on('connection', track);

	outer.on('connect', (request: http.IncomingMessage, clientSocket: Socket, head: Buffer) => {
		const target = request.url ?? '';
		const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(target);
		const host = match ? match[1].toLowerCase() : '';
		const port = match ? Number(match[2]) : 0;
		if (!options.hosts.has(host) || port !== 443) {
			refuse(
				target,
				options.hosts.has(host) ? 'only port 443 is emulated' : 'host is not emulated',
			);
			clientSocket.end(
				'HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nhost not emulated; nothing is forwarded\n',
			);
			return;
		}
		clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
		if (head.length > 0) clientSocket.unshift(head);
		const secure = new tls.TLSSocket(clientSocket, {
			isServer: true,
			secureContext,
			ALPNProtocols: ['http/1.1'],
		});
		secure.on('error', () => secure.destroy());
		tunnelHost.set(secure, host);
		track(secure);
		inner.emit('connection', secure);
	});
	outer.on('clientError', (_error, socket) => socket.destroy());
	inner.on('clientError', (_error, socket) => socket.destroy());

	await new Promise<void>((resolve, reject) => {
		outer.once('error', reject);
		outer.listen(options.port ?? 0, '127.0.0.1', () => resolve());
	});
	const port = (outer.address() as AddressInfo).port;

	return {
		url: `http://127.0.0.1:${port}`,
		port,
		requests,
		refused: () => refused.map((entry) => ({ ...entry })),
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => outer.close(() => resolve()));
			inner.close();
		},
	};
}

function dispatch(
	handler: HostHandler,
	request: http.IncomingMessage,
	response: http.ServerResponse,
): void {
	Promise.resolve()
		.then(() => handler(request, response))
		.catch((error: unknown) => {
			if (response.headersSent) {
				response.destroy();
				return;
			}
			if (error instanceof BodyTooLargeError) {
				sendJson(response, 413, { error: error.message });
				return;
			}
			sendJson(response, 500, {
				error: `emulator failure: ${error instanceof Error ? error.message : String(error)}`,
			});
		});
}
