import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { dependencyInstallArgs, formatElapsed, runWithProgress } from '../../../scripts/toolchain';

const REPO_ROOT = path.resolve(__dirname, '../../..');

/** A child that runs until `goFile` exists (bounded: it gives up with status 3 after 60 s). */
function waitForFileScript(goFile: string): string {
	return `{ const fs = require('fs'); const start = Date.now(); const timer = setInterval(() => {
		if (fs.existsSync(${JSON.stringify(goFile)})) { clearInterval(timer); process.exit(0); }
		if (Date.now() - start > 60000) process.exit(3);
	}, 10); }`;
}

/**
 * A stand-in npm in <folder>/bin: `install` writes three packages and waits for the go file,
 * `rebuild` creates the two native modules the toolchain loads to check n8n's install.
 */
function writeSlowNpm(folder: string): { bin: string; goFile: string } {
	const bin = path.join(folder, 'bin');
	mkdirSync(bin);
	const goFile = path.join(folder, 'go');
	writeFileSync(
		path.join(bin, 'npm'),
		`#!${process.execPath}
const fs = require('fs'); const path = require('path');
const modules = path.join(process.cwd(), 'node_modules');
if (process.argv[2] === 'install') {
	for (const name of ['n8n', 'express', '@n8n/core']) fs.mkdirSync(path.join(modules, name), { recursive: true });
	${waitForFileScript(goFile)}
} else if (process.argv[2] === 'rebuild') {
	for (const name of ['sqlite3', 'isolated-vm']) {
		fs.mkdirSync(path.join(modules, name), { recursive: true });
		fs.writeFileSync(path.join(modules, name, 'index.js'), '');
	}
} else process.exit(9);
`,
		{ mode: 0o755 },
	);
	return { bin, goFile };
}

