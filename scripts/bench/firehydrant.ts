/**
 * `npm run bench -- firehydrant`: speed and memory of the FireHydrant export path, beside a bare csv-parse of the
 * same bytes.
 *
 * The sandbox serves one nightly incident_event report of BENCH_EVENT_ROWS rows (default 100,000)
 * from its own process, so its memory never counts. Each measured phase runs in a fresh child
 * process, so each peak RSS is that phase's alone:
 *   - bare:  HTTP GET of the signed URL piped into csv-parse (columns from the header), rows counted:
 *            the issue's floor;
 *   - bare with the pack's options: the same, but csv-parse set up exactly as the node sets it up
 *            (lib/csv.ts: every line-break style, blank lines skipped, a largest record; records as
 *            arrays), so the two ratios show the parser's options apart from the node's own work;
 *   - bare keeping its records: the floor, but every record is kept to the end, as n8n keeps every
 *            item a node emits (the floor drops each record at once): what holding the rows costs;
 *   - node:  the FireHydrant node's Get Rows run in-process by n8n-core's WorkflowExecute
 *            (engine harness), every row shaped into an n8n item as users get it.
 * The two alternate over BENCH_ROUNDS rounds (default 3) and medians are printed: rows/s by wall
 * time and by CPU time (the process's user + system time, which other load on a shared machine
 * disturbs far less than wall time), peak RSS, and for the node its RSS growth and its heap after
 * GC beside the size of the JSON it emitted (the items' `json`, serialised). Figures go in the
 * issue note, with `uptime`'s load. The node's RSS growth is also shown without the growth of V8's
 * young generation, which V8 enlarges (to 64 MB per semi-space on Node 24) when many objects
 * survive. With BENCH_PROFILE_DIR set, every phase also writes a V8 CPU profile (`--cpu-prof`) into
 * that folder.
 */
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';

import {
	cpuProfileOptions,
	requestJson,
	runPhaseChild,
	startFireHydrantSandbox,
} from './processes';

interface PhaseResult {
	phase: string;
	rows: number;
	ms: number;
	/** User + system CPU time of the measured part. */
	cpuMs: number;
	peakRssMb: number;
	baselineRssMb: number;
	/** node only: heap after GC with every output item held, minus the heap after GC before the run. */
	retainedHeapMb?: number;
	/** node only: the output items' json as JSON text, in MB. */
	emittedJsonMb?: number;
	/**
	 * node only: how much V8's young generation (new space) grew during the run, in MB. Many objects
	 * that survive (every emitted row does) make V8 enlarge it, and its pages stay in the RSS.
	 */
	youngGenerationGrowthMb?: number;
}

interface SandboxProcess {
	baseUrl: string;
	apiToken: string;
	stop(): void;
}

