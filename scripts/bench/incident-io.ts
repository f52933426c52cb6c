/**
 * `npm run bench -- incident-io`: requests and wall time of syncing incident.io with this pack,
 * beside the Singer tap's approach, against a sandbox that enforces the real rate limits
 * (60 a minute on GET /v2/incidents, 1200 a minute otherwise, 429 + Retry-After).
 *
 * The sandbox (BENCH_INCIDENTS incidents, default 10,000, each with 2 actions and 1 follow-up)
 * runs in its own process. Each measured phase runs in a fresh child process:
 *   - full:        the incident.io node (n8n-core engine harness), Get Many incidents, actions and
 *                  follow-ups with Incremental on and no cursor yet = everything, every mode and
 *                  status category (actions and follow-ups from /v3, paged, one pass per mode);
 *   - incremental: the same three runs with the cursors the full run saved, after 1% of the
 *                  incidents, actions and follow-ups changed (one updated_at[date_range] each);
 *   - tap:         the tap's approach, run twice (it has no incremental mode): every page of
 *                  /v2/incidents by `after` until an empty page, then /v2/actions and
 *                  /v2/follow_ups, with the API's default filters (it sends none).
 * Requests are counted by the sandbox. Figures go in the issue note.
 */
import { runPhaseChild, startSandboxChild } from './processes';

interface SandboxInfo {
	baseUrl: string;
	apiBaseUrl: string;
	apiKey: string;
}

interface PhaseResult {
	phase: string;
	records: Record<string, number>;
	ms: number;
	peakRssMb: number;
	staticData?: Record<string, unknown>;
}

const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 10_000);
const RESOURCES = ['incident', 'action', 'followUp'] as const;

