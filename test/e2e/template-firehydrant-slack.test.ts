/**
 * The `post-firehydrant-webhook-updates-to-slack.json` template in a real n8n 2.41.1: published (the
 * trigger registers its URL with the FireHydrant sandbox's webhooks API), fed signed deliveries by
 * the sandbox; n8n's own Slack node posts through the HTTPS proxy into the Slack emulator, and
 * n8n's own Data Table keeps each incident's thread ts. The expected threads are computed here from
 * the bodies the sandbox delivered.
 */
import * as path from 'node:path';

import { startSandbox, type Sandbox } from '../sandbox';
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
const FIREHYDRANT = {
	id: 'tplFhSlackFireHyd1',
	name: 'FireHydrant account',
	type: 'fireHydrantApi',
};
const SLACK = { id: 'tplFhSlackSlackBot', name: 'Slack bot (emulated)', type: 'slackApi' };
const SIGNING_SECRET = 'e2e-template-signing-secret-7c1a9e3f5b';

let sandbox: Sandbox;
let destinations: Destinations;
let home: N8nHome;
let workflowId: string;

const readThreads = dataTableReader('tplFhReadThreads1', 'incident_slack_threads');

beforeAll(async () => {
	sandbox = await startSandbox({
		seed: 17,
		fireHydrant: { incidents: 8, nights: 2, eventsPerIncident: 2 },
	});
	destinations = await startDestinations();
	const slackToken = destinations.slack.addBotToken();
	destinations.slack.createChannel('incident-updates');

	home = await createN8nHome({ tarball: await packProject(ROOT), env: destinations.n8nEnv() });
	await importCredentials(home, [
		{
			...FIREHYDRANT,
			data: {
				apiToken: sandbox.fireHydrant.apiToken,
				region: 'custom',
				baseUrl: sandbox.baseUrl,
				webhookSigningSecret: SIGNING_SECRET,
			},
		},
		{ ...SLACK, data: { accessToken: slackToken } },
	]);
	const template = withCredentials(readTemplate('post-firehydrant-webhook-updates-to-slack.json'), {
		'n8n-nodes-incident-data.fireHydrantTrigger': FIREHYDRANT,
		'n8n-nodes-base.slack': SLACK,
	});
	// The placeholder a user fills in (both Slack nodes).
	const filled = JSON.parse(
		JSON.stringify(template).replaceAll('#YOUR_INCIDENT_CHANNEL', '#incident-updates'),
	) as typeof template;
	workflowId = filled.id;
	await importWorkflows(home, [filled, readThreads]);
});

afterAll(async () => {
	await destinations?.close();
	await sandbox?.close();
	removeProjectHome(home);
});

interface DeliveredIncident {
	id: string;
	name: string;
	number: number;
	severity?: string;
	current_milestone: string;
}

