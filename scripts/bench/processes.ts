/**
 * What the bench suites share: a sandbox started as its own process (so its memory never counts in
 * a measured phase), a measured phase run in a fresh child process (so its peak RSS is its own),
 * plain JSON over HTTP to talk to the sandboxes, and the options that make a measured process write
 * a CPU profile.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import readline from 'node:readline';

/**
 * Starts `node <args>`, a process that prints its connection details as one JSON line first (a
 * sandbox), and returns those details with a `stop()` that ends it.
 */
export async function startSandboxChild<T>(args: string[]): Promise<T & { stop(): void }> {
	const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
	const lines = readline.createInterface({ input: child.stdout });
	const first = await new Promise<string>((resolve, reject) => {
		lines.once('line', resolve);
		child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
	});
	return { ...(JSON.parse(first) as T), stop: () => child.kill('SIGTERM') };
}

/** A FireHydrant account in the vendor sandbox's command line (test/sandbox/cli.js). */
export interface FireHydrantAccount {
	incidents: number;
	eventsPerIncident: number;
	nights: number;
}

/** The vendor sandbox (seed 1, a free port) with one FireHydrant account, as its own process. */
export async function startFireHydrantSandbox(
	account: FireHydrantAccount,
): Promise<{ baseUrl: string; apiToken: string; stop(): void }> {
	const cli = path.join(__dirname, '..', '..', 'test', 'sandbox', 'cli.js');
	return await startSandboxChild<{ baseUrl: string; apiToken: string }>([
		cli,
		...['--port', '0', '--seed', '1'],
		...['--incidents', String(account.incidents)],
		...['--events-per-incident', String(account.eventsPerIncident)],
		...['--nights', String(account.nights)],
	]);
}

/** Runs `node <args>` (a measured phase) to its end and returns the JSON it printed on its last line. */
export async function runPhaseChild<T>(name: string, args: string[]): Promise<T> {
	const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
	const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
	if (code !== 0) throw new Error(`${name} exited with ${code}`);
	return JSON.parse(output.trim().split('\n').pop() ?? '{}') as T;
}

/** An HTTP request with an optional JSON body; the answer read as JSON. */
export async function requestJson<T>(
	method: string,
	url: string,
	body?: unknown,
	headers: Record<string, string> = {},
): Promise<T> {
	return await new Promise<T>((resolve, reject) => {
		const outgoing = http.request(
			url,
			{ method, headers: { 'Content-Type': 'application/json', ...headers } },
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T));
				response.on('error', reject);
			},
		);
		outgoing.on('error', reject);
		outgoing.end(body === undefined ? undefined : JSON.stringify(body));
	});
}

/**
 * Node options that make a child process write a V8 CPU profile (`--cpu-prof`) into
 * BENCH_PROFILE_DIR when it is set (open it in Chrome DevTools), and none otherwise. With a name,
 * the profile is called that instead of V8's timestamped default.
 */
export function cpuProfileOptions(name?: string): string[] {
	const dir = process.env.BENCH_PROFILE_DIR;
	if (!dir) return [];
	const options = ['--cpu-prof', `--cpu-prof-dir=${path.resolve(dir)}`];
	if (name) options.push(`--cpu-prof-name=${name}.cpuprofile`);
	return options;
}
