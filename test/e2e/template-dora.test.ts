/**
 * workflows/send-resolved-incidents-to-datadog-dora.json in a real n8n 2.41.1 (`n8n execute`, a
 * production-mode run that keeps static data): incident.io and FireHydrant read incrementally,
 * normalized, filtered to resolved incidents, sent to the Datadog sandbox, and the sync positions
 * committed at the end. Expected events are computed in the test from the normalized rows with an
 * independent SHA-256 of incident_key; a run whose Datadog send fails moves no position, so the next
 * run sends the same incidents again, once each; a run with nothing new sends nothing.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';

import { startSandbox, type Sandbox } from '../sandbox';
import { removeProjectHome } from '../support/e2e';
import { executeWorkflow, type ExecutionResult, type N8nHome } from '../support/n8n';
import {
	installTemplate,
	readTemplate,
	sandboxCredentialData,
	type TemplateWorkflow,
} from '../support/templates';

jest.setTimeout(15 * 60_000);

const ROOT = path.resolve(__dirname, '..', '..');
const TEMPLATE = 'send-resolved-incidents-to-datadog-dora.json';
const FIREHYDRANT_CREDENTIAL = {
	id: 'tplFireHydrant03',
	name: 'FireHydrant account',
	type: 'fireHydrantApi',
};
const INCIDENT_IO_CREDENTIAL = {
	id: 'tplIncidentIo002',
	name: 'incident.io account',
	type: 'incidentIoApi',
};
const DATADOG_CREDENTIAL = { id: 'tplDatadog000001', name: 'Datadog', type: 'datadogDoraApi' };

let sandbox: Sandbox;
let home: N8nHome;
let workflowId: string;
let template: TemplateWorkflow;

/** Datadog event ids the normalized, resolved incidents with a service or team must become. */
function expectedEventIds(run: ExecutionResult): string[] {
	const rows = [
		...run.output('Normalize incident.io Incidents'),
		...run.output('Normalize FireHydrant Incidents'),
	].map((item) => item.json);
	return rows
		.filter((row) => ['resolved', 'closed'].includes(String(row.status_category)))
		.filter(
			(row) =>
				((row.services as string[] | null) ?? []).length > 0 ||
				((row.teams as string[] | null) ?? []).length > 0,
		)
		.filter((row) => row.started_at !== null || row.created_at !== null)
		.map((row) => createHash('sha256').update(String(row.incident_key)).digest('hex'))
		.sort();
}

function storedFailureIds(): string[] {
	return sandbox.datadog
		.events('failure')
		.map((event) => event.id)
		.sort();
}

beforeAll(async () => {
	sandbox = await startSandbox({
		seed: 29,
		fireHydrant: { incidents: 14, nights: 3, eventsPerIncident: 3 },
		incidentIo: { incidents: 30 },
	});
	({ home, template } = await installTemplate(ROOT, TEMPLATE, [
		{
			...FIREHYDRANT_CREDENTIAL,
			nodeType: 'n8n-nodes-incident-data.fireHydrant',
			data: sandboxCredentialData.fireHydrantApi(sandbox),
		},
		{
			...INCIDENT_IO_CREDENTIAL,
			nodeType: 'n8n-nodes-incident-data.incidentIo',
			data: sandboxCredentialData.incidentIoApi(sandbox),
		},
		{
			...DATADOG_CREDENTIAL,
			nodeType: 'n8n-nodes-incident-data.datadogDora',
			data: sandboxCredentialData.datadogDoraApi(sandbox),
		},
	]));
	workflowId = template.id;
});

afterAll(async () => {
	await sandbox?.close();
	removeProjectHome(home);
});

describe('Send resolved incidents to Datadog DORA Metrics (template)', () => {
	let firstExpected: string[] = [];

	it('ships with the commit after the Datadog branch', () => {
		const template = readTemplate(TEMPLATE);
		const position = (name: string) =>
			(template.nodes.find((node) => node.name === name)?.position as number[])[1];
		// n8n's v1 order runs the upper branch first: the commit must sit below the send.
		expect(position('Commit Sync Positions')).toBeGreaterThan(position('Keep Resolved Incidents'));
	});

	it('a run whose Datadog send fails stores nothing and commits nothing', async () => {
		sandbox.datadog.faults.serverErrors(1_000, 400);
		const failed = await executeWorkflow(home, workflowId);
		sandbox.datadog.faults.reset();
		expect(failed.status).toBe('error');
		expect(failed.error?.node).toBe('Send Failures to Datadog');
		firstExpected = expectedEventIds(failed);
		expect(firstExpected.length).toBeGreaterThan(3);
		expect(storedFailureIds()).toEqual([]);
	});

	it('the next run reads the same incidents again and sends each resolved one exactly once', async () => {
		const run = await executeWorkflow(home, workflowId);
		expect(run.error).toBeUndefined();
		expect(run.status).toBe('success');
		expect(expectedEventIds(run)).toEqual(firstExpected);
		expect(storedFailureIds()).toEqual(firstExpected);
	});

	it('a run with nothing changed sends nothing new', async () => {
		const sentBefore = sandbox.requests.filter(
			(request) => request.method === 'POST' && request.path.startsWith('/datadog'),
		).length;
		const run = await executeWorkflow(home, workflowId);
		expect(run.status).toBe('success');
		const sentAfter = sandbox.requests.filter(
			(request) => request.method === 'POST' && request.path.startsWith('/datadog'),
		).length;
		expect(sentAfter - sentBefore).toBe(0);
		expect(storedFailureIds()).toEqual(firstExpected);
	});
});
