/**
 * n8n's own Google Sheets, Slack and Microsoft Teams nodes, unmodified, in a real n8n 2.41.1,
 * calling their real URLs (oauth2.googleapis.com, sheets.googleapis.com, slack.com,
 * graph.microsoft.com, login.microsoftonline.com) through HTTPS_PROXY into the local emulators,
 * with the test CA in NODE_EXTRA_CA_CERTS. The assertions read what a person would see: the sheet's
 * rows and the channels' messages.
 */
import * as path from 'node:path';

import { startDestinations, type Destinations } from '../support/destinations';
import {
	createN8nHome,
	executeWorkflows,
	importCredentials,
	importWorkflows,
	packProject,
	type ExecutionResult,
	type N8nHome,
} from '../support/n8n';
import { removeProjectHome } from '../support/e2e';

jest.setTimeout(10 * 60_000);

const ROOT = path.resolve(__dirname, '..', '..');
const GOOGLE = { id: 'destGoogleSa000001', name: 'Google service account (emulated)' };
const SLACK = { id: 'destSlackBot000001', name: 'Slack bot (emulated)' };
const TEAMS = { id: 'destTeamsOauth0001', name: 'Microsoft Teams (emulated)' };
const HEADER = ['incident_key', 'title', 'severity', 'status'];

let destinations: Destinations;
let home: N8nHome;
let spreadsheetId: string;
let emptySpreadsheetId: string;
let missingSpreadsheetId: string;
let team: { teamId: string; channelIds: Record<string, string> };
let results: Map<string, ExecutionResult>;

interface Incident {
	incident_key: string;
	title: string;
	severity: string;
	status: string;
}

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

