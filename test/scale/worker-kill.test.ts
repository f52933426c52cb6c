/**
 * A worker killed mid-run in queue mode (main, webhook process, two workers, Redis, Postgres;
 * test/support/queue-mode.ts): Webhook (production) → FireHydrant Get Rows of one large
 * `incident_event` report (default 100,000 rows, 9 % of them older versions of other rows' ids,
 * as overlapping nightly windows deliver them) → n8n's own Postgres node upserting by `id`, with the
 * templates' parameters (automatic mapping, Query Batching *transaction*).
 *
 * Once the upsert is writing, the worker that runs the execution (from its log line "Worker started
 * execution") is SIGKILLed with its task runner. The test then follows n8n: where the Bull job went
 * (stalled, re-delivered or failed), and the status the execution record ends in; and, as a user
 * would, it runs the workflow again (through the same webhook), which the remaining worker runs.
 *
 * Asserted, n8n 2.41.1's behaviour with its default queue settings (pinned, so that a change
 * shows): nothing of the killed run's upsert is committed; the job is not re-delivered to the other
 * worker (n8n sets Bull's maxStalledCount to 0), and once Bull declares it stalled, the process that
 * enqueued it (the webhook process) records the execution as `error` with n8n's "failed to be
 * processed too many times" message. The rerun succeeds on the other worker, and the table then
 * equals the sandbox's ground truth exactly: as many rows as distinct ids, the same ids, and per id
 * the newest version (`updated_at`, `incident_id`, `event_details`). Printed, not asserted: the
 * timings and the load average.
 *
 * The rerun starts right after the kill (the test does not wait the two minutes n8n takes to give
 * the killed run up), which keeps the file's wall time down. Size: SCALE_KILL_ROWS (report rows in
 * all, default 100,000).
 */
import * as os from 'node:os';
import * as path from 'node:path';

import { startSandbox, type Sandbox } from '../sandbox';
import { COLUMNS } from '../sandbox/firehydrant/sources';
import { withOlderVersions } from '../support/large-report';
import { activateWorkflow, readExecution } from '../support/n8n';
import {
	startQueueCluster,
	type JobState,
	type QueueCluster,
	type QueueProcess,
} from '../support/queue-mode';
import { inLine, webhookNode } from '../support/workflow';

jest.setTimeout(45 * 60_000);

const ROOT = path.resolve(__dirname, '..', '..');
/** Report rows in all. Much below 20,000 the upsert may end before the kill: the scenario check fails. */
const ROWS = Number(process.env.SCALE_KILL_ROWS ?? 100_000);
/** Share of the report's rows that are older versions of another row's id. */
const OLDER_SHARE = 0.09;
const EVENTS_PER_INCIDENT = 10;
const SOURCE = 'text/csv+incident_event-20220525';
const FH_CREDENTIAL = { id: 'fhKillCred00001', name: 'FireHydrant kill' };
const PG_CREDENTIAL = { id: 'pgKillCred00001', name: 'Warehouse kill' };
const WORKFLOW_ID = 'fhKillQueue0001';
const PATH = 'scale-worker-kill';
const TABLE = 'incident_events';
/** How long the upsert writes before the kill: inside its transaction, well before its end. */
const KILL_AFTER_UPSERT_MS = 1_500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function loadAverage(): string {
	return os
		.loadavg()
		.map((load) => load.toFixed(2))
		.join(', ');
}

