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
 * the checkout, so a fresh clone (as in CI) reuses it.
 */
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const NODE_VERSION = '24.21.0';
const N8N_VERSION = '2.41.1';
const PROJECT_ROOT = path.resolve(__dirname, '..');
/** Native modules among the project's own (dev) dependencies, built after a script-less install. */
const NATIVE_DEV_MODULES = ['isolated-vm'];

function cacheRoot() {
	if (process.env.INCIDENT_DATA_CACHE) return path.resolve(process.env.INCIDENT_DATA_CACHE);
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, 'n8n-nodes-incident-data');
}

function log(message) {
	process.stderr.write(`[toolchain] ${message}\n`);
}

function run(command, args, options = {}) {
	const result = spawnSync(command, args, { stdio: 'inherit', ...options });
	if (result.error) throw result.error;
	if (result.status !== 0) {
		throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
	}
	return result;
}

/** Takes a lock folder so two tasks never provision the same thing at once. */
function withLock(lockPath, fn) {
	fs.mkdirSync(path.dirname(lockPath), { recursive: true });
	const started = Date.now();
	for (;;) {
		try {
			fs.mkdirSync(lockPath);
			break;
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
			const age = Date.now() - fs.statSync(lockPath).mtimeMs;
			// A lock older than 30 minutes belongs to a process that died mid-provisioning.
			if (age > 30 * 60 * 1000) {
				fs.rmSync(lockPath, { recursive: true, force: true });
				continue;
			}
			if (Date.now() - started > 40 * 60 * 1000) throw new Error(`timed out waiting for ${lockPath}`);
			Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
		}
	}
	try {
		return fn();
	} finally {
		fs.rmSync(lockPath, { recursive: true, force: true });
	}
}

function nodeMajor(version) {
	return Number(String(version).replace(/^v/, '').split('.')[0]);
}

/** The folder holding bin/node and include/node for Node 24, or null when the running Node will do. */
function provisionNode() {
	if (nodeMajor(process.versions.node) >= 24) return null;
	const platform = process.platform;
	const arch = process.arch;
	const packageName = `node-${platform}-${arch}`;
	const home = path.join(cacheRoot(), `node-${NODE_VERSION}-${platform}-${arch}`);
	const marker = path.join(home, '.complete');
	if (fs.existsSync(marker)) return home;
	withLock(`${home}.lock`, () => {
		if (fs.existsSync(marker)) return;
		log(`provisioning Node ${NODE_VERSION} into ${home} (the running Node is ${process.version})`);
		const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'node24-'));
		try {
			run('npm', ['pack', `${packageName}@${NODE_VERSION}`, '--pack-destination', scratch, '--silent'], {
				cwd: scratch,
				stdio: ['ignore', 'ignore', 'inherit'],
			});
			const tarball = fs.readdirSync(scratch).find((name) => name.endsWith('.tgz'));
			if (!tarball) throw new Error(`npm pack ${packageName}@${NODE_VERSION} produced no tarball`);
			fs.rmSync(home, { recursive: true, force: true });
			fs.mkdirSync(home, { recursive: true });
			run('tar', ['-xzf', path.join(scratch, tarball), '-C', home, '--strip-components=1']);
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
		path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
		'/usr/lib/node_modules/npm/bin/npm-cli.js',
		'/usr/local/lib/node_modules/npm/bin/npm-cli.js',
	].filter(Boolean);
	const found = candidates.find((candidate) => candidate.endsWith('npm-cli.js') && fs.existsSync(candidate));
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
	return env.INCIDENT_DATA_NODE_HOME ? { ...env, npm_config_nodedir: env.INCIDENT_DATA_NODE_HOME } : env;
}

/**
 * What decides the installed tree: the dependency fields of package.json (not its scripts, so
 * editing a script does not reinstall) and the lock file.
 */
function dependencyHash(manifestPath, lockPath) {
	const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
	const relevant = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies', 'overrides'];
	const hash = crypto.createHash('sha256');
	hash.update(JSON.stringify(relevant.map((field) => manifest[field] ?? null)));
	hash.update(fs.existsSync(lockPath) ? fs.readFileSync(lockPath) : '');
	return hash.digest('hex');
}