const EVENT_ROWS = Number(process.env.BENCH_EVENT_ROWS ?? 100_000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const EVENTS_PER_INCIDENT = 10;

function mb(bytes: number): number {
	return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

/** Peak RSS of this process so far (kernel's high-water mark), in MB. */
function peakRssMb(): number {
	return mb(process.resourceUsage().maxRSS * 1024);
}

async function startSandboxProcess(): Promise<SandboxProcess> {
	return await startFireHydrantSandbox({
		incidents: Math.ceil(EVENT_ROWS / EVENTS_PER_INCIDENT),
		eventsPerIncident: EVENTS_PER_INCIDENT,
		nights: 1,
	});
}

async function getJson<T>(url: string, token: string): Promise<T> {
	return await requestJson<T>('GET', url, undefined, { Authorization: `Bearer ${token}` });
}

async function eventExportId(sandbox: SandboxProcess): Promise<{ id: string; url: string }> {
	const page = await getJson<{ data: Array<{ id: string; source: string; url: string }> }>(
		`${sandbox.baseUrl}/v1/integrations/data_export/export_requests?per_page=200&status=completed`,
		sandbox.apiToken,
	);
	const found = page.data.find((request) => request.source.includes('incident_event'));
	if (!found) throw new Error('the sandbox has no incident_event export');
	return found;
}

/** Runs one phase of this script in a child process and reads its JSON result. */
async function runPhase(phase: string, args: Record<string, string>): Promise<PhaseResult> {
	return await runPhaseChild<PhaseResult>(`phase ${phase}`, [
		'--expose-gc',
		...cpuProfileOptions(),
		__filename,
		'--phase',
		phase,
		JSON.stringify(args),
	]);
}

/**
 * csv-parse alone over the report: with `columns: true` (the floor), or set up as lib/csv.ts
 * sets it up; with `keep`, the floor's records are also kept to the end, as n8n keeps every item a
 * node emits, so that line shows what holding 100,000 rows costs by itself (the floor drops each).
 */
async function barePhase(
	args: Record<string, string>,
	packOptions: boolean,
	keep = false,
): Promise<PhaseResult> {
	const { parse } = await import('csv-parse');
	const { csvParseOptions, DEFAULT_MAX_CSV_RECORD_SIZE } = await import('../../lib/csv');
	const options = packOptions
		? csvParseOptions(DEFAULT_MAX_CSV_RECORD_SIZE)
		: { columns: true, bom: true };
	const baselineRssMb = mb(process.memoryUsage().rss);
	const started = performance.now();
	const cpu = process.cpuUsage();
	const kept: unknown[] = [];
	const records = await new Promise<number>((resolve, reject) => {
		http
			.get(args.url, (response) => {
				let count = 0;
				const parser = response.pipe(parse(options));
				parser.on('data', (record: unknown) => {
					count++;
					if (keep) kept.push(record);
				});
				parser.on('end', () => resolve(count));
				parser.on('error', reject);
			})
			.on('error', reject);
	});
	const ms = performance.now() - started;
	const cpuUsed = cpuMs(cpu);
	if (kept.length !== (keep ? records : 0)) throw new Error('the kept records went missing');
	return {
		phase: packOptions
			? "bare, the pack's options"
			: keep
				? 'bare, records kept'
				: 'bare csv-parse',
		// Without `columns`, the header is a record too.
		rows: packOptions ? records - 1 : records,
		ms,
		cpuMs: cpuUsed,
		peakRssMb: peakRssMb(),
		baselineRssMb,
	};
}

async function nodePhase(args: Record<string, string>): Promise<PhaseResult> {
	const harness = await import('../../test/engine/harness');
	const { FireHydrant } = await import('../../nodes/FireHydrant/FireHydrant.node');
	const { FireHydrantApi } = await import('../../credentials/FireHydrantApi.credentials');
	await harness.ensureEngineEnvironment();
	const gc = (globalThis as { gc?: () => void }).gc;
	gc?.();
	// BENCH_HEAP_SNAPSHOT_DIR: heap snapshots before the run and after it with every item held;
	// `node dist-tools/scripts/bench/heap-diff.js <before> <after>` says what the items are made of.
	const snapshotDir = process.env.BENCH_HEAP_SNAPSHOT_DIR;
	if (snapshotDir) v8.writeHeapSnapshot(path.join(snapshotDir, 'before.heapsnapshot'));
	const baselineHeap = process.memoryUsage().heapUsed;
	const baselineNewSpace = newSpaceSize();
	const baselineRssMb = mb(process.memoryUsage().rss);
	const type = 'n8n-nodes-incident-data.fireHydrant';
	const started = performance.now();
	const cpu = process.cpuUsage();
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
				selectBy: 'ids',
				exportRequestIds: args.id,
			},
			credentials: { fireHydrantApi: { id: 'fh', name: 'FireHydrant' } },
		}),
	});
	const ms = performance.now() - started;
	const cpuUsed = cpuMs(cpu);
	const peak = peakRssMb();
	const youngGenerationGrowthMb = mb(newSpaceSize() - baselineNewSpace);
	if (result.status !== 'success')
		throw new Error(`node run failed: ${String(result.error?.message)}`);
	const items = result.output('FireHydrant');
	gc?.();
	const retainedHeapMb = mb(process.memoryUsage().heapUsed - baselineHeap);
	if (snapshotDir) v8.writeHeapSnapshot(path.join(snapshotDir, 'after.heapsnapshot'));
	let emittedJsonBytes = 0;
	for (const item of items) emittedJsonBytes += Buffer.byteLength(JSON.stringify(item.json));
	return {
		phase: 'FireHydrant node (n8n-core)',
		rows: items.length,
		ms,
		cpuMs: cpuUsed,
		peakRssMb: peak,
		baselineRssMb,
		retainedHeapMb,
		emittedJsonMb: mb(emittedJsonBytes),
		youngGenerationGrowthMb,
	};
}

