/**
 * `npm run bench -- n8n-side-by-side`: the pack's Get Rows in a real n8n 2.41.1, beside the chain a
 * user builds today from n8n's own nodes, over the same report, each as a whole `n8n execute`
 * process under `/usr/bin/time -v`.
 *
 * The report: the sandbox's incident_event export of BENCH_SIDE_ROWS rows (default 100,000) in
 * all, of which 9 % are OLDER versions of other rows' ids (an earlier `updated_at` and other
 * details), placed at random before or after the newest version, as overlapping nightly windows
 * deliver them. The sandbox serves it behind a signed URL, from this (unmeasured) process.
 *   A: Manual Trigger → FireHydrant Get Rows (by export request id; Deduplicate on, the default);
 *   B: Manual Trigger → HTTP Request (response as file) → Extract From File (CSV) → Remove
 *      Duplicates (within the input, by `id`): what the n8n docs suggest for a CSV behind a URL;
 *   C: Manual Trigger alone: what an `n8n execute` costs before any data (boot, database, exit).
 * They alternate A, B, C for BENCH_SIDE_ROUNDS rounds (default 3). Per process: wall time, CPU
 * (user + system) and max RSS from `time -v`, and the size of the execution n8n stored. Printed:
 * the medians, the ratios (A − C) ÷ (B − C) for wall time, CPU and max RSS (goals ≤ 0.5 for time,
 * ≤ 0.6 for RSS), and a correctness line for A and B: rows out, duplicate ids among them, and ids
 * whose newest version was lost (the chain keeps the first version it sees). With BENCH_PROFILE_DIR
 * set, each `n8n execute` also writes a V8 CPU profile (`--cpu-prof`) of its main process there,
 * named after the variant and round; profiling slows the runs, so those figures are not for notes.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { startSandbox } from '../../test/sandbox';
import { withOlderVersions } from '../../test/support/large-report';
import {
	createN8nHome,
	disposeN8nHarness,
	importCredentials,
	importWorkflows,
	packProject,
	resolveToolchain,
	type N8nHome,
} from '../../test/support/n8n';

import { cpuProfileOptions } from './processes';

const ROWS = Number(process.env.BENCH_SIDE_ROWS ?? 100_000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_SIDE_ROUNDS ?? 3));
/** Share of the report's rows that are older versions of another row's id. */
const OLDER_SHARE = 0.09;
const EVENTS_PER_INCIDENT = 10;
const SOURCE = 'text/csv+incident_event-20220525';
const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');

interface ProcessFigures {
	wallS: number;
	cpuS: number;
	maxRssMb: number;
	storedMb: number;
	/** What `n8n execute` printed (it prints the whole run as indented JSON), in MB. */
	printedMb: number;
}

interface Correctness {
	rowsOut: number;
	duplicates: number;
	newestLost: number;
}

interface Variant {
	key: 'A' | 'B' | 'C';
	label: string;
	workflowId: string;
	/** Node whose output is checked; none for the baseline. */
	outputNode?: string;
}

const VARIANTS: Variant[] = [
	{
		key: 'A',
		label: 'A  pack: FireHydrant Get Rows',
		workflowId: 'sbsPack1',
		outputNode: 'FireHydrant',
	},
	{
		key: 'B',
		label: 'B  HTTP → Extract CSV → Remove Dupl.',
		workflowId: 'sbsChain1',
		outputNode: 'Remove Duplicates',
	},
	{ key: 'C', label: 'C  Manual Trigger only (baseline)', workflowId: 'sbsBase1' },
];

