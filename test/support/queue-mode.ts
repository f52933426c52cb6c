/**
 * n8n 2.41.1 in queue mode on loopback, with real processes, for the scale tests:
 *  - PostgreSQL (test/support/postgres.ts): n8n's database `n8n` (workflows may write to their own
 *    schema in it through a Postgres credential on the same server);
 *  - Redis: a real `redis-server` (Debian's package, installed by scripts/setup-redis.sh) on a free
 *    port, no persistence;
 *  - `n8n start` (main: editor, REST API, publishing, schedules; production webhooks disabled),
 *    one `n8n webhook` process (receives every production webhook and enqueues the execution) and
 *    `n8n worker` processes (run the executions), all sharing one N8N_USER_FOLDER with this pack in
 *    .n8n/nodes, one encryption key, and their own ports (HTTP, task-runner broker, worker health).
 *
 * Everything stops in `stop()` (call it in afterAll). Jest never fires a test file's process 'exit'
 * listeners, so a small watchdog process also ends every process group and removes the scratch
 * folders as soon as the test process is gone, however it ended.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import {
	createN8nHome,
	importCredentials,
	importWorkflows,
	N8nHarnessError,
	packProject,
	readableLog,
	removeN8nHome,
	startN8n,
	type CredentialImport,
	type N8nHome,
	type N8nServer,
} from './n8n';
import { freePort, startPostgres, type PostgresServer } from './postgres';

const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 20_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Watchdog: ends every process group of this module when the test process dies.

let watchdogFile: string | undefined;
const groups = new Set<number>();

function writeWatchdogFile(): void {
	if (watchdogFile) fs.writeFileSync(watchdogFile, JSON.stringify({ groups: [...groups] }));
}

/** Tracks a process group; the watchdog (started once) kills it should this process die first. */
function track(pid: number): void {
	groups.add(pid);
	if (!watchdogFile) {
		watchdogFile = path.join(os.tmpdir(), `incident-data-queue-watchdog-${process.pid}.json`);
		writeWatchdogFile();
		// Polls once a second whether its parent is alive, noting every descendant of the parent
		// meanwhile (n8n main and PostgreSQL are started by other helpers, not tracked here); when the
		// parent is gone, kills the tracked groups and the noted descendants. Stops by itself when the
		// file is removed (a clean stop) and after 6 hours at the latest.
		const script = `
			const fs = require('fs');
			const [file, parent] = process.argv.slice(1);
			const started = Date.now();
			const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
			let descendants = new Set();
			const note = () => {
				const children = new Map();
				for (const name of fs.readdirSync('/proc')) {
					if (!/^[0-9]+$/.test(name) || Number(name) === process.pid) continue;
					try {
						const stat = fs.readFileSync('/proc/' + name + '/stat', 'utf8');
						const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
						if (!children.has(ppid)) children.set(ppid, []);
						children.get(ppid).push(Number(name));
					} catch {}
				}
				const found = new Set();
				const walk = (pid, depth) => { if (depth > 20) return; for (const child of children.get(pid) || []) { found.add(child); walk(child, depth + 1); } };
				walk(Number(parent), 0);
				descendants = found;
			};
			const tick = () => {
				if (!fs.existsSync(file)) process.exit(0);
				if (alive(Number(parent)) && Date.now() - started < 6 * 3600e3) { note(); return; }
				let groups = [];
				try { groups = JSON.parse(fs.readFileSync(file, 'utf8')).groups; } catch {}
				for (const pid of groups) { try { process.kill(-pid, 'SIGKILL'); } catch {} }
				for (const pid of descendants) { try { process.kill(-pid, 'SIGKILL'); } catch {} try { process.kill(pid, 'SIGKILL'); } catch {} }
				fs.rmSync(file, { force: true });
				process.exit(0);
			};
			setInterval(tick, 1000);`;
		const watchdog = spawn(process.execPath, ['-e', script, watchdogFile, String(process.pid)], {
			detached: true,
			stdio: 'ignore',
		});
		watchdog.unref();
	} else {
		writeWatchdogFile();
	}
}

function untrack(pid: number): void {
	groups.delete(pid);
	writeWatchdogFile();
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		// Already gone.
	}
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
	return new Promise((resolve) => {
		const timer = setTimeout(resolve, timeoutMs);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve();
		});
	});
}

// ---------------------------------------------------------------------------------------------
// Redis

export interface RedisServer {
	host: string;
	port: number;
	stop(): Promise<void>;
}

/**
 * One Redis command in RESP (arguments may hold any bytes); the reply when it is a simple string,
 * an error (rejected), an integer or a bulk string, null for a nil reply. Array replies are not
 * needed here and are rejected.
 */