/** Bytes V8 has reserved for its young generation (new space) right now. */
function newSpaceSize(): number {
	return (
		v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0
	);
}

/** CPU time (user + system) since `start`, in ms. */
function cpuMs(start: NodeJS.CpuUsage): number {
	const used = process.cpuUsage(start);
	return (used.user + used.system) / 1000;
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The median of every figure over the rounds of one phase. */
function medianOf(results: PhaseResult[]): PhaseResult {
	const of = (pick: (result: PhaseResult) => number | undefined): number | undefined => {
		const values = results.map(pick).filter((value): value is number => value !== undefined);
		return values.length ? median(values) : undefined;
	};
	return {
		phase: results[0].phase,
		rows: results[0].rows,
		ms: of((result) => result.ms) ?? 0,
		cpuMs: of((result) => result.cpuMs) ?? 0,
		peakRssMb: of((result) => result.peakRssMb) ?? 0,
		baselineRssMb: of((result) => result.baselineRssMb) ?? 0,
		retainedHeapMb: of((result) => result.retainedHeapMb),
		emittedJsonMb: of((result) => result.emittedJsonMb),
		youngGenerationGrowthMb: of((result) => result.youngGenerationGrowthMb),
	};
}

function line(result: PhaseResult): string {
	const rate = Math.round(result.rows / (result.ms / 1000));
	const cpuRate = Math.round(result.rows / (result.cpuMs / 1000));
	return `${result.phase.padEnd(30)} ${String(result.rows).padStart(8)} rows  ${(result.ms / 1000).toFixed(2).padStart(7)} s  ${String(rate).padStart(8)} rows/s (${String(cpuRate).padStart(7)} per CPU s)  peak RSS ${result.peakRssMb} MB (baseline ${result.baselineRssMb} MB)`;
}

function loadAverage(): string {
	return os
		.loadavg()
		.map((load) => load.toFixed(2))
		.join(', ');
}

/** The benchmark, as `npm run bench` runs it. */
export async function run(): Promise<void> {
	process.stdout.write(
		`FireHydrant Get Rows benchmark: one incident_event report of about ${EVENT_ROWS} rows\n`,
	);
	const sandbox = await startSandboxProcess();
	try {
		const totals = await getJson<{ rowsBySource: Record<string, number> }>(
			`${sandbox.baseUrl}/__sandbox/firehydrant/totals`,
			sandbox.apiToken,
		);
		const expected = totals.rowsBySource.incident_event;
		const bareRuns: PhaseResult[] = [];
		const packOptionRuns: PhaseResult[] = [];
		const keptRuns: PhaseResult[] = [];
		const nodeRuns: PhaseResult[] = [];
		for (let round = 1; round <= ROUNDS; round++) {
			// A fresh signed URL per round: they expire after a few minutes.
			const target = await eventExportId(sandbox);
			bareRuns.push(await runPhase('bare', { url: target.url }));
			packOptionRuns.push(await runPhase('bare-pack-options', { url: target.url }));
			keptRuns.push(await runPhase('bare-kept', { url: target.url }));
			nodeRuns.push(
				await runPhase('node', {
					id: target.id,
					baseUrl: sandbox.baseUrl,
					token: sandbox.apiToken,
				}),
			);
			const [bare, packOptions, kept, node] = [
				bareRuns[round - 1],
				packOptionRuns[round - 1],
				keptRuns[round - 1],
				nodeRuns[round - 1],
			];
			if ([bare, packOptions, kept, node].some((result) => result.rows !== expected)) {
				throw new Error(
					`row counts differ: the report has ${expected}, bare read ${bare.rows}, bare with the pack's options ${packOptions.rows}, bare keeping its records ${kept.rows}, the node ${node.rows}`,
				);
			}
			const figures = (result: PhaseResult) =>
				`${(result.ms / 1000).toFixed(2)} s / ${(result.cpuMs / 1000).toFixed(2)} CPU s`;
			process.stdout.write(
				`round ${round} (load ${loadAverage()}): bare ${figures(bare)}, bare with the pack's options ${figures(packOptions)}, bare keeping its records ${figures(kept)}, node ${figures(node)}\n`,
			);
		}
		const bare = medianOf(bareRuns);
		const packOptions = medianOf(packOptionRuns);
		const kept = medianOf(keptRuns);
		const node = medianOf(nodeRuns);
		process.stdout.write(
			`medians of ${ROUNDS} round(s):\n${line(bare)}\n${line(packOptions)}\n${line(kept)}\n${line(node)}\n`,
		);
		const speed = (bare.ms / node.ms).toFixed(2);
		const cpuSpeed = (bare.cpuMs / node.cpuMs).toFixed(2);
		const growth = node.peakRssMb - node.baselineRssMb;
		process.stdout.write(
			`ratio: the node runs at ${speed}× the speed of bare csv-parse by wall time, ${cpuSpeed}× by CPU time (goal ≥ 0.8)\n` +
				`ratio against csv-parse with the pack's options: ${(packOptions.ms / node.ms).toFixed(2)}× by wall time, ${(packOptions.cpuMs / node.cpuMs).toFixed(2)}× by CPU time\n` +
				`ratio against csv-parse keeping its records: ${(kept.ms / node.ms).toFixed(2)}× by wall time, ${(kept.cpuMs / node.cpuMs).toFixed(2)}× by CPU time; keeping them costs the floor itself ${((kept.cpuMs - bare.cpuMs) / 1000).toFixed(2)} CPU s and ${(kept.peakRssMb - kept.baselineRssMb).toFixed(1)} MB of RSS growth (${((kept.peakRssMb - kept.baselineRssMb) / (node.emittedJsonMb ?? 1)).toFixed(2)}× the node's emitted JSON)\n` +
				`memory: the node's RSS grows ${growth.toFixed(1)} MB and its heap holds ${node.retainedHeapMb} MB after GC for ${node.rows} items whose JSON is ${node.emittedJsonMb} MB: RSS growth ${(growth / (node.emittedJsonMb ?? 1)).toFixed(2)}× the emitted JSON (goal ≤ 2); of the growth, ${node.youngGenerationGrowthMb} MB is V8's young generation enlarged during the run (${((growth - (node.youngGenerationGrowthMb ?? 0)) / (node.emittedJsonMb ?? 1)).toFixed(2)}× the emitted JSON without it)\n`,
		);
	} finally {
		sandbox.stop();
	}
}

/** A measured phase, when this file is started as a child process by `run()`. */
async function runAsPhase(): Promise<void> {
	const phaseIndex = process.argv.indexOf('--phase');
	const phase = process.argv[phaseIndex + 1];
	const args = JSON.parse(process.argv[phaseIndex + 2]) as Record<string, string>;
	const result =
		phase === 'node'
			? await nodePhase(args)
			: await barePhase(args, phase === 'bare-pack-options', phase === 'bare-kept');
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
