#!/usr/bin/env node
'use strict';
/**
 * Runs a project task under Node 24, provisioning what it needs first.
 *
 *   node scripts/toolchain.js <command> [args...]   run <command> under Node 24 with deps installed
 *   node scripts/toolchain.js --n8n                 also provision the cached n8n (for e2e and demo)
 *   node scripts/toolchain.js --print               print the paths it uses, as JSON
 *
 * n8n 2.x, n8n-core and n8n-workflow need Node >= 24 (isolated-vm 7 does not build on Node 20),
 * while a fresh machine may only have Node 20. Only Node builtins are used here, because nothing
 * else is installed when this first runs. Everything provisioned lives in a cache folder outside
 * the checkout, so a fresh clone (as in CI) reuses it. The project's dependencies are installed
 * with `npm ci` from the committed lock. Every long step (n8n's install takes about 6 minutes)
 * prints a line at least every 10 s with its phase and the time elapsed.
 */
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const NODE_VERSION = '24.21.0';
const N8N_VERSION = '2.41.1';
const PROJECT_ROOT = path.resolve(__dirname, '..');
/** Native modules among the project's own (dev) dependencies, built after a script-less install. */
const NATIVE_DEV_MODULES = ['isolated-vm'];
/**
 * How often a long step (a download, an install, waiting for another task's install) says it is
 * still going. INCIDENT_DATA_PROGRESS_INTERVAL_MS shortens it (the toolchain's own tests do).
 */
const PROGRESS_INTERVAL_MS =
	Number(process.env.INCIDENT_DATA_PROGRESS_INTERVAL_MS) > 0
		? Number(process.env.INCIDENT_DATA_PROGRESS_INTERVAL_MS)
		: 10_000;
/** Bound on one install or download step; n8n's install takes about 6 minutes on a fast line. */
const STEP_TIMEOUT_MS = 60 * 60 * 1000;
/** A lock whose holder has not touched it for this long belongs to a process that died. */
const LOCK_STALE_MS = 5 * 60 * 1000;
/** Bound on waiting for another task's provisioning (a live holder touches its lock meanwhile). */
const LOCK_WAIT_MS = 90 * 60 * 1000;

function cacheRoot() {
	if (process.env.INCIDENT_DATA_CACHE) return path.resolve(process.env.INCIDENT_DATA_CACHE);
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, 'n8n-nodes-incident-data');
}

function log(message) {
	process.stderr.write(`[toolchain] ${message}\n`);
}

/** "45s", "6m 05s". */
function formatElapsed(ms) {
	const seconds = Math.max(0, Math.floor(ms / 1000));
	if (seconds < 60) return `${seconds}s`;
	return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
}

function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs one long step of provisioning: the command's own output passes through, and every
 * `intervalMs` a line says which phase is running, for how long, and `detail()` (what is on disk
 * so far), so a first run of several minutes never sits silent. `onTick` runs with each line (the
 * lock heartbeat). Fails naming the phase when the command fails or outlives `timeoutMs`.
 */
