import { startSandbox, type Sandbox, type SandboxOptions } from './index';

/**
 * Starts a sandbox in its own process, for the demo, the benchmark and manual poking:
 *
 *   node dist-tools/test/sandbox/cli.js --seed 7 --incidents 10000 --events-per-incident 10
 *
 * Prints exactly one JSON line on stdout once listening (baseUrl, tokens, totals …), then serves
 * until SIGTERM or SIGINT. Steer it through `<baseUrl>/__sandbox/...`.
 */

const USAGE = `Usage: cli.js [--host 127.0.0.1] [--port 0] [--seed 1] [--incidents 30]
              [--events-per-incident 6] [--nights 7] [--url-lifetime-ms 300000] [--now ISO-8601]`;

const FLAGS = [
	'host',
	'port',
	'seed',
	'incidents',
	'events-per-incident',
	'nights',
	'url-lifetime-ms',
	'now',
] as const;
type Flag = (typeof FLAGS)[number];

export class CliUsageError extends Error {}

export function parseCliArguments(argv: readonly string[]): SandboxOptions {
	const values = new Map<Flag, string>();
	for (let index = 0; index < argv.length; index++) {
		const argument = argv[index];
		const match = /^--([a-z-]+)(?:=(.*))?$/.exec(argument);
		if (!match || !(FLAGS as readonly string[]).includes(match[1]))
			throw new CliUsageError(`unknown argument ${argument}\n${USAGE}`);
		const flag = match[1] as Flag;
		let value = match[2];
		if (value === undefined) {
			value = argv[index + 1];
			index++;
			if (value === undefined) throw new CliUsageError(`--${flag} needs a value\n${USAGE}`);
		}
		values.set(flag, value);
	}
	const integer = (flag: Flag): number | undefined => {
		const raw = values.get(flag);
		if (raw === undefined) return undefined;
		if (!/^-?\d+$/.test(raw)) throw new CliUsageError(`--${flag} must be an integer, got ${raw}`);
		return Number(raw);
	};
	const eventsRaw = values.get('events-per-incident');
	const eventsPerIncident = eventsRaw === undefined ? undefined : Number(eventsRaw);
	if (eventsPerIncident !== undefined && !(eventsPerIncident >= 0)) {
		throw new CliUsageError(`--events-per-incident must be a number >= 0, got ${eventsRaw}`);
	}
	const nowRaw = values.get('now');
	const now = nowRaw === undefined ? undefined : new Date(nowRaw);
	if (now !== undefined && Number.isNaN(now.getTime()))
		throw new CliUsageError(`--now must be an ISO 8601 date-time, got ${nowRaw}`);
	return {
		host: values.get('host'),
		port: integer('port'),
		seed: integer('seed'),
		fireHydrant: {
			incidents: integer('incidents'),
			eventsPerIncident,
			nights: integer('nights'),
			urlLifetimeMs: integer('url-lifetime-ms'),
			now,
		},
	};
}

/** The line printed on start. */
export function describeSandbox(sandbox: Sandbox, seed: number): Record<string, unknown> {
	const fireHydrant = sandbox.fireHydrant;
	return {
		baseUrl: sandbox.baseUrl,
		controlUrl: `${sandbox.baseUrl}/__sandbox`,
		apiToken: fireHydrant.apiToken,
		limitedToken: fireHydrant.limitedToken,
		seed,
		now: fireHydrant.now.toISOString(),
		exportRequests: fireHydrant.exportRequests.length,
		totals: fireHydrant.totals(),
		pid: process.pid,
	};
}

export async function runCli(argv: readonly string[]): Promise<Sandbox> {
	const options = parseCliArguments(argv);
	const sandbox = await startSandbox(options);
	process.stdout.write(`${JSON.stringify(describeSandbox(sandbox, options.seed ?? 1))}\n`);
	let stopping = false;
	const stop = (signal: NodeJS.Signals): void => {
		if (stopping) return;
		stopping = true;
		process.stderr.write(`sandbox: ${signal}, closing\n`);
		sandbox.close().then(
			() => process.exit(0),
			(error: unknown) => {
				process.stderr.write(`sandbox: close failed: ${String(error)}\n`);
				process.exit(1);
			},
		);
	};
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
	return sandbox;
}

if (require.main === module) {
	runCli(process.argv.slice(2)).catch((error: unknown) => {
		process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
		process.exit(error instanceof CliUsageError ? 2 : 1);
	});
}
