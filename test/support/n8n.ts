/**
 * Drives a real n8n 2.41.1 (the copy `node scripts/toolchain.js --n8n` provisions) for the e2e
 * tests and the demo: pack this project, install the tarball into a throwaway N8N_USER_FOLDER,
 * import credentials and workflows, run workflows headless with `n8n execute`, or start the
 * server, set up its owner, run workflows through its REST API, publish workflows and read back
 * what their triggers produced.
 *
 * Every n8n command boots a whole instance (about 5-6 s), so batch where possible: import many
 * credentials/workflows in one call, run several workflows in one boot with `executeWorkflows`
 * (execute-batch), or start the server once and use `runWorkflow` (under a second per run).
 * The CLI never initialises n8n's backend modules: workflows with a Data table node fail under
 * `n8n execute` ("the module is disabled") and must go through `runWorkflow`.
 * Under jest, call disposeN8nHarness() in afterAll.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** Must match N8N_VERSION in scripts/toolchain.js; only used when its env variables are missing. */
const N8N_VERSION = '2.41.1';
const NODE_VERSION = '24.21.0';

export interface N8nHome {
	/** The N8N_USER_FOLDER: n8n keeps its data in `<userFolder>/.n8n`. */
	userFolder: string;
	/** The full environment every n8n process of this home runs with. */
	env: NodeJS.ProcessEnv;
	n8nBin: string;
	nodeBin: string;
	/** Name of the installed community package (its node types are `<packageName>.<node>`). */
	packageName: string;
	/** Where the output of every n8n command of this home is written. */
	logDir: string;
}

export interface CredentialImport {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export interface ExecutionItem {
	json: Record<string, unknown>;
	binary?: unknown;
	pairedItem?: unknown;
}

export interface ExecutionResult {
	/** n8n's execution status: success, error, crashed, canceled, waiting... */
	status: string;
	runData: Record<string, unknown[]>;
	error?: { message: string; node?: string; description?: string };
	lastNodeExecuted?: string;
	/** Items of the last run of a node on one of its outputs; throws when the node did not run. */
	output(nodeName: string, outputIndex?: number): ExecutionItem[];
	raw: unknown;
}

export interface N8nServer {
	url: string;
	port: number;
	home: N8nHome;
	owner: { email: string; password: string };
	logFile: string;
	/** A call to n8n's internal REST API (`/rest/...`) with the owner's session. */
	rest<T = unknown>(method: string, apiPath: string, body?: unknown): Promise<T>;
	/** A GET of n8n's internal REST API whose answer is not JSON (say, binary data), as text. */
	restText(apiPath: string): Promise<string>;
	/** The last lines n8n logged, readable. */
	logTail(lines?: number): string;
	/** Settles when the n8n process ends, by stop() or on its own. */
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	stop(): Promise<void>;
}

export interface CommandResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	logFile: string;
	durationMs: number;
}

/** A failure of the tooling or of n8n itself, carrying the end of n8n's log. */
export class N8nHarnessError extends Error {
	constructor(
		message: string,
		readonly logFile?: string,
		readonly tail?: string,
	) {
		super(
			[
				message,
				tail ? `--- n8n log tail ---\n${tail}` : '',
				logFile ? `(full log: ${logFile})` : '',
			]
				.filter(Boolean)
				.join('\n'),
		);
		this.name = 'N8nHarnessError';
	}
}

export const DEFAULT_OWNER = { email: 'owner@example.com', password: 'Incident-Data-1' };

// ---------------------------------------------------------------------------------------------
// Processes

/** Process groups still running, killed by disposeN8nHarness or when this process exits. */
const liveGroups = new Set<number>();
/** Temp folders made here (a home holds ~50 MB: n8n caches its editor UI in the user folder). */
const tempFolders = new Set<string>();
const TEMP_PREFIX = 'n8n-incident-data-';
/** Tarballs by project root: packed once per process (per test file under jest). */
const packs = new Map<string, Promise<string>>();
let exitHookInstalled = false;

/**
 * Kills n8n processes still running and removes the temp folders this module made (unless
 * INCIDENT_DATA_KEEP_N8N_HOME=1). Call it in afterAll: jest runs test files in a sandbox whose
 * process 'exit' listeners never fire, so the exit hook below only helps plain scripts. Temp
 * folders of a process that died anyway are swept by the next run.
 */
export function disposeN8nHarness(): void {
	for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
	liveGroups.clear();
	if (process.env.INCIDENT_DATA_KEEP_N8N_HOME !== '1') {
		for (const folder of tempFolders) fs.rmSync(folder, { recursive: true, force: true });
	}
	tempFolders.clear();
	packs.clear();
}

function installExitHook(): void {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.once('exit', disposeN8nHarness);
}

/** Removes temp folders left by processes that are gone (crashed runs, killed CI jobs). */
function sweepStaleTempFolders(): void {
	for (const name of fs.readdirSync(os.tmpdir())) {
		const owner = new RegExp(`^${TEMP_PREFIX}(\\d+)-`).exec(name);
		if (!owner || Number(owner[1]) === process.pid) continue;
		try {
			process.kill(Number(owner[1]), 0);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ESRCH') {
				fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
			}
		}
	}
}

function makeTempFolder(kind: string): string {
	installExitHook();
	if (tempFolders.size === 0) sweepStaleTempFolders();
	// The pid in the name lets a later run tell whether the folder's owner is still alive.
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), `${TEMP_PREFIX}${process.pid}-${kind}-`));
	tempFolders.add(folder);
	return folder;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		// The group has already exited.
	}
}

interface RunOptions {
	env: NodeJS.ProcessEnv;
	cwd: string;
	timeoutMs: number;
	logFile: string;
}

/**
 * Runs a command in its own process group (so a timeout also ends n8n's task-runner child),
 * capturing its output in memory and in a log file.
 */
