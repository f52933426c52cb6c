/**
 * A fault-injecting HTTP proxy in front of s3rver, for the answers s3rver cannot give: access
 * denied (403 AccessDenied), a bucket in another region (301 PermanentRedirect with
 * x-amz-bucket-region), throttling (503 SlowDown). Requests that match no rule are forwarded
 * unchanged; every request is recorded.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
	method: string;
	/** Path and query as received (decoded for matching). */
	url: string;
	status: number;
	/** The access key id the request was signed with (from its SigV4 Authorization header). */
	accessKeyId?: string;
	/** The body of a request a fault rule answered (e.g. an STS form), as text. */
	body?: string;
	/** Whether the request carried a session token (temporary credentials). */
	sessionToken: boolean;
}

export interface FaultRule {
	/** Which requests: method and a test on the decoded URL (path and query). */
	method?: string;
	match?: (url: string) => boolean;
	/** How many times the rule fires; default every time. */
	times?: number;
	status: number;
	headers?: Record<string, string>;
	body?: string;
}

export interface FaultProxy {
	endpoint: string;
	requests: ProxiedRequest[];
	inject(rule: FaultRule): void;
	clear(): void;
	close(): Promise<void>;
}

/** The XML error body S3 sends. */
export function s3ErrorXml(code: string, message: string, extra: Record<string, string> = {}): string {
	const fields = Object.entries(extra)
		.map(([name, value]) => `<${name}>${value}</${name}>`)
		.join('');
	return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${fields}<RequestId>4442587FB7D0A2F9</RequestId><HostId>proxy</HostId></Error>`;
}

export const FAULTS = {
	accessDenied: (times?: number): FaultRule => ({
		status: 403,
		times,
		headers: { 'content-type': 'application/xml' },
		body: s3ErrorXml('AccessDenied', 'Access Denied'),
	}),
	wrongRegion: (bucket: string, region: string, times?: number): FaultRule => ({
		status: 301,
		times,
		headers: { 'content-type': 'application/xml', 'x-amz-bucket-region': region },
		body: s3ErrorXml(
			'PermanentRedirect',
			'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
			{ Endpoint: `${bucket}.s3.${region}.amazonaws.com`, Bucket: bucket },
		),
	}),
	/** An STS AssumeRole answer (POST / with Action=AssumeRole) issuing the given temporary keys. */
	assumeRole: (issued: { accessKeyId: string; secretAccessKey: string; sessionToken: string }): FaultRule => ({
		method: 'POST',
		match: (url) => url === '/',
		status: 200,
		headers: { 'content-type': 'text/xml' },
		body:
			'<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>' +
			`<AccessKeyId>${issued.accessKeyId}</AccessKeyId><SecretAccessKey>${issued.secretAccessKey}</SecretAccessKey>` +
			`<SessionToken>${issued.sessionToken}</SessionToken><Expiration>${new Date(Date.now() + 3_600_000).toISOString()}</Expiration>` +
			'</Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/reader/n8n-opslevel-export</Arn>' +
			'<AssumedRoleId>AROAEXAMPLE:n8n-opslevel-export</AssumedRoleId></AssumedRoleUser></AssumeRoleResult>' +
			'<ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata></AssumeRoleResponse>',
	}),
	slowDown: (times?: number): FaultRule => ({
		status: 503,
		times,
		headers: { 'content-type': 'application/xml' },
		body: s3ErrorXml('SlowDown', 'Please reduce your request rate.'),
	}),
};

export async function startFaultProxy(target: string): Promise<FaultProxy> {
	const upstream = new URL(target);
	let rules: Array<FaultRule & { left: number }> = [];
	const requests: ProxiedRequest[] = [];
	const server = http.createServer((request, response) => {
		const method = request.method ?? 'GET';
		const url = decodeURIComponent(request.url ?? '/');
		const accessKeyId = /Credential=([^/]+)\//.exec(String(request.headers.authorization ?? ''))?.[1];
		const rule = rules.find(
			(candidate) => candidate.left > 0 && (!candidate.method || candidate.method === method) && (!candidate.match || candidate.match(url)),
		);
		const sessionToken = request.headers['x-amz-security-token'] !== undefined;
		if (rule) {
			rule.left--;
			const chunks: Buffer[] = [];
			request.on('data', (chunk: Buffer) => chunks.push(chunk));
			request.on('end', () => {
				requests.push({ method, url, status: rule.status, accessKeyId, sessionToken, body: Buffer.concat(chunks).toString('utf8') });
				response.writeHead(rule.status, rule.headers ?? {});
				response.end(method === 'HEAD' ? undefined : rule.body);
			});
			return;
		}
		const forwarded = http.request(
			{
				host: upstream.hostname,
				port: upstream.port,
				method,
				path: request.url,
				headers: request.headers,
			},
			(answer) => {
				requests.push({ method, url, status: answer.statusCode ?? 0, accessKeyId, sessionToken });
				response.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(response);
			},
		);
		forwarded.on('error', () => {
			if (!response.headersSent) response.writeHead(502);
			response.end();
		});
		request.pipe(forwarded);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		endpoint: `http://127.0.0.1:${port}`,
		requests,
		inject(rule) {
			rules.push({ ...rule, left: rule.times ?? Number.POSITIVE_INFINITY });
		},
		clear() {
			rules = [];
			requests.length = 0;
		},
		async close() {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
