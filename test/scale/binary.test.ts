/**
 * Binary data in queue mode, with `N8N_DEFAULT_BINARY_DATA_MODE=database` for every process:
 * Webhook (production) → FireHydrant Get Rows, Output "One Item per Export File" (each report as
 * binary) → Extract From File (CSV), all in one execution on a worker. Then the main process reads
 * the execution back over its REST API and downloads each file through `/rest/binary-data`.
 *
 * Asserted: the execution ran on a worker and succeeded; the files are the incident exports the
 * sandbox completed; the rows Extract From File read on the worker carry exactly the incident ids
 * of those reports; each file downloaded from main is the CSV the sandbox served (same rows).
 */
import * as path from 'node:path';

import { startSandbox, type Sandbox } from '../sandbox';
import { activateWorkflow, readExecution } from '../support/n8n';
import { startQueueCluster, type QueueCluster } from '../support/queue-mode';
import { inLine, webhookNode } from '../support/workflow';

jest.setTimeout(30 * 60_000);

const ROOT = path.resolve(__dirname, '..', '..');
const FH_CREDENTIAL = { id: 'fhBinaryCred001', name: 'FireHydrant binary' };
const WORKFLOW_ID = 'fhBinaryQueue01';
const PATH = 'scale-binary-files';

const since = () => new Date(Date.now() - 30 * 24 * 3600 * 1000).toISOString();

const workflow = {
	id: WORKFLOW_ID,
	name: 'FireHydrant export files on a worker',
	nodes: [
		webhookNode(PATH, 'scale-binary-files-id'),
		{
			id: 'f',
			name: 'FireHydrant',
			type: 'n8n-nodes-incident-data.fireHydrant',
			typeVersion: 1,
			position: [220, 0],
			parameters: {
				resource: 'exportData',
				operation: 'getRows',
				selectBy: 'since',
				newerThan: since(),
				sources: ['incident'],
				output: 'files',
			},
			credentials: { fireHydrantApi: FH_CREDENTIAL },
		},
		{
			id: 'x',
			name: 'Extract From File',
			type: 'n8n-nodes-base.extractFromFile',
			typeVersion: 1,
			position: [440, 0],
			parameters: { operation: 'csv', binaryPropertyName: 'data', options: {} },
		},
	],
	connections: inLine('Webhook', 'FireHydrant', 'Extract From File'),
	settings: { executionOrder: 'v1' },
	active: false,
};

let sandbox: Sandbox;
let cluster: QueueCluster;

beforeAll(async () => {
	sandbox = await startSandbox({
		seed: 31,
		fireHydrant: { incidents: 20, nights: 4, eventsPerIncident: 4 },
	});
	cluster = await startQueueCluster({
		projectRoot: ROOT,
		workers: 2,
		credentials: () => [
			{
				...FH_CREDENTIAL,
				type: 'fireHydrantApi',
				data: {
					apiToken: sandbox.fireHydrant.apiToken,
					region: 'custom',
					baseUrl: sandbox.baseUrl,
				},
			},
		],
		workflows: [workflow],
		env: { N8N_DEFAULT_BINARY_DATA_MODE: 'database' },
	});
	await activateWorkflow(cluster.main, WORKFLOW_ID);
});

afterAll(async () => {
	await cluster?.stop();
	await sandbox?.close();
});

/** The ids of the data rows of a CSV text (first column named `id`; quoted fields allowed). */
function csvIds(text: string): string[] {
	const lines = text.split(/\r?\n/).filter((line) => line.length > 0);
	const header = lines[0].split(',').map((cell) => cell.replace(/^"|"$/g, ''));
	const column = header.indexOf('id');
	expect(column).toBeGreaterThanOrEqual(0);
	return lines.slice(1).map((line) => line.split(',')[column].replace(/^"|"$/g, ''));
}

describe('binary data in queue mode (database mode)', () => {
	it('a worker writes the report files, the next node on the worker reads them, and main serves them back', async () => {
		const started = Date.now();
		const response = await fetch(`${cluster.webhookBaseUrl}/webhook/${PATH}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{}',
		});
		await response.text();
		expect(response.status).toBe(200);
		const deadline = Date.now() + 5 * 60_000;
		let row: { id: string; status: string } | undefined;
		for (;;) {
			[row] = await cluster.postgres.query<{ id: string; status: string }>(
				'SELECT id::text AS id, status FROM execution_entity WHERE "workflowId" = $1',
				[WORKFLOW_ID],
			);
			if (row && ['success', 'error', 'crashed', 'canceled'].includes(row.status)) break;
			if (Date.now() > deadline)
				throw new Error(`execution did not finish: ${JSON.stringify(row)}`);
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
		expect(row.status).toBe('success');
		const worker = cluster.executionsByWorker().get(row.id);
		expect(worker).toMatch(/^worker-/);

		const run = await readExecution(cluster.main, row.id);
		const files = run.output('FireHydrant');
		const expectedFiles = sandbox.fireHydrant.exportRequests.filter(
			(request) => request.status === 'completed' && request.source.includes('+incident-'),
		);
		expect(files.map((item) => item.json.exportRequestId).sort()).toEqual(
			expectedFiles.map((request) => request.id).sort(),
		);

		const expectedIds = [
			...new Set(sandbox.fireHydrant.expectedRows('incident').map((record) => record.id)),
		].sort();
		const extracted = run.output('Extract From File').map((item) => String(item.json.id));
		expect([...new Set(extracted)].sort()).toEqual(expectedIds);

		let downloadedRows = 0;
		const downloadedIds = new Set<string>();
		for (const item of files) {
			const binary = (item.binary as Record<string, { id?: string }> | undefined)?.data;
			expect(typeof binary?.id).toBe('string');
			const text = await cluster.main.restText(
				`/binary-data?id=${encodeURIComponent(String(binary?.id))}&action=download`,
			);
			const ids = csvIds(text);
			downloadedRows += ids.length;
			for (const id of ids) downloadedIds.add(id);
		}
		// Extract From File read every row of every file on the worker; main served the same rows.
		expect(downloadedRows).toBe(extracted.length);
		expect([...downloadedIds].sort()).toEqual(expectedIds);
		const ids = files.map((item) =>
			String((item.binary as Record<string, { id?: string }>).data.id),
		);
		console.log(
			`binary in queue mode: execution ${row.id} on ${worker}, ${files.length} files (binary ids ${ids.slice(0, 2).join(', ')}…), ` +
				`${extracted.length} rows extracted on the worker, ${downloadedRows} rows in the files served by main; ${Date.now() - started} ms`,
		);
	});
});