function mb(bytes: number): number {
	return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

function loadAverage(): string {
	return os
		.loadavg()
		.map((load) => load.toFixed(2))
		.join(', ');
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** A GET of the sandbox's FireHydrant API. */
async function api<T>(url: string, token: string): Promise<T> {
	const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
	if (!response.ok) throw new Error(`GET ${new URL(url).pathname} answered ${response.status}`);
	return (await response.json()) as T;
}

function workflows(
	packageName: string,
	exportRequestId: string,
	url: string,
): Array<Record<string, unknown>> {
	const trigger = {
		id: 'trigger',
		name: 'Start',
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const chain = (names: string[]) => {
		const connections: Record<string, unknown> = {};
		for (let index = 0; index + 1 < names.length; index++) {
			connections[names[index]] = { main: [[{ node: names[index + 1], type: 'main', index: 0 }]] };
		}
		return connections;
	};
	return [
		{
			id: 'sbsPack1',
			name: 'Side by side A: pack',
			active: false,
			nodes: [
				trigger,
				{
					id: 'pack',
					name: 'FireHydrant',
					type: `${packageName}.fireHydrant`,
					typeVersion: 1,
					position: [200, 0],
					parameters: {
						resource: 'exportData',
						operation: 'getRows',
						selectBy: 'ids',
						exportRequestIds: exportRequestId,
					},
					credentials: { fireHydrantApi: { id: 'sbsFh1', name: 'FireHydrant sandbox' } },
				},
			],
			connections: chain(['Start', 'FireHydrant']),
			settings: {},
		},
		{
			id: 'sbsChain1',
			name: 'Side by side B: n8n nodes',
			active: false,
			nodes: [
				trigger,
				{
					id: 'http',
					name: 'HTTP Request',
					type: 'n8n-nodes-base.httpRequest',
					typeVersion: 4.2,
					position: [200, 0],
					parameters: { url, options: { response: { response: { responseFormat: 'file' } } } },
				},
				{
					id: 'extract',
					name: 'Extract From File',
					type: 'n8n-nodes-base.extractFromFile',
					typeVersion: 1.1,
					position: [400, 0],
					parameters: { operation: 'csv', options: {} },
				},
				{
					id: 'dedupe',
					name: 'Remove Duplicates',
					type: 'n8n-nodes-base.removeDuplicates',
					typeVersion: 2,
					position: [600, 0],
					parameters: {
						operation: 'removeDuplicateInputItems',
						compare: 'selectedFields',
						fieldsToCompare: 'id',
						options: {},
					},
				},
			],
			connections: chain(['Start', 'HTTP Request', 'Extract From File', 'Remove Duplicates']),
			settings: {},
		},
		{
			id: 'sbsBase1',
			name: 'Side by side C: baseline',
			active: false,
			nodes: [trigger],
			connections: {},
			settings: {},
		},
	];
}

async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

/** `time -v`'s figures, from its report on stderr. */
function parseTimeReport(report: string): { wallS: number; cpuS: number; maxRssMb: number } {
	const field = (label: string): string => {
		const line = report.split('\n').find((candidate) => candidate.trim().startsWith(label));
		if (!line)
			throw new Error(
				`/usr/bin/time -v printed no "${label}"; its output ends: ${report.slice(-500)}`,
			);
		return line.slice(line.lastIndexOf(': ') + 2).trim();
	};
	const wall = field('Elapsed (wall clock) time')
		.split(':')
		.map(Number)
		.reduce((total, part) => total * 60 + part, 0);
	const cpuS = Number(field('User time')) + Number(field('System time'));
	return {
		wallS: wall,
		cpuS,
		maxRssMb: Math.round(Number(field('Maximum resident set size')) / 102.4) / 10,
	};
}

/** The stored execution's size in n8n's SQLite database (the newest execution). */
async function storedExecutionBytes(home: N8nHome): Promise<number> {
	const { n8nHome } = resolveToolchain();
	const requireFromN8n = createRequire(path.join(n8nHome, 'node_modules', 'n8n', 'package.json'));
	const sqlite3 = requireFromN8n('sqlite3') as {
		Database: new (
			file: string,
			mode: number,
			callback: (error: Error | null) => void,
		) => {
			get(sql: string, callback: (error: Error | null, row?: { size: number }) => void): void;
			close(): void;
		};
		OPEN_READONLY: number;
	};
	const file = path.join(home.userFolder, '.n8n', 'database.sqlite');
	return await new Promise((resolve, reject) => {
		const database = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (error) => {
			if (error) reject(error);
		});
		database.get(
			'SELECT length(data) AS size FROM execution_data ORDER BY executionId DESC LIMIT 1',
			(error, row) => {
				database.close();
				if (error) reject(error);
				else resolve(row?.size ?? 0);
			},
		);
	});
}

/** `n8n execute` of one workflow as a whole process under `time -v`; its stdout goes to a file. */
async function measure(
	home: N8nHome,
	variant: Variant,
	outputFile: string,
	round: number,
): Promise<ProcessFigures> {
	const env = {
		...home.env,
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_LOG_FORMAT: 'text',
	};
	const out = fs.openSync(outputFile, 'w');
	let report = '';
	const code = await new Promise<number | null>((resolve, reject) => {
		const child = spawn(
			'/usr/bin/time',
			[
				'-v',
				home.nodeBin,
				...cpuProfileOptions(`n8n-side-by-side-${variant.key}-round${round}`),
				home.n8nBin,
				'execute',
				`--id=${variant.workflowId}`,
				'--rawOutput',
			],
			{
				cwd: home.userFolder,
				env,
				stdio: ['ignore', out, 'pipe'],
				detached: true,
			},
		);
		child.stderr?.on('data', (chunk: Buffer) => {
			report += chunk.toString('utf8');
			if (report.length > 1_000_000) report = report.slice(-100_000);
		});
		const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 20 * 60_000);
		child.once('error', reject);
		child.once('close', (exitCode) => {
			clearTimeout(timer);
			try {
				// The task runner n8n started must not outlive it.
				if (child.pid) process.kill(-child.pid, 'SIGKILL');
			} catch {
				// Already gone.
			}
			resolve(exitCode);
		});
	});
	fs.closeSync(out);
	// n8n 2.41.1 sometimes crashes while exiting after a good run; the run itself is checked below.
	if (code !== 0 && !/Maximum resident set size/.test(report))
		throw new Error(`${variant.label} failed (exit ${code}): ${report.slice(-2000)}`);
	return {
		...parseTimeReport(report),
		storedMb: mb(await storedExecutionBytes(home)),
		printedMb: mb(fs.statSync(outputFile).size),
	};
}

/** The run `n8n execute --rawOutput` printed (pretty JSON between a line `{` and the last line `}`). */
function readRun(outputFile: string): Record<string, unknown> {
	const text = fs.readFileSync(outputFile, 'utf8');
	const start = text.startsWith('{\n') ? 0 : text.indexOf('\n{\n') + 1;
	const end = text.lastIndexOf('\n}');
	if (start < 0 || end < start)
		throw new Error(`no execution printed in ${outputFile}: ${text.slice(0, 500)}`);
	return JSON.parse(text.slice(start, end + 2)) as Record<string, unknown>;
}

function check(outputFile: string, variant: Variant, newest: Map<string, string>): Correctness {
	const run = readRun(outputFile) as {
		data: {
			resultData: {
				error?: { message?: string };
				runData: Record<
					string,
					Array<{ data: { main: Array<Array<{ json: Record<string, unknown> }>> } }>
				>;
			};
		};
	};
	const resultData = run.data.resultData;
	if (resultData.error)
		throw new Error(`${variant.label}: the run failed: ${resultData.error.message}`);
	const items = resultData.runData[variant.outputNode ?? '']?.[0]?.data.main[0] ?? [];
	const seen = new Set<string>();
	let duplicates = 0;
	let newestLost = 0;
	for (const { json } of items) {
		const id = String(json.id);
		if (seen.has(id)) duplicates++;
		seen.add(id);
		if (Date.parse(String(json.updated_at)) < Date.parse(newest.get(id) ?? '')) newestLost++;
	}
	newestLost += [...newest.keys()].filter((id) => !seen.has(id)).length;
	return { rowsOut: items.length, duplicates, newestLost };
}

/** The benchmark, as `npm run bench` runs it. */
export async function run(): Promise<void> {
	const extraRows = Math.round(ROWS * OLDER_SHARE);
	const incidents = Math.round((ROWS - extraRows) / EVENTS_PER_INCIDENT);
	process.stdout.write(
		`n8n side by side: ${ROWS} incident_event rows (${extraRows} of them older versions of other rows' ids), ${ROUNDS} rounds of A, B, C, each a whole \`n8n execute\` under /usr/bin/time -v\n`,
	);
	if (
		!fs.existsSync(path.join(PROJECT_ROOT, 'dist', 'nodes', 'FireHydrant', 'FireHydrant.node.js'))
	) {
		throw new Error('dist/ is missing: run through `npm run bench` (it builds first)');
	}
	// Signed URLs live for a day: workflow B holds one for every round.
	const sandbox = await startSandbox({
		seed: 1,
		fireHydrant: {
			incidents,
			eventsPerIncident: EVENTS_PER_INCIDENT,
			nights: 1,
			urlLifetimeMs: 24 * 3600_000,
		},
	});
	const apiToken = sandbox.fireHydrant.apiToken;
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-side-by-side-'));
	try {
		const events = sandbox.fireHydrant.exportRequests.find((request) => request.source === SOURCE);
		if (!events) throw new Error('the sandbox has no incident_event export');
		const report = withOlderVersions(
			sandbox.fireHydrant.rawCsv(events.id).toString('utf8'),
			extraRows,
		);
		const added = sandbox.fireHydrant.addExportRequest({
			source: SOURCE,
			body: Buffer.from(report.body, 'utf8'),
		});
		const signed = await api<{ url: string }>(
			`${sandbox.baseUrl}/v1/integrations/data_export/export_requests/${added.id}`,
			apiToken,
		);
		process.stdout.write(
			`report: ${report.rows} rows, ${report.newest.size} distinct ids, ${mb(Buffer.byteLength(report.body))} MB of CSV\n`,
		);

		const home = await createN8nHome({ tarball: await packProject(PROJECT_ROOT) });
		await importCredentials(home, [
			{
				id: 'sbsFh1',
				name: 'FireHydrant sandbox',
				type: 'fireHydrantApi',
				data: { apiToken, region: 'custom', baseUrl: sandbox.baseUrl },
			},
		]);
		await importWorkflows(home, workflows(home.packageName, added.id, signed.url));

		const figures = new Map<Variant['key'], ProcessFigures[]>();
		const correctness = new Map<Variant['key'], Correctness>();
		for (let round = 1; round <= ROUNDS; round++) {
			for (const variant of VARIANTS) {
				const outputFile = path.join(workDir, `${variant.key}.out`);
				const load = loadAverage();
				const measured = await measure(home, variant, outputFile, round);
				if (variant.outputNode)
					correctness.set(variant.key, check(outputFile, variant, report.newest));
				fs.rmSync(outputFile, { force: true });
				figures.set(variant.key, [...(figures.get(variant.key) ?? []), measured]);
				process.stdout.write(
					`round ${round} ${variant.key} (load before: ${load}): wall ${measured.wallS.toFixed(2)} s, CPU ${measured.cpuS.toFixed(2)} s, max RSS ${measured.maxRssMb} MB, stored execution ${measured.storedMb} MB, printed ${measured.printedMb} MB\n`,
				);
			}
		}

		const medianFigures = new Map<Variant['key'], ProcessFigures>();
		for (const variant of VARIANTS) {
			const runs = figures.get(variant.key) ?? [];
			const pick = (field: keyof ProcessFigures) => median(runs.map((entry) => entry[field]));
			medianFigures.set(variant.key, {
				wallS: pick('wallS'),
				cpuS: pick('cpuS'),
				maxRssMb: pick('maxRssMb'),
				storedMb: pick('storedMb'),
				printedMb: pick('printedMb'),
			});
		}
		process.stdout.write(`medians of ${ROUNDS} rounds:\n`);
		for (const variant of VARIANTS) {
			const entry = medianFigures.get(variant.key) as ProcessFigures;
			process.stdout.write(
				`${variant.label.padEnd(40)} wall ${entry.wallS.toFixed(2).padStart(6)} s  CPU ${entry.cpuS.toFixed(2).padStart(6)} s  max RSS ${String(entry.maxRssMb).padStart(7)} MB  stored execution ${entry.storedMb} MB  printed ${entry.printedMb} MB\n`,
			);
		}
		const [a, b, c] = (['A', 'B', 'C'] as const).map(
			(key) => medianFigures.get(key) as ProcessFigures,
		);
		const ratio = (field: keyof ProcessFigures) =>
			((a[field] - c[field]) / (b[field] - c[field])).toFixed(2);
		process.stdout.write(
			`ratios (A − C) ÷ (B − C): wall ${ratio('wallS')}, CPU ${ratio('cpuS')} (goal ≤ 0.5); max RSS ${ratio('maxRssMb')} (goal ≤ 0.6); stored execution ${(a.storedMb / b.storedMb).toFixed(2)} (A ÷ B)\n`,
		);
		for (const key of ['A', 'B'] as const) {
			const result = correctness.get(key) as Correctness;
			process.stdout.write(
				`correctness ${key}: ${result.rowsOut} rows out of ${report.rows} (${report.newest.size} distinct ids), ${result.duplicates} duplicates, ${result.newestLost} ids whose newest version was lost\n`,
			);
		}
	} finally {
		await sandbox.close();
		fs.rmSync(workDir, { recursive: true, force: true });
		disposeN8nHarness();
	}
}