function runProcess(command: string, args: string[], options: RunOptions): Promise<CommandResult> {
	installExitHook();
	const started = Date.now();
	fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
	const log = fs.createWriteStream(options.logFile);
	log.write(`$ ${command} ${args.join(' ')}\n`);
	return new Promise((resolve, reject) => {
		const child = spawnGroup(command, args, {
			cwd: options.cwd,
			env: options.env,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const stdout: Buffer[] = [];
		const stderr: Buffer[] = [];
		// Both are pipes (stdio above), never null here.
		child.stdout?.on('data', (chunk: Buffer) => {
			stdout.push(chunk);
			log.write(chunk);
		});
		child.stderr?.on('data', (chunk: Buffer) => {
			stderr.push(chunk);
			log.write(chunk);
		});
		if (child.pid !== undefined) liveGroups.add(child.pid);
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
		}, options.timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			log.end();
			reject(new N8nHarnessError(`cannot start ${command}: ${error.message}`, options.logFile));
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			if (child.pid !== undefined) {
				// The task runner n8n started may outlive it when n8n crashes.
				killGroup(child.pid, 'SIGKILL');
				liveGroups.delete(child.pid);
			}
			const result: CommandResult = {
				code,
				signal,
				stdout: Buffer.concat(stdout).toString('utf8'),
				stderr: Buffer.concat(stderr).toString('utf8'),
				logFile: options.logFile,
				durationMs: Date.now() - started,
			};
			log.end(`\n[exit ${code ?? signal} after ${result.durationMs} ms]\n`);
			if (timedOut) {
				reject(
					new N8nHarnessError(
						`${path.basename(command)} ${args.join(' ')} did not finish within ${options.timeoutMs} ms`,
						options.logFile,
						readableLog(result.stdout + result.stderr),
					),
				);
				return;
			}
			resolve(result);
		});
	});
}

/** Every process starts here, in its own process group so that it can be ended with its children. */
function spawnGroup(
	command: string,
	args: string[],
	options: { cwd: string; env: NodeJS.ProcessEnv; stdio: StdioOptions },
): ChildProcess {
	return spawn(command, args, { ...options, detached: true });
}

let logCounter = 0;
function logFileFor(home: N8nHome, label: string): string {
	logCounter += 1;
	const stamp = new Date().toISOString().replace(/[:.]/g, '-');
	return path.join(
		home.logDir,
		`${stamp}-${process.pid}-${logCounter}-${label.replace(/[^\w.-]+/g, '_')}.log`,
	);
}

/**
 * n8n logs one JSON object per line here (N8N_LOG_FORMAT=json); this turns the end of such a log
 * into readable lines, leaving out the hundreds of migration lines of a first boot.
 */
export function readableLog(text: string, lines = 40): string {
	const out: string[] = [];
	for (const line of text.split('\n')) {
		if (!line.trim()) continue;
		const entry = parseJsonObject(line);
		if (entry && typeof entry.message === 'string') {
			if (/^(Starting|Finished) migration /.test(entry.message)) continue;
			const level = typeof entry.level === 'string' ? entry.level : 'log';
			const message =
				entry.message.length > 1500 ? `${entry.message.slice(0, 1500)}...` : entry.message;
			out.push(`${level}: ${message}`);
		} else {
			out.push(line.length > 1500 ? `${line.slice(0, 1500)}...` : line);
		}
	}
	return out.slice(-lines).join('\n');
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
	const trimmed = text.trim();
	if (!trimmed.startsWith('{')) return undefined;
	try {
		const value: unknown = JSON.parse(trimmed);
		return isRecord(value) ? value : undefined;
	} catch {
		return undefined;
	}
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// Toolchain

function cacheRoot(): string {
	if (process.env.INCIDENT_DATA_CACHE) return path.resolve(process.env.INCIDENT_DATA_CACHE);
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, 'n8n-nodes-incident-data');
}

/** The cached n8n and Node 24, as provisioned by scripts/toolchain.js. */
export function resolveToolchain(): {
	n8nHome: string;
	n8nBin: string;
	nodeBin: string;
	cache: string;
} {
	const n8nHome =
		process.env.INCIDENT_DATA_N8N_HOME || path.join(cacheRoot(), `n8n-${N8N_VERSION}`);
	const n8nBin = path.join(n8nHome, 'node_modules', 'n8n', 'bin', 'n8n');
	if (!fs.existsSync(path.join(n8nHome, '.complete')) || !fs.existsSync(n8nBin)) {
		throw new N8nHarnessError(
			`n8n ${N8N_VERSION} is not provisioned at ${n8nHome}; run this through ` +
				'`node scripts/toolchain.js --n8n <command>` (e.g. `npm run test:e2e`), which installs it once per machine',
		);
	}
	let nodeBin: string | undefined;
	if (process.env.INCIDENT_DATA_NODE_HOME) {
		nodeBin = path.join(process.env.INCIDENT_DATA_NODE_HOME, 'bin', 'node');
	} else if (Number(process.versions.node.split('.')[0]) >= 24) {
		nodeBin = process.execPath;
	} else {
		const cached = path.join(
			cacheRoot(),
			`node-${NODE_VERSION}-${process.platform}-${process.arch}`,
			'bin',
			'node',
		);
		if (fs.existsSync(cached)) nodeBin = cached;
	}
	if (!nodeBin || !fs.existsSync(nodeBin)) {
		throw new N8nHarnessError(
			`n8n ${N8N_VERSION} needs Node >= 24 and none was found; run through \`node scripts/toolchain.js --n8n\``,
		);
	}
	return { n8nHome, n8nBin, nodeBin, cache: path.dirname(n8nHome) };
}

