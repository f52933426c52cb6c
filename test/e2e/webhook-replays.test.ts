/**
 * Replay protection of both webhook triggers in a real n8n 2.41.1 (`n8n start`, published
 * workflows), where the static data a trigger writes while receiving a delivery is loaded fresh
 * for every request and saved only when that request ends. Two cases a vendor produces:
 * - a resend: the same delivery again, 3 s after the first one's execution ran;
 * - simultaneous duplicates: the same delivery twice at once (a retry fired while the first
 *   attempt is still open), both loading the static data before either saved it.
 * Each must start the workflow exactly once, counted from n8n's own executions list.
 */
import { createHmac } from 'node:crypto';
import * as path from 'node:path';

import { startSandbox, type Sandbox } from '../sandbox';
import { signDelivery } from '../sandbox/incident-io';
import {
	activateWorkflow,
	importCredentials,
	importWorkflows,
	waitForExecutions,
	type N8nHome,
	type N8nServer,
} from '../support/n8n';
import { installProjectHome, removeProjectHome, useRunningN8n } from '../support/e2e';

jest.setTimeout(10 * 60_000);

const ROOT = path.resolve(__dirname, '..', '..');
const FH_TRIGGER = 'n8n-nodes-incident-data.fireHydrantTrigger';
const IIO_TRIGGER = 'n8n-nodes-incident-data.incidentIoTrigger';
const FH_CREDENTIAL = { id: 'fhReplayCred001', name: 'FireHydrant replays' };
const IIO_CREDENTIAL = { id: 'iioReplayCred01', name: 'incident.io replays' };
const FH_SECRET = 'e2e-replay-secret-8c1f3a5d7e9b';
const IIO_EVENT = 'public_incident.incident_updated_v2';

let sandbox: Sandbox;
let home: N8nHome;

