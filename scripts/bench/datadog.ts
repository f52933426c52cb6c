/**
 * `npm run bench -- datadog`: throughput of sending BENCH_DORA_EVENTS failure events (default
 * 10,000) with the Datadog DORA node at its default concurrency, against the sandbox's rate limit
 * (default 1,000 requests per 10 s, i.e. a ceiling of 100 events/s; BENCH_DORA_RATE_LIMIT and
 * BENCH_DORA_RATE_PERIOD change it).
 *
 * The sandbox runs in its own process. Each measured phase runs the node in a fresh child process
 * through n8n-core's WorkflowExecute (engine harness), with every event an input item and an id
 * derived from its incident id:
 *   - limited:   against the rate limit: events/s, share of the ceiling, 429s answered;
 *   - unlimited: the same events again (now updates) with the limit lifted: the node's own speed.
 */
import path from 'node:path';

import { DEFAULT_CONCURRENCY } from '../../nodes/DatadogDora/constants';
import { requestJson, runPhaseChild, startSandboxChild } from './processes';

interface PhaseResult {
	phase: string;
	events: number;
	delayed: number;
	ms: number;
	peakRssMb: number;
}

interface SandboxInfo {
	datadogUrl: string;
	controlUrl: string;
	apiKey: string;
	applicationKey: string;
	rateLimit: { limit: number; periodSeconds: number };
}

interface Stats {
	requests: Record<string, number>;
	rateLimited: number;
	created: number;
	updated: number;
}

const EVENTS = Number(process.env.BENCH_DORA_EVENTS ?? 10_000);
const RATE_LIMIT = Number(process.env.BENCH_DORA_RATE_LIMIT ?? 1000);
const RATE_PERIOD = Number(process.env.BENCH_DORA_RATE_PERIOD ?? 10);

function mb(bytes: number): number {
	return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

async function startSandboxProcess(): Promise<SandboxInfo & { stop(): void }> {
	const cli = path.join(__dirname, '..', '..', 'test', 'sandbox', 'datadog', 'cli.js');
	return await startSandboxChild<SandboxInfo>([
		cli,
		'--rate-limit',
		String(RATE_LIMIT),
		'--rate-period',
		String(RATE_PERIOD),
	]);
}

async function control<T>(url: string, method = 'GET', body?: unknown): Promise<T> {
	return await requestJson<T>(method, url, body);
}

async function runPhase(phase: string, sandbox: SandboxInfo): Promise<PhaseResult> {
	return await runPhaseChild<PhaseResult>(`phase ${phase}`, [
		__filename,
		'--phase',
		phase,
		JSON.stringify(sandbox),
	]);
}

async function sendPhase(phase: string, sandbox: SandboxInfo): Promise<PhaseResult> {
	const harness = await import('../../test/engine/harness');
	const { DatadogDora } = await import('../../nodes/DatadogDora/DatadogDora.node');
	const { DatadogDoraApi } = await import('../../credentials/DatadogDoraApi.credentials');
	await harness.ensureEngineEnvironment();
	const type = 'n8n-nodes-incident-data.datadogDora';
	const start = Date.UTC(2025, 0, 1) / 1000;
	const inputItems = Array.from({ length: EVENTS }, (_, index) => ({
		json: {
			incidentId: `bench-incident-${index}`,
			startedAt: start + index * 60,
			services: 'checkout',
		},
	}));
	const started = performance.now();
	const result = await harness.runWorkflow({
		nodeTypes: { [type]: new DatadogDora() },
		credentialTypes: [new DatadogDoraApi()],
		credentials: [
			{
				id: 'dd',
				name: 'Datadog',
				type: 'datadogDoraApi',
				data: {
					site: 'custom',
					baseUrl: sandbox.datadogUrl,
					apiKey: sandbox.apiKey,
					applicationKeySecret: sandbox.applicationKey,
				},
			},
		],
		workflow: harness.chain({
			name: 'Datadog DORA Metrics',
			type,
			parameters: {
				resource: 'failure',
				operation: 'send',
				eventId: '={{ $json.incidentId }}',
				startedAt: '={{ $json.startedAt }}',
				services: '={{ $json.services }}',
				options: { deriveEventId: true },
			},
			credentials: { datadogDoraApi: { id: 'dd', name: 'Datadog' } },
		}),
		inputItems,
	});
	const ms = performance.now() - started;
	if (result.status !== 'success')
		throw new Error(`node run failed: ${String(result.error?.message)}`);
	const output = result.output('Datadog DORA Metrics');
	return {
		phase,
		events: output.length,
		delayed: output.filter((item) => item.json.delayed === true).length,
		ms,
		peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
	};
}

export async function run(): Promise<void> {
	const ceiling = RATE_LIMIT / RATE_PERIOD;
	process.stdout.write(
		`Datadog DORA send benchmark: ${EVENTS} failure events, default concurrency ${DEFAULT_CONCURRENCY}, sandbox rate limit ${RATE_LIMIT} requests / ${RATE_PERIOD} s (ceiling ${ceiling} events/s)\n`,
	);
	const sandbox = await startSandboxProcess();
	try {
		const limited = await runPhase('limited', sandbox);
		const afterLimited = await control<Stats>(`${sandbox.controlUrl}/stats`);
		await control(`${sandbox.controlUrl}/rate-limit`, 'POST', {
			limit: 1_000_000_000,
			periodSeconds: 1,
		});
		const unlimited = await runPhase('unlimited', sandbox);
		const afterUnlimited = await control<Stats>(`${sandbox.controlUrl}/stats`);
		const stored = await control<{ counts: { failure: number } }>(sandbox.controlUrl);
		if (
			limited.events !== EVENTS ||
			unlimited.events !== EVENTS ||
			stored.counts.failure !== EVENTS
		) {
			throw new Error(
				`counts differ: sent ${limited.events} and ${unlimited.events}, the sandbox holds ${stored.counts.failure}`,
			);
		}
		const rate = (result: PhaseResult) => result.events / (result.ms / 1000);
		process.stdout.write(
			`against the rate limit: ${limited.events} events in ${(limited.ms / 1000).toFixed(1)} s = ${rate(limited).toFixed(1)} events/s ` +
				`(${((rate(limited) / ceiling) * 100).toFixed(0)}% of the ${ceiling}/s ceiling), ${afterLimited.rateLimited} answered 429, ` +
				`${afterLimited.requests.send ?? 0} send requests, peak RSS ${limited.peakRssMb} MB\n`,
		);
		process.stdout.write(
			`limit lifted (updates):  ${unlimited.events} events in ${(unlimited.ms / 1000).toFixed(1)} s = ${rate(unlimited).toFixed(1)} events/s, ` +
				`${afterUnlimited.updated} updates, ${stored.counts.failure} events stored, peak RSS ${unlimited.peakRssMb} MB\n`,
		);
	} finally {
		sandbox.stop();
	}
}

async function runAsPhase(): Promise<void> {
	const index = process.argv.indexOf('--phase');
	const result = await sendPhase(
		process.argv[index + 1],
		JSON.parse(process.argv[index + 2]) as SandboxInfo,
	);
	process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module && process.argv.includes('--phase')) {
	runAsPhase().catch((error: unknown) => {
		process.stderr.write(
			`bench phase failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
		);
		process.exitCode = 1;
	});
}
