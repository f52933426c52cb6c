/**
 * Datadog DORA Metrics in a real n8n 2.41.1: the packed tarball installed into a throwaway user
 * folder, credentials and workflows imported with the CLI, runs through `n8n execute-batch`, against
 * the loopback sandbox (Datadog under /datadog). The 1,000 items are made inside the workflow with
 * stock nodes (Edit Fields builds an array by expression, Split Out turns it into items).
 */
import * as path from 'node:path';

import { startSandbox, type Sandbox } from '../sandbox';
import type { SeedEventInput } from '../sandbox/datadog';
import {
	executeWorkflows,
	importCredentials,
	importWorkflows,
	type ExecutionResult,
	type N8nHome,
} from '../support/n8n';
import { installProjectHome, removeProjectHome, useRunningN8n } from '../support/e2e';

jest.setTimeout(10 * 60_000);

const ROOT = path.resolve(__dirname, '..', '..');
const DORA = 'n8n-nodes-incident-data.datadogDora';
const CREDENTIAL = { id: 'incidentDataDatadog1', name: 'Datadog DORA sandbox' };
const WRONG_CREDENTIAL = { id: 'wrongDatadog000001', name: 'Datadog wrong app key' };
const WRONG_APP_KEY = 'dd-e2e-wrong-application-key-4242';

const SENT = 1000;
const SEND_WINDOW_START = Date.UTC(2025, 0, 1);
const LISTED = 2500;
const LIST_WINDOW_START = Date.UTC(2024, 5, 1);
const TIE_AT = 985;
const TIED = 30;
const MINUTE = 60_000;

let sandbox: Sandbox;
let home: N8nHome;
let results: Map<string, ExecutionResult>;

function node(
	name: string,
	type: string,
	typeVersion: number,
	x: number,
	parameters: Record<string, unknown>,
	extra: Record<string, unknown> = {},
) {
	return {
		id: name.replace(/\W/g, '').toLowerCase(),
		name,
		type,
		typeVersion,
		position: [x, 0],
		parameters,
		...extra,
	};
}

function linear(id: string, name: string, nodes: Array<ReturnType<typeof node>>) {
	const connections: Record<string, unknown> = {};
	for (let index = 0; index < nodes.length - 1; index++) {
		connections[nodes[index].name] = {
			main: [[{ node: nodes[index + 1].name, type: 'main', index: 0 }]],
		};
	}
	return { id, name, nodes, connections, settings: { executionOrder: 'v1' }, active: false };
}

const trigger = () => node('Start', 'n8n-nodes-base.manualTrigger', 1, 0, {});

/** 1,000 incidents made by stock nodes, each sent as a failure with an id derived from the incident id. */
function sendThousand(id: string) {
	return linear(id, `Send ${SENT} failures (${id})`, [
		trigger(),
		node('Incidents', 'n8n-nodes-base.set', 3.4, 220, {
			assignments: {
				assignments: [
					{
						id: 'incidents',
						name: 'incidents',
						type: 'array',
						value: `={{ Array.from({ length: ${SENT} }, (_, i) => ({ incidentId: 'FH-INC-' + (i + 1), startedAt: ${SEND_WINDOW_START / 1000} + i * 60 })) }}`,
					},
				],
			},
			options: {},
		}),
		node('One Per Incident', 'n8n-nodes-base.splitOut', 1, 440, {
			fieldToSplitOut: 'incidents',
			options: {},
		}),
		node(
			'Datadog DORA Metrics',
			DORA,
			1,
			660,
			{
				resource: 'failure',
				operation: 'send',
				eventId: '={{ $json.incidentId }}',
				startedAt: '={{ $json.startedAt }}',
				services: 'checkout',
				additionalFields: { env: 'production' },
				options: { deriveEventId: true },
			},
			{ credentials: { datadogDoraApi: CREDENTIAL } },
		),
	]);
}

const listParameters = {
	resource: 'failure',
	operation: 'getMany',
	from: new Date(LIST_WINDOW_START).toISOString(),
	to: new Date(LIST_WINDOW_START + 7 * 24 * 60 * MINUTE).toISOString(),
	returnAll: true,
	options: { pageSize: 1000 },
};