function npmEnv(nodeBin: string): NodeJS.ProcessEnv {
	return {
		...process.env,
		PATH: [path.dirname(nodeBin), process.env.PATH ?? ''].join(path.delimiter),
		npm_config_update_notifier: 'false',
		npm_config_fund: 'false',
		npm_config_audit: 'false',
		npm_config_loglevel: 'error',
	};
}

async function runNpm(
	args: string[],
	cwd: string,
	logFile: string,
	nodeBin: string,
): Promise<CommandResult> {
	const result = await runProcess('npm', args, {
		cwd,
		env: npmEnv(nodeBin),
		timeoutMs: 10 * 60_000,
		logFile,
	});
	if (result.code !== 0) {
		throw new N8nHarnessError(
			`npm ${args.join(' ')} (in ${cwd}) exited with ${result.code ?? result.signal}`,
			logFile,
			readableLog(result.stdout + result.stderr, 30),
		);
	}
	return result;
}

// ---------------------------------------------------------------------------------------------
// Pack and install

/**
 * `npm pack` of an already built project into a temp folder; the tarball path. Packed once per
 * process and project. Scripts are skipped: the build has already run, and a prepack hook must not
 * rebuild behind the caller's back.
 */
export function packProject(projectRoot: string): Promise<string> {
	const root = path.resolve(projectRoot);
	let pending = packs.get(root);
	if (!pending) {
		pending = pack(root);
		packs.set(root, pending);
		// A failed pack (say, before the build) must not be cached for the next caller.
		pending.catch(() => packs.delete(root));
	}
	return pending;
}

async function pack(root: string): Promise<string> {
	const { nodeBin } = resolveToolchain();
	const manifest = readPackageJson(path.join(root, 'package.json'));
	const n8nBlock = isRecord(manifest.n8n) ? manifest.n8n : {};
	const declared = [n8nBlock.nodes, n8nBlock.credentials].flatMap((list) =>
		Array.isArray(list) ? list.filter((entry): entry is string => typeof entry === 'string') : [],
	);
	const missing = declared.filter((file) => !fs.existsSync(path.join(root, file)));
	if (missing.length > 0) {
		throw new N8nHarnessError(
			`cannot pack ${root}: ${missing.join(', ')} missing; build first (npm run build)`,
		);
	}
	const destination = makeTempFolder('pack');
	const result = await runNpm(
		['pack', '--json', '--ignore-scripts', '--pack-destination', destination],
		root,
		path.join(destination, 'npm-pack.log'),
		nodeBin,
	);
	let filename: string | undefined;
	try {
		const parsed: unknown = JSON.parse(result.stdout);
		if (Array.isArray(parsed) && isRecord(parsed[0]) && typeof parsed[0].filename === 'string') {
			filename = parsed[0].filename;
		}
	} catch {
		// Older npm versions print more than the JSON; fall back to looking at the folder.
	}
	filename ??= fs.readdirSync(destination).find((name) => name.endsWith('.tgz'));
	if (!filename) throw new N8nHarnessError(`npm pack in ${root} produced no tarball`);
	// Scoped names pack to `scope-name-1.0.0.tgz`; npm reports `@scope/name-1.0.0.tgz` in --json.
	const tarball = path.join(destination, filename.replace(/^@/, '').replace(/\//, '-'));
	if (!fs.existsSync(tarball))
		throw new N8nHarnessError(`npm pack reported ${filename} but ${tarball} is missing`);
	return tarball;
}

function readPackageJson(file: string): Record<string, unknown> {
	if (!fs.existsSync(file)) throw new N8nHarnessError(`${file} not found`);
	const parsed = parseJsonObject(fs.readFileSync(file, 'utf8'));
	if (!parsed) throw new N8nHarnessError(`${file} is not a JSON object`);
	return parsed;
}

/** Env variables from the caller's environment that would point n8n somewhere else. */
const FOREIGN_ENV =
	/^(N8N_|DB_|EXECUTIONS_|QUEUE_|NODES_|CREDENTIALS_|EXTERNAL_HOOK_FILES$|WEBHOOK_URL$)/;

/**
 * A N8N_USER_FOLDER with the tarball installed as a community package. Without `folder` it is a
 * fresh temp folder, removed by disposeN8nHarness() or when this process exits (set
 * INCIDENT_DATA_KEEP_N8N_HOME=1 to keep it); a given folder is reused: its database stays, the
 * package is installed anew.
 */
export async function createN8nHome(options: {
	tarball: string;
	folder?: string;
	env?: NodeJS.ProcessEnv;
}): Promise<N8nHome> {
	const { n8nBin, nodeBin } = resolveToolchain();
	const tarball = path.resolve(options.tarball);
	if (!fs.existsSync(tarball)) throw new N8nHarnessError(`tarball ${tarball} not found`);
	const userFolder = options.folder ? path.resolve(options.folder) : makeTempFolder('home');
	const logDir = path.join(userFolder, 'logs');
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	// A reused home must not keep the previous build, nor a lock file pointing at a tarball that
	// has since been deleted: start the nodes folder over (the npm cache keeps this fast).
	fs.rmSync(nodesDir, { recursive: true, force: true });
	// Logs and import files of earlier runs would only pile up in a reused home.
	fs.rmSync(logDir, { recursive: true, force: true });
	fs.rmSync(path.join(userFolder, 'imports'), { recursive: true, force: true });
	fs.mkdirSync(nodesDir, { recursive: true });
	fs.mkdirSync(logDir, { recursive: true });
	// The tarball is copied in, so the home stays consistent after the pack folder is removed.
	const localTarball = path.basename(tarball);
	fs.copyFileSync(tarball, path.join(nodesDir, localTarball));
	fs.writeFileSync(
		path.join(nodesDir, 'package.json'),
		`${JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2)}\n`,
	);
	// --legacy-peer-deps: n8n-workflow is a peer dependency that n8n itself provides (through
	// NODE_PATH); a second copy here would break instanceof checks. --omit=peer gives the same tree
	// with npm 11 but first resolves the peer against the registry (about 10 s instead of 0.5 s).
	// --ignore-scripts: nothing this project needs builds on install.
	await runNpm(
		[
			'install',
			`./${localTarball}`,
			'--legacy-peer-deps',
			'--ignore-scripts',
			'--no-audit',
			'--no-fund',
		],
		nodesDir,
		path.join(logDir, 'npm-install.log'),
		nodeBin,
	);
	const installed = readPackageJson(path.join(nodesDir, 'package.json'));
	const names = isRecord(installed.dependencies) ? Object.keys(installed.dependencies) : [];
	if (names.length !== 1)
		throw new N8nHarnessError(
			`expected one package installed in ${nodesDir}, found ${names.join(', ')}`,
		);
	const packageName = names[0];
	// n8n only scans node_modules for these names (scanDirectoryForPackages in n8n-core).
	if (!/^(@[^/]+\/)?n8n-nodes-/.test(packageName)) {
		throw new N8nHarnessError(
			`n8n loads community packages named n8n-nodes-* or @scope/n8n-nodes-* only, not ${packageName}`,
		);
	}
	const packageJson = readPackageJson(
		path.join(nodesDir, 'node_modules', packageName, 'package.json'),
	);
	if (!isRecord(packageJson.n8n))
		throw new N8nHarnessError(`${packageName} has no "n8n" block in its package.json`);
	// Should a dependency ever pull n8n-workflow in as a regular dependency, drop it: modules then
	// resolve n8n's own copy, which is what instanceof checks inside n8n expect.
	fs.rmSync(path.join(nodesDir, 'node_modules', 'n8n-workflow'), { recursive: true, force: true });

	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (!FOREIGN_ENV.test(key)) env[key] = value;
	}
	Object.assign(env, {
		PATH: [path.dirname(nodeBin), process.env.PATH ?? ''].join(path.delimiter),
		// Jest sets NODE_ENV=test, under which n8n refuses to load nodes and logs nothing; n8n's
		// own Docker image runs with production.
		NODE_ENV: 'production',
		N8N_USER_FOLDER: userFolder,
		DB_TYPE: 'sqlite',
		// Fixed per folder: n8n stores the key in .n8n/config on first boot and refuses another.
		N8N_ENCRYPTION_KEY: createHash('sha256')
			.update(`n8n-nodes-incident-data:${userFolder}`)
			.digest('hex')
			.slice(0, 32),
		// Offline and quiet: no telemetry, update checks, templates, banners, community-node
		// registry (Strapi) look-ups, or MCP registry refresh (which calls api.n8n.io at start).
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		N8N_DISABLED_MODULES: 'mcp-registry',
		// The nodes call the vendor sandbox on 127.0.0.1; keep SSRF protection (off by default in
		// 2.41.1) off explicitly so a default change cannot make every e2e call fail.
		N8N_SSRF_PROTECTION_ENABLED: 'false',
		// waitForExecutions and runWorkflow read executions back: keep every one of them.
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
		// One JSON object per line: `n8n execute` logs the run data as one message we can parse.
		N8N_LOG_FORMAT: 'json',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		NO_COLOR: '1',
		...options.env,
	});
	return { userFolder, env, n8nBin, nodeBin, packageName, logDir };
}

/** Deletes a home (stop its server first). */
export function removeN8nHome(home: N8nHome): void {
	fs.rmSync(home.userFolder, { recursive: true, force: true });
	tempFolders.delete(home.userFolder);
}

// ---------------------------------------------------------------------------------------------
// CLI

async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

async function assertPortFree(port: number): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		const server = net.createServer();
		server.once('error', (error: NodeJS.ErrnoException) =>
			reject(
				new N8nHarnessError(
					error.code === 'EADDRINUSE'
						? `port ${port} is already in use (is another n8n or demo still running?)`
						: `cannot listen on port ${port}: ${error.message}`,
				),
			),
		);
		server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
	});
}