function runWithProgress(command, args, options) {
	const {
		phase,
		cwd,
		env,
		stdio = 'inherit',
		intervalMs = PROGRESS_INTERVAL_MS,
		timeoutMs = STEP_TIMEOUT_MS,
		detail,
		onTick,
		write = log,
		now = Date.now,
	} = options;
	return new Promise((resolve, reject) => {
		const started = now();
		write(`${phase}: started`);
		let child;
		try {
			child = spawn(command, args, { cwd, env, stdio });
		} catch (error) {
			reject(new Error(`${phase}: cannot start ${command}: ${error.message}`));
			return;
		}
		let timedOut = false;
		const ticker = setInterval(() => {
			let extra = '';
			try {
				extra = detail ? detail() : '';
				if (onTick) onTick();
			} catch {
				// A progress detail that cannot be read must not fail the install it reports on.
			}
			write(`${phase}: ${formatElapsed(now() - started)} elapsed${extra ? `, ${extra}` : ''}`);
		}, intervalMs);
		const deadline = setTimeout(() => {
			timedOut = true;
			child.kill('SIGTERM');
		}, timeoutMs);
		const finish = (error) => {
			clearInterval(ticker);
			clearTimeout(deadline);
			if (error) reject(error);
			else resolve();
		};
		child.once('error', (error) =>
			finish(new Error(`${phase}: cannot run ${command}: ${error.message}`)),
		);
		child.once('exit', (code, signal) => {
			const elapsed = formatElapsed(now() - started);
			if (timedOut) {
				finish(
					new Error(
						`${phase}: stopped after ${elapsed} (limit ${formatElapsed(timeoutMs)}): ${command} ${args.join(' ')}`,
					),
				);
			} else if (code !== 0) {
				finish(
					new Error(
						`${phase}: ${command} ${args.join(' ')} exited with ${code ?? signal} after ${elapsed}`,
					),
				);
			} else {
				write(`${phase}: done in ${elapsed}`);
				finish();
			}
		});
	});
}

/** "812 packages so far" under <folder>/node_modules (scoped packages counted one by one). */
function installedPackagesDetail(folder) {
	return () => {
		const modules = path.join(folder, 'node_modules');
		if (!fs.existsSync(modules)) return 'resolving the dependency tree';
		let count = 0;
		for (const entry of fs.readdirSync(modules)) {
			if (entry.startsWith('.')) continue;
			count += entry.startsWith('@') ? fs.readdirSync(path.join(modules, entry)).length : 1;
		}
		return `${count} packages in node_modules so far`;
	};
}

/**
 * Takes a lock folder so two tasks never provision the same thing at once. The holder touches it
 * with every progress line (`heartbeat`), so a lock left by a process that died is recognised
 * after LOCK_STALE_MS however long a live install takes; a waiting task says what it waits for.
 */
async function withLock(lockPath, what, fn) {
	fs.mkdirSync(path.dirname(lockPath), { recursive: true });
	const started = Date.now();
	let lastNotice = started;
	for (;;) {
		try {
			fs.mkdirSync(lockPath);
			break;
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
			let idle;
			try {
				idle = Date.now() - fs.statSync(lockPath).mtimeMs;
			} catch {
				continue; // released between mkdir and stat
			}
			if (idle > LOCK_STALE_MS) {
				log(
					`${what}: removing a lock untouched for ${formatElapsed(idle)} (its task is gone): ${lockPath}`,
				);
				fs.rmSync(lockPath, { recursive: true, force: true });
				continue;
			}
			const waited = Date.now() - started;
			if (waited > LOCK_WAIT_MS)
				throw new Error(`${what}: gave up after waiting ${formatElapsed(waited)} for ${lockPath}`);
			if (Date.now() - lastNotice >= PROGRESS_INTERVAL_MS) {
				lastNotice = Date.now();
				log(
					`${what}: waiting for another task that is provisioning it, ${formatElapsed(waited)} elapsed`,
				);
			}
			await sleep(Math.min(2000, PROGRESS_INTERVAL_MS));
		}
	}
	const heartbeat = () => {
		const now = new Date();
		fs.utimesSync(lockPath, now, now);
	};
	// Ctrl-C mid-install: release the lock at once, so the next run need not wait for it to go stale.
	const onSignal = (signal) => {
		fs.rmSync(lockPath, { recursive: true, force: true });
		log(`${what}: stopped by ${signal}; the next run starts it over`);
		process.exit(130);
	};
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);
	try {
		return await fn(heartbeat);
	} finally {
		process.removeListener('SIGINT', onSignal);
		process.removeListener('SIGTERM', onSignal);
		fs.rmSync(lockPath, { recursive: true, force: true });
	}
}

function nodeMajor(version) {
	return Number(String(version).replace(/^v/, '').split('.')[0]);
}