beforeAll(async () => {
	sandbox = await startSandbox({ seed: 21 });
	// 2,500 failures a minute apart; 30 of them, across the end of the first page of 1,000, share one started_at.
	const seeded: SeedEventInput[] = Array.from({ length: LISTED }, (_, index) => ({
		id: `listed-failure-${String(index).padStart(6, '0')}`,
		started_at:
			LIST_WINDOW_START + (index >= TIE_AT && index < TIE_AT + TIED ? TIE_AT : index) * MINUTE,
		team: 'backend',
	}));
	sandbox.datadog.seed('failure', seeded);

	home = await installProjectHome(ROOT);
	const data = {
		site: 'custom',
		baseUrl: sandbox.datadog.baseUrl,
		apiKey: sandbox.datadog.apiKey,
		applicationKeySecret: sandbox.datadog.applicationKey,
	};
	await importCredentials(home, [
		{ ...CREDENTIAL, type: 'datadogDoraApi', data },
		{
			...WRONG_CREDENTIAL,
			type: 'datadogDoraApi',
			data: { ...data, applicationKeySecret: WRONG_APP_KEY },
		},
	]);
	await importWorkflows(home, [
		sendThousand('ddSendRun1'),
		sendThousand('ddSendRun2'),
		linear('ddListAll01', 'List every failure of the window', [
			trigger(),
			node('Datadog DORA Metrics', DORA, 1, 220, listParameters, {
				credentials: { datadogDoraApi: CREDENTIAL },
			}),
		]),
		linear('ddWrongKey01', 'List with a wrong application key', [
			trigger(),
			node('Datadog DORA Metrics', DORA, 1, 220, listParameters, {
				credentials: { datadogDoraApi: WRONG_CREDENTIAL },
			}),
		]),
	]);
	results = await executeWorkflows(home, [
		'ddSendRun1',
		'ddSendRun2',
		'ddListAll01',
		'ddWrongKey01',
	]);
});

afterAll(async () => {
	await sandbox?.close();
	removeProjectHome(home);
});

describe('Datadog DORA Metrics in a real n8n', () => {
	it(`sending ${SENT} failures twice with derived ids leaves exactly ${SENT} events`, () => {
		for (const id of ['ddSendRun1', 'ddSendRun2']) {
			const run = results.get(id);
			expect(run?.status).toBe('success');
			const items = run?.output('Datadog DORA Metrics') ?? [];
			expect(items).toHaveLength(SENT);
			expect(items.map((item) => JSON.stringify(item.pairedItem))).toEqual(
				items.map((_, index) => JSON.stringify({ item: index })),
			);
		}
		const first = results
			.get('ddSendRun1')
			?.output('Datadog DORA Metrics')
			.map((item) => item.json.id);
		const second = results
			.get('ddSendRun2')
			?.output('Datadog DORA Metrics')
			.map((item) => item.json.id);
		expect(second).toEqual(first);
		const sent = sandbox.datadog
			.events('failure')
			.filter((event) => event.startedAtMs >= SEND_WINDOW_START);
		expect(sent).toHaveLength(SENT);
		expect(sent.every((event) => event.writes === 2)).toBe(true);
		expect(new Set(sent.map((event) => event.startedAtMs)).size).toBe(SENT);
	});

	it(`Return All over a window of ${LISTED} events (page 1,000, ${TIED} tied at the page edge) returns each exactly once`, () => {
		const run = results.get('ddListAll01');
		expect(run?.status).toBe('success');
		const ids = (run?.output('Datadog DORA Metrics') ?? []).map((item) => String(item.json.id));
		expect(ids).toHaveLength(LISTED);
		expect(new Set(ids).size).toBe(LISTED);
		expect(ids.every((id) => id.startsWith('listed-failure-'))).toBe(true);
	});

	it('a wrong application key fails with the hint and without the key', () => {
		const run = results.get('ddWrongKey01');
		expect(run?.status).toBe('error');
		const text = JSON.stringify(run?.error);
		expect(text).toMatch(/403|Application key/i);
		expect(text).not.toContain(WRONG_APP_KEY);
	});
});

describe('in a running n8n', () => {
	const server = useRunningN8n(() => home);

	it('the credential test calls /api/v1/validate, and a wrong API key fails without showing it', async () => {
		const data = {
			site: 'custom',
			baseUrl: sandbox.datadog.baseUrl,
			apiKey: sandbox.datadog.apiKey,
			applicationKeySecret: '',
		};
		const before = sandbox.datadog.stats().requests.validate ?? 0;
		const good = await server().rest<{ status: string }>('POST', '/credentials/test', {
			credentials: { ...CREDENTIAL, type: 'datadogDoraApi', data },
		});
		expect(good.status).toBe('OK');
		expect(sandbox.datadog.stats().requests.validate).toBe(before + 1);
		const wrongKey = 'dd-e2e-wrong-api-key-0123456789';
		const bad = await server().rest<{ status: string }>('POST', '/credentials/test', {
			credentials: { ...CREDENTIAL, type: 'datadogDoraApi', data: { ...data, apiKey: wrongKey } },
		});
		expect(bad.status).toBe('Error');
		expect(JSON.stringify(bad)).not.toContain(wrongKey);
	});
});