describe('FireHydrant webhook updates to Slack threads, published', () => {
	const server = useRunningN8n(() => home);

	it('posts one message per incident and every later update as a reply in its thread, in order; a replay posts nothing', async () => {
		await activateWorkflow(server(), workflowId);
		const registered = [...sandbox.fireHydrant.rest.webhooks.values()];
		expect(registered).toHaveLength(1);
		expect(registered[0].url).toContain(`/webhook/`);

		const [first, second] = sandbox.fireHydrant.rest.incidentIds();
		// Which incident each delivery is about; the edits make every update a different body.
		const plan: Array<{ id: string; edit?: { name?: string; severity?: string } }> = [
			{ id: first },
			{ id: second },
			{ id: first, edit: { name: 'Checkout is down (mitigating)' } },
			{ id: first, edit: { severity: 'SEV1' } },
			{ id: second, edit: { name: 'Search is slow (root cause found)' } },
			{ id: first, edit: { name: 'Checkout is down (resolved)', severity: 'SEV3' } },
			{ id: second, edit: { severity: 'SEV2' } },
		];
		const delivered: DeliveredIncident[] = [];
		let executions = 0;
		for (const step of plan) {
			if (step.edit) sandbox.fireHydrant.rest.editIncident(step.id, step.edit);
			const results = await sandbox.fireHydrant.deliverWebhook({
				incidentId: step.id,
				operation: 'updated',
			});
			expect(results.map((result) => result.status)).toEqual([200]);
			delivered.push(
				(JSON.parse(results[0].rawBody) as { data: { incident: DeliveredIncident } }).data.incident,
			);
			executions++;
			// FireHydrant sends an incident's updates one after another: each run sees the thread saved before.
			await waitForExecutions(server(), workflowId, executions, 60_000);
			if (executions === 4) {
				// FireHydrant resends this delivery (the same body): acknowledged, and the later
				// deliveries' runs show it started none.
				const replay = await sandbox.fireHydrant.deliverWebhook({
					incidentId: step.id,
					operation: 'updated',
				});
				expect(
					replay.map((result) => ({ status: result.status, rawBody: result.rawBody })),
				).toEqual([{ status: 200, rawBody: results[0].rawBody }]);
			}
		}
		const runs = await waitForExecutions(server(), workflowId, executions, 60_000);
		expect(runs.map((run) => ({ status: run.status, error: run.error?.message }))).toEqual(
			plan.map(() => ({ status: 'success', error: undefined })),
		);

		// Ground truth from the delivered bodies: the first of each incident is the parent, the rest its replies.
		const severity = (incident: DeliveredIncident) => incident.severity ?? 'none';
		const expected = new Map<string, { parent: string; replies: string[] }>();
		for (const incident of delivered) {
			const thread = expected.get(incident.id);
			if (thread === undefined) {
				expected.set(incident.id, {
					parent: `:fire: Incident #${incident.number}: *${incident.name}* — severity ${severity(incident)}, status ${incident.current_milestone}`,
					replies: [],
				});
			} else {
				thread.replies.push(
					`Update: *${incident.name}* — severity ${severity(incident)}, status ${incident.current_milestone}`,
				);
			}
		}
		const messages = destinations.slack.messages('#incident-updates');
		expect(
			messages.map((message) => ({
				parent: message.text,
				replies: message.replies.map((reply) => reply.text),
			})),
		).toEqual([...expected.values()]);

		const threads = (await runWorkflow(server(), readThreads.id))
			.output('Rows')
			.map((item) => item.json);
		expect(
			threads.map((row) => ({ incident_key: row.incident_key, thread_ts: row.thread_ts })),
		).toEqual([
			{ incident_key: `firehydrant:${first}`, thread_ts: messages[0].ts },
			{ incident_key: `firehydrant:${second}`, thread_ts: messages[1].ts },
		]);
		expect(destinations.proxy.refused()).toEqual([]);
	});

	it("a Slack 429 on an incident's first update fails the run with the Slack node's error and saves no thread; the next update starts it", async () => {
		const third = sandbox.fireHydrant.rest.incidentIds()[2];
		const before = (await waitForExecutions(server(), workflowId, 1, 60_000)).length;
		const parentsBefore = destinations.slack.messages('#incident-updates').length;
		destinations.slack.rateLimit({
			requests: 1,
			retryAfterSeconds: 30,
			channel: 'incident-updates',
		});

		sandbox.fireHydrant.rest.editIncident(third, { name: 'Billing is degraded' });
		const limited = await sandbox.fireHydrant.deliverWebhook({
			incidentId: third,
			operation: 'updated',
		});
		expect(limited.map((result) => result.status)).toEqual([200]);
		const afterLimit = await waitForExecutions(server(), workflowId, before + 1, 60_000);
		const failed = afterLimit[afterLimit.length - 1];
		expect(failed.status).toBe('error');
		expect(failed.error?.node).toBe('Post Incident Message');
		expect(JSON.stringify(failed.error)).toMatch(/429|ratelimited|Too Many Requests/i);
		expect(destinations.slack.messages('#incident-updates')).toHaveLength(parentsBefore);
		const threadsOf = async () =>
			(await runWorkflow(server(), readThreads.id))
				.output('Rows')
				.map((item) => item.json)
				.filter((row) => row.incident_key === `firehydrant:${third}`);
		expect(await threadsOf()).toEqual([]);

		const bodies: DeliveredIncident[] = [];
		for (const name of ['Billing is degraded (mitigating)', 'Billing is degraded (resolved)']) {
			sandbox.fireHydrant.rest.editIncident(third, { name });
			const results = await sandbox.fireHydrant.deliverWebhook({
				incidentId: third,
				operation: 'updated',
			});
			expect(results.map((result) => result.status)).toEqual([200]);
			bodies.push(
				(JSON.parse(results[0].rawBody) as { data: { incident: DeliveredIncident } }).data.incident,
			);
			await waitForExecutions(server(), workflowId, before + 1 + bodies.length, 60_000);
		}
		const severity = (incident: DeliveredIncident) => incident.severity ?? 'none';
		const added = destinations.slack.messages('#incident-updates').slice(parentsBefore);
		expect(
			added.map((message) => ({
				parent: message.text,
				replies: message.replies.map((reply) => reply.text),
			})),
		).toEqual([
			{
				parent: `:fire: Incident #${bodies[0].number}: *${bodies[0].name}* — severity ${severity(bodies[0])}, status ${bodies[0].current_milestone}`,
				replies: [
					`Update: *${bodies[1].name}* — severity ${severity(bodies[1])}, status ${bodies[1].current_milestone}`,
				],
			},
		]);
		expect((await threadsOf()).map((row) => row.thread_ts)).toEqual([added[0].ts]);
	});
});
