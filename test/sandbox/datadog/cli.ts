import { startSandbox } from '../index';

/**
 * Starts a sandbox in its own process for the Datadog benchmark and manual poking:
 *
 *   node dist-tools/test/sandbox/datadog/cli.js [--port 0] [--seed 1] [--rate-limit 1000] [--rate-period 10]
 *
 * Prints one JSON line (baseUrl, datadogUrl, controlUrl, apiKey, applicationKey, rateLimit, pid)
 * once listening, then serves until SIGTERM or SIGINT.
 */
function flag(name: string, fallback: number): number {
	const index = process.argv.indexOf(`--${name}`);
	if (index < 0) return fallback;
	const value = Number(process.argv[index + 1]);
	if (!Number.isInteger(value) || value < 0)
		throw new Error(`--${name} must be a non-negative integer, got ${process.argv[index + 1]}`);
	return value;
}

async function main(): Promise<void> {
	const rateLimit = { limit: flag('rate-limit', 1000), periodSeconds: flag('rate-period', 10) };
	const sandbox = await startSandbox({
		port: flag('port', 0),
		seed: flag('seed', 1),
		datadog: { rateLimit },
	});
	process.stdout.write(
		`${JSON.stringify({
			baseUrl: sandbox.baseUrl,
			datadogUrl: sandbox.datadog.baseUrl,
			controlUrl: `${sandbox.baseUrl}/__sandbox/datadog`,
			apiKey: sandbox.datadog.apiKey,
			applicationKey: sandbox.datadog.applicationKey,
			rateLimit,
			pid: process.pid,
		})}\n`,
	);
	const stop = () => {
		void sandbox.close().then(() => process.exit(0));
	};
	process.once('SIGTERM', stop);
	process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
	process.stderr.write(
		`datadog sandbox failed: ${error instanceof Error ? error.message : String(error)}\n`,
	);
	process.exitCode = 1;
});
