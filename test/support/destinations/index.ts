/**
 * The destinations that have no local server — Google Sheets (with the service-account token
 * exchange), Slack and Microsoft Teams (Graph) — emulated in this process and reached through a
 * loopback HTTPS proxy, so that n8n's own unmodified nodes call their real URLs. Start it before
 * n8n (Node reads NODE_EXTRA_CA_CERTS once, at start) and give n8n `destinations.n8nEnv()`.
 * See README.md beside this file for the requests each n8n node makes.
 */
import * as path from 'node:path';

import { GoogleEmulator } from './google';
import { escapeHtml, htmlPage, sendHtml, sendJson } from './http';
import { MicrosoftEmulator } from './microsoft';
import {
	findTlsFolder,
	startDestinationProxy,
	type DestinationProxy,
	type HostHandler,
} from './proxy';
import { SlackEmulator } from './slack';

export { GoogleEmulator } from './google';
export { MicrosoftEmulator } from './microsoft';
export { SlackEmulator } from './slack';

export interface Destinations {
	proxy: DestinationProxy;
	google: GoogleEmulator;
	slack: SlackEmulator;
	microsoft: MicrosoftEmulator;
	/** The test CA certificate (PEM) that signs the emulated hosts' certificate. */
	caFile: string;
	/** Where the read-only HTML pages are served (the proxy's own address). */
	pagesUrl: string;
	/**
	 * Environment for an n8n process: its HTTPS traffic goes through the proxy and it trusts the
	 * test CA. npm's proxy variables (set when n8n runs under an npm script) are cleared, as
	 * proxy-from-env would prefer them; NO_PROXY is cleared so no emulated host bypasses the proxy, and
	 * HTTP_PROXY so plain HTTP (the vendor sandbox on loopback) goes direct.
	 * Undefined values remove a variable in child_process.spawn.
	 */
	n8nEnv(): NodeJS.ProcessEnv;
	close(): Promise<void>;
}

export async function startDestinations(options: { port?: number } = {}): Promise<Destinations> {
	const google = new GoogleEmulator();
	const slack = new SlackEmulator();
	const microsoft = new MicrosoftEmulator();
	const hosts = new Map<string, HostHandler>([
		['oauth2.googleapis.com', google.handleOAuth],
		['sheets.googleapis.com', google.handleSheets],
		['www.googleapis.com', google.handleDrive],
		['slack.com', slack.handle],
		['graph.microsoft.com', microsoft.handleGraph],
		['login.microsoftonline.com', microsoft.handleLogin],
	]);
	const pages: HostHandler = (request, response) => {
		if (request.method !== 'GET' && request.method !== 'HEAD') {
			sendJson(response, 405, { error: 'these pages are read-only' });
			return;
		}
		const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
		if (pathname === '/sheets') sendHtml(response, 200, google.html());
		else if (pathname === '/slack') sendHtml(response, 200, slack.html());
		else if (pathname === '/teams') sendHtml(response, 200, microsoft.html());
		else if (pathname === '/') {
			const links = [
				[
					'/sheets',
					'Google Sheets',
					'oauth2.googleapis.com, sheets.googleapis.com, www.googleapis.com',
				],
				['/slack', 'Slack', 'slack.com'],
				['/teams', 'Microsoft Teams', 'graph.microsoft.com, login.microsoftonline.com'],
			]
				.map(
					([href, name, served]) =>
						`<li><a href="${href}">${escapeHtml(name)}</a> <span class="muted">(${escapeHtml(served)})</span></li>`,
				)
				.join('');
			sendHtml(response, 200, htmlPage('Emulated destinations', [`<ul>${links}</ul>`]));
		} else sendJson(response, 404, { error: 'no such page' });
	};
	const proxy = await startDestinationProxy({ hosts, pages, port: options.port });
	const caFile = path.join(findTlsFolder(), 'ca.crt');
	return {
		proxy,
		google,
		slack,
		microsoft,
		caFile,
		pagesUrl: `http://127.0.0.1:${proxy.port}/`,
		n8nEnv: () => ({
			HTTPS_PROXY: proxy.url,
			https_proxy: proxy.url,
			NODE_EXTRA_CA_CERTS: caFile,
			npm_config_https_proxy: undefined,
			npm_config_proxy: undefined,
			npm_config_http_proxy: undefined,
			NPM_CONFIG_HTTPS_PROXY: undefined,
			NPM_CONFIG_PROXY: undefined,
			// Plain HTTP would otherwise go to whatever proxy the caller's environment names.
			HTTP_PROXY: undefined,
			http_proxy: undefined,
			NO_PROXY: undefined,
			no_proxy: undefined,
			ALL_PROXY: undefined,
			all_proxy: undefined,
		}),
		close: () => proxy.close(),
	};
}