function workflow(exportRequestId: string): Record<string, unknown> {
	return {
		id: WORKFLOW_ID,
		name: 'FireHydrant report into Postgres, worker killed',
		nodes: [
			webhookNode(PATH, 'scale-worker-kill-id'),
			{
				id: 'f',
				name: 'FireHydrant',
				type: 'n8n-nodes-incident-data.fireHydrant',
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					resource: 'exportData',
					operation: 'getRows',
					selectBy: 'ids',
					exportRequestIds: exportRequestId,
				},
				credentials: { fireHydrantApi: FH_CREDENTIAL },
			},
			{
				id: 'p',
				name: 'Upsert Events Into Postgres',
				type: 'n8n-nodes-base.postgres',
				typeVersion: 2.6,
				position: [440, 0],
				credentials: { postgres: PG_CREDENTIAL },
				// The templates' upsert (workflows/load-firehydrant-exports-into-postgres.json), by `id`.
				parameters: {
					operation: 'upsert',
					schema: { __rl: true, mode: 'list', value: 'warehouse' },
					table: { __rl: true, mode: 'name', value: TABLE },
					columns: {
						mappingMode: 'autoMapInputData',
						value: {},
						matchingColumns: ['id'],
						schema: [],
					},
					options: { queryBatching: 'transaction' },
				},
			},
		],
		connections: inLine('Webhook', 'FireHydrant', 'Upsert Events Into Postgres'),
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

let sandbox: Sandbox;
let cluster: QueueCluster;
/** The sandbox's ground truth for the report: the newest version of every id. */
let expected: Array<Record<string, string>>;
let reportRows = 0;

beforeAll(async () => {
	const extraRows = Math.round(ROWS * OLDER_SHARE);
	sandbox = await startSandbox({
		seed: 37,
		fireHydrant: {
			incidents: Math.round((ROWS - extraRows) / EVENTS_PER_INCIDENT),
			eventsPerIncident: EVENTS_PER_INCIDENT,
			nights: 1,
		},
	});
	const events = sandbox.fireHydrant.exportRequests.find((request) => request.source === SOURCE);
	if (!events) throw new Error('the sandbox has no incident_event export');
	const report = withOlderVersions(
		sandbox.fireHydrant.rawCsv(events.id).toString('utf8'),
		extraRows,
	);
	reportRows = report.rows;
	const added = sandbox.fireHydrant.addExportRequest({
		source: SOURCE,
		body: Buffer.from(report.body, 'utf8'),
	});
	expected = sandbox.fireHydrant.expectedRows('incident_event', { exportRequestIds: [added.id] });
	cluster = await startQueueCluster({
		projectRoot: ROOT,
		workers: 2,
		credentials: (postgres) => [
			{
				...FH_CREDENTIAL,
				type: 'fireHydrantApi',
				data: {
					apiToken: sandbox.fireHydrant.apiToken,
					region: 'custom',
					baseUrl: sandbox.baseUrl,
				},
			},
			{
				...PG_CREDENTIAL,
				type: 'postgres',
				data: {
					host: postgres.host,
					port: postgres.port,
					database: postgres.database,
					user: postgres.user,
					password: postgres.password,
					ssl: 'disable',
				},
			},
		],
		workflows: [workflow(added.id)],
	});
	// The report's columns as the node emits them: JSON cells parsed (jsonb), the rest text, plus
	// the two columns Get Rows adds.
	const columns = COLUMNS.incident_event.map((column) =>
		column === 'id'
			? 'id text PRIMARY KEY'
			: column === 'event_details'
				? 'event_details jsonb'
				: `${column} text`,
	);
	await cluster.postgres.query('CREATE SCHEMA warehouse');
	await cluster.postgres.query(
		`CREATE TABLE warehouse.${TABLE} (${[...columns, '_source text', '"_exportRequestId" text'].join(', ')})`,
	);
	await activateWorkflow(cluster.main, WORKFLOW_ID);
});

afterAll(async () => {
	await cluster?.stop();
	await sandbox?.close();
});

interface ExecutionRow {
	id: string;
	status: string;
	startedAt: Date | null;
	stoppedAt: Date | null;
}

async function executions(): Promise<ExecutionRow[]> {
	return await cluster.postgres.query<ExecutionRow>(
		'SELECT id::text AS id, status, "startedAt", "stoppedAt" FROM execution_entity WHERE "workflowId" = $1 ORDER BY id',
		[WORKFLOW_ID],
	);
}

/** Starts one execution through the webhook process; its execution record, once it exists. */
async function trigger(): Promise<ExecutionRow> {
	const known = new Set((await executions()).map((row) => row.id));
	const response = await fetch(`${cluster.webhookBaseUrl}/webhook/${PATH}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: '{}',
	});
	await response.text();
	expect(response.status).toBe(200);
	const deadline = Date.now() + 60_000;
	for (;;) {
		const created = (await executions()).find((row) => !known.has(row.id));
		if (created) return created;
		if (Date.now() > deadline) throw new Error('the webhook answered but no execution was created');
		await sleep(250);
	}
}

/** Connections writing into the destination table now (in or between the upsert's statements). */
async function upsertConnections(): Promise<number> {
	const [row] = await cluster.postgres.query<{ writers: string }>(
		`SELECT count(*)::text AS writers FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query LIKE 'INSERT INTO "warehouse"."${TABLE}"%'`,
	);
	return Number(row.writers);
}

/** Waits (bounded) until some worker has started the execution and its upsert is writing. */
async function waitForUpsert(
	executionId: string,
): Promise<{ worker: QueueProcess; jobId: string }> {
	const deadline = Date.now() + 20 * 60_000;
	for (;;) {
		const [start] = cluster.startsOf(executionId);
		if (start && (await upsertConnections()) > 0) {
			const worker = cluster.workers.find((candidate) => candidate.name === start.worker);
			if (!worker || !start.jobId)
				throw new Error(`no worker process or job id for ${JSON.stringify(start)}`);
			return { worker, jobId: start.jobId };
		}
		const [row] = (await executions()).filter((candidate) => candidate.id === executionId);
		if (row && !['new', 'running'].includes(row.status))
			throw new Error(`execution ${executionId} ended (${row.status}) before the upsert was seen`);
		if (Date.now() > deadline)
			throw new Error(`the upsert of execution ${executionId} did not start`);
		await sleep(200);
	}
}

async function tableRowCount(): Promise<number> {
	const [row] = await cluster.postgres.query<{ rows: string }>(
		`SELECT count(*)::text AS rows FROM warehouse.${TABLE}`,
	);
	return Number(row.rows);
}

/** JSON text with object keys sorted, so that equal values compare equal as strings. */
function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
	if (value !== null && typeof value === 'object') {
		return `{${Object.keys(value)
			.sort()
			.map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
			.join(',')}}`;
	}
	return JSON.stringify(value);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

describe('a worker killed mid-run in queue mode', () => {
	it(`FireHydrant Get Rows of ${ROWS} rows → Postgres upsert: the worker is SIGKILLed during the upsert, n8n records the run as failed, the rerun leaves the ground truth`, async () => {
		const loadAtStart = loadAverage();
		const triggeredAt = Date.now();
		const killed = await trigger();
		const { worker, jobId } = await waitForUpsert(killed.id);
		const upsertSeenAt = Date.now();
		await sleep(KILL_AFTER_UPSERT_MS);

		// The scenario, not a speed check: the run is still going and its transaction still open.
		const [beforeKill] = (await executions()).filter((row) => row.id === killed.id);
		expect(beforeKill.status).toBe('running');
		expect(await upsertConnections()).toBeGreaterThan(0);
		const loadAtKill = loadAverage();
		worker.kill();
		const exit = await worker.exited;
		const killedAt = Date.now();
		expect(exit.signal).toBe('SIGKILL');
		const survivor = cluster.workers.find((candidate) => candidate !== worker) as QueueProcess;

		// The upsert's transaction dies with its connection: nothing of it is committed.
		const rowsAfterKill = await tableRowCount();

		// As a user would: run the workflow again. The surviving worker takes it.
		const rerunTriggeredAt = Date.now();
		const rerun = await trigger();

		// Follow both: the rerun to its end; the killed run until its record leaves "running" or 5
		// minutes have passed since the kill.
		let rerunEnd: ExecutionRow | undefined;
		let killedEnd: ExecutionRow | undefined;
		let killedEndSeenAt = 0;
		let jobLeftActiveAt: number | undefined;
		let lastJobState: JobState = { state: 'active' };
		const deadline = Math.max(killedAt + 5 * 60_000, Date.now() + 20 * 60_000);
		for (;;) {
			const rows = await executions();
			const rerunRow = rows.find((row) => row.id === rerun.id);
			const killedRow = rows.find((row) => row.id === killed.id);
			if (!rerunEnd && rerunRow && !['new', 'running'].includes(rerunRow.status))
				rerunEnd = rerunRow;
			if (!killedEnd && killedRow && !['new', 'running'].includes(killedRow.status)) {
				killedEnd = killedRow;
				killedEndSeenAt = Date.now();
			}
			if (jobLeftActiveAt === undefined) {
				lastJobState = await cluster.jobState(jobId);
				if (lastJobState.state !== 'active') jobLeftActiveAt = Date.now();
			}
			if (rerunEnd && (killedEnd || Date.now() > killedAt + 5 * 60_000)) break;
			if (Date.now() > deadline) break;
			await sleep(1_000);
		}
		const starts = cluster.startsOf(killed.id);
		const rerunStarts = cluster.startsOf(rerun.id);
		const killedRecord = killedEnd ? await readExecution(cluster.main, killed.id) : undefined;
		console.log(
			[
				`worker kill: report of ${reportRows} rows (${expected.length} distinct ids); load at start ${loadAtStart}, at the kill ${loadAtKill}, at the end ${loadAverage()}`,
				`  execution ${killed.id} (job ${jobId}) on ${worker.name}: upsert writing after ${seconds(upsertSeenAt - triggeredAt)}, SIGKILL ${seconds(killedAt - upsertSeenAt)} later; rows committed after the kill: ${rowsAfterKill}`,
				`  Bull job ${jobId}: ${lastJobState.state}${lastJobState.failedReason ? ` (${lastJobState.failedReason})` : ''}${jobLeftActiveAt === undefined ? ', still active' : ` ${seconds(jobLeftActiveAt - killedAt)} after the kill`}; started by ${starts.map((start) => start.worker).join(', ')}`,
				`  record of execution ${killed.id}: ${killedEnd ? `${killedEnd.status} seen ${seconds(killedEndSeenAt - killedAt)} after the kill: "${killedRecord?.error?.message ?? ''}"` : 'still running 5 minutes after the kill'}`,
				`  rerun ${rerun.id} on ${rerunStarts.map((start) => start.worker).join(', ')}: ${rerunEnd?.status}, ${rerunEnd ? seconds(Number(rerunEnd.stoppedAt) - rerunTriggeredAt) : '?'} from trigger to stop`,
			].join('\n'),
		);

		// n8n 2.41.1 (pinned): the open transaction died with the worker's connection; Bull does not
		// hand the stalled job to another worker (n8n sets maxStalledCount 0) but fails it, and the
		// enqueuing process records the execution as an error.
		expect(rowsAfterKill).toBe(0);
		expect(starts.map((start) => start.worker)).toEqual([worker.name]);
		expect(killedEnd?.status).toBe('error');
		expect(killedRecord?.error?.message).toMatch(/failed to be processed too many times/);
		expect(rerunEnd?.status).toBe('success');
		expect(rerunStarts.map((start) => start.worker)).toEqual([survivor.name]);

		// The destination equals the ground truth: each id once, each at its newest version.
		const table = await cluster.postgres.query<{
			id: string;
			updated_at: string;
			incident_id: string;
			event_details: unknown;
		}>(`SELECT id, updated_at, incident_id, event_details FROM warehouse.${TABLE} ORDER BY id`);
		expect(table.length).toBe(expected.length);
		const byId = new Map(table.map((row) => [row.id, row]));
		expect(byId.size).toBe(table.length);
		const missing: string[] = [];
		const wrongVersion: string[] = [];
		for (const truth of expected) {
			const row = byId.get(truth.id);
			if (!row) {
				missing.push(truth.id);
				continue;
			}
			if (
				row.updated_at !== truth.updated_at ||
				row.incident_id !== truth.incident_id ||
				canonical(row.event_details) !== canonical(JSON.parse(truth.event_details))
			) {
				wrongVersion.push(truth.id);
			}
		}
		const expectedIds = new Set(expected.map((truth) => truth.id));
		const unexpected = table.filter((row) => !expectedIds.has(row.id)).length;
		console.log(
			`  table: ${table.length} rows; ${missing.length} ids missing, ${wrongVersion.length} not at their newest version, ${unexpected} not in the ground truth`,
		);
		expect({ missing: missing.slice(0, 5), wrongVersion: wrongVersion.slice(0, 5) }).toEqual({
			missing: [],
			wrongVersion: [],
		});
	});
});
