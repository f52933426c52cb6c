/**
 * Small HTTP helpers the emulators share: bounded body reading, JSON/form parsing, answers, the
 * request log every emulator keeps, and the HTML frame of their read-only pages.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** No emulated API accepts bodies anywhere near this; a larger one is refused, never buffered. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

export class BodyTooLargeError extends Error {
	constructor() {
		super(`request body larger than ${MAX_BODY_BYTES} bytes`);
		this.name = 'BodyTooLargeError';
	}
}

export async function readBody(request: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of request) {
		const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
		size += buffer.length;
		if (size > MAX_BODY_BYTES) throw new BodyTooLargeError();
		chunks.push(buffer);
	}
	return Buffer.concat(chunks).toString('utf8');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON object body, `{}` for an empty body, undefined when the body is not a JSON object. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
	if (text.trim() === '') return {};
	try {
		const value: unknown = JSON.parse(text);
		return isRecord(value) ? value : undefined;
	} catch {
		return undefined;
	}
}

export function parseForm(text: string): Record<string, string> {
	return Object.fromEntries(new URLSearchParams(text));
}

export function sendJson(
	response: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): void {
	const text = JSON.stringify(body);
	response.writeHead(status, {
		'content-type': 'application/json; charset=utf-8',
		'content-length': Buffer.byteLength(text),
		...headers,
	});
	response.end(text);
}

export function sendHtml(response: ServerResponse, status: number, html: string): void {
	response.writeHead(status, {
		'content-type': 'text/html; charset=utf-8',
		'content-length': Buffer.byteLength(html),
	});
	response.end(html);
}

/** The bearer token of a request, if any. */
export function bearerToken(request: IncomingMessage): string | undefined {
	const header = request.headers.authorization;
	if (typeof header !== 'string') return undefined;
	const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
	return match ? match[1] : undefined;
}

/** One request an emulator received, as tests and the HTML pages show it (never a token). */
export interface ReceivedRequest {
	at: string;
	host: string;
	method: string;
	/** Path and query, with secrets (assertion, token) left out. */
	path: string;
	status: number;
}

/**
 * The request log of one emulator, bounded (oldest dropped) so a long demo session cannot grow it
 * without limit.
 */
export class RequestLog {
	private readonly entries: ReceivedRequest[] = [];

	constructor(private readonly limit = 5000) {}

	add(entry: ReceivedRequest): void {
		this.entries.push(entry);
		if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
	}

	list(): ReceivedRequest[] {
		return this.entries.map((entry) => ({ ...entry }));
	}

	clear(): void {
		this.entries.length = 0;
	}
}

/** Records the final status of a request once the response has been sent. */
export function logWhenDone(
	log: RequestLog,
	host: string,
	request: IncomingMessage,
	response: ServerResponse,
): void {
	const url = new URL(request.url ?? '/', `https://${host}`);
	for (const secret of ['access_token', 'token', 'assertion', 'key']) {
		if (url.searchParams.has(secret)) url.searchParams.set(secret, '(hidden)');
	}
	const path = `${url.pathname}${url.search}`;
	response.once('finish', () => {
		log.add({
			at: new Date().toISOString(),
			host,
			method: request.method ?? 'GET',
			path,
			status: response.statusCode,
		});
	});
}

export function escapeHtml(value: unknown): string {
	return String(value ?? '')
		.replaceAll('&', '&amp;')
		.replaceAll('<', '&lt;')
		.replaceAll('>', '&gt;')
		.replaceAll('"', '&quot;')
		.replaceAll("'", '&#39;');
}

/** A read-only page: a title, sections of pre-escaped HTML, no script, refreshed every 5 s. */
export function htmlPage(title: string, sections: string[]): string {
	return [
		'<!doctype html>',
		'<html lang="en"><head><meta charset="utf-8">',
		'<meta http-equiv="refresh" content="5">',
		`<title>${escapeHtml(title)}</title>`,
		'<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:.5rem 0 1.5rem}',
		'td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f3f3f3}',
		'.muted{color:#777}.msg{border-left:3px solid #4a154b;padding:.25rem .75rem;margin:.5rem 0;white-space:pre-wrap}',
		'.reply{margin-left:2rem;border-color:#999}nav a{margin-right:1rem}</style></head><body>',
		'<nav><a href="/">All destinations</a><a href="/sheets">Google Sheets</a><a href="/slack">Slack</a><a href="/teams">Microsoft Teams</a></nav>',
		`<h1>${escapeHtml(title)}</h1>`,
		'<p class="muted">Read-only view of a local emulator used by the tests and the demo. Nothing here reaches the real service.</p>',
		...sections,
		'</body></html>',
	].join('\n');
}

export function requestTable(requests: ReceivedRequest[], last = 50): string {
	const rows = requests
		.slice(-last)
		.reverse()
		.map(
			(entry) =>
				`<tr><td>${escapeHtml(entry.at)}</td><td>${escapeHtml(entry.method)}</td><td>${escapeHtml(entry.host)}${escapeHtml(entry.path)}</td><td>${entry.status}</td></tr>`,
		)
		.join('');
	return `<h2>Last requests</h2><table><tr><th>at</th><th>method</th><th>URL</th><th>status</th></tr>${rows || '<tr><td colspan="4" class="muted">none yet</td></tr>'}</table>`;
}

/** A fault that answers the next `remaining` matching requests instead of the emulator. */
export interface QueuedFault {
	remaining: number;
	status: number;
	retryAfterSeconds?: number;
	/** Limits the fault to requests naming this channel (Slack). */
	channel?: string;
}

/** Takes one use of the first queued fault that applies to the request, if any. */
export function takeFault(
	queue: QueuedFault[],
	applies: (fault: QueuedFault) => boolean = () => true,
): QueuedFault | undefined {
	const index = queue.findIndex(applies);
	if (index < 0) return undefined;
	const fault = queue[index];
	fault.remaining -= 1;
	if (fault.remaining <= 0) queue.splice(index, 1);
	return fault;
}
