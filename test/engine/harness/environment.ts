/**
 * Process-level setup n8n-core needs before its execution engine can run in a test process.
 *
 * n8n-core resolves its services (InstanceSettings, BinaryDataService, OutboundHttp, Cipher,
 * ErrorReporter, ...) lazily from the `@n8n/di` container, and the config classes behind them
 * read environment variables at the moment they are first constructed. So the environment has
 * to be in place before the first `Container.get`, and it must never point at a real user's
 * `~/.n8n`: every test process gets its own throw-away user folder under `os.tmpdir()`.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

import { BinaryDataService } from 'n8n-core';

/**
 * The `@n8n/di` container method the harness uses.
 *
 * Declared locally on purpose: n8n-core ships its own nested copy of `@n8n/di` (0.17) while the
 * hoisted top-level copy belongs to `@n8n/node-cli` (0.16). Each copy holds a separate registry,
 * so the harness must talk to the one n8n-core resolves, and must not depend on how npm hoists.
 */
export interface DiContainer {
	get<T>(type: abstract new (...args: never[]) => T): T;
}

export interface EngineEnvironment {
	/** Temporary N8N_USER_FOLDER of this process (of this jest test file). */
	userFolder: string;
	container: DiContainer;
}

let pending: Promise<EngineEnvironment> | undefined;

/** Sets up the environment once per process (per jest test file) and returns it. */
export async function ensureEngineEnvironment(): Promise<EngineEnvironment> {
	pending ??= setUp();
	return await pending;
}

/** The `@n8n/di` container exactly as n8n-core resolves it. */
function loadCoreContainer(): DiContainer {
	const requireFromCore = createRequire(require.resolve('n8n-core'));
	// Untyped require at the package boundary; the shape is checked right below.
	const di = requireFromCore('@n8n/di') as { Container?: DiContainer };
	if (typeof di.Container?.get !== 'function') {
		throw new Error('engine harness: could not load the @n8n/di container used by n8n-core');
	}
	return di.Container;
}

/**
 * Removes this process's temporary user folder; call it from `afterAll` in an engine test file.
 * The harness cannot do it alone: jest gives each test file a stand-in `process` whose 'exit'
 * listeners never fire. Folders left behind are swept by later runs (see `sweepStaleFolders`).
 */
export async function disposeEngineEnvironment(): Promise<void> {
	if (pending === undefined) return;
	const { userFolder } = await pending;
	fs.rmSync(userFolder, { recursive: true, force: true });
}

const FOLDER_PREFIX = 'n8n-engine-harness-';
const STALE_AFTER_MS = 6 * 60 * 60 * 1000;

/** Deletes harness folders of earlier test processes that did not dispose theirs. */
function sweepStaleFolders(): void {
	const tmp = os.tmpdir();
	for (const entry of fs.readdirSync(tmp)) {
		if (!entry.startsWith(FOLDER_PREFIX)) continue;
		const folder = path.join(tmp, entry);
		try {
			if (Date.now() - fs.statSync(folder).mtimeMs > STALE_AFTER_MS) {
				fs.rmSync(folder, { recursive: true, force: true });
			}
		} catch {
			// Another process removed it meanwhile, or it is not ours to remove: leave it.
		}
	}
}

async function setUp(): Promise<EngineEnvironment> {
	sweepStaleFolders();
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), FOLDER_PREFIX));

	// InstanceSettings writes `<N8N_USER_FOLDER>/.n8n/config` and derives every secret from the
	// encryption key; handing it one skips its "auto-generating" path and log line.
	process.env.N8N_USER_FOLDER = userFolder;
	process.env.N8N_ENCRYPTION_KEY ??= randomBytes(24).toString('base64');
	// n8n's ErrorReporter logs every node error with its stack; expected failures in tests would
	// flood the output. Set N8N_LOG_LEVEL=debug (or error) to see n8n's logs while debugging.
	process.env.N8N_LOG_LEVEL ??= 'silent';
	// Node code must see the defaults a stock n8n 2.x sees, whatever the developer's shell has.
	delete process.env.N8N_DEFAULT_BINARY_DATA_MODE;
	delete process.env.N8N_BINARY_DATA_STORAGE_PATH;
	delete process.env.N8N_STORAGE_PATH;

	const container = loadCoreContainer();

	// n8n 2.x stores binary data on the filesystem by default (BinaryDataConfig.mode resolves to
	// 'filesystem' outside queue mode). Without `init()` the service silently falls back to
	// base64-in-memory, which would hide bugs such as a stream that is never consumed; with it,
	// `prepareBinaryData(stream)` writes under `<userFolder>/.n8n/storage` as in production.
	await container.get(BinaryDataService).init();

	return { userFolder, container };
}