export function redisCall(port: number, args: string[]): Promise<string | number | null> {
	return new Promise((resolve, reject) => {
		const socket = net.connect({ host: '127.0.0.1', port });
		socket.setTimeout(2_000, () => socket.destroy(new Error('redis did not answer in 2 s')));
		let reply = Buffer.alloc(0);
		const settle = (value: string | number | null | Error): void => {
			socket.end();
			if (value instanceof Error) reject(value);
			else resolve(value);
		};
		socket.on('connect', () =>
			socket.write(
				`*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`,
			),
		);
		socket.on('data', (chunk: Buffer) => {
			reply = Buffer.concat([reply, chunk]);
			const lineEnd = reply.indexOf('\r\n');
			if (lineEnd < 0) return;
			const line = reply.subarray(1, lineEnd).toString('utf8');
			switch (String.fromCharCode(reply[0])) {
				case '+':
					return settle(line);
				case '-':
					return settle(new Error(`redis: ${line}`));
				case ':':
					return settle(Number(line));
				case '$': {
					const length = Number(line);
					if (length < 0) return settle(null);
					if (reply.length < lineEnd + 2 + length + 2) return;
					return settle(reply.subarray(lineEnd + 2, lineEnd + 2 + length).toString('utf8'));
				}
				default:
					return settle(
						new Error(
							`redis: unexpected reply ${JSON.stringify(reply.subarray(0, 80).toString('utf8'))}`,
						),
					);
			}
		});
		socket.on('error', reject);
	});
}

/**
 * A real redis-server on a free loopback port: no RDB snapshots, no AOF, protected mode, in a
 * scratch folder removed by stop().
 */
export async function startRedis(): Promise<RedisServer> {
	const port = await freePort();
	const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-data-redis-'));
	const child = spawn(
		'redis-server',
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--protected-mode',
			'yes',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			scratch,
			'--daemonize',
			'no',
			'--loglevel',
			'warning',
		],
		{ cwd: scratch, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
	);
	let output = '';
	child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
	child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
	const started = new Promise<void>((resolve, reject) => {
		child.once('error', (error: NodeJS.ErrnoException) =>
			reject(
				new Error(
					error.code === 'ENOENT'
						? 'redis-server is not installed: run scripts/setup-redis.sh (apt-get install redis-server)'
						: `cannot start redis-server: ${error.message}`,
				),
			),
		);
		child.once('spawn', resolve);
	});
	await started;
	if (child.pid === undefined) throw new Error('redis-server has no pid');
	const pid = child.pid;
	track(pid);
	const stop = async (): Promise<void> => {
		killGroup(pid, 'SIGTERM');
		await waitForExit(child, STOP_TIMEOUT_MS);
		killGroup(pid, 'SIGKILL');
		untrack(pid);
		fs.rmSync(scratch, { recursive: true, force: true });
	};
	const deadline = Date.now() + 30_000;
	for (;;) {
		if (child.exitCode !== null) {
			await stop();
			throw new Error(`redis-server exited with ${child.exitCode}:\n${output}`);
		}
		const pong = await redisCall(port, ['PING']).catch(() => '');
		if (pong === 'PONG') break;
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`redis-server did not answer PING on port ${port}:\n${output}`);
		}
		await sleep(100);
	}
	return { host: '127.0.0.1', port, stop };
}

// ---------------------------------------------------------------------------------------------
// n8n processes

export interface QueueProcess {
	role: 'webhook' | 'worker';
	/** `webhook` or `worker-1`, `worker-2`...: the name the per-worker counts are printed under. */
	name: string;
	pid: number;
	/** HTTP port: the webhook server, or the worker's health server. */
	port: number;
	logFile: string;
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	/** SIGKILL the whole process group (the worker and its task runner), no shutdown. */
	kill(): void;
	stop(): Promise<void>;
}

export interface QueueCluster {
	postgres: PostgresServer;
	redis: RedisServer;
	home: N8nHome;
	main: N8nServer;
	webhook: QueueProcess;
	workers: QueueProcess[];
	/** Base URL production webhooks are sent to: the webhook process. */
	webhookBaseUrl: string;
	/** Starts one more worker (say, after one was killed). */
	addWorker(): Promise<QueueProcess>;
	/**
	 * Which worker ran each execution, from the workers' logs ("Worker started execution <id>",
	 * which n8n's JobProcessor logs with the executionId): execution id → worker name. An
	 * execution a worker resumed after another crashed maps to the last worker that started it.
	 */
	executionsByWorker(): Map<string, string>;
	/** Every start of one execution, in worker order: which worker, and the Bull job it ran. */
	startsOf(executionId: string): Array<{ worker: string; jobId?: string }>;
	/** Where a Bull job is now (waiting, active, completed, failed, or removed from Redis). */
	jobState(jobId: string): Promise<JobState>;
	stop(): Promise<void>;
}