/** The folder holding bin/node and include/node for Node 24, or null when the running Node will do. */
async function provisionNode() {
	if (nodeMajor(process.versions.node) >= 24) return null;
	const platform = process.platform;
	const arch = process.arch;
	const packageName = `node-${platform}-${arch}`;
	const home = path.join(cacheRoot(), `node-${NODE_VERSION}-${platform}-${arch}`);
	const marker = path.join(home, '.complete');
	if (fs.existsSync(marker)) return home;
	const what = `Node ${NODE_VERSION}`;
	await withLock(`${home}.lock`, what, async (heartbeat) => {
		if (fs.existsSync(marker)) return;
		log(
			`provisioning ${what} into ${home} (the running Node is ${process.version}; about 30 MB to download, once per machine)`,
		);
		const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'node24-'));
		try {
			await runWithProgress(
				'npm',
				['pack', `${packageName}@${NODE_VERSION}`, '--pack-destination', scratch, '--silent'],
				{
					phase: `${what}: downloading ${packageName} (step 1 of 2)`,
					cwd: scratch,
					stdio: ['ignore', 'ignore', 'inherit'],
					onTick: heartbeat,
				},
			);
			const tarball = fs.readdirSync(scratch).find((name) => name.endsWith('.tgz'));
			if (!tarball) throw new Error(`npm pack ${packageName}@${NODE_VERSION} produced no tarball`);
			fs.rmSync(home, { recursive: true, force: true });
			fs.mkdirSync(home, { recursive: true });
			await runWithProgress(
				'tar',
				['-xzf', path.join(scratch, tarball), '-C', home, '--strip-components=1'],
				{
					phase: `${what}: unpacking (step 2 of 2)`,
					onTick: heartbeat,
				},
			);
			const nodeBinary = path.join(home, 'bin', 'node');
			fs.chmodSync(nodeBinary, 0o755);
			const version = spawnSync(nodeBinary, ['--version'], { encoding: 'utf8' }).stdout.trim();
			if (nodeMajor(version) < 24) throw new Error(`provisioned node reports ${version}`);
			fs.writeFileSync(marker, version);
		} finally {
			fs.rmSync(scratch, { recursive: true, force: true });
		}
	});
	return home;
}

/** npm's own entry script, so npm runs under the provisioned Node rather than the system one. */
function npmCli() {
	const candidates = [
		process.env.npm_execpath,
		path.join(
			path.dirname(process.execPath),
			'..',
			'lib',
			'node_modules',
			'npm',
			'bin',
			'npm-cli.js',
		),
		'/usr/lib/node_modules/npm/bin/npm-cli.js',
		'/usr/local/lib/node_modules/npm/bin/npm-cli.js',
	].filter(Boolean);
	const found = candidates.find(
		(candidate) => candidate.endsWith('npm-cli.js') && fs.existsSync(candidate),
	);
	if (!found) throw new Error('cannot find npm-cli.js of the installed npm');
	return found;
}

function toolchainEnv(nodeHome) {
	const env = { ...process.env };
	if (nodeHome) {
		const shim = path.join(cacheRoot(), 'shims');
		writeNpmShim(shim, nodeHome);
		env.PATH = [shim, path.join(nodeHome, 'bin'), env.PATH].join(path.delimiter);
		env.INCIDENT_DATA_NODE_HOME = nodeHome;
	}
	env.npm_config_update_notifier = 'false';
	env.npm_config_fund = 'false';
	env.npm_config_audit = 'false';
	return env;
}

/** `npm` and `npx` on PATH that run npm's CLI with the provisioned Node. */
function writeNpmShim(folder, nodeHome) {
	fs.mkdirSync(folder, { recursive: true });
	const cli = npmCli();
	const npx = path.join(path.dirname(cli), 'npx-cli.js');
	const node = path.join(nodeHome, 'bin', 'node');
	const write = (name, target) => {
		const file = path.join(folder, name);
		const body = `#!/bin/sh\nexec "${node}" "${target}" "$@"\n`;
		if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== body) {
			fs.writeFileSync(`${file}.tmp`, body, { mode: 0o755 });
			fs.renameSync(`${file}.tmp`, file);
		}
	};
	write('npm', cli);
	if (fs.existsSync(npx)) write('npx', npx);
}

