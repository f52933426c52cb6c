/**
 * `npm run bench -- firehydrant-rest`: a REST Get Rows (Data Source "REST API", Return All) over
 * BENCH_REST_INCIDENTS incidents (default 5,000) with their events, against the sandbox enforcing
 * FireHydrant's account-wide limit (50 requests per BENCH_REST_WINDOW_MS, default 10,000 ms).
 *
 * The sandbox runs in its own process; the node runs in a child process through n8n-core's
 * WorkflowExecute (engine harness). Reported: requests sent, 429s received, wall time, requests/s,
 * and the wall time the limit implies for all five sources (two calls per incident).
 * Takes about 21 minutes with the defaults (42 with BENCH_REST_SOURCES set to all five): the node
 * paces itself to 40 requests per 10 s.
 */

import { requestJson, runPhaseChild, startFireHydrantSandbox } from './processes';

const INCIDENTS = Number(process.env.BENCH_REST_INCIDENTS ?? 5_000);
const WINDOW_MS = Number(process.env.BENCH_REST_WINDOW_MS ?? 10_000);
const SOURCES = (process.env.BENCH_REST_SOURCES ?? 'incident,incident_event').split(',');

interface SandboxProcess {
	baseUrl: string;
	apiToken: string;
	stop(): void;
}

interface PhaseResult {
	rows: number;
	incidentRows: number;
	ms: number;
	peakRssMb: number;
}

async function startSandboxProcess(): Promise<SandboxProcess> {
	return await startFireHydrantSandbox({ incidents: INCIDENTS, eventsPerIncident: 6, nights: 7 });
}

async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
	return await requestJson<T>(method, url, body);
}

async function runPhase(args: Record<string, string>): Promise<PhaseResult> {
	return await runPhaseChild<PhaseResult>('the node phase', [
		__filename,
		'--phase',
		JSON.stringify(args),
	]);
}

async function nodePhase(args: Record<string, string>): Promise<PhaseResult> {
	const harness = await import('../../test/engine/harness');
	const { FireHydrant } = await import('../../nodes/FireHydrant/FireHydrant.node');
	const { FireHydrantApi } = await import('../../credentials/FireHydrantApi.credentials');
	await harness.ensureEngineEnvironment();
	const type = 'n8n-nodes-incident-data.fireHydrant';
	const started = performance.now();
	const result = await harness.runWorkflow({
		nodeTypes: { [type]: new FireHydrant() },
		credentialTypes: [new FireHydrantApi()],
		credentials: [
			{
				id: 'fh',
				name: 'FireHydrant',
				type: 'fireHydrantApi',
				data: { apiToken: args.token, region: 'custom', baseUrl: args.baseUrl },
			},
		],
		workflow: harness.chain({
			name: 'FireHydrant',
			type,
			parameters: {
				resource: 'exportData',
				operation: 'getRows',
				dataSource: 'rest',
				sources: JSON.parse(args.sources) as string[],
				returnAll: true,
			},
			credentials: { fireHydrantApi: { id: 'fh', name: 'FireHydrant' } },
		}),
	});
	const ms = performance.now() - started;
	if (result.status !== 'success')
		throw new Error(`node run failed: ${String(result.error?.message)}`);
	const items = result.output('FireHydrant');
	return {
		rows: items.length,
		incidentRows: items.filter((item) => item.json._source === 'incident').length,
		ms,
		peakRssMb: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10,
	};
}

/** The benchmark, as `npm run bench` runs it. */
export async function run(): Promise<void> {
	process.stdout.write(
		`FireHydrant REST Get Rows benchmark: ${INCIDENTS} incidents, sources ${SOURCES.join('+')}, sandbox limit 50 requests / ${WINDOW_MS} ms\n`,
	);
	const sandbox = await startSandboxProcess();
	try {
		await call('POST', `${sandbox.baseUrl}/__sandbox/firehydrant/rest/rate-limit`, {
			enabled: true,
			limit: 50,
			windowMs: WINDOW_MS,
		});
		const before = await call<{ apiRequests: number }>(
			'GET',
			`${sandbox.baseUrl}/__sandbox/firehydrant/rest/stats`,
		);
		const result = await runPhase({
			baseUrl: sandbox.baseUrl,
			token: sandbox.apiToken,
			sources: JSON.stringify(SOURCES),
		});
		const stats = await call<{ apiRequests: number; rejectedByRateLimit: number }>(
			'GET',
			`${sandbox.baseUrl}/__sandbox/firehydrant/rest/stats`,
		);
		const requests = stats.apiRequests - before.apiRequests;
		if (result.incidentRows !== INCIDENTS && SOURCES.includes('incident')) {
			throw new Error(`expected ${INCIDENTS} incident rows, got ${result.incidentRows}`);
		}
		const seconds = result.ms / 1000;
		process.stdout.write(
			`requests ${requests}, 429s ${stats.rejectedByRateLimit}, rows ${result.rows} (incidents ${result.incidentRows}), wall ${seconds.toFixed(1)} s, ${(requests / seconds).toFixed(2)} requests/s, peak RSS ${result.peakRssMb} MB\n`,
		);
		if (!SOURCES.includes('incident_role_assignment')) {
			const allSourceRequests = requests + INCIDENTS;
			process.stdout.write(
				`all five sources add one role-assignments call per incident: about ${allSourceRequests} requests, ${((allSourceRequests / requests) * seconds).toFixed(0)} s at the same pace\n`,
			);
		}
	} finally {
		sandbox.stop();
	}
}

if (require.main === module && process.argv.includes('--phase')) {
	nodePhase(JSON.parse(process.argv[process.argv.indexOf('--phase') + 1]) as Record<string, string>)
		.then((result) => process.stdout.write(`${JSON.stringify(result)}\n`))
		.catch((error: unknown) => {
			process.stderr.write(
				`bench phase failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
			);
			process.exitCode = 1;
		});
}
