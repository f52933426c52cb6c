/**
 * Smoke test of test/support/n8n.ts against the real n8n 2.41.1: a tiny community package made
 * here (a credential, a node that returns items and counts its runs in static data, a polling
 * trigger) is packed, installed and driven through the CLI and the server.
 *
 *   node scripts/toolchain.js --n8n npx jest test/e2e/harness.test.ts --selectProjects e2e
 *
 * (The path goes first: --selectProjects takes every argument after it as a project name.)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
	activateWorkflow,
	createN8nHome,
	disposeN8nHarness,
	executeWorkflow,
	executeWorkflows,
	importCredentials,
	importWorkflows,
	packProject,
	runWorkflow,
	startN8n,
	waitForExecutions,
	type N8nHome,
	type N8nServer,
} from '../support/n8n';

const PACKAGE = 'n8n-nodes-harness-fixture';
const CREDENTIAL_ID = 'fixtureCred00000001';
const TOKEN = 'fixture-token';

function say(message: string): void {
	process.stdout.write(`[harness] ${message}\n`);
}

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
	const started = Date.now();
	try {
		return await fn();
	} finally {
		say(`${label}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
	}
}

/** The fixture package, as plain CommonJS so it needs no build. */
function writeFixturePackage(folder: string): void {
	const files: Record<string, string> = {
		'package.json': JSON.stringify(
			{
				name: PACKAGE,
				version: '1.0.0',
				description: 'Fixture community package for the e2e harness smoke test',
				license: 'MIT',
				keywords: ['n8n-community-node-package'],
				files: ['dist'],
				n8n: {
					n8nNodesApiVersion: 1,
					credentials: ['dist/credentials/FixtureApi.credentials.js'],
					nodes: ['dist/nodes/Fixture.node.js', 'dist/nodes/FixturePoll.node.js'],
				},
				peerDependencies: { 'n8n-workflow': '*' },
			},
			null,
			2,
		),
		'dist/credentials/FixtureApi.credentials.js': `
class FixtureApi {
	constructor() {
		this.name = 'fixtureApi';
		this.displayName = 'Fixture API';
		this.properties = [
			{ displayName: 'Token', name: 'token', type: 'string', typeOptions: { password: true }, default: '' },
		];
	}
}
module.exports = { FixtureApi };
`,
		'dist/nodes/Fixture.node.js': `
const { NodeOperationError } = require('n8n-workflow');
class Fixture {
	constructor() {
		this.description = {
			displayName: 'Fixture', name: 'fixture', group: ['transform'], version: 1,
			description: 'Returns items', defaults: { name: 'Fixture' },
			inputs: ['main'], outputs: ['main'],
			credentials: [{ name: 'fixtureApi', required: true }],
			properties: [
				{ displayName: 'Count', name: 'count', type: 'number', default: 1 },
				{ displayName: 'Fail', name: 'fail', type: 'boolean', default: false },
			],
		};
	}
	async execute() {
		const credentials = await this.getCredentials('fixtureApi');
		if (this.getNodeParameter('fail', 0)) {
			throw new NodeOperationError(this.getNode(), 'fixture asked to fail', { description: 'set by the test' });
		}
		const staticData = this.getWorkflowStaticData('node');
		staticData.runs = (staticData.runs || 0) + 1;
		const count = this.getNodeParameter('count', 0);
		const items = [];
		for (let index = 0; index < count; index++) {
			items.push({ json: { index, token: credentials.token, runs: staticData.runs }, pairedItem: { item: 0 } });
		}
		return [items];
	}
}
module.exports = { Fixture };
`,
		'dist/nodes/FixturePoll.node.js': `
class FixturePoll {
	constructor() {
		this.description = {
			displayName: 'Fixture Poll', name: 'fixturePoll', group: ['trigger'], version: 1,
			description: 'Emits one item per poll', defaults: { name: 'Fixture Poll' },
			polling: true, inputs: [], outputs: ['main'],
			credentials: [{ name: 'fixtureApi', required: true }],
			properties: [],
		};
	}
	async poll() {
		const credentials = await this.getCredentials('fixtureApi');
		const staticData = this.getWorkflowStaticData('node');
		staticData.polls = (staticData.polls || 0) + 1;
		return [[{ json: { polled: true, token: credentials.token, poll: staticData.polls, mode: this.getMode() } }]];
	}
}
module.exports = { FixturePoll };
`,
	};
	for (const [name, content] of Object.entries(files)) {
		const file = path.join(folder, name);
		fs.mkdirSync(path.dirname(file), { recursive: true });
		fs.writeFileSync(file, content);
	}
}

const credentialRef = { fixtureApi: { id: CREDENTIAL_ID, name: 'Fixture credential' } };