async function probe(url: string): Promise<boolean> {
	try {
		const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
		await response.arrayBuffer();
		return response.ok;
	} catch {
		return false;
	}
}

async function spawnN8nProcess(
	home: N8nHome,
	role: 'webhook' | 'worker',
	name: string,
	extraArgs: string[],
): Promise<QueueProcess> {
	const port = await freePort();
	const env: NodeJS.ProcessEnv = {
		...home.env,
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
	};
	if (role === 'webhook') {
		env.N8N_PORT = String(port);
	} else {
		// The worker's own HTTP server (health checks), only on loopback and on a port of its own;
		// its default (5678) would collide with any other n8n.
		env.N8N_PORT = String(await freePort());
		env.QUEUE_HEALTH_CHECK_ACTIVE = 'true';
		env.QUEUE_HEALTH_CHECK_PORT = String(port);
		env.N8N_WORKER_SERVER_ADDRESS = '127.0.0.1';
	}
	const logFile = path.join(
		home.logDir,
		`${new Date().toISOString().replace(/[:.]/g, '-')}-${name}.log`,
	);
	const logFd = fs.openSync(logFile, 'a');
	const child = spawn(home.nodeBin, [home.n8nBin, role, ...extraArgs], {
		cwd: home.userFolder,
		env,
		detached: true,
		stdio: ['ignore', logFd, logFd],
	});
	fs.closeSync(logFd);
	if (child.pid === undefined) throw new Error(`cannot start n8n ${role}`);
	const pid = child.pid;
	track(pid);
	let exitState: { code: number | null; signal: NodeJS.Signals | null } | undefined;
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
		child.on('exit', (code, signal) => {
			exitState = { code, signal };
			resolve(exitState);
		});
	});
	const stop = async (): Promise<void> => {
		if (!exitState) {
			// SIGTERM: n8n finishes running jobs (bounded here) and closes its connections.
			killGroup(pid, 'SIGTERM');
			await waitForExit(child, STOP_TIMEOUT_MS);
		}
		killGroup(pid, 'SIGKILL');
		untrack(pid);
	};
	const tail = () => readableLog(fs.readFileSync(logFile, 'utf8'), 30);
	// The webhook process answers /healthz once up; a worker's /healthz/readiness once its DB and
	// Redis connections are up.
	const readiness =
		role === 'webhook'
			? `http://127.0.0.1:${port}/healthz`
			: `http://127.0.0.1:${port}/healthz/readiness`;
	const deadline = Date.now() + START_TIMEOUT_MS;
	for (;;) {
		if (exitState)
			throw new Error(
				`n8n ${name} exited with ${exitState.code ?? exitState.signal} while starting:\n${tail()}`,
			);
		if (await probe(readiness)) break;
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`n8n ${name} was not ready within ${START_TIMEOUT_MS} ms:\n${tail()}`);
		}
		await sleep(500);
	}
	return { role, name, pid, port, logFile, exited, kill: () => killGroup(pid, 'SIGKILL'), stop };
}

/**
 * "Worker started execution <id> (job <job>)" lines of one worker log (n8n logs JSON, one object a
 * line, or text): the execution and Bull job ids, in log order.
 */
function executionsStartedIn(logFile: string): Array<{ executionId: string; jobId?: string }> {
	if (!fs.existsSync(logFile)) return [];
	const starts: Array<{ executionId: string; jobId?: string }> = [];
	for (const line of fs.readFileSync(logFile, 'utf8').split('\n')) {
		if (!line.includes('Worker started execution')) continue;
		const match = /Worker started execution (\d+)(?: \(job (\w+)\))?/.exec(line);
		try {
			const entry = JSON.parse(line) as {
				executionId?: unknown;
				jobId?: unknown;
				metadata?: { executionId?: unknown; jobId?: unknown };
			};
			const id = entry.executionId ?? entry.metadata?.executionId;
			const jobId = entry.jobId ?? entry.metadata?.jobId ?? match?.[2];
			if (id !== undefined) {
				starts.push({
					executionId: String(id),
					jobId: jobId === undefined ? undefined : String(jobId),
				});
				continue;
			}
		} catch {
			// Not JSON: fall back to the message text.
		}
		if (match) starts.push({ executionId: match[1], jobId: match[2] });
	}
	return starts;
}

/** Where a Bull job is: n8n's queue is `jobs` under the default prefix `bull`. */
export interface JobState {
	state: 'waiting' | 'active' | 'completed' | 'failed' | 'gone';
	/** Bull's reason, for a failed job still kept in Redis. */
	failedReason?: string;
}