/**
 * Runs `n8n <args>` for a home. Each process gets its own task-runner broker port: n8n's default
 * (5679) would collide between a running server and a CLI command, or two test files.
 */
export async function runN8nCommand(
	home: N8nHome,
	args: string[],
	options: { timeoutMs?: number; label?: string } = {},
): Promise<CommandResult> {
	const env = { ...home.env, N8N_RUNNERS_BROKER_PORT: String(await freePort()) };
	return await runProcess(home.nodeBin, [home.n8nBin, ...args], {
		env,
		cwd: home.userFolder,
		timeoutMs: options.timeoutMs ?? 5 * 60_000,
		logFile: logFileFor(home, options.label ?? args[0] ?? 'n8n'),
	});
}

function messages(stdout: string): string[] {
	const out: string[] = [];
	for (const line of stdout.split('\n')) {
		const entry = parseJsonObject(line);
		if (entry && typeof entry.message === 'string') out.push(entry.message);
	}
	return out;
}

function writeInput(home: N8nHome, label: string, value: unknown): string {
	const folder = path.join(home.userFolder, 'imports');
	fs.mkdirSync(folder, { recursive: true });
	logCounter += 1;
	const file = path.join(folder, `${Date.now()}-${logCounter}-${label}.json`);
	fs.writeFileSync(file, JSON.stringify(value, null, 2));
	return file;
}

async function importEntities(
	home: N8nHome,
	kind: 'credentials' | 'workflow',
	entities: unknown[],
): Promise<void> {
	if (entities.length === 0) return;
	const input = writeInput(home, kind, entities);
	const result = await runN8nCommand(home, [`import:${kind}`, `--input=${input}`], {
		label: `import-${kind}`,
	});
	const noun = kind === 'credentials' ? 'credential' : 'workflow';
	const expected = new RegExp(`^Successfully imported ${entities.length} ${noun}s?\\.`);
	const ok = messages(result.stdout).some((message) => expected.test(message));
	// import:* exits 0 even when it fails or skips workflows (content-import policy), so the
	// success line is what counts.
	if (!ok) {
		throw new N8nHarnessError(
			`n8n import:${kind} of ${entities.length} ${noun}(s) did not succeed (exit ${result.code ?? result.signal})`,
			result.logFile,
			readableLog(result.stdout + result.stderr),
		);
	}
}

