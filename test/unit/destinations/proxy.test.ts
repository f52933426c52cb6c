/**
 * The destination proxy: TLS terminated with the test certificate for emulated hosts only; any
 * other host, port or plain-HTTP forward is refused and recorded; the HTML pages are read-only.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';

import { startDestinations, type Destinations } from '../../support/destinations';
import { openTunnel, proxiedRequest } from '../../support/destinations/client';

const CA_FILE = path.resolve(__dirname, '..', '..', 'fixtures', 'tls', 'ca.crt');

let destinations: Destinations;

beforeAll(async () => {
	destinations = await startDestinations();
});

afterAll(async () => {
	await destinations?.close();
});

function plainRequest(
	port: number,
	method: string,
	requestPath: string,
): Promise<{ status: number; text: string; type: string }> {
	return new Promise((resolve, reject) => {
		const request = http.request(
			{ host: '127.0.0.1', port, method, path: requestPath, timeout: 10_000 },
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.once('end', () =>
					resolve({
						status: response.statusCode ?? 0,
						text: Buffer.concat(chunks).toString('utf8'),
						type: String(response.headers['content-type']),
					}),
				);
			},
		);
		request.once('timeout', () => request.destroy(new Error('timed out')));
		request.once('error', reject);
		request.end();
	});
}

describe('destination proxy', () => {
	it('terminates TLS for an emulated host with a certificate the test CA signs', async () => {
		const token = destinations.slack.addBotToken();
		const response = await proxiedRequest(destinations.proxy.url, {
			method: 'POST',
			url: 'https://slack.com/api/auth.test',
			headers: { authorization: `Bearer ${token}` },
			caFile: CA_FILE,
		});
		expect(response.status).toBe(200);
		expect(response.json).toMatchObject({ ok: true, team_id: 'T0EMULATED' });
		expect(
			destinations.proxy.requests
				.list()
				.some((entry) => entry.host === 'slack.com' && entry.path === '/api/auth.test'),
		).toBe(true);
	});

	it('the certificate is rejected by a client that does not trust the test CA', async () => {
		await expect(
			proxiedRequest(destinations.proxy.url, { url: 'https://graph.microsoft.com/v1.0/me' }),
		).rejects.toThrow(/self[- ]signed certificate in certificate chain/);
	});

	it('refuses CONNECT to a host that is not emulated, and records it', async () => {
		await expect(openTunnel(destinations.proxy.url, 'example.org:443')).rejects.toThrow(
			'proxy answered CONNECT example.org:443 with 403',
		);
		await expect(openTunnel(destinations.proxy.url, 'api.slack.com:443')).rejects.toThrow(
			'with 403',
		);
		expect(destinations.proxy.refused()).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ target: 'example.org:443', reason: 'host is not emulated' }),
				expect.objectContaining({ target: 'api.slack.com:443', reason: 'host is not emulated' }),
			]),
		);
	});

	it('refuses an emulated host on another port than 443', async () => {
		await expect(openTunnel(destinations.proxy.url, 'slack.com:8443')).rejects.toThrow('with 403');
		expect(destinations.proxy.refused()).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ target: 'slack.com:8443', reason: 'only port 443 is emulated' }),
			]),
		);
	});

	it('never forwards plain HTTP (absolute-form requests)', async () => {
		const response = await plainRequest(destinations.proxy.port, 'GET', 'http://example.org/');
		expect(response.status).toBe(403);
		expect(destinations.proxy.refused()).toEqual(
			expect.arrayContaining([expect.objectContaining({ target: 'http://example.org/' })]),
		);
	});

	it('answers 421 when the Host header names another host than the tunnel', async () => {
		const response = await proxiedRequest(destinations.proxy.url, {
			url: 'https://slack.com/api/auth.test',
			hostHeader: 'graph.microsoft.com',
			caFile: CA_FILE,
		});
		expect(response.status).toBe(421);
	});

	it('serves read-only HTML pages listing what each emulator received, escaped', async () => {
		destinations.slack.createChannel('page-test');
		const token = destinations.slack.addBotToken();
		await proxiedRequest(destinations.proxy.url, {
			method: 'POST',
			url: 'https://slack.com/api/chat.postMessage',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: JSON.stringify({
				channel: '#page-test',
				text: 'SEV1 <script>alert(1)</script> checkout down',
			}),
			caFile: CA_FILE,
		});
		const index = await plainRequest(destinations.proxy.port, 'GET', '/');
		expect(index.status).toBe(200);
		expect(index.text).toContain('href="/sheets"');
		const slack = await plainRequest(destinations.proxy.port, 'GET', '/slack');
		expect(slack.type).toContain('text/html');
		expect(slack.text).toContain('#page-test');
		expect(slack.text).toContain('SEV1 &lt;script&gt;alert(1)&lt;/script&gt; checkout down');
		expect(slack.text).not.toContain('<script>alert(1)');
		expect(slack.text).toContain('/api/chat.postMessage');
		expect((await plainRequest(destinations.proxy.port, 'POST', '/slack')).status).toBe(405);
	});

	it('the committed CA is the one n8n is told to trust', () => {
		expect(destinations.caFile).toBe(CA_FILE);
		expect(fs.readFileSync(destinations.caFile, 'utf8')).toContain('BEGIN CERTIFICATE');
		expect(destinations.n8nEnv()).toMatchObject({
			HTTPS_PROXY: destinations.proxy.url,
			https_proxy: destinations.proxy.url,
			NODE_EXTRA_CA_CERTS: CA_FILE,
		});
		expect(destinations.n8nEnv().npm_config_https_proxy).toBeUndefined();
		expect('npm_config_https_proxy' in destinations.n8nEnv()).toBe(true);
	});

	it("n8nEnv() removes npm's and the caller's proxy settings from a child process's environment", () => {
		const inherited = {
			...process.env,
			npm_config_https_proxy: 'http://npm-proxy.invalid:3128',
			NO_PROXY: 'slack.com',
			HTTP_PROXY: 'http://corp.invalid:8080',
		};
		const printed = execFileSync(
			process.execPath,
			['-e', 'process.stdout.write(JSON.stringify(process.env))'],
			{
				env: { ...inherited, ...destinations.n8nEnv() },
				encoding: 'utf8',
			},
		);
		const childEnv = JSON.parse(printed) as Record<string, string>;
		expect(childEnv.HTTPS_PROXY).toBe(destinations.proxy.url);
		expect(childEnv.NODE_EXTRA_CA_CERTS).toBe(CA_FILE);
		expect(childEnv).not.toHaveProperty('npm_config_https_proxy');
		expect(childEnv).not.toHaveProperty('NO_PROXY');
		expect(childEnv).not.toHaveProperty('HTTP_PROXY');
	});
});