async function bullJobState(port: number, jobId: string): Promise<JobState> {
	const key = 'bull:jobs';
	if ((await redisCall(port, ['LPOS', `${key}:active`, jobId])) !== null)
		return { state: 'active' };
	if ((await redisCall(port, ['LPOS', `${key}:wait`, jobId])) !== null) return { state: 'waiting' };
	if ((await redisCall(port, ['ZSCORE', `${key}:completed`, jobId])) !== null)
		return { state: 'completed' };
	if ((await redisCall(port, ['ZSCORE', `${key}:failed`, jobId])) !== null) {
		const reason = await redisCall(port, ['HGET', `${key}:${jobId}`, 'failedReason']);
		return { state: 'failed', failedReason: reason === null ? undefined : String(reason) };
	}
	return { state: 'gone' };
}

export interface QueueClusterOptions {
	/** Built project to pack and install into the shared user folder. */
	projectRoot: string;
	workers?: number;
	/** Jobs one worker runs at once (`n8n worker --concurrency`). */
	concurrency?: number;
	/** Credentials to import; may use the cluster's Postgres (given) for the warehouse. */
	credentials?: (postgres: PostgresServer) => CredentialImport[];
	workflows?: Array<Record<string, unknown>>;
	/** Extra env for every n8n process (e.g. N8N_DEFAULT_BINARY_DATA_MODE). */
	env?: NodeJS.ProcessEnv;
}

/**
 * Starts Postgres, Redis, n8n main (owner set up), one webhook process and the workers, in that
 * order (main migrates the database first); credentials and workflows are imported before main.
 */
export async function startQueueCluster(options: QueueClusterOptions): Promise<QueueCluster> {
	const started: Array<() => Promise<void>> = [];
	const stopAll = async (): Promise<void> => {
		for (const stop of started.reverse()) await stop().catch(() => undefined);
		started.length = 0;
	};
	let failure: unknown;
	try {
		const [postgres, redis] = await Promise.all([startPostgres({ database: 'n8n' }), startRedis()]);
		started.push(postgres.stop, redis.stop);
		const home = await createN8nHome({
			tarball: await packProject(options.projectRoot),
			env: {
				EXECUTIONS_MODE: 'queue',
				QUEUE_BULL_REDIS_HOST: redis.host,
				QUEUE_BULL_REDIS_PORT: String(redis.port),
				DB_TYPE: 'postgresdb',
				DB_POSTGRESDB_HOST: postgres.host,
				DB_POSTGRESDB_PORT: String(postgres.port),
				DB_POSTGRESDB_DATABASE: postgres.database,
				DB_POSTGRESDB_USER: postgres.user,
				DB_POSTGRESDB_PASSWORD: postgres.password,
				// Production webhooks go to the webhook process only, as in a real deployment.
				N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
				// Manual runs ("Execute workflow") are queued for the workers too.
				OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
				...options.env,
			},
		});
		started.push(async () => removeN8nHome(home));
		if (options.credentials) await importCredentials(home, options.credentials(postgres));
		if (options.workflows?.length) await importWorkflows(home, options.workflows);
		const main = await startN8n(home, { timeoutMs: START_TIMEOUT_MS });
		started.push(main.stop);
		const webhook = await spawnN8nProcess(home, 'webhook', 'webhook', []);
		started.push(webhook.stop);
		const workers: QueueProcess[] = [];
		const concurrency = String(options.concurrency ?? 10);
		const addWorker = async (): Promise<QueueProcess> => {
			const worker = await spawnN8nProcess(home, 'worker', `worker-${workers.length + 1}`, [
				`--concurrency=${concurrency}`,
			]);
			workers.push(worker);
			started.push(worker.stop);
			return worker;
		};
		// One at a time: two n8n boots at once on two cores only slow each other down.
		for (let index = 0; index < (options.workers ?? 2); index++) await addWorker();
		return {
			postgres,
			redis,
			home,
			main,
			webhook,
			workers,
			webhookBaseUrl: `http://127.0.0.1:${webhook.port}`,
			addWorker,
			executionsByWorker() {
				const byExecution = new Map<string, string>();
				for (const worker of workers)
					for (const start of executionsStartedIn(worker.logFile))
						byExecution.set(start.executionId, worker.name);
				return byExecution;
			},
			startsOf(executionId) {
				return workers.flatMap((worker) =>
					executionsStartedIn(worker.logFile)
						.filter((start) => start.executionId === executionId)
						.map((start) => ({ worker: worker.name, jobId: start.jobId })),
				);
			},
			jobState: (jobId) => bullJobState(redis.port, jobId),
			stop: async () => {
				await stopAll();
				if (watchdogFile && groups.size === 0) {
					fs.rmSync(watchdogFile, { force: true });
					watchdogFile = undefined;
				}
			},
		};
	} catch (error) {
		failure = error;
	}
	// Reached only when a step failed: whatever did start is stopped again.
	await stopAll();
	throw new N8nHarnessError(
		`the queue-mode cluster did not start: ${failure instanceof Error ? failure.message : String(failure)}`,
	);
}
