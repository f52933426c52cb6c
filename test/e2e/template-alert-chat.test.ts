/**
 * The `alert-chat-on-new-incidents.json` template in a real n8n 2.41.1, published, fed signed
 * incident.io (Svix) deliveries from the sandbox's signer; n8n's own Slack and Microsoft Teams nodes
 * post through the HTTPS proxy into the emulators, and n8n's own Data Table keeps the post log.
 * The expected channel contents are computed here from the deliveries sent.
 */
import * as path from 'node:path';

import { startSandbox, type Sandbox } from '../sandbox';
import { deliverWebhook, type Json } from '../sandbox/incident-io';
import { startDestinations, type Destinations } from '../support/destinations';
import {
	activateWorkflow,
	createN8nHome,
	importCredentials,
	importWorkflows,
	packProject,
	runWorkflow,
	waitForExecutions,
	type N8nHome,
} from '../support/n8n';
import { dataTableReader, readTemplate, withCredentials } from '../support/templates';
import { removeProjectHome, useRunningN8n } from '../support/e2e';

jest.setTimeout(10 * 60_000);

const ROOT = path.resolve(__dirname, '..', '..');
const INCIDENT_IO = {
	id: 'tplChatIncidentIo1',
	name: 'incident.io account',
	type: 'incidentIoApi',
};
const SLACK = { id: 'tplChatSlackBot001', name: 'Slack bot (emulated)', type: 'slackApi' };
const TEAMS = {
	id: 'tplChatTeamsOauth1',
	name: 'Microsoft Teams (emulated)',
	type: 'microsoftTeamsOAuth2Api',
};
const TRIGGER_NAME = 'When an incident.io Incident Changes';
/** incident.io's status categories → the schema's `status_category` (README, Incident schema). */
const CATEGORY: Record<string, string> = {
	triage: 'triage',
	live: 'active',
	learning: 'resolved',
	closed: 'closed',
	declined: 'declined',
};

let sandbox: Sandbox;
let destinations: Destinations;
let home: N8nHome;
let team: { teamId: string; channelIds: Record<string, string> };
let workflowId: string;
let webhookId: string;

const readLog = dataTableReader('tplChatReadLog01', 'incident_chat_posts');

beforeAll(async () => {
	sandbox = await startSandbox({ seed: 21, incidentIo: { incidents: 40 } });
	destinations = await startDestinations();
	const slackToken = destinations.slack.addBotToken();
	destinations.slack.createChannel('major-incidents');
	const app = destinations.microsoft.addApp();
	team = destinations.microsoft.createTeam('Operations', ['Incidents']);
	const tokens = destinations.microsoft.issueUserToken(app.clientId);

	home = await createN8nHome({ tarball: await packProject(ROOT), env: destinations.n8nEnv() });
	await importCredentials(home, [
		{
			...INCIDENT_IO,
			data: {
				apiKey: sandbox.incidentIo.apiKey,
				baseUrl: sandbox.incidentIo.apiBaseUrl,
				webhookSigningSecret: sandbox.incidentIo.webhookSecret,
			},
		},
		{ ...SLACK, data: { accessToken: slackToken } },
		{
			...TEAMS,
			data: { clientId: app.clientId, clientSecret: app.clientSecret, oauthTokenData: tokens },
		},
	]);
	const template = withCredentials(readTemplate('alert-chat-on-new-incidents.json'), {
		'n8n-nodes-incident-data.incidentIoTrigger': INCIDENT_IO,
		'n8n-nodes-base.slack': SLACK,
		'n8n-nodes-base.microsoftTeams': TEAMS,
	});
	// The placeholders a user fills in.
	const filled = JSON.parse(
		JSON.stringify(template)
			.replace('#YOUR_INCIDENT_CHANNEL', '#major-incidents')
			.replace('YOUR_TEAM_ID', team.teamId)
			.replace('YOUR_CHANNEL_ID', team.channelIds['Incidents']),
	) as typeof template;
	workflowId = filled.id;
	webhookId = String(filled.nodes.find((node) => node.name === TRIGGER_NAME)?.webhookId);
	await importWorkflows(home, [filled, readLog]);
});