/** Imports credentials (data in clear; n8n encrypts it with the home's key), in one n8n boot. */
export async function importCredentials(
	home: N8nHome,
	credentials: CredentialImport[],
): Promise<void> {
	for (const credential of credentials) {
		if (!credential.id || !credential.type)
			throw new N8nHarnessError(`credential ${credential.name} needs an id and a type`);
	}
	await importEntities(home, 'credentials', credentials);
}

/**
 * Imports workflows in one n8n boot. Each needs an id of 1-21 characters (`n8n execute` ignores
 * longer ones, and with them the workflow's static data); credentials are referenced by id.
 * Importing an existing id replaces that workflow and unpublishes it.
 */
export async function importWorkflows(
	home: N8nHome,
	workflows: Array<Record<string, unknown>>,
): Promise<void> {
	for (const workflow of workflows) {
		const id = workflow.id;
		if (typeof id !== 'string' || id.length === 0 || id.length > 21) {
			throw new N8nHarnessError(
				`workflow ${String(workflow.name)} needs a string id of 1-21 characters, has ${String(id)}`,
			);
		}
		if (!Array.isArray(workflow.nodes) || !isRecord(workflow.connections)) {
			throw new N8nHarnessError(`workflow ${id} needs nodes and connections`);
		}
	}
	await importEntities(home, 'workflow', workflows);
}

/** Turns n8n's IRun (what `execute` prints, and what executions store) into an ExecutionResult. */
export function toExecutionResult(run: Record<string, unknown>): ExecutionResult {
	const data = isRecord(run.data) ? run.data : {};
	const resultData = isRecord(data.resultData) ? data.resultData : {};
	const runData: Record<string, unknown[]> = {};
	if (isRecord(resultData.runData)) {
		for (const [node, tasks] of Object.entries(resultData.runData)) {
			if (Array.isArray(tasks)) runData[node] = tasks;
		}
	}
	const rawError = isRecord(resultData.error) ? resultData.error : undefined;
	const error = rawError ? describeError(rawError) : undefined;
	const lastNodeExecuted =
		typeof resultData.lastNodeExecuted === 'string' ? resultData.lastNodeExecuted : undefined;
	let status = typeof run.status === 'string' ? run.status : rawError ? 'error' : 'success';
	if (status === 'success' && rawError) status = 'error';
	return {
		status,
		runData,
		error,
		lastNodeExecuted,
		raw: run,
		output(nodeName: string, outputIndex = 0): ExecutionItem[] {
			const tasks = runData[nodeName];
			if (!tasks || tasks.length === 0) {
				const ran = Object.keys(runData).join(', ') || 'none';
				const why = error ? `; the run ended with ${status}: ${error.message}` : '';
				throw new Error(`node "${nodeName}" did not run (nodes that ran: ${ran})${why}`);
			}
			const task = tasks[tasks.length - 1];
			const taskData = isRecord(task) && isRecord(task.data) ? task.data : {};
			const main = Array.isArray(taskData.main) ? taskData.main : [];
			const items: unknown = main[outputIndex];
			return Array.isArray(items) ? items.filter(isRecord).map(toItem) : [];
		},
	};
}

function toItem(item: Record<string, unknown>): ExecutionItem {
	return {
		...item,
		json: isRecord(item.json) ? item.json : {},
	};
}

function describeError(error: Record<string, unknown>): {
	message: string;
	node?: string;
	description?: string;
} {
	const message =
		typeof error.message === 'string' ? error.message : JSON.stringify(error).slice(0, 500);
	const node =
		isRecord(error.node) && typeof error.node.name === 'string' ? error.node.name : undefined;
	const description =
		typeof error.description === 'string' && error.description ? error.description : undefined;
	return { message, node, description };
}

/** The last IRun `n8n execute` logged: one JSON log line whose message is the pretty-printed run. */
function findRun(stdout: string): Record<string, unknown> | undefined {
	let found: Record<string, unknown> | undefined;
	for (const message of messages(stdout)) {
		const candidate = message.startsWith('{') ? parseJsonObject(message) : undefined;
		if (candidate && isRecord(candidate.data) && isRecord(candidate.data.resultData))
			found = candidate;
	}
	if (found) return found;
	// Without N8N_LOG_FORMAT=json the run is printed as plain pretty JSON between a line `{` and a
	// line `}`; accept that too, should a caller override the log format.
	const lines = stdout.split('\n');
	for (let start = lines.length - 1; start >= 0; start--) {
		if (lines[start] !== '{') continue;
		for (let end = start + 1; end < lines.length; end++) {
			if (lines[end] !== '}') continue;
			const candidate = parseJsonObject(lines.slice(start, end + 1).join('\n'));
			if (candidate && isRecord(candidate.data) && isRecord(candidate.data.resultData))
				return candidate;
		}
	}
	return undefined;
}

/**
 * `n8n execute --id=<id> --rawOutput`: boots n8n, runs the workflow from its Manual Trigger,
 * prints the run. A run that fails inside the workflow resolves with status `error` and the
 * error; only when n8n prints no run at all (unknown id, n8n failing to boot) does this throw.
 * The exit code is not trusted: n8n 2.41.1 sometimes segfaults while exiting after a good run.
 */