/**
 * Native modules must build against the headers of the Node that will load them: the provisioned
 * Node's, not the system's (a user npmrc may point `nodedir` at the system Node). Only install and
 * rebuild steps get this, so ordinary tasks run without npm's warning about the setting.
 */
function installEnv(env) {
	return env.INCIDENT_DATA_NODE_HOME
		? { ...env, npm_config_nodedir: env.INCIDENT_DATA_NODE_HOME }
		: env;
}

/**
 * What decides the installed tree: the dependency fields of package.json (not its scripts, so
 * editing a script does not reinstall) and the lock file.
 */
function dependencyHash(manifestPath, lockPath) {
	const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
	const relevant = [
		'dependencies',
		'devDependencies',
		'peerDependencies',
		'optionalDependencies',
		'overrides',
	];
	const hash = crypto.createHash('sha256');
	hash.update(JSON.stringify(relevant.map((field) => manifest[field] ?? null)));
	hash.update(fs.existsSync(lockPath) ? fs.readFileSync(lockPath) : '');
	return hash.digest('hex');
}

/**
 * How to install the project's dependencies: `npm ci` (exactly the committed lock, from a clean
 * node_modules) when package-lock.json is there, `npm install` without one. A node_modules that
 * is a symbolic link (a checkout sharing another's install) gets `npm install`: npm ci would
 * first empty the linked folder, which the other checkout uses.
 *
 * Install scripts are skipped: eslint-plugin-n8n-nodes-base (under @n8n/node-cli) runs
 * `npx only-allow pnpm` before install, which fails under npm. The one native module the project
 * needs (isolated-vm, under n8n-core) is built explicitly afterwards.
 */
function dependencyInstallArgs(projectRoot) {
	const common = ['--ignore-scripts', '--no-audit', '--no-fund'];
	const lockPresent = fs.existsSync(path.join(projectRoot, 'package-lock.json'));
	let linked = false;
	try {
		linked = fs.lstatSync(path.join(projectRoot, 'node_modules')).isSymbolicLink();
	} catch {
		// No node_modules yet.
	}
	return lockPresent && !linked ? ['ci', ...common] : ['install', ...common];
}

/** Installs the project's dependencies under the toolchain when package.json or the lock changed. */
async function ensureDependencies(env) {
	const lock = path.join(PROJECT_ROOT, 'package-lock.json');
	const manifest = path.join(PROJECT_ROOT, 'package.json');
	const stamp = path.join(PROJECT_ROOT, 'node_modules', '.toolchain-stamp');
	const nodeVersion = spawnSync('node', ['--version'], { env, encoding: 'utf8' }).stdout.trim();
	const wanted = `${nodeVersion} ${dependencyHash(manifest, lock)}`;
	if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === wanted) return;
	const args = dependencyInstallArgs(PROJECT_ROOT);
	log(
		`installing dependencies under Node ${nodeVersion} with npm ${args[0]} (about 1 GB in node_modules; 1–3 minutes)`,
	);
	await runWithProgress('npm', args, {
		phase: `dependencies: npm ${args[0]} (step 1 of 2)`,
		cwd: PROJECT_ROOT,
		env: installEnv(env),
		detail: installedPackagesDetail(PROJECT_ROOT),
	});
	await runWithProgress('npm', ['rebuild', ...NATIVE_DEV_MODULES], {
		phase: `dependencies: building ${NATIVE_DEV_MODULES.join(', ')} (step 2 of 2)`,
		cwd: PROJECT_ROOT,
		env: installEnv(env),
	});
	// Without a lock, npm install writes one; stamp what is there now.
	fs.writeFileSync(stamp, `${nodeVersion} ${dependencyHash(manifest, lock)}`);
}