function linear(id: string, nodes: Array<ReturnType<typeof node>>) {
	const connections: Record<string, unknown> = {};
	for (let index = 0; index < nodes.length - 1; index++) {
		connections[nodes[index].name] = {
			main: [[{ node: nodes[index + 1].name, type: 'main', index: 0 }]],
		};
	}
	return {
		id,
		name: `Destinations ${id}`,
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

const trigger = () => node('Start', 'n8n-nodes-base.manualTrigger', 1, 0, {});

const incidents = (rows: Incident[]) =>
	node('Incidents', 'n8n-nodes-base.code', 2, 200, {
		jsCode: `return ${JSON.stringify(rows)}.map((json) => ({ json }));`,
	});

function sheets(documentId: string, sheetName: string, schemaColumns: string[]) {
	return node(
		'Append or Update Incident Row',
		'n8n-nodes-base.googleSheets',
		4.7,
		400,
		{
			authentication: 'serviceAccount',
			resource: 'sheet',
			operation: 'appendOrUpdate',
			documentId: { __rl: true, mode: 'id', value: documentId },
			sheetName: { __rl: true, mode: 'name', value: sheetName },
			columns: {
				mappingMode: 'autoMapInputData',
				value: {},
				matchingColumns: ['incident_key'],
				schema: schemaColumns.map((column) => ({
					id: column,
					displayName: column,
					required: false,
					defaultMatch: false,
					display: true,
					type: 'string',
					canBeUsedToMatch: true,
				})),
			},
			options: {},
		},
		{ credentials: { googleApi: GOOGLE } },
	);
}

function slackPost(channel: string) {
	return node(
		'Post Incident to Slack',
		'n8n-nodes-base.slack',
		2.3,
		600,
		{
			authentication: 'accessToken',
			resource: 'message',
			operation: 'post',
			select: 'channel',
			channelId: { __rl: true, mode: 'name', value: channel },
			messageType: 'text',
			text: "={{ $('Incidents').item.json.severity }} {{ $('Incidents').item.json.incident_key }}: {{ $('Incidents').item.json.title }}",
			otherOptions: { includeLinkToWorkflow: false },
		},
		{ credentials: { slackApi: SLACK } },
	);
}

const slackReply = () =>
	node(
		'Reply with Status in Thread',
		'n8n-nodes-base.slack',
		2.3,
		800,
		{
			authentication: 'accessToken',
			resource: 'message',
			operation: 'post',
			select: 'channel',
			channelId: { __rl: true, mode: 'name', value: '#incidents' },
			messageType: 'text',
			text: "=Status: {{ $('Incidents').item.json.status }}",
			otherOptions: {
				includeLinkToWorkflow: false,
				thread_ts: { replyValues: { thread_ts: '={{ $json.message_timestamp }}' } },
			},
		},
		{ credentials: { slackApi: SLACK } },
	);

const teamsPost = () =>
	node(
		'Post Incident to Teams',
		'n8n-nodes-base.microsoftTeams',
		2,
		1000,
		{
			resource: 'channelMessage',
			operation: 'create',
			teamId: { __rl: true, mode: 'id', value: team.teamId },
			channelId: { __rl: true, mode: 'id', value: team.channelIds['Incidents'] },
			contentType: 'text',
			message:
				"={{ $('Incidents').item.json.incident_key }} is {{ $('Incidents').item.json.status }}",
			options: { includeLinkToWorkflow: false },
		},
		{ credentials: { microsoftTeamsOAuth2Api: TEAMS } },
	);

const FIRST_RUN: Incident[] = [
	{ incident_key: 'FH-101', title: 'Checkout latency', severity: 'SEV1', status: 'investigating' },
	{ incident_key: 'IIO-7', title: 'Search index stale', severity: 'SEV3', status: 'identified' },
];
const SECOND_RUN: Incident[] = [
	{ incident_key: 'IIO-7', title: 'Search index stale', severity: 'SEV3', status: 'resolved' },
	{ incident_key: 'FH-102', title: 'Login errors', severity: 'SEV2', status: 'investigating' },
];

beforeAll(async () => {
	destinations = await startDestinations();
	const account = destinations.google.addServiceAccount();
	spreadsheetId = destinations.google.createSpreadsheet({
		title: 'Incident log',
		sheets: ['Incidents'],
		sharedWith: [account.email],
	});
	emptySpreadsheetId = destinations.google.createSpreadsheet({
		title: 'Empty log',
		sheets: ['Digest'],
		sharedWith: [account.email],
	});
	missingSpreadsheetId = destinations.google.createSpreadsheet({
		title: 'Deleted log',
		sheets: ['Incidents'],
		sharedWith: [account.email],
	});
	destinations.google.deleteSpreadsheet(missingSpreadsheetId);
	// The header row a person typed into the sheet before setting up the workflow.
	destinations.google.setValues(spreadsheetId, 'Incidents', [HEADER]);

	const slackToken = destinations.slack.addBotToken();
	destinations.slack.createChannel('incidents');
	destinations.slack.createChannel('ratelimited');
	// Only the workflow posting to #ratelimited meets the 429.
	destinations.slack.rateLimit({ requests: 1, retryAfterSeconds: 30, channel: 'ratelimited' });

	const app = destinations.microsoft.addApp();
	team = destinations.microsoft.createTeam('Operations', ['Incidents']);
	// An access token Graph already rejects: n8n must refresh it at login.microsoftonline.com first.
	const tokens = destinations.microsoft.issueUserToken(app.clientId, { expired: true });

	home = await createN8nHome({ tarball: await packProject(ROOT), env: destinations.n8nEnv() });
	await importCredentials(home, [
		{
			...GOOGLE,
			type: 'googleApi',
			data: { email: account.email, privateKey: account.privateKey },
		},
		{ ...SLACK, type: 'slackApi', data: { accessToken: slackToken } },
		{
			...TEAMS,
			type: 'microsoftTeamsOAuth2Api',
			data: { clientId: app.clientId, clientSecret: app.clientSecret, oauthTokenData: tokens },
		},
	]);
	await importWorkflows(home, [
		linear('destRun1', [
			trigger(),
			incidents(FIRST_RUN),
			sheets(spreadsheetId, 'Incidents', HEADER),
			slackPost('#incidents'),
			slackReply(),
			teamsPost(),
		]),
		linear('destRun2', [
			trigger(),
			incidents(SECOND_RUN),
			sheets(spreadsheetId, 'Incidents', HEADER),
			slackPost('#incidents'),
			slackReply(),
			teamsPost(),
		]),
		linear('destEmpty3', [
			trigger(),
			incidents(FIRST_RUN),
			sheets(emptySpreadsheetId, 'Digest', []),
		]),
		linear('destMissing4', [
			trigger(),
			incidents(FIRST_RUN),
			sheets(missingSpreadsheetId, 'Incidents', HEADER),
		]),
		linear('destLimited5', [
			trigger(),
			incidents(FIRST_RUN.slice(0, 1)),
			slackPost('#ratelimited'),
		]),
	]);
	results = await executeWorkflows(home, [
		'destRun1',
		'destRun2',
		'destEmpty3',
		'destMissing4',
		'destLimited5',
	]);
});

/** A run's status with its error, so that a failure shows n8n's message. */
function outcome(id: string): { status?: string; error?: string } {
	const run = results.get(id);
	return {
		status: run?.status,
		error: run?.error ? `${run.error.node ?? ''}: ${run.error.message}` : undefined,
	};
}

afterAll(async () => {
	await destinations?.close();
	removeProjectHome(home);
});

describe("n8n's own destination nodes against the emulators", () => {
	it('two runs of Append or Update leave the sheet with one row per incident, updates applied', () => {
		expect(outcome('destRun1')).toEqual({ status: 'success' });
		expect(outcome('destRun2')).toEqual({ status: 'success' });
		expect(destinations.google.rows(spreadsheetId, 'Incidents')).toEqual([
			HEADER,
			['FH-101', 'Checkout latency', 'SEV1', 'investigating'],
			['IIO-7', 'Search index stale', 'SEV3', 'resolved'],
			['FH-102', 'Login errors', 'SEV2', 'investigating'],
		]);
	});

	it('the Sheets node made the requests measured in the README, each after a service-account token exchange', () => {
		const sheetRequests = destinations.google.requests
			.list()
			.filter(
				(entry) => entry.host === 'sheets.googleapis.com' && entry.path.includes(spreadsheetId),
			);
		const paths = sheetRequests.map(
			(entry) => `${entry.method} ${entry.path.replace(spreadsheetId, 'D')}`,
		);
		expect(paths).toEqual(
			expect.arrayContaining([
				'GET /v4/spreadsheets/D?fields=sheets.properties',
				"GET /v4/spreadsheets/D/values/'Incidents'?valueRenderOption=FORMATTED_VALUE&dateTimeRenderOption=FORMATTED_STRING",
				'POST /v4/spreadsheets/D:batchUpdate',
				'PUT /v4/spreadsheets/D/values/Incidents!2:3?valueInputOption=USER_ENTERED',
				'POST /v4/spreadsheets/D/values:batchUpdate',
			]),
		);
		expect(sheetRequests.every((entry) => entry.status === 200)).toBe(true);
		const tokenRequests = destinations.google.requests
			.list()
			.filter((entry) => entry.host === 'oauth2.googleapis.com');
		expect(tokenRequests.length).toBeGreaterThanOrEqual(sheetRequests.length);
		expect(tokenRequests.every((entry) => entry.status === 200)).toBe(true);
	});

	it('into an empty sheet, the node writes the header from the input fields, then the rows', () => {
		expect(outcome('destEmpty3')).toEqual({ status: 'success' });
		expect(destinations.google.rows(emptySpreadsheetId, 'Digest')).toEqual([
			HEADER,
			['FH-101', 'Checkout latency', 'SEV1', 'investigating'],
			['IIO-7', 'Search index stale', 'SEV3', 'identified'],
		]);
		// appendDimension added one row to Google's default 1000-row grid.
		expect(destinations.google.gridProperties(emptySpreadsheetId, 'Digest')).toEqual({
			rowCount: 1001,
			columnCount: 26,
		});
	});

	it('each incident is posted to #incidents with its status as a thread reply', () => {
		const messages = destinations.slack.messages('#incidents');
		expect(messages.map((message) => message.text)).toEqual([
			'SEV1 FH-101: Checkout latency',
			'SEV3 IIO-7: Search index stale',
			'SEV3 IIO-7: Search index stale',
			'SEV2 FH-102: Login errors',
		]);
		expect(messages.map((message) => message.replies.map((reply) => reply.text))).toEqual([
			['Status: investigating'],
			['Status: identified'],
			['Status: resolved'],
			['Status: investigating'],
		]);
		const output = results.get('destRun1')?.output('Post Incident to Slack') ?? [];
		expect(output.map((item) => item.json.message_timestamp)).toEqual(
			messages.slice(0, 2).map((message) => message.ts),
		);
	});

	it('each incident is posted to the Teams channel (after n8n refreshed the expired token)', () => {
		const messages = destinations.microsoft.messages(team.teamId, team.channelIds['Incidents']);
		expect(messages.map((message) => [message.contentType, message.content])).toEqual([
			['text', 'FH-101 is investigating'],
			['text', 'IIO-7 is identified'],
			['text', 'IIO-7 is resolved'],
			['text', 'FH-102 is investigating'],
		]);
		expect(messages.every((message) => message.apiVersion === '/beta')).toBe(true);
		const login = destinations.microsoft.requests
			.list()
			.filter((entry) => entry.host === 'login.microsoftonline.com');
		expect(login.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
			'POST /common/oauth2/v2.0/token 200',
		]);
		const graph = destinations.microsoft.requests
			.list()
			.filter((entry) => entry.host === 'graph.microsoft.com');
		expect(graph[0].status).toBe(401);
		expect(graph.slice(1).every((entry) => entry.status === 201)).toBe(true);
	});

	it("a missing spreadsheet fails the Sheets node with Google's 404", () => {
		const run = results.get('destMissing4');
		expect(run?.status).toBe('error');
		expect(run?.error?.node).toBe('Append or Update Incident Row');
		expect(JSON.stringify(run?.error)).toMatch(/Requested entity was not found|404/);
	});

	it('a Slack 429 fails the Slack node with the rate limit, and nothing is posted', () => {
		const run = results.get('destLimited5');
		expect(run?.status).toBe('error');
		expect(run?.error?.node).toBe('Post Incident to Slack');
		expect(JSON.stringify(run?.error)).toMatch(/429|ratelimited|Too Many Requests/i);
		expect(destinations.slack.messages('#ratelimited')).toEqual([]);
		const limited = destinations.slack.requests.list().filter((entry) => entry.status === 429);
		expect(limited).toHaveLength(1);
	});

	it('after the rate limit, a rerun posts the message exactly once', async () => {
		const rerun = await executeWorkflows(home, ['destLimited5']);
		expect(rerun.get('destLimited5')?.status).toBe('success');
		expect(destinations.slack.messages('#ratelimited').map((message) => message.text)).toEqual([
			'SEV1 FH-101: Checkout latency',
		]);
	});

	it('nothing left the machine: the proxy refused no connection n8n tried', () => {
		expect(destinations.proxy.refused()).toEqual([]);
	});
});
