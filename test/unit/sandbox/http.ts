import http from 'node:http';

/** What a test needs from one HTTP exchange with the sandbox. */
export interface HttpResult {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: Buffer;
	text: string;
	/** Parsed JSON when the body is JSON, else undefined. */
	json: unknown;
}

export interface HttpOptions {
	method?: string;
	headers?: Record<string, string>;
	body?: string | Buffer;
}

/**
 * A plain node:http request (no retries, no redirects, no body decoding), so tests see exactly
 * what the sandbox sent. Rejects when the connection dies before the body is complete.
 */
export function request(url: string, options: HttpOptions = {}): Promise<HttpResult> {
	return new Promise((resolve, reject) => {
		const outgoing = http.request(
			url,
			{ method: options.method ?? 'GET', headers: options.headers, agent: false },
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('aborted', () => reject(new Error('response aborted')));
				response.on('error', reject);
				response.on('end', () => {
					if (!response.complete) {
						reject(new Error('response ended before it was complete'));
						return;
					}
					const body = Buffer.concat(chunks);
					const text = body.toString('utf8');
					let json: unknown;
					if (String(response.headers['content-type'] ?? '').includes('json'))
						json = JSON.parse(text) as unknown;
					resolve({
						status: response.statusCode ?? 0,
						headers: response.headers,
						body,
						text,
						json,
					});
				});
			},
		);
		outgoing.on('error', reject);
		outgoing.end(options.body);
	});
}

export function authorized(token: string, bearer = true): Record<string, string> {
	return { Authorization: bearer ? `Bearer ${token}` : token };
}

export async function postJson(url: string, body: unknown): Promise<HttpResult> {
	return request(url, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify(body),
	});
}

export interface ExportRequestJson {
	id: string;
	created_at: string;
	window_starts_at: string;
	window_ends_at: string;
	source: string;
	status: string;
	url: string | null;
}

export interface ExportListJson {
	data: ExportRequestJson[];
	pagination: {
		count: number;
		page: number;
		items: number;
		pages: number;
		last: number;
		prev: number | null;
		next: number | null;
	};
}

/** Every page of the export request list, following pagination.next. */
export async function listAllExports(
	baseUrl: string,
	token: string,
	query: Record<string, string> = {},
): Promise<ExportRequestJson[]> {
	const all: ExportRequestJson[] = [];
	let page: number | null = 1;
	while (page !== null) {
		const params = new URLSearchParams({ ...query, page: String(page) });
		const result = await request(
			`${baseUrl}/v1/integrations/data_export/export_requests?${params}`,
			{ headers: authorized(token) },
		);
		if (result.status !== 200) throw new Error(`list answered ${result.status}: ${result.text}`);
		const body = result.json as ExportListJson;
		all.push(...body.data);
		page = body.pagination.next;
	}
	return all;
}
