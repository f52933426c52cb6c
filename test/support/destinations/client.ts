/**
 * An HTTPS client that goes through the destination proxy as n8n does: `CONNECT host:443`, then
 * TLS to the emulated host verified against the given CA (Node's `ca` option), then one request.
 * For tests of the emulators themselves; every request has a deadline.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import * as tls from 'node:tls';

export interface ProxiedResponse {
	status: number;
	headers: http.IncomingHttpHeaders;
	text: string;
	/** The body parsed as JSON, undefined when it is not JSON. */
	json: unknown;
}

export interface ProxiedRequest {
	method?: string;
	/** An https:// URL. */
	url: string;
	headers?: Record<string, string>;
	body?: string;
	/** PEM of the CA to trust; the committed test CA unless given. Pass '' to trust only Node's defaults. */
	ca?: string | Buffer;
	caFile?: string;
	/** Sent as the Host header instead of the URL's host (to test a confused client). */
	hostHeader?: string;
	timeoutMs?: number;
}

/** Opens a CONNECT tunnel; rejects with the proxy's status line when it refuses. */
export function openTunnel(proxyUrl: string, target: string, timeoutMs = 10_000): Promise<Socket> {
	const proxy = new URL(proxyUrl);
	return new Promise((resolve, reject) => {
		const request = http.request({
			host: proxy.hostname,
			port: proxy.port,
			method: 'CONNECT',
			path: target,
			timeout: timeoutMs,
		});
		request.once('connect', (response, socket) => {
			if (response.statusCode === 200) resolve(socket);
			else {
				socket.destroy();
				reject(new Error(`proxy answered CONNECT ${target} with ${response.statusCode}`));
			}
		});
		request.once('timeout', () => request.destroy(new Error(`CONNECT ${target} timed out`)));
		request.once('error', reject);
		request.end();
	});
}

export async function proxiedRequest(
	proxyUrl: string,
	options: ProxiedRequest,
): Promise<ProxiedResponse> {
	const url = new URL(options.url);
	const timeoutMs = options.timeoutMs ?? 10_000;
	const ca = options.ca ?? (options.caFile ? fs.readFileSync(options.caFile) : undefined);
	const socket = await openTunnel(proxyUrl, `${url.hostname}:${url.port || 443}`, timeoutMs);
	return await new Promise((resolve, reject) => {
		const headers: Record<string, string> = {
			host: options.hostHeader ?? url.host,
			...options.headers,
		};
		if (options.body !== undefined)
			headers['content-length'] = String(Buffer.byteLength(options.body));
		const request = https.request(
			{
				method: options.method ?? 'GET',
				host: url.hostname,
				path: `${url.pathname}${url.search}`,
				headers,
				timeout: timeoutMs,
				agent: tunnelAgent(() =>
					tls.connect({ socket, servername: url.hostname, ...(ca ? { ca } : {}) }),
				),
			},
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.once('error', reject);
				response.once('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let json: unknown;
					try {
						json = JSON.parse(text);
					} catch {
						json = undefined;
					}
					socket.destroy();
					resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
				});
			},
		);
		request.once('timeout', () =>
			request.destroy(new Error(`${options.method ?? 'GET'} ${options.url} timed out`)),
		);
		request.once('error', (error) => {
			socket.destroy();
			reject(error);
		});
		request.end(options.body);
	});
}

/** An agent whose one connection is the TLS socket over the tunnel (never a fresh TCP connection). */
function tunnelAgent(connect: () => tls.TLSSocket): https.Agent {
	const agent = new https.Agent({ keepAlive: false, maxSockets: 1 });
	agent.createConnection = connect;
	return agent;
}
