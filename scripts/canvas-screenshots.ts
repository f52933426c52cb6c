/**
 * PNGs of the templates' canvases for the README gallery, taken from the real n8n editor in
 * headless Chromium (Debian's `chromium` package: `apt-get install chromium`), driven over the
 * Chrome DevTools Protocol with Node's own WebSocket, so no browser-automation package is needed.
 *
 * The editor's session is the owner's: the script logs in through n8n's REST API with a browser
 * id of its own, then gives the page that id (n8n binds the session cookie to it) and the cookie.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { N8nServer } from '../test/support/n8n';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const VIEWPORT = { width: 1600, height: 900 };
/** How long the editor may take to show a canvas's nodes (the first load fetches the whole app). */
const RENDER_TIMEOUT_MS = 60_000;
/** After the nodes appear: the canvas fits the view and draws the connections. */
const SETTLE_MS = 2_000;
const STEP_TIMEOUT_MS = 60_000;

interface CdpAnswer {
	id?: number;
	result?: Record<string, unknown>;
	error?: { message: string };
}

class CdpPage {
	private nextId = 1;
	private readonly waiting = new Map<
		number,
		{ resolve: (value: Record<string, unknown>) => void; reject: (error: Error) => void }
	>();

	private constructor(private readonly socket: WebSocket) {
		socket.addEventListener('message', (event) => {
			const answer = JSON.parse(String(event.data)) as CdpAnswer;
			if (answer.id === undefined) return;
			const pending = this.waiting.get(answer.id);
			if (!pending) return;
			this.waiting.delete(answer.id);
			if (answer.error) pending.reject(new Error(answer.error.message));
			else pending.resolve(answer.result ?? {});
		});
	}

	static async open(url: string): Promise<CdpPage> {
		const socket = new WebSocket(url);
		await new Promise<void>((resolve, reject) => {
			socket.addEventListener('open', () => resolve(), { once: true });
			socket.addEventListener(
				'error',
				() => reject(new Error(`cannot reach Chromium's DevTools at ${url}`)),
				{ once: true },
			);
		});
		return new CdpPage(socket);
	}

	send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
		const id = this.nextId++;
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.waiting.delete(id);
				reject(new Error(`Chromium did not answer ${method} within ${STEP_TIMEOUT_MS} ms`));
			}, STEP_TIMEOUT_MS);
			this.waiting.set(id, {
				resolve: (value) => {
					clearTimeout(timer);
					resolve(value);
				},
				reject: (error) => {
					clearTimeout(timer);
					reject(error);
				},
			});
			this.socket.send(JSON.stringify({ id, method, params }));
		});
	}

	close(): void {
		this.socket.close();
	}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts headless Chromium with a DevTools port and returns the page target's socket URL. */
async function startChromium(
	profile: string,
): Promise<{ child: ChildProcess; pageSocket: string }> {
	if (!fs.existsSync(CHROMIUM))
		throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
	const child = spawn(
		CHROMIUM,
		[
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			`--user-data-dir=${profile}`,
			`--window-size=${VIEWPORT.width},${VIEWPORT.height}`,
			'--remote-debugging-address=127.0.0.1',
			'--remote-debugging-port=0',
			'about:blank',
		],
		{ stdio: ['ignore', 'ignore', 'pipe'] },
	);
	let stderr = '';
	const port = await new Promise<number>((resolve, reject) => {
		const timer = setTimeout(
			() => reject(new Error(`Chromium did not open its DevTools port:\n${stderr.slice(-2000)}`)),
			STEP_TIMEOUT_MS,
		);
		child.stderr?.on('data', (chunk: Buffer) => {
			stderr += chunk.toString('utf8');
			const match = /DevTools listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr);
			if (match) {
				clearTimeout(timer);
				resolve(Number(match[1]));
			}
		});
		child.once('exit', (code) =>
			reject(new Error(`Chromium exited with ${code}:\n${stderr.slice(-2000)}`)),
		);
	});
	const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{
		type: string;
		webSocketDebuggerUrl: string;
	}>;
	const page = targets.find((target) => target.type === 'page');
	if (!page) throw new Error('Chromium opened no page');
	return { child, pageSocket: page.webSocketDebuggerUrl };
}

/** Waits until the editor shows the workflow's nodes on its canvas. */
async function waitForCanvas(page: CdpPage, file: string): Promise<void> {
	const deadline = Date.now() + RENDER_TIMEOUT_MS;
	for (;;) {
		const answer = await page.send('Runtime.evaluate', {
			expression: `document.querySelectorAll('[data-test-id="canvas-node"]').length`,
			returnByValue: true,
		});
		const count = Number((answer.result as { value?: unknown } | undefined)?.value ?? 0);
		if (count > 0) return;
		if (Date.now() > deadline)
			throw new Error(`the editor showed no node of ${file} within ${RENDER_TIMEOUT_MS} ms`);
		await sleep(500);
	}
}

/** Logs the owner in through the REST API as `browserId`; returns the session cookie's value. */
async function ownerSession(server: N8nServer, browserId: string): Promise<string> {
	const response = await fetch(`${server.url}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': browserId },
		body: JSON.stringify({
			emailOrLdapLoginId: server.owner.email,
			password: server.owner.password,
		}),
	});
	const cookie = response.headers.getSetCookie().find((value) => value.startsWith('n8n-auth='));
	if (!response.ok || !cookie)
		throw new Error(`n8n refused the owner's login (${response.status})`);
	return cookie.split(';')[0].slice('n8n-auth='.length);
}

/** One PNG per workflow id, written as `<folder>/<file name>.png`; returns the files written. */
export async function screenshotCanvases(
	server: N8nServer,
	workflows: Array<{ id: string; file: string }>,
	folder: string,
	editorUrl: (baseUrl: string, workflowId: string) => string,
): Promise<string[]> {
	fs.mkdirSync(folder, { recursive: true });
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-data-chromium-'));
	const { child, pageSocket } = await startChromium(profile);
	const written: string[] = [];
	let page: CdpPage | undefined;
	try {
		page = await CdpPage.open(pageSocket);
		const browserId = `incident-data-screenshots-${process.pid}`;
		const session = await ownerSession(server, browserId);
		await page.send('Emulation.setDeviceMetricsOverride', {
			...VIEWPORT,
			deviceScaleFactor: 1,
			mobile: false,
		});
		await page.send('Network.enable');
		await page.send('Network.setCookie', { name: 'n8n-auth', value: session, url: server.url });
		// The editor reads its browser id from localStorage: set it on n8n's origin first.
		await page.send('Page.navigate', { url: `${server.url}/healthz` });
		await sleep(1_000);
		await page.send('Runtime.evaluate', {
			expression: `localStorage.setItem('n8n-browserId', ${JSON.stringify(browserId)})`,
		});
		for (const workflow of workflows) {
			await page.send('Page.navigate', { url: editorUrl(server.url, workflow.id) });
			await waitForCanvas(page, workflow.file);
			await sleep(SETTLE_MS);
			const shot = await page.send('Page.captureScreenshot', { format: 'png' });
			const file = path.join(folder, `${path.basename(workflow.file, '.json')}.png`);
			fs.writeFileSync(file, Buffer.from(String(shot.data), 'base64'));
			written.push(file);
		}
	} finally {
		page?.close();
		child.kill('SIGKILL');
		fs.rmSync(profile, { recursive: true, force: true });
	}
	return written;
}