describe('toolchain progress during long provisioning steps', () => {
	let folder: string;
	beforeEach(() => {
		folder = mkdtempSync(path.join(tmpdir(), 'toolchain-progress-'));
	});
	afterEach(() => rmSync(folder, { recursive: true, force: true }));

	it('formats elapsed time as seconds, then minutes and seconds', () => {
		expect(formatElapsed(0)).toBe('0s');
		expect(formatElapsed(9_999)).toBe('9s');
		expect(formatElapsed(65_000)).toBe('1m 05s');
		expect(formatElapsed(6 * 60_000 + 30_000)).toBe('6m 30s');
	});

	it('prints the phase, the elapsed time and what is on disk on every tick while a slow child runs', async () => {
		const goFile = path.join(folder, 'go');
		const lines: string[] = [];
		let clock = 0;
		let heartbeats = 0;
		await runWithProgress(process.execPath, ['-e', waitForFileScript(goFile)], {
			phase: 'n8n 2.41.1: npm install (step 1 of 2)',
			intervalMs: 20,
			// Each reading of the clock is 10 s later: the elapsed texts are then known exactly.
			now: () => clock++ * 10_000,
			detail: () => '812 packages in node_modules so far',
			onTick: () => heartbeats++,
			write: (line) => {
				lines.push(line);
				// The child ends only after three progress lines were printed.
				if (lines.length === 4) writeFileSync(goFile, '');
			},
		});
		// The first four lines are fixed; a tick may still fall between the go file and the exit.
		expect(lines.slice(0, 4)).toEqual([
			'n8n 2.41.1: npm install (step 1 of 2): started',
			'n8n 2.41.1: npm install (step 1 of 2): 10s elapsed, 812 packages in node_modules so far',
			'n8n 2.41.1: npm install (step 1 of 2): 20s elapsed, 812 packages in node_modules so far',
			'n8n 2.41.1: npm install (step 1 of 2): 30s elapsed, 812 packages in node_modules so far',
		]);
		const ticks = lines.slice(1, -1);
		for (const line of ticks)
			expect(line).toMatch(
				/^n8n 2\.41\.1: npm install \(step 1 of 2\): (\d+s|\d+m \d\ds) elapsed, 812 packages in node_modules so far$/,
			);
		expect(lines[lines.length - 1]).toMatch(
			/^n8n 2\.41\.1: npm install \(step 1 of 2\): done in (\d+s|\d+m \d\ds)$/,
		);
		expect(heartbeats).toBe(ticks.length);
	});

	it('fails naming the phase and the exit status when the step fails', async () => {
		const lines: string[] = [];
		await expect(
			runWithProgress(process.execPath, ['-e', 'process.exit(5)'], {
				phase: 'dependencies: npm ci (step 1 of 2)',
				write: (line) => lines.push(line),
			}),
		).rejects.toThrow(/^dependencies: npm ci \(step 1 of 2\): .* exited with 5 after \d+s$/);
	});

	it('stops a step that outlives its time limit and says so', async () => {
		const goFile = path.join(folder, 'never');
		await expect(
			runWithProgress(process.execPath, ['-e', waitForFileScript(goFile)], {
				phase: 'Node 24: downloading',
				timeoutMs: 50,
				write: () => {},
			}),
		).rejects.toThrow(/^Node 24: downloading: stopped after \d+s \(limit 0s\)/);
	});

	it('reports a progress detail that cannot be read without failing the step', async () => {
		const goFile = path.join(folder, 'go');
		const lines: string[] = [];
		await runWithProgress(process.execPath, ['-e', waitForFileScript(goFile)], {
			phase: 'p',
			intervalMs: 20,
			detail: () => {
				throw new Error('folder vanished');
			},
			write: (line) => {
				lines.push(line);
				if (lines.length === 2) writeFileSync(goFile, '');
			},
		});
		expect(lines[1]).toMatch(/^p: \d+s elapsed$/);
	});

	it('prints progress lines on stderr while `--n8n` provisions n8n with a slow npm, and then finishes', async () => {
		const { bin, goFile } = writeSlowNpm(folder);
		const cache = path.join(folder, 'cache');
		const child = spawn(
			process.execPath,
			[path.join(REPO_ROOT, 'scripts', 'toolchain.js'), '--n8n', '--print'],
			{
				env: {
					...process.env,
					PATH: [bin, path.dirname(process.execPath), process.env.PATH].join(path.delimiter),
					INCIDENT_DATA_CACHE: cache,
					INCIDENT_DATA_PROGRESS_INTERVAL_MS: '30',
				},
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		let stderr = '';
		let stdout = '';
		child.stdout.on('data', (chunk: Buffer) => {
			stdout += chunk.toString();
		});
		child.stderr.on('data', (chunk: Buffer) => {
			stderr += chunk.toString();
			const progress = stderr
				.split('\n')
				.filter((line) => /npm install \(step 1 of 2\): \d+s elapsed/.test(line));
			const sawPackages = progress.some((line) =>
				line.endsWith('3 packages in node_modules so far'),
			);
			if (progress.length >= 2 && sawPackages && !existsSync(goFile)) writeFileSync(goFile, '');
		});
		const status = await new Promise<number | null>((resolve) =>
			child.once('close', (code) => resolve(code)),
		);
		// stderr shown only when the run failed, to say why.
		expect({ status, stderr: status === 0 ? '' : stderr }).toEqual({ status: 0, stderr: '' });
		const lines = stderr.split('\n');
		const progress = lines.filter(
			(line) =>
				line.startsWith('[toolchain] n8n 2.41.1: npm install (step 1 of 2): ') &&
				line.includes('elapsed'),
		);
		expect(progress.length).toBeGreaterThanOrEqual(2);
		// Before the stand-in npm has written anything the line says so; then it counts packages (on
		// a loaded machine a line can fall between the folder's creation and the packages in it).
		for (const line of progress) {
			expect(line).toMatch(
				/^\[toolchain\] n8n 2\.41\.1: npm install \(step 1 of 2\): \d+s elapsed, (resolving the dependency tree|[0-3] packages in node_modules so far)$/,
			);
		}
		expect(progress[progress.length - 1]).toMatch(/3 packages in node_modules so far$/);
		expect(lines).toContain(
			'[toolchain] n8n 2.41.1: building sqlite3 and isolated-vm (step 2 of 2): started',
		);
		expect(JSON.parse(stdout)).toMatchObject({ n8nHome: path.join(cache, 'n8n-2.41.1') });
		expect(existsSync(path.join(cache, 'n8n-2.41.1', '.complete'))).toBe(true);
		expect(existsSync(path.join(cache, 'n8n-2.41.1.lock'))).toBe(false);
	});

	it('releases the n8n lock at once when stopped mid-install, so the next run need not wait', async () => {
		const { bin, goFile } = writeSlowNpm(folder);
		const cache = path.join(folder, 'cache');
		const child = spawn(
			process.execPath,
			[path.join(REPO_ROOT, 'scripts', 'toolchain.js'), '--n8n', '--print'],
			{
				env: {
					...process.env,
					PATH: [bin, path.dirname(process.execPath), process.env.PATH].join(path.delimiter),
					INCIDENT_DATA_CACHE: cache,
					INCIDENT_DATA_PROGRESS_INTERVAL_MS: '30',
				},
				stdio: ['ignore', 'ignore', 'pipe'],
			},
		);
		let stderr = '';
		let signalled = false;
		child.stderr.on('data', (chunk: Buffer) => {
			stderr += chunk.toString();
			if (!signalled && /npm install \(step 1 of 2\): \d+s elapsed/.test(stderr)) {
				signalled = true;
				child.kill('SIGTERM');
			}
		});
		const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
		const status = await new Promise<number | null>((resolve) =>
			child.once('exit', (code) => resolve(code)),
		);
		// The stand-in npm left behind by the stopped toolchain holds its stderr open: end it too.
		writeFileSync(goFile, '');
		await closed;
		expect(status).toBe(130);
		expect(stderr).toContain(
			'[toolchain] n8n 2.41.1: stopped by SIGTERM; the next run starts it over',
		);
		expect(existsSync(path.join(cache, 'n8n-2.41.1.lock'))).toBe(false);
		expect(existsSync(path.join(cache, 'n8n-2.41.1', '.complete'))).toBe(false);
	});
});

describe('toolchain dependency install', () => {
	let folder: string;
	beforeEach(() => {
		folder = mkdtempSync(path.join(tmpdir(), 'toolchain-install-'));
		writeFileSync(path.join(folder, 'package.json'), '{}');
	});
	afterEach(() => rmSync(folder, { recursive: true, force: true }));

	it('uses npm ci, exactly the committed lock, when package-lock.json is present', () => {
		writeFileSync(path.join(folder, 'package-lock.json'), '{}');
		expect(dependencyInstallArgs(folder)).toEqual([
			'ci',
			'--ignore-scripts',
			'--no-audit',
			'--no-fund',
		]);
	});

	it('uses npm install when there is no lock file', () => {
		expect(dependencyInstallArgs(folder)).toEqual([
			'install',
			'--ignore-scripts',
			'--no-audit',
			'--no-fund',
		]);
	});

	it("never runs npm ci through a node_modules that links to another checkout's install", () => {
		writeFileSync(path.join(folder, 'package-lock.json'), '{}');
		mkdirSync(path.join(folder, 'elsewhere'));
		symlinkSync(path.join(folder, 'elsewhere'), path.join(folder, 'node_modules'));
		expect(dependencyInstallArgs(folder)).toEqual([
			'install',
			'--ignore-scripts',
			'--no-audit',
			'--no-fund',
		]);
	});
});