export async function executeWorkflow(
	home: N8nHome,
	workflowId: string,
	options: { timeoutMs?: number } = {},
): Promise<ExecutionResult> {
	const result = await runN8nCommand(home, ['execute', `--id=${workflowId}`, '--rawOutput'], {
		timeoutMs: options.timeoutMs,
		label: `execute-${workflowId}`,
	});
	const run = findRun(result.stdout);
	if (!run) {
		throw new N8nHarnessError(
			`n8n execute --id=${workflowId} printed no execution (exit ${result.code ?? result.signal})`,
			result.logFile,
			readableLog(result.stdout + result.stderr),
		);
	}
	return toExecutionResult(run);
}

/**
 * Runs several workflows in one n8n boot with `n8n execute-batch` (one after another), which saves
 * a boot (about 4-5 s) per extra workflow. Successful runs come with full run data; failed ones only
 * with the message n8n's batch summary keeps (the error's description, else its message) and the
 * node it failed on. Ids must contain a digit: execute-batch silently drops other ids.
 */
export async function executeWorkflows(
	home: N8nHome,
	workflowIds: string[],
	options: { timeoutMs?: number } = {},
): Promise<Map<string, ExecutionResult>> {
	const results = new Map<string, ExecutionResult>();
	if (workflowIds.length === 0) return results;
	for (const id of workflowIds) {
		if (!/\d/.test(id) || id.includes(','))
			throw new N8nHarnessError(
				`execute-batch cannot run workflow id "${id}" (needs a digit, no commas)`,
			);
	}
	const folder = fs.mkdtempSync(path.join(home.userFolder, 'batch-'));
	const snapshots = path.join(folder, 'snapshots');
	fs.mkdirSync(snapshots);
	const summaryFile = path.join(folder, 'summary.json');
	try {
		const result = await runN8nCommand(
			home,
			[
				'execute-batch',
				`--ids=${workflowIds.join(',')}`,
				'--retries=0',
				`--snapshot=${snapshots}`,
				`--output=${summaryFile}`,
			],
			{ timeoutMs: options.timeoutMs ?? 10 * 60_000, label: 'execute-batch' },
		);
		const summary = fs.existsSync(summaryFile)
			? parseJsonObject(fs.readFileSync(summaryFile, 'utf8'))
			: undefined;
		const executions =
			summary && Array.isArray(summary.executions) ? summary.executions.filter(isRecord) : [];
		for (const execution of executions) {
			const id = String(execution.workflowId);
			const snapshot = path.join(snapshots, `${id}-snapshot.json`);
			const run = fs.existsSync(snapshot)
				? parseJsonObject(fs.readFileSync(snapshot, 'utf8'))
				: undefined;
			if (execution.executionStatus === 'success' && run) {
				results.set(id, toExecutionResult(run));
				continue;
			}
			const text =
				typeof execution.error === 'string'
					? execution.error
					: `execution ${String(execution.executionStatus)}`;
			const onNode = / on node (.+)$/.exec(text);
			const message = onNode ? text.slice(0, onNode.index) : text;
			results.set(
				id,
				toExecutionResult({
					status: 'error',
					data: {
						resultData: {
							runData: {},
							error: { message, node: onNode ? { name: onNode[1] } : undefined },
						},
					},
				}),
			);
		}
		const missing = workflowIds.filter((id) => !results.has(id));
		if (missing.length > 0) {
			throw new N8nHarnessError(
				`n8n execute-batch reported nothing for ${missing.join(', ')} (exit ${result.code ?? result.signal})`,
				result.logFile,
				readableLog(result.stdout + result.stderr),
			);
		}
		return results;
	} finally {
		fs.rmSync(folder, { recursive: true, force: true });
	}
}

// ---------------------------------------------------------------------------------------------
// Server

