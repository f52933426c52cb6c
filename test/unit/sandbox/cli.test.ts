import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import {
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

import ts from 'typescript';

import { CliUsageError, parseCliArguments } from '../../sandbox/cli';
import { authorized, request } from './http';

const PROJECT_ROOT = path.resolve(__dirname, '../../..');
const SANDBOX_SOURCES = path.join(PROJECT_ROOT, 'test/sandbox');

/**
 * The lead's build compiles the CLI to dist-tools/; this test does not depend on that build and
 * transpiles test/sandbox/ into a temporary folder instead (type checking is tsc's job elsewhere).
 */
function transpileSandbox(outDir: string): string {
	const visit = (directory: string): void => {
		for (const entry of readdirSync(directory, { withFileTypes: true })) {
			const source = path.join(directory, entry.name);
			if (entry.isDirectory()) {
				visit(source);
				continue;
			}
			if (!entry.name.endsWith('.ts')) continue;
			const output = ts.transpileModule(readFileSync(source, 'utf8'), {
				compilerOptions: {
					module: ts.ModuleKind.CommonJS,
					target: ts.ScriptTarget.ES2022,
					esModuleInterop: true,
				},
				fileName: source,
			}).outputText;
			const target = path
				.join(outDir, path.relative(SANDBOX_SOURCES, source))
				.replace(/\.ts$/, '.js');
			mkdirSync(path.dirname(target), { recursive: true });
			writeFileSync(target, output);
		}
	};
	visit(SANDBOX_SOURCES);
	// Dependencies (yaml, csv-parse) resolve from the project's node_modules.
	symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(outDir, 'node_modules'), 'dir');
	return path.join(outDir, 'cli.js');
}

function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
	return new Promise((resolve, reject) => {
		const lines = createInterface({ input: child.stdout });
		let stderr = '';
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		lines.once('line', (line) => {
			lines.close();
			resolve(line);
		});
		child.once('exit', (code) =>
			reject(new Error(`cli exited with ${code} before printing: ${stderr}`)),
		);
	});
}

describe('sandbox CLI', () => {
	let workDir: string;
	let cliPath: string;

	beforeAll(() => {
		workDir = mkdtempSync(path.join(os.tmpdir(), 'incident-data-sandbox-cli-'));
		cliPath = transpileSandbox(workDir);
	});
	afterAll(() => {
		rmSync(workDir, { recursive: true, force: true });
	});

	it('starts from flags, prints one JSON line, serves, and exits 0 on SIGTERM', async () => {
		// Spawning is the point here: the CLI is a separate process in the demo and the benchmark.
		const child = spawn(
			process.execPath,
			[
				cliPath,
				'--seed',
				'4',
				'--incidents',
				'9',
				'--events-per-incident=3',
				'--nights',
				'2',
				'--url-lifetime-ms',
				'60000',
				'--now',
				'2025-02-01T12:00:00Z',
			],
			{ stdio: ['pipe', 'pipe', 'pipe'] },
		);
		try {
			const started = JSON.parse(await firstLine(child)) as Record<string, unknown>;
			expect(started).toMatchObject({
				baseUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
				controlUrl: expect.stringMatching(/\/__sandbox$/),
				apiToken: expect.stringMatching(/^fhb-/),
				limitedToken: expect.stringMatching(/^fhb-/),
				seed: 4,
				now: '2025-02-01T12:00:00.000Z',
				exportRequests: 10,
				totals: { incidents: 9 },
			});
			expect(
				(started.totals as { distinctBySource: Record<string, number> }).distinctBySource
					.incident_event,
			).toBe(27);
			const ping = await request(`${started.baseUrl as string}/v1/ping`, {
				headers: authorized(started.apiToken as string),
			});
			expect(ping.status).toBe(200);
			const exited = new Promise<number | null>((resolve) =>
				child.once('exit', (code) => resolve(code)),
			);
			child.kill('SIGTERM');
			expect(await exited).toBe(0);
		} finally {
			if (child.exitCode === null) child.kill('SIGKILL');
		}
	});

	it('exits 2 with usage on an unknown flag', async () => {
		const child = spawn(process.execPath, [cliPath, '--colour', 'blue'], {
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		let stderr = '';
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const code = await new Promise<number | null>((resolve) =>
			child.once('exit', (exitCode) => resolve(exitCode)),
		);
		expect(code).toBe(2);
		expect(stderr).toContain('unknown argument --colour');
		expect(stderr).toContain('Usage:');
	});

	it('parses flags into sandbox options', () => {
		expect(
			parseCliArguments([
				'--port',
				'4010',
				'--seed=9',
				'--incidents',
				'10000',
				'--events-per-incident',
				'10',
				'--nights',
				'3',
			]),
		).toEqual({
			host: undefined,
			port: 4010,
			seed: 9,
			fireHydrant: {
				incidents: 10_000,
				eventsPerIncident: 10,
				nights: 3,
				urlLifetimeMs: undefined,
				now: undefined,
			},
		});
		expect(() => parseCliArguments(['--incidents', 'many'])).toThrow(CliUsageError);
		expect(() => parseCliArguments(['--seed'])).toThrow(/needs a value/);
		expect(() => parseCliArguments(['--now', 'soon'])).toThrow(/ISO 8601/);
	});
});
