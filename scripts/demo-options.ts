/**
 * The demo's command line and where each mode keeps its n8n, apart from scripts/demo.ts (which
 * starts the demo when loaded) so that they can be tested.
 */
import * as path from 'node:path';

export const DEFAULT_PORT = 5678;

export interface DemoOptions {
	once: boolean;
	/** Write a PNG of every template's canvas into this folder, then exit. */
	screenshots?: string;
	port: number;
	help: boolean;
}

export function parseDemoArgs(argv: string[]): DemoOptions {
	const options: DemoOptions = { once: false, port: DEFAULT_PORT, help: false };
	for (let index = 0; index < argv.length; index++) {
		const arg = argv[index];
		if (arg === '--once') options.once = true;
		else if (arg === '--screenshots' || arg.startsWith('--screenshots=')) {
			const value = arg === '--screenshots' ? argv[++index] : arg.slice('--screenshots='.length);
			if (!value) throw new Error('--screenshots needs a folder');
			options.screenshots = value;
		} else if (arg === '--port' || arg.startsWith('--port=')) {
			const value = arg === '--port' ? argv[++index] : arg.slice('--port='.length);
			const port = Number(value);
			if (!Number.isInteger(port) || port < 1 || port > 65535)
				throw new Error(`--port needs a port number, got ${value}`);
			options.port = port;
		} else if (arg === '--help' || arg === '-h') options.help = true;
		else throw new Error(`unknown argument ${arg} (try --help)`);
	}
	return options;
}

/**
 * Where the demo's n8n keeps its data (N8N_USER_FOLDER). The interactive demo reuses one folder
 * in the cache, so its owner, credential and executions survive a restart. `--once` gets a
 * throwaway folder of its own (createN8nHome's temp folder, removed when it exits): it imports
 * the demo credential pointing at ITS sandbox, which in the shared folder would repoint a demo
 * running meanwhile at a sandbox that is gone once --once ends.
 */
export function demoHomeOptions(
	options: Pick<DemoOptions, 'once' | 'screenshots'>,
	cacheRoot: string,
): { folder?: string } {
	return options.once || options.screenshots ? {} : { folder: path.join(cacheRoot, 'demo') };
}

/** The editor URL that opens a workflow directly (n8n asks for the login first when needed). */
export function workflowEditorUrl(serverUrl: string, workflowId: string): string {
	return `${serverUrl.replace(/\/+$/, '')}/workflow/${encodeURIComponent(workflowId)}`;
}