function manualWorkflow(
	id: string,
	name: string,
	parameters: Record<string, unknown>,
): Record<string, unknown> {
	return {
		id,
		name,
		active: false,
		nodes: [
			{
				id: 'n-start',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'n-fixture',
				name: 'Fixture',
				type: `${PACKAGE}.fixture`,
				typeVersion: 1,
				position: [220, 0],
				parameters,
				credentials: credentialRef,
			},
		],
		connections: { Start: { main: [[{ node: 'Fixture', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

const OK_ID = 'harnessOk0000000001';
const FAIL_ID = 'harnessFail00000001';
const POLL_ID = 'harnessPoll00000001';

const pollWorkflow: Record<string, unknown> = {
	id: POLL_ID,
	name: 'Harness poll',
	active: false,
	nodes: [
		{
			id: 'n-poll',
			name: 'Poll',
			type: `${PACKAGE}.fixturePoll`,
			typeVersion: 1,
			position: [0, 0],
			parameters: { pollTimes: { item: [{ mode: 'everyHour' }] } },
			credentials: credentialRef,
		},
	],
	connections: {},
	settings: { executionOrder: 'v1' },
};

describe('n8n harness (real n8n 2.41.1)', () => {
	let home: N8nHome;
	let server: N8nServer | undefined;

	beforeAll(async () => {
		const fixture = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-fixture-'));
		writeFixturePackage(fixture);
		const tarball = await timed('npm pack (fixture)', () => packProject(fixture));
		home = await timed('install tarball into a new home', () => createN8nHome({ tarball }));
		fs.rmSync(fixture, { recursive: true, force: true });
	}, 180_000);

	afterAll(async () => {
		await server?.stop();
		disposeN8nHarness();
	}, 60_000);

	it('imports a credential and workflows through the CLI', async () => {
		await timed('import:credentials (first boot, migrations)', () =>
			importCredentials(home, [
				{
					id: CREDENTIAL_ID,
					name: 'Fixture credential',
					type: 'fixtureApi',
					data: { token: TOKEN },
				},
			]),
		);
		await timed('import:workflow (3 workflows)', () =>
			importWorkflows(home, [
				manualWorkflow(OK_ID, 'Harness ok', { count: 3 }),
				manualWorkflow(FAIL_ID, 'Harness fail', { fail: true }),
				pollWorkflow,
			]),
		);
	}, 120_000);

	it('executes a workflow and keeps static data between runs', async () => {
		const first = await timed('execute #1', () => executeWorkflow(home, OK_ID));
		expect(first.error).toBeUndefined();
		expect(first.status).toBe('success');
		expect(first.lastNodeExecuted).toBe('Fixture');
		expect(first.output('Fixture').map((item) => item.json)).toEqual([
			{ index: 0, token: TOKEN, runs: 1 },
			{ index: 1, token: TOKEN, runs: 1 },
			{ index: 2, token: TOKEN, runs: 1 },
		]);
		expect(first.output('Start')).toHaveLength(1);
		expect(() => first.output('Nope')).toThrow(/did not run/);

		const second = await timed('execute #2', () => executeWorkflow(home, OK_ID));
		expect(second.status).toBe('success');
		expect(second.output('Fixture')[0].json.runs).toBe(2);
	}, 120_000);

	it('reports a failed run with its error instead of throwing', async () => {
		const failed = await timed('execute (failing)', () => executeWorkflow(home, FAIL_ID));
		expect(failed.status).toBe('error');
		expect(failed.error).toEqual({
			message: 'fixture asked to fail',
			node: 'Fixture',
			description: 'set by the test',
		});
		expect(Object.keys(failed.runData).sort()).toEqual(['Fixture', 'Start']);
	}, 120_000);

	it('runs several workflows in one boot with execute-batch', async () => {
		const results = await timed('execute-batch (2 workflows)', () =>
			executeWorkflows(home, [OK_ID, FAIL_ID]),
		);
		const ok = results.get(OK_ID);
		expect(ok?.status).toBe('success');
		expect(ok?.output('Fixture')[0].json.runs).toBe(3);
		const failed = results.get(FAIL_ID);
		expect(failed?.status).toBe('error');
		// execute-batch keeps only the description (else the message) and the node.
		expect(failed?.error).toEqual({ message: 'set by the test', node: 'Fixture' });
	}, 120_000);

	it('starts the server with an owner who can log in, runs workflows, publishes a poll trigger and reads its execution', async () => {
		const running = await timed('n8n start until ready + owner setup', () => startN8n(home));
		server = running;
		expect(running.url).toBe(`http://localhost:${running.port}`);

		const login = await fetch(`http://127.0.0.1:${running.port}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': 'harness-test' },
			body: JSON.stringify({
				emailOrLdapLoginId: running.owner.email,
				password: running.owner.password,
			}),
		});
		expect(login.status).toBe(200);
		const body = (await login.json()) as { data?: { email?: string; role?: string } };
		expect(body.data?.email).toBe(running.owner.email);
		expect(body.data?.role).toBe('global:owner');
		expect(login.headers.getSetCookie().some((cookie) => cookie.startsWith('n8n-auth='))).toBe(
			true,
		);

		const manual = await timed('manual run through the REST API', () =>
			runWorkflow(running, OK_ID),
		);
		expect(manual.status).toBe('success');
		expect(manual.output('Fixture').map((item) => item.json.token)).toEqual([TOKEN, TOKEN, TOKEN]);
		const manualFailure = await timed('failing manual run', () => runWorkflow(running, FAIL_ID));
		expect(manualFailure.status).toBe('error');
		expect(manualFailure.error).toMatchObject({
			message: 'fixture asked to fail',
			node: 'Fixture',
		});

		await timed('publish poll workflow', () => activateWorkflow(running, POLL_ID));
		const executions = await timed('wait for the first poll execution', () =>
			waitForExecutions(running, POLL_ID, 1, 60_000),
		);
		expect(executions).toHaveLength(1);
		expect(executions[0].status).toBe('success');
		expect(executions[0].output('Poll').map((item) => item.json)).toEqual([
			{ polled: true, token: TOKEN, poll: 1, mode: 'trigger' },
		]);

		await timed('n8n stop', () => running.stop());
		server = undefined;
		await expect(fetch(`http://127.0.0.1:${running.port}/healthz`)).rejects.toThrow();
	}, 240_000);
});
