/**
 * A fault-injecting HTTP proxy in front of s3rver, for the answers s3rver cannot give: access
 * denied (403 AccessDenied), a bucket in another region (301 PermanentRedirect with
 * x-amz-bucket-region), throttling (503 SlowDown), a silent endpoint or a download that stalls
 * part-way (stall), and a listing whose continuation tokens go round (circularListing). Requests
 * that match no rule are forwarded unchanged; every request is recorded.
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

/** A request that gets no answer, or whose answer stops part-way, for timeout tests. */
export interface StallRule {
	method?: string;
	match?: (url: string) => boolean;
	times?: number;
	/**
	 * Bytes of the real answer's body passed on before it stalls (the headers go through, the
	 * socket stays open, nothing more arrives). Undefined: no answer at all, not even headers.
	 */
	afterBodyBytes?: number;
}

/** The continuation token the circular-listing fault hands out. */
export const CIRCULAR_TOKEN = 'circular-continuation-token';

export interface FaultProxy {
	endpoint: string;
	requests: ProxiedRequest[];
	inject(rule: FaultRule): void;
	stall(rule: StallRule): void;
	/**
	 * Until cleared, a ListObjectsV2 listing never ends: its last page claims to be truncated with
	 * a continuation token, and that token answers the same page again (same token).
	 */
	circularListing(): void;
	clear(): void;
	close(): Promise<void>;
}

/** The XML error body S3 sends. */
export function s3ErrorXml(
	code: string,
	message: string,
	extra: Record<string, string> = {},
): string {
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
	assumeRole: (issued: {
		accessKeyId: string;
		secretAccessKey: string;
		sessionToken: string;
	}): FaultRule => ({
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

function readAll(stream: http.IncomingMessage, done: (text: string) => void): void {
	const chunks: Buffer[] = [];
	stream.on('data', (chunk: Buffer) => chunks.push(chunk));
	stream.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
}

/** Sends the answer's headers and its first `bytes` body bytes, then nothing more (the socket stays open). */
function passThenStall(
	answer: http.IncomingMessage,
	response: http.ServerResponse,
	bytes: number,
): void {
	response.writeHead(answer.statusCode ?? 502, answer.headers);
	let left = bytes;
	answer.on('data', (chunk: Buffer) => {
		if (left <= 0) return;
		response.write(chunk.subarray(0, left));
		left -= chunk.length;
		// Enough passed on: release the upstream answer; the client's socket stays open and silent.
		if (left <= 0) answer.destroy();
	});
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
	const upstream = new URL(target);
	let rules: Array<FaultRule & { left: number }> = [];
	let stalls: Array<StallRule & { left: number }> = [];
	let circular = false;
	/** The last listing page rewritten by the circular fault, served again for its token. */
	let circularPage: { headers: http.IncomingHttpHeaders; body: string } | undefined;
	const requests: ProxiedRequest[] = [];
	const server = http.createServer((request, response) => {
		const method = request.method ?? 'GET';
		const url = decodeURIComponent(request.url ?? '/');
		const accessKeyId = /Credential=([^/]+)\//.exec(
			String(request.headers.authorization ?? ''),
		)?.[1];
		const matches = (candidate: { method?: string; match?: (url: string) => boolean }) =>
			(!candidate.method || candidate.method === method) &&
			(!candidate.match || candidate.match(url));
		const stall = stalls.find((candidate) => candidate.left > 0 && matches(candidate));
		if (stall) {
			stall.left--;
			if (stall.afterBodyBytes === undefined) {
				// Read the request, then say nothing: the socket stays open until the client gives up.
				request.resume();
				requests.push({
					method,
					url,
					status: 0,
					accessKeyId,
					sessionToken: request.headers['x-amz-security-token'] !== undefined,
				});
				return;
			}
		}
		const isListing = method === 'GET' && /[?&]list-type=2(?:&|$)/.test(url);
		if (
			circular &&
			isListing &&
			url.includes(`continuation-token=${CIRCULAR_TOKEN}`) &&
			circularPage
		) {
			requests.push({
				method,
				url,
				status: 200,
				accessKeyId,
				sessionToken: request.headers['x-amz-security-token'] !== undefined,
			});
			request.resume();
			response.writeHead(200, {
				...circularPage.headers,
				'content-length': Buffer.byteLength(circularPage.body),
			});
			response.end(circularPage.body);
			return;
		}
		const rule = rules.find(
			(candidate) =>
				candidate.left > 0 &&
				(!candidate.method || candidate.method === method) &&
				(!candidate.match || candidate.match(url)),
		);
		const sessionToken = request.headers['x-amz-security-token'] !== undefined;
		if (rule) {
			rule.left--;
			const chunks: Buffer[] = [];
			request.on('data', (chunk: Buffer) => chunks.push(chunk));
			request.on('end', () => {
				requests.push({
					method,
					url,
					status: rule.status,
					accessKeyId,
					sessionToken,
					body: Buffer.concat(chunks).toString('utf8'),
				});
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
				if (stall?.afterBodyBytes !== undefined) {
					passThenStall(answer, response, stall.afterBodyBytes);
					return;
				}
				if (circular && isListing && answer.statusCode === 200) {
					readAll(answer, (text) => {
						const body = text.replace(
							'<IsTruncated>false</IsTruncated>',
							`<IsTruncated>true</IsTruncated><NextContinuationToken>${CIRCULAR_TOKEN}</NextContinuationToken>`,
						);
						const headers = { ...answer.headers };
						delete headers['content-length'];
						circularPage = { headers, body };
						response.writeHead(200, { ...headers, 'content-length': Buffer.byteLength(body) });
						response.end(body);
					});
					return;
				}
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
		stall(rule) {
			stalls.push({ ...rule, left: rule.times ?? Number.POSITIVE_INFINITY });
		},
		circularListing() {
			circular = true;
		},
		clear() {
			rules = [];
			stalls = [];
			circular = false;
			circularPage = undefined;
			requests.length = 0;
		},
		async close() {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