afterAll(async () => {
	await destinations?.close();
	await sandbox?.close();
	removeProjectHome(home);
});

interface Delivery {
	eventType: string;
	incident: Json;
	webhookId?: string;
}

const text = (value: unknown) => String(value as string);
const severityName = (incident: Json) => text((incident.severity as Json).name);
const statusOf = (incident: Json) => incident.incident_status as Json;
const lead = (incident: Json) =>
	text(
		(
			(incident.incident_role_assignments as Json[]).find(
				(assignment) => (assignment.role as Json).role_type === 'lead',
			)?.assignee as Json
		).name,
	);

const statusIn = (category: string) =>
	sandbox.incidentIo.data.statuses.find((status) => status.category === category) as Json;
const bySeverity = (name: string, nth = 0) =>
	sandbox.incidentIo.data.incidents.filter(
		(incident) => incident.visibility === 'public' && severityName(incident) === name,
	)[nth];
const withStatus = (incident: Json, category: string): Json => ({
	...incident,
	incident_status: statusIn(category),
});

describe('alert chat on new incidents, published', () => {
	const server = useRunningN8n(() => home);

	it('posts each incident once per status: severity 1–2 to Slack, the others to Teams; replays and same-status updates post nothing', async () => {
		await activateWorkflow(server(), workflowId);
		const url = `${server().url}/webhook/${webhookId}/webhook`;
		const secret = sandbox.incidentIo.webhookSecret;

		const critical = withStatus(bySeverity('Critical'), 'triage');
		const major = withStatus(bySeverity('Major'), 'live');
		const minor = withStatus(bySeverity('Minor'), 'live');
		const minor2 = withStatus(bySeverity('Minor', 1), 'triage');
		const created = 'public_incident.incident_created_v2';
		const updated = 'public_incident.incident_updated_v2';
		const deliveries: Delivery[] = [
			{ eventType: created, incident: critical },
			{ eventType: created, incident: major },
			{ eventType: created, incident: minor },
			{ eventType: created, incident: minor2 },
			// Edited summary, same status: must not post again.
			{ eventType: updated, incident: { ...critical, summary: 'Now with a better summary.' } },
			{ eventType: updated, incident: withStatus(major, 'learning') },
			{ eventType: updated, incident: withStatus(minor, 'closed') },
			{ eventType: updated, incident: { ...minor2, name: `${text(minor2.name)} (renamed)` } },
		];

		let executions = 0;
		for (const delivery of deliveries) {
			const response = await deliverWebhook(url, delivery.eventType, delivery.incident, { secret });
			expect(response.status).toBe(200);
			executions++;
			// One at a time, as incident.io sends an incident's updates: each sees the log of the one before.
			await waitForExecutions(server(), workflowId, executions, 60_000);
			if (executions === 1) {
				// Svix resends the first message (same webhook-id): the trigger must not start the workflow.
				const replay = await deliverWebhook(url, delivery.eventType, delivery.incident, {
					secret,
					webhookId: response.webhookId,
				});
				expect(replay.status).toBe(200);
			}
		}
		const runs = await waitForExecutions(server(), workflowId, executions, 60_000);
		expect(runs).toHaveLength(deliveries.length);
		expect(runs.map((run) => ({ status: run.status, error: run.error?.message }))).toEqual(
			deliveries.map(() => ({ status: 'success', error: undefined })),
		);

		// Ground truth from the deliveries: a post for each first (incident, status category) seen.
		const seen = new Set<string>();
		const expectedSlack: string[] = [];
		const expectedTeams: string[] = [];
		const expectedLog: Array<{ incident_key: string; status_category: string; channel: string }> =
			[];
		for (const { incident } of deliveries) {
			const category = text(statusOf(incident).category);
			const key = `${text(incident.id)}|${category}`;
			if (seen.has(key)) continue;
			seen.add(key);
			const severity = severityName(incident);
			const status = text(statusOf(incident).name);
			if (severity === 'Critical' || severity === 'Major') {
				expectedSlack.push(
					`:rotating_light: *${text(incident.name)}* (${text(incident.reference)})\nSeverity: ${severity} · Status: ${status}\nCommander: ${lead(incident)}\n${text(incident.permalink)}`,
				);
			} else {
				expectedTeams.push(
					`${text(incident.name)} (${text(incident.reference)}): severity ${severity}, status ${status}. ${text(incident.permalink)}`,
				);
			}
			expectedLog.push({
				incident_key: `incident_io:${text(incident.id)}`,
				status_category: CATEGORY[category],
				channel: severity === 'Critical' || severity === 'Major' ? 'slack' : 'teams',
			});
		}
		expect(expectedSlack).toHaveLength(3);
		expect(expectedTeams).toHaveLength(3);

		expect(destinations.slack.messages('#major-incidents').map((message) => message.text)).toEqual(
			expectedSlack,
		);
		expect(
			destinations.microsoft
				.messages(team.teamId, team.channelIds['Incidents'])
				.map((message) => message.content),
		).toEqual(expectedTeams);

		const log = (await runWorkflow(server(), readLog.id)).output('Rows').map((item) => item.json);
		expect(
			log.map((row) => ({
				incident_key: row.incident_key,
				status_category: row.status_category,
				channel: row.channel,
			})),
		).toEqual(expectedLog);
		expect(
			log.every(
				(row) =>
					typeof row.posted_at === 'string' && !Number.isNaN(Date.parse(text(row.posted_at))),
			),
		).toBe(true);
		expect(destinations.proxy.refused()).toEqual([]);
	});

	it("a Slack 429 fails the run with the Slack node's error and logs nothing; the next update of that status posts it once", async () => {
		const url = `${server().url}/webhook/${webhookId}/webhook`;
		const secret = sandbox.incidentIo.webhookSecret;
		const before = (await waitForExecutions(server(), workflowId, 1, 60_000)).length;
		const slackBefore = destinations.slack.messages('#major-incidents').length;
		const logBefore = (await runWorkflow(server(), readLog.id)).output('Rows').length;
		const closed = withStatus(bySeverity('Critical'), 'closed');

		destinations.slack.rateLimit({
			requests: 1,
			retryAfterSeconds: 30,
			channel: 'major-incidents',
		});
		const limited = await deliverWebhook(url, 'public_incident.incident_updated_v2', closed, {
			secret,
		});
		expect(limited.status).toBe(200);
		const failedRuns = await waitForExecutions(server(), workflowId, before + 1, 60_000);
		const failed = failedRuns[failedRuns.length - 1];
		expect(failed.status).toBe('error');
		expect(failed.error?.node).toBe('Post to Slack');
		expect(JSON.stringify(failed.error)).toMatch(/429|ratelimited|Too Many Requests/i);
		expect(destinations.slack.messages('#major-incidents')).toHaveLength(slackBefore);
		expect((await runWorkflow(server(), readLog.id)).output('Rows')).toHaveLength(logBefore);

		// incident.io's next update of the incident (still closed), after Slack recovered.
		const again = await deliverWebhook(
			url,
			'public_incident.incident_updated_v2',
			{ ...closed, summary: 'Closed after the postmortem.' },
			{ secret },
		);
		expect(again.status).toBe(200);
		const runs = await waitForExecutions(server(), workflowId, before + 2, 60_000);
		expect(runs[runs.length - 1].status).toBe('success');
		const posted = destinations.slack
			.messages('#major-incidents')
			.slice(slackBefore)
			.map((message) => message.text);
		expect(posted).toEqual([
			`:rotating_light: *${text(closed.name)}* (${text(closed.reference)})\nSeverity: Critical · Status: ${text(statusOf(closed).name)}\nCommander: ${lead(closed)}\n${text(closed.permalink)}`,
		]);
		const log = (await runWorkflow(server(), readLog.id)).output('Rows').map((item) => item.json);
		expect(
			log.slice(logBefore).map((row) => [row.incident_key, row.status_category, row.channel]),
		).toEqual([[`incident_io:${text(closed.id)}`, 'closed', 'slack']]);
	});
});