/** Reads lines appended to a log file, for the tail shown when something fails. */
function fileTail(file: string, lines: number): string {
	try {
		const size = fs.statSync(file).size;
		const length = Math.min(size, 256 * 1024);
		const fd = fs.openSync(file, 'r');
		try {
			const buffer = Buffer.alloc(length);
			fs.readSync(fd, buffer, 0, length, size - length);
			return readableLog(buffer.toString('utf8'), lines);
		} finally {
			fs.closeSync(fd);
		}
	} catch {
		return '(no log)';
	}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `n8n start` on 127.0.0.1 (a free port unless given), waits until it serves its REST API,
 * creates the owner account through the setup endpoint n8n 2.x requires (or logs in, when the home
 * already has that owner) and keeps the owner's session for `rest()`.
 */
export async function startN8n(
	home: N8nHome,
	options: { port?: number; owner?: { email: string; password: string }; timeoutMs?: number } = {},
): Promise<N8nServer> {
	installExitHook();
	const port = options.port ?? (await freePort());
	if (options.port !== undefined) await assertPortFree(port);
	const owner = options.owner ?? DEFAULT_OWNER;
	const url = `http://localhost:${port}`;
	// Programmatic calls go to 127.0.0.1: "localhost" may resolve to ::1, where n8n does not listen.
	const apiBase = `http://127.0.0.1:${port}`;
	const env: NodeJS.ProcessEnv = {
		...home.env,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: 'localhost',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: url,
		N8N_WEBHOOK_URL: `${url}/`,
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
	};
	const logFile = logFileFor(home, `server-${port}`);
	fs.mkdirSync(path.dirname(logFile), { recursive: true });
	const logFd = fs.openSync(logFile, 'a');
	// Output goes straight into the log file: the server can run for hours (the demo) and must
	// never block on a full pipe.
	const child = spawnGroup(home.nodeBin, [home.n8nBin, 'start'], {
		cwd: home.userFolder,
		env,
		stdio: ['ignore', logFd, logFd],
	});
	fs.closeSync(logFd);
	const pid = child.pid;
	if (pid === undefined) throw new N8nHarnessError('cannot start n8n', logFile);
	liveGroups.add(pid);
	let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
	const exitedPromise = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
		(resolve) => {
			child.on('exit', (code, signal) => {
				exited = { code, signal };
				resolve(exited);
			});
		},
	);

	const stop = async (): Promise<void> => {
		if (!exited) {
			// SIGTERM lets n8n shut down (it closes the DB and its task runner); SIGKILL after 20 s.
			killGroup(pid, 'SIGTERM');
			let timer: NodeJS.Timeout | undefined;
			await Promise.race([
				exitedPromise,
				new Promise((resolve) => (timer = setTimeout(resolve, 20_000))),
			]);
			// A pending timer would keep the caller (say, jest) alive for 20 s after a clean stop.
			clearTimeout(timer);
		}
		killGroup(pid, 'SIGKILL');
		liveGroups.delete(pid);
	};
	const fail = async (message: string): Promise<never> => {
		await stop();
		throw new N8nHarnessError(message, logFile, fileTail(logFile, 40));
	};

	const deadline = Date.now() + (options.timeoutMs ?? 120_000);
	// /healthz/readiness turns 200 once the DB is migrated; /rest/settings once the REST API is up.
	for (;;) {
		if (exited)
			return await fail(
				`n8n start exited with ${exited.code ?? exited.signal} before it was ready`,
			);
		if (Date.now() > deadline)
			return await fail(`n8n did not become ready on port ${port} in time`);
		const ready = await probe(`${apiBase}/healthz/readiness`);
		if (ready && (await probe(`${apiBase}/rest/settings`))) break;
		await sleep(250);
	}

	const browserId = `incident-data-harness-${process.pid}`;
	let cookie = '';
	const rest = async <T = unknown>(method: string, apiPath: string, body?: unknown): Promise<T> => {
		const headers: Record<string, string> = { 'browser-id': browserId, accept: 'application/json' };
		if (cookie) headers.cookie = cookie;
		if (body !== undefined) headers['content-type'] = 'application/json';
		const response = await fetch(`${apiBase}/rest${apiPath}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const authCookie = response.headers
			.getSetCookie()
			.find((value) => value.startsWith('n8n-auth='));
		if (authCookie) cookie = authCookie.split(';')[0];
		const text = await response.text();
		const parsed = parseJsonObject(text);
		if (!response.ok) {
			const message =
				parsed && typeof parsed.message === 'string' ? parsed.message : text.slice(0, 500);
			throw new N8nHarnessError(
				`${method} /rest${apiPath} answered ${response.status}: ${message}`,
				logFile,
				fileTail(logFile, 20),
			);
		}
		// n8n wraps REST answers in { data }.
		return (parsed && 'data' in parsed ? parsed.data : parsed) as T;
	};

	const restText = async (apiPath: string): Promise<string> => {
		const response = await fetch(`${apiBase}/rest${apiPath}`, {
			headers: { 'browser-id': browserId, cookie },
		});
		const text = await response.text();
		if (!response.ok)
			throw new N8nHarnessError(
				`GET /rest${apiPath} answered ${response.status}: ${text.slice(0, 500)}`,
				logFile,
				fileTail(logFile, 20),
			);
		return text;
	};

	try {
		const settings = await rest<Record<string, unknown>>('GET', '/settings');
		const userManagement = isRecord(settings.userManagement) ? settings.userManagement : {};
		if (userManagement.showSetupOnFirstLoad === true) {
			await rest('POST', '/owner/setup', {
				email: owner.email,
				firstName: 'Demo',
				lastName: 'Owner',
				password: owner.password,
			});
		}
		await rest('POST', '/login', { emailOrLdapLoginId: owner.email, password: owner.password });
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		return await fail(
			`cannot set up or log in the owner ${owner.email}: ${reason}\n` +
				`(a reused home keeps its first owner; delete ${home.userFolder} to start over)`,
		);
	}

	return {
		url,
		port,
		home,
		owner,
		logFile,
		rest,
		restText,
		logTail: (lines = 40) => fileTail(logFile, lines),
		exited: exitedPromise,
		stop,
	};
}

async function probe(target: string): Promise<boolean> {
	try {
		const response = await fetch(target, { signal: AbortSignal.timeout(2000) });
		await response.arrayBuffer();
		return response.ok;
	} catch {
		return false;
	}
}

/**
 * Publishes ("activates", in n8n 1.x terms) the current version of a workflow in a running n8n:
 * `POST /rest/workflows/:id/activate` with its versionId. n8n 2.41.1 applies it asynchronously
 * through its publication outbox, so this then waits for /publication-status to settle, and throws
 * with the trigger's error when n8n could not start it. Activation runs a poll trigger once right
 * away; webhooks are registered under `${server.url}/webhook/...`.
 */
export async function activateWorkflow(
	server: N8nServer,
	workflowId: string,
	options: { timeoutMs?: number } = {},
): Promise<void> {
	const workflow = await server.rest<Record<string, unknown>>('GET', `/workflows/${workflowId}`);
	if (typeof workflow.versionId !== 'string')
		throw new N8nHarnessError(`workflow ${workflowId} has no versionId`);
	await server.rest('POST', `/workflows/${workflowId}/activate`, { versionId: workflow.versionId });
	const deadline = Date.now() + (options.timeoutMs ?? 60_000);
	let last: Record<string, unknown> = {};
	while (Date.now() < deadline) {
		last = await server.rest<Record<string, unknown>>(
			'GET',
			`/workflows/${workflowId}/publication-status`,
		);
		if (last.status === 'published') return;
		if (last.status === 'failed' || last.status === 'partial') {
			const triggers = Array.isArray(last.triggers) ? last.triggers.filter(isRecord) : [];
			const reasons = triggers
				.filter((trigger) => trigger.status === 'failed')
				.map((trigger) => `${String(trigger.nodeId)}: ${String(trigger.errorMessage)}`);
			throw new N8nHarnessError(
				`publishing workflow ${workflowId} ${String(last.status)}: ${reasons.join('; ') || 'no reason given'}`,
				server.logFile,
				server.logTail(30),
			);
		}
		await sleep(250);
	}
	throw new N8nHarnessError(
		`workflow ${workflowId} was not published in time (last status ${JSON.stringify(last)})`,
		server.logFile,
		server.logTail(30),
	);
}

/** Unpublishes a workflow in a running n8n, stopping its triggers. */
export async function deactivateWorkflow(server: N8nServer, workflowId: string): Promise<void> {
	await server.rest('POST', `/workflows/${workflowId}/deactivate`, {});
}

const FINISHED = ['success', 'error', 'crashed', 'canceled'];

interface FlattedModule {
	parse(text: string): unknown;
}

let flatted: FlattedModule | undefined;
/** n8n stores execution data in the `flatted` format; its own copy of the module reads it. */
function loadFlatted(): FlattedModule {
	if (flatted) return flatted;
	const { n8nHome } = resolveToolchain();
	const requireFromN8n = createRequire(path.join(n8nHome, 'node_modules', 'n8n', 'package.json'));
	const loaded: unknown = requireFromN8n('flatted');
	if (!isRecord(loaded) || typeof loaded.parse !== 'function')
		throw new N8nHarnessError('flatted in the n8n install has no parse()');
	flatted = loaded as unknown as FlattedModule;
	return flatted;
}

/**
 * Waits until a workflow has at least `count` finished executions in a running n8n (REST API,
 * owner's session) and returns all of its finished executions, oldest first, with their run data.
 */
export async function waitForExecutions(
	server: N8nServer,
	workflowId: string,
	count: number,
	timeoutMs = 60_000,
): Promise<ExecutionResult[]> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const ids = await finishedExecutionIds(server, workflowId);
		if (ids.length >= count) {
			const results: ExecutionResult[] = [];
			for (const id of ids) results.push(await readExecution(server, id));
			return results;
		}
		if (Date.now() > deadline) {
			throw new N8nHarnessError(
				`workflow ${workflowId} has ${ids.length} finished execution(s) after ${timeoutMs} ms, expected ${count}`,
				server.logFile,
				server.logTail(30),
			);
		}
		await sleep(500);
	}
}

/** Ids of a workflow's finished executions, oldest first (the API pages 100 at a time with a cursor). */
async function finishedExecutionIds(server: N8nServer, workflowId: string): Promise<string[]> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId, status: FINISHED }));
	const ids: string[] = [];
	let cursor: string | undefined;
	for (let pageNumber = 0; pageNumber < 1000; pageNumber++) {
		const query = `/executions?filter=${filter}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
		const page = await server.rest<Record<string, unknown>>('GET', query);
		const results = Array.isArray(page.results) ? page.results.filter(isRecord) : [];
		ids.push(...results.map((summary) => String(summary.id)));
		if (typeof page.nextCursor !== 'string' || results.length === 0) break;
		cursor = page.nextCursor;
	}
	return [...new Set(ids)].sort((a, b) => Number(a) - Number(b));
}

/**
 * Runs a workflow from its Manual Trigger in a running n8n, as the editor's "Execute workflow"
 * button does (`POST /rest/workflows/:id/run`), and waits for the execution to finish. Unlike
 * `n8n execute`, this runs with n8n's backend modules initialised: in 2.41.1 the CLI never
 * initialises them, so nodes that need one (Data table: "the module is disabled") only work here.
 * Manual runs do not save workflow static data.
 */
export async function runWorkflow(
	server: N8nServer,
	workflowId: string,
	options: { timeoutMs?: number } = {},
): Promise<ExecutionResult> {
	const workflow = await server.rest<Record<string, unknown>>('GET', `/workflows/${workflowId}`);
	const nodes = Array.isArray(workflow.nodes) ? workflow.nodes.filter(isRecord) : [];
	const trigger = nodes.find(
		(node) => node.type === 'n8n-nodes-base.manualTrigger' && node.disabled !== true,
	);
	if (!trigger || typeof trigger.name !== 'string')
		throw new N8nHarnessError(`workflow ${workflowId} has no Manual Trigger to start from`);
	const started = await server.rest<Record<string, unknown>>(
		'POST',
		`/workflows/${workflowId}/run`,
		{
			triggerToStartFrom: { name: trigger.name },
		},
	);
	if (typeof started.executionId !== 'string') {
		throw new N8nHarnessError(
			`n8n did not start workflow ${workflowId}: ${JSON.stringify(started)}`,
			server.logFile,
			server.logTail(30),
		);
	}
	const deadline = Date.now() + (options.timeoutMs ?? 5 * 60_000);
	for (;;) {
		// A running execution may not be readable yet (404 until it is stored): retry until the deadline.
		const execution = await server
			.rest<Record<string, unknown>>('GET', `/executions/${started.executionId}`)
			.catch(() => undefined);
		if (
			execution &&
			typeof execution.status === 'string' &&
			[...FINISHED, 'waiting'].includes(execution.status)
		) {
			return await readExecution(server, started.executionId);
		}
		if (Date.now() > deadline) {
			throw new N8nHarnessError(
				`execution ${started.executionId} of workflow ${workflowId} did not finish in time`,
				server.logFile,
				server.logTail(30),
			);
		}
		await sleep(300);
	}
}

/** One execution of a running n8n, with its run data. */
export async function readExecution(
	server: N8nServer,
	executionId: string,
): Promise<ExecutionResult> {
	const execution = await server.rest<Record<string, unknown>>('GET', `/executions/${executionId}`);
	const data =
		typeof execution.data === 'string' ? loadFlatted().parse(execution.data) : execution.data;
	const result = toExecutionResult({ ...execution, data: isRecord(data) ? data : {} });
	return { ...result, raw: { ...execution, data } };
}