/** The cached n8n: `npm install n8n --ignore-scripts`, then the two native modules it needs. */
async function provisionN8n(env) {
	const home = path.join(cacheRoot(), `n8n-${N8N_VERSION}`);
	const marker = path.join(home, '.complete');
	if (fs.existsSync(marker)) return home;
	const what = `n8n ${N8N_VERSION}`;
	await withLock(`${home}.lock`, what, async (heartbeat) => {
		if (fs.existsSync(marker)) return;
		log(
			`provisioning ${what} into ${home} (once per machine: about 6 minutes and 2.9 GB, plus about 0.9 GB of npm cache)`,
		);
		fs.rmSync(home, { recursive: true, force: true });
		fs.mkdirSync(home, { recursive: true });
		fs.writeFileSync(
			path.join(home, 'package.json'),
			JSON.stringify({ name: 'n8n-cache', private: true, version: '0.0.0' }, null, 2),
		);
		// A plain install runs a Kafka client's build that downloads zlib from the internet, so
		// scripts are skipped and only the native modules n8n needs at run time are rebuilt.
		await runWithProgress(
			'npm',
			[
				'install',
				`n8n@${N8N_VERSION}`,
				'--ignore-scripts',
				'--no-audit',
				'--no-fund',
				'--loglevel=error',
			],
			{
				phase: `${what}: npm install (step 1 of 2)`,
				cwd: home,
				env: installEnv(env),
				detail: installedPackagesDetail(home),
				onTick: heartbeat,
			},
		);
		await runWithProgress('npm', ['rebuild', 'sqlite3', 'isolated-vm'], {
			phase: `${what}: building sqlite3 and isolated-vm (step 2 of 2)`,
			cwd: home,
			env: installEnv(env),
			onTick: heartbeat,
		});
		const check = spawnSync(
			'node',
			['-e', "require('sqlite3'); require('isolated-vm'); console.log('ok')"],
			{ cwd: home, env, encoding: 'utf8' },
		);
		if (check.stdout.trim() !== 'ok') {
			throw new Error(`n8n's native modules do not load: ${check.stderr}`);
		}
		fs.writeFileSync(marker, N8N_VERSION);
	});
	return home;
}

function paths(nodeHome, n8nHome) {
	return {
		cache: cacheRoot(),
		nodeHome,
		node: nodeHome ? path.join(nodeHome, 'bin', 'node') : process.execPath,
		n8nHome,
		n8nBin: n8nHome ? path.join(n8nHome, 'node_modules', 'n8n', 'bin', 'n8n') : null,
	};
}

async function main(argv) {
	const wantN8n = argv.includes('--n8n');
	const print = argv.includes('--print');
	const command = argv.filter((arg) => arg !== '--n8n' && arg !== '--print');
	const nodeHome = await provisionNode();
	const env = toolchainEnv(nodeHome);
	const skipDeps = process.env.INCIDENT_DATA_SKIP_DEPS === '1';
	if (!skipDeps && command.length > 0) await ensureDependencies(env);
	const n8nHome = wantN8n ? await provisionN8n(env) : null;
	if (n8nHome) env.INCIDENT_DATA_N8N_HOME = n8nHome;
	if (print) process.stdout.write(`${JSON.stringify(paths(nodeHome, n8nHome), null, 2)}\n`);
	if (command.length === 0) return 0;
	const result = spawnSync(command[0], command.slice(1), {
		stdio: 'inherit',
		env,
		cwd: process.cwd(),
	});
	if (result.error) throw result.error;
	return result.status ?? 1;
}

if (require.main === module) {
	main(process.argv.slice(2)).then(
		(code) => {
			process.exitCode = code;
		},
		(error) => {
			log(error instanceof Error ? error.message : String(error));
			process.exitCode = 1;
		},
	);
}

module.exports = {
	cacheRoot,
	dependencyInstallArgs,
	formatElapsed,
	provisionNode,
	provisionN8n,
	runWithProgress,
	toolchainEnv,
	N8N_VERSION,
	NODE_VERSION,
	PROGRESS_INTERVAL_MS,
};