function triggerWorkflow(
	id: string,
	type: string,
	webhookId: string,
	parameters: Record<string, unknown>,
	credentials: Record<string, unknown>,
) {
	return {
		id,
		name: `replays ${id}`,
		nodes: [
			{
				id: 't',
				name: 'Trigger',
				type,
				typeVersion: 1,
				position: [0, 0],
				webhookId,
				parameters,
				credentials,
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

const FH_WORKFLOWS = {
	resend: triggerWorkflow(
		'fhReplayResend1',
		FH_TRIGGER,
		'a0e1d2c3-0000-4000-8000-00000000f001',
		{ webhookSecret: FH_SECRET, resourceTypes: 'incidents' },
		{ fireHydrantApi: FH_CREDENTIAL },
	),
	together: triggerWorkflow(
		'fhReplayTogeth1',
		FH_TRIGGER,
		'a0e1d2c3-0000-4000-8000-00000000f002',
		{ webhookSecret: FH_SECRET, resourceTypes: 'incidents' },
		{ fireHydrantApi: FH_CREDENTIAL },
	),
};
const IIO_WORKFLOWS = {
	resend: triggerWorkflow(
		'iioReplayResnd1',
		IIO_TRIGGER,
		'iio-replay-resend',
		{ events: [], fetchFullRecord: 'never' },
		{ incidentIoApi: IIO_CREDENTIAL },
	),
	together: triggerWorkflow(
		'iioReplayTogth1',
		IIO_TRIGGER,
		'iio-replay-together',
		{ events: [], fetchFullRecord: 'never' },
		{ incidentIoApi: IIO_CREDENTIAL },
	),
};

beforeAll(async () => {
	sandbox = await startSandbox({
		seed: 17,
		fireHydrant: { incidents: 4, nights: 1, eventsPerIncident: 1 },
		incidentIo: { incidents: 5 },
	});
	home = await installProjectHome(ROOT);
	await importCredentials(home, [
		{
			...FH_CREDENTIAL,
			type: 'fireHydrantApi',
			data: { apiToken: sandbox.fireHydrant.apiToken, region: 'custom', baseUrl: sandbox.baseUrl },
		},
		{
			...IIO_CREDENTIAL,
			type: 'incidentIoApi',
			data: {
				apiKey: sandbox.incidentIo.apiKey,
				baseUrl: sandbox.incidentIo.apiBaseUrl,
				webhookSigningSecret: sandbox.incidentIo.webhookSecret,
			},
		},
	]);
	await importWorkflows(home, [...Object.values(FH_WORKFLOWS), ...Object.values(IIO_WORKFLOWS)]);
});

afterAll(async () => {
	await sandbox?.close();
	removeProjectHome(home);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Delivery {
	url: string;
	headers: Record<string, string>;
	body: string;
}

async function post(delivery: Delivery): Promise<number> {
	const response = await fetch(delivery.url, {
		method: 'POST',
		headers: delivery.headers,
		body: delivery.body,
	});
	await response.text();
	return response.status;
}

/**
 * Every execution of a workflow whatever its status (running ones included). n8n creates the
 * execution before it answers an accepted delivery, so once every answer is in, this list holds
 * every execution the deliveries will ever start.
 */
async function allExecutionIds(server: N8nServer, workflowId: string): Promise<string[]> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const page = await server.rest<{ results?: Array<{ id: string }> }>(
		'GET',
		`/executions?filter=${filter}&limit=100`,
	);
	return (page.results ?? []).map((execution) => String(execution.id));
}

/** A FireHydrant delivery as FireHydrant sends it: the body and its `fh-signature`, signed here independently. */
function fireHydrantDelivery(
	workflow: { nodes: Array<{ webhookId: string }> },
	operation: string,
): Delivery {
	const webhook = [...sandbox.fireHydrant.rest.webhooks.values()].find((candidate) =>
		candidate.url.includes(workflow.nodes[0].webhookId),
	);
	if (webhook === undefined)
		throw new Error('the trigger did not register its URL with the sandbox');
	const body = sandbox.fireHydrant.rest.deliveryBody({
		incidentId: sandbox.fireHydrant.rest.incidentIds()[0],
		operation,
	});
	const signature = createHmac('sha256', FH_SECRET).update(body).digest('hex');
	return {
		url: webhook.url,
		headers: { 'content-type': 'application/json', 'fh-signature': signature },
		body,
	};
}

function incidentIoDelivery(
	server: N8nServer,
	workflow: { nodes: Array<{ webhookId: string }> },
): Delivery {
	const signed = signDelivery(IIO_EVENT, sandbox.incidentIo.data.incidents[0], {
		secret: sandbox.incidentIo.webhookSecret,
	});
	return {
		url: `${server.url}/webhook/${workflow.nodes[0].webhookId}/webhook`,
		headers: signed.headers,
		body: signed.body,
	};
}

describe('replay protection in a running n8n', () => {
	const server = useRunningN8n(() => home);

	/** The same delivery again 3 s after the first one's execution finished: one execution. */
	async function expectResendRunsOnce(workflowId: string, delivery: Delivery): Promise<void> {
		expect(await post(delivery)).toBe(200);
		await waitForExecutions(server(), workflowId, 1);
		// The scenario itself, not a speed check: the resend comes once n8n has saved everything.
		await sleep(3_000);
		expect(await post(delivery)).toBe(200);
		expect(await allExecutionIds(server(), workflowId)).toHaveLength(1);
	}

	/** The same delivery twice at once: one execution; the other answer is a 2xx or a retry-later 409. */
	async function expectSimultaneousRunOnce(workflowId: string, delivery: Delivery): Promise<void> {
		const statuses = await Promise.all([post(delivery), post(delivery)]);
		expect(statuses).toContain(200);
		for (const status of statuses) expect([200, 409]).toContain(status);
		await waitForExecutions(server(), workflowId, 1);
		expect(await allExecutionIds(server(), workflowId)).toHaveLength(1);
	}

	it('FireHydrant Trigger: a delivery resent 3 s later starts the workflow once', async () => {
		await activateWorkflow(server(), FH_WORKFLOWS.resend.id);
		await expectResendRunsOnce(
			FH_WORKFLOWS.resend.id,
			fireHydrantDelivery(FH_WORKFLOWS.resend, 'updated'),
		);
	});

	it('FireHydrant Trigger: two identical deliveries arriving together start the workflow once', async () => {
		await activateWorkflow(server(), FH_WORKFLOWS.together.id);
		await expectSimultaneousRunOnce(
			FH_WORKFLOWS.together.id,
			fireHydrantDelivery(FH_WORKFLOWS.together, 'created'),
		);
	});

	it('incident.io Trigger: a delivery resent 3 s later (same webhook-id) starts the workflow once', async () => {
		await activateWorkflow(server(), IIO_WORKFLOWS.resend.id);
		await expectResendRunsOnce(
			IIO_WORKFLOWS.resend.id,
			incidentIoDelivery(server(), IIO_WORKFLOWS.resend),
		);
	});

	it('incident.io Trigger: two identical deliveries arriving together start the workflow once', async () => {
		await activateWorkflow(server(), IIO_WORKFLOWS.together.id);
		await expectSimultaneousRunOnce(
			IIO_WORKFLOWS.together.id,
			incidentIoDelivery(server(), IIO_WORKFLOWS.together),
		);
	});
});