function mb(bytes: number): number {
	return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

async function control<T>(
	sandbox: SandboxInfo,
	method: string,
	subPath: string,
	body?: unknown,
): Promise<T> {
	const response = await fetch(`${sandbox.baseUrl}/__sandbox${subPath}`, {
		method,
		headers: body === undefined ? {} : { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return (await response.json()) as T;
}

/** The sandbox's (and incident.io's) limits per key: GET /v2/incidents, and every request. */
const INCIDENT_LIST_LIMIT = { limit: 60, windowMs: 60_000 };
const GENERAL_LIMIT = { limit: 1200, windowMs: 60_000 };

interface RequestCount {
	requests: number;
	rateLimited: number;
	/** Accepted GET /v2/incidents requests, which count against the incident-list limit as well. */
	incidentList: number;
}

/**
 * The least wall time the limits allow for these requests: with `limit` requests per sliding
 * window, request n + 1 cannot go before floor(n ÷ limit) windows have passed. Each limit bounds on
 * its own; the tighter one is the bound.
 */
function rateLimitBoundMs(counts: RequestCount): number {
	const bound = (accepted: number, window: { limit: number; windowMs: number }) =>
		accepted > 0 ? Math.floor((accepted - 1) / window.limit) * window.windowMs : 0;
	return Math.max(
		bound(counts.incidentList, INCIDENT_LIST_LIMIT),
		bound(counts.requests - counts.rateLimited, GENERAL_LIMIT),
	);
}

/** Counts API requests (and 429s) since the last call, and clears the log and the rate windows. */
async function takeRequestCount(sandbox: SandboxInfo): Promise<RequestCount> {
	const log = await control<Array<{ kind: string; status: number; method: string; path: string }>>(
		sandbox,
		'GET',
		'/requests',
	);
	await control(sandbox, 'DELETE', '/requests');
	// A new phase starts with fresh rate windows, as a sync an hour later would.
	await control(sandbox, 'POST', '/incident-io/rate-limits', {
		incidentList: INCIDENT_LIST_LIMIT,
		general: GENERAL_LIMIT,
	});
	const api = log.filter((entry) => entry.kind === 'api');
	const incidentList = api.filter(
		(entry) =>
			entry.method === 'GET' && /\/v2\/incidents$/.test(entry.path) && entry.status !== 429,
	).length;
	return {
		requests: api.length,
		rateLimited: api.filter((entry) => entry.status === 429).length,
		incidentList,
	};
}

async function startSandboxProcess(): Promise<SandboxInfo & { stop(): void }> {
	return await startSandboxChild<SandboxInfo>([__filename, '--sandbox']);
}

async function runPhase(phase: string, args: Record<string, unknown>): Promise<PhaseResult> {
	return await runPhaseChild<PhaseResult>(`phase ${phase}`, [
		__filename,
		'--phase',
		phase,
		JSON.stringify(args),
	]);
}

async function nodePhase(
	phase: string,
	args: { sandbox: SandboxInfo; staticData?: Record<string, Record<string, unknown>> },
): Promise<PhaseResult> {
	const harness = await import('../../test/engine/harness');
	const { IncidentIo } = await import('../../nodes/IncidentIo/IncidentIo.node');
	const { IncidentIoApi } = await import('../../credentials/IncidentIoApi.credentials');
	await harness.ensureEngineEnvironment();
	const type = 'n8n-nodes-incident-data.incidentIo';
	const records: Record<string, number> = {};
	const staticData: Record<string, unknown> = {};
	const started = performance.now();
	for (const resource of RESOURCES) {
		const result = await harness.runWorkflow({
			nodeTypes: { [type]: new IncidentIo() },
			credentialTypes: [new IncidentIoApi()],
			credentials: [
				{
					id: 'iio',
					name: 'incident.io',
					type: 'incidentIoApi',
					data: { apiKey: args.sandbox.apiKey, baseUrl: args.sandbox.apiBaseUrl },
				},
			],
			workflow: {
				id: `bench${resource}`,
				...harness.chain({
					name: 'incident.io',
					type,
					parameters: {
						resource,
						operation: 'getMany',
						returnAll: true,
						options: { incremental: true },
					},
					credentials: { incidentIoApi: { id: 'iio', name: 'incident.io' } },
				}),
				staticData: args.staticData?.[resource] as never,
			},
			mode: 'trigger',
		});
		if (result.status !== 'success')
			throw new Error(`${resource} run failed: ${String(result.error?.message)}`);
		records[resource] = result.output('incident.io').length;
		staticData[resource] = result.staticData;
	}
	return {
		phase,
		records,
		ms: performance.now() - started,
		peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
		staticData,
	};
}

/** The tap: no filters, pages by the last id until an empty page, Retry-After honoured. */
async function tapPhase(args: { sandbox: SandboxInfo }): Promise<PhaseResult> {
	const get = async (pathAndQuery: string): Promise<Record<string, unknown>> => {
		for (;;) {
			const response = await fetch(`${args.sandbox.apiBaseUrl}${pathAndQuery}`, {
				headers: { Authorization: `Bearer ${args.sandbox.apiKey}` },
			});
			if (response.status === 429) {
				await new Promise((resolve) =>
					setTimeout(resolve, Number(response.headers.get('retry-after') ?? 1) * 1000),
				);
				continue;
			}
			return (await response.json()) as Record<string, unknown>;
		}
	};
	const records: Record<string, number> = { incident: 0, action: 0, followUp: 0 };
	const started = performance.now();
	let after = '';
	for (;;) {
		const page = await get(`/v2/incidents?page_size=250${after ? `&after=${after}` : ''}`);
		const incidents = page.incidents as Array<{ id: string }>;
		if (incidents.length === 0) break;
		records.incident += incidents.length;
		after = incidents[incidents.length - 1].id;
	}
	records.action = ((await get('/v2/actions')).actions as unknown[]).length;
	records.followUp = ((await get('/v2/follow_ups')).follow_ups as unknown[]).length;
	return {
		phase: 'tap',
		records,
		ms: performance.now() - started,
		peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
	};
}

function line(label: string, result: PhaseResult, counts: RequestCount): string {
	const records = RESOURCES.map((resource) => `${resource} ${result.records[resource]}`).join(', ');
	return `${label.padEnd(34)} ${String(counts.requests).padStart(5)} requests (${counts.rateLimited} × 429)  ${(result.ms / 1000).toFixed(2).padStart(7)} s  peak RSS ${result.peakRssMb} MB  records: ${records}`;
}

/** The benchmark, as `npm run bench` runs it. */
export async function run(): Promise<void> {
	process.stdout.write(
		`incident.io sync benchmark: ${INCIDENTS} incidents, 2 actions and 1 follow-up each, real rate limits\n`,
	);
	const sandbox = await startSandboxProcess();
	try {
		await takeRequestCount(sandbox);
		const full = await runPhase('full', { sandbox });
		const fullCounts = await takeRequestCount(sandbox);
		const touched = await control<{ incidents: string[]; actions: string[]; followUps: string[] }>(
			sandbox,
			'POST',
			'/incident-io/touch',
			{
				incidents: Math.round(INCIDENTS / 100),
				actions: Math.round((INCIDENTS * 2) / 100),
				followUps: Math.round(INCIDENTS / 100),
			},
		);
		await takeRequestCount(sandbox);
		const incremental = await runPhase('incremental', { sandbox, staticData: full.staticData });
		const incrementalCounts = await takeRequestCount(sandbox);
		const changed = touched.incidents.length + touched.actions.length + touched.followUps.length;
		const got = RESOURCES.reduce((sum, resource) => sum + incremental.records[resource], 0);
		if (got !== changed)
			throw new Error(`the incremental sync returned ${got} records, ${changed} changed`);
		const tap = await runPhase('tap', { sandbox });
		const tapCounts = await takeRequestCount(sandbox);
		process.stdout.write(`${line('node: full sync (incremental, 1st)', full, fullCounts)}\n`);
		const accepted = fullCounts.requests - fullCounts.rateLimited;
		// requests ÷ limit: the time the requests take at the limit's sustained rate
		const sustainedMs = Math.max(
			(fullCounts.incidentList / INCIDENT_LIST_LIMIT.limit) * INCIDENT_LIST_LIMIT.windowMs,
			(accepted / GENERAL_LIMIT.limit) * GENERAL_LIMIT.windowMs,
		);
		const windowMs = rateLimitBoundMs(fullCounts);
		process.stdout.write(
			`full sync: wall time ${(full.ms / 1000).toFixed(1)} s for ${fullCounts.incidentList} incident-list requests (limit ${INCIDENT_LIST_LIMIT.limit} a minute) and ${accepted} requests in all (limit ${GENERAL_LIMIT.limit} a minute): requests ÷ limit = ${(sustainedMs / 1000).toFixed(1)} s (${(full.ms / sustainedMs).toFixed(2)}× that; goal ≤ 1.1); the sliding windows let the first ${INCIDENT_LIST_LIMIT.limit} go at once, so the least they strictly allow is ${(windowMs / 1000).toFixed(1)} s\n`,
		);
		process.stdout.write(
			`${line(`node: incremental after 1% changed`, incremental, incrementalCounts)}\n`,
		);
		process.stdout.write(`${line('tap approach: one run (full, again)', tap, tapCounts)}\n`);
		// The tap's approach made complete: every page of every stream on every run, plus the filters
		// it lacks (all categories and modes on incidents; one list per mode for actions/follow-ups).
		const tapSameData = Math.ceil(full.records.incident / 250) + 1 + 2 * 5;
		process.stdout.write(
			`tap approach for the same data (with the hidden records): ${tapSameData} requests on every run, so ${2 * tapSameData} for a full + a second run; the node: ${fullCounts.requests} + ${incrementalCounts.requests} = ${fullCounts.requests + incrementalCounts.requests}\n`,
		);
		process.stdout.write(
			`the tap makes ${tapCounts.requests} requests on EVERY run (it has no incremental mode) and misses ${RESOURCES.reduce((sum, resource) => sum + full.records[resource] - tap.records[resource], 0)} records the API hides by default; the node's incremental run makes ${incrementalCounts.requests} and returns only the ${changed} changed records\n`,
		);
	} finally {
		sandbox.stop();
	}
}

async function serveSandbox(): Promise<void> {
	const { startSandbox } = await import('../../test/sandbox');
	const sandbox = await startSandbox({
		seed: 1,
		incidentIo: {
			incidents: INCIDENTS,
			actionsPerIncident: 2,
			followUpsPerIncident: 1,
			updatesPerIncident: 1,
		},
	});
	process.stdout.write(
		`${JSON.stringify({ baseUrl: sandbox.baseUrl, apiBaseUrl: sandbox.incidentIo.apiBaseUrl, apiKey: sandbox.incidentIo.apiKey })}\n`,
	);
	const stop = () => void sandbox.close().then(() => process.exit(0));
	process.once('SIGTERM', stop);
	process.once('SIGINT', stop);
}

async function runAsChild(): Promise<void> {
	if (process.argv.includes('--sandbox')) {
		await serveSandbox();
		return;
	}
	const phaseIndex = process.argv.indexOf('--phase');
	const phase = process.argv[phaseIndex + 1];
	const args = JSON.parse(process.argv[phaseIndex + 2]) as {
		sandbox: SandboxInfo;
		staticData?: Record<string, Record<string, unknown>>;
	};
	const result = phase === 'tap' ? await tapPhase(args) : await nodePhase(phase, args);
	process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (
	require.main === module &&
	(process.argv.includes('--phase') || process.argv.includes('--sandbox'))
) {
	runAsChild().catch((error: unknown) => {
		process.stderr.write(
			`bench child failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
		);
		process.exitCode = 1;
	});
}
