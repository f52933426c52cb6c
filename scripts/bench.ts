/**
 * `npm run bench [-- <suite> ...]`: every benchmark suite, or the named ones. Speed and memory
 * targets live here, not in timed tests. Each suite prints its own figures; the issue notes quote them.
 */
type Suite = () => Promise<{ run(): Promise<void> }>;

const SUITES: Record<string, Suite> = {
	datadog: async () => await import('./bench/datadog'),
	firehydrant: async () => await import('./bench/firehydrant'),
	'incident-io': async () => await import('./bench/incident-io'),
	opslevel: async () => await import('./bench/opslevel'),
	'firehydrant-rest': async () => await import('./bench/firehydrant-rest'),
	'n8n-side-by-side': async () => await import('./bench/n8n-side-by-side'),
};

async function main(): Promise<void> {
	const asked = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
	const unknown = asked.filter((name) => !(name in SUITES));
	if (unknown.length > 0) {
		throw new Error(
			`unknown benchmark suite(s): ${unknown.join(', ')}; known: ${Object.keys(SUITES).join(', ')}`,
		);
	}
	for (const name of asked.length > 0 ? asked : Object.keys(SUITES)) {
		process.stdout.write(`\n== ${name} ==\n`);
		const suite = await SUITES[name]();
		await suite.run();
	}
}

main().catch((error: unknown) => {
	process.stderr.write(
		`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
	);
	process.exitCode = 1;
});