/** Installs the project's dependencies under the toolchain when package.json or the lock changed. */
function ensureDependencies(env) {
	const lock = path.join(PROJECT_ROOT, 'package-lock.json');
	const manifest = path.join(PROJECT_ROOT, 'package.json');
	const stamp = path.join(PROJECT_ROOT, 'node_modules', '.toolchain-stamp');
	const nodeVersion = spawnSync('node', ['--version'], { env, encoding: 'utf8' }).stdout.trim();
	const wanted = `${nodeVersion} ${dependencyHash(manifest, lock)}`;
	if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === wanted) return;
	log(`installing dependencies under Node ${nodeVersion}`);
	// Install scripts are skipped: eslint-plugin-n8n-nodes-base (under @n8n/node-cli) runs
	// `npx only-allow pnpm` before install, which fails under npm. The one native module the
	// project needs (isolated-vm, under n8n-core) is built explicitly afterwards.
	// `npm install` rather than `npm ci`: npm ci rejects a lock that omits other platforms'
	// optional bindings (a known npm defect), and install still follows the lock.
	run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: PROJECT_ROOT, env: installEnv(env) });
	run('npm', ['rebuild', ...NATIVE_DEV_MODULES], { cwd: PROJECT_ROOT, env: installEnv(env) });
	// npm install may rewrite the lock; stamp what is there now.
	fs.writeFileSync(stamp, `${nodeVersion} ${dependencyHash(manifest, lock)}`);
}

/** The cached n8n: `npm install n8n --ignore-scripts`, then the two native modules it needs. */
function provisionN8n(env) {
	const home = path.join(cacheRoot(), `n8n-${N8N_VERSION}`);
	const marker = path.join(home, '.complete');
	if (fs.existsSync(marker)) return home;
	withLock(`${home}.lock`, () => {
		if (fs.existsSync(marker)) return;
		log(`provisioning n8n ${N8N_VERSION} into ${home} (several minutes, once per machine)`);
		fs.rmSync(home, { recursive: true, force: true });
		fs.mkdirSync(home, { recursive: true });
		fs.writeFileSync(
			path.join(home, 'package.json'),
			JSON.stringify({ name: 'n8n-cache', private: true, version: '0.0.0' }, null, 2),
		);
		// A plain install runs a Kafka client's build that downloads zlib from the internet, so
		// scripts are skipped and only the native modules n8n needs at run time are rebuilt.
		run('npm', ['install', `n8n@${N8N_VERSION}`, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
			cwd: home,
			env: installEnv(env),
		});
		run('npm', ['rebuild', 'sqlite3', 'isolated-vm'], { cwd: home, env: installEnv(env) });
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

function main(argv) {
	const wantN8n = argv.includes('--n8n');
	const print = argv.includes('--print');
	const command = argv.filter((arg) => arg !== '--n8n' && arg !== '--print');
	const nodeHome = provisionNode();
	const env = toolchainEnv(nodeHome);
	const skipDeps = process.env.INCIDENT_DATA_SKIP_DEPS === '1';
	if (!skipDeps && command.length > 0) ensureDependencies(env);
	const n8nHome = wantN8n ? provisionN8n(env) : null;
	if (n8nHome) env.INCIDENT_DATA_N8N_HOME = n8nHome;
	if (print) process.stdout.write(`${JSON.stringify(paths(nodeHome, n8nHome), null, 2)}\n`);
	if (command.length === 0) return 0;
	const result = spawnSync(command[0], command.slice(1), { stdio: 'inherit', env, cwd: process.cwd() });
	if (result.error) throw result.error;
	return result.status ?? 1;
}

if (require.main === module) {
	try {
		process.exitCode = main(process.argv.slice(2));
	} catch (error) {
		log(error instanceof Error ? error.message : String(error));
		process.exitCode = 1;
	}
}

module.exports = { cacheRoot, provisionNode, provisionN8n, toolchainEnv, N8N_VERSION, NODE_VERSION };
