/**
 * The bundled templates, live in a real n8n against the local vendor sandbox.
 *
 *   npm run demo                  n8n on http://localhost:5678 until Ctrl-C
 *   npm run demo -- --port 5690   another port
 *   npm run demo -- --once        headless: run every template once, one line each, exit 1 on failure
 *                                 (on a free port, through n8n's REST API like the editor's button)
 *
 * Packs this project (already built by `npm run demo`), installs it into a demo N8N_USER_FOLDER in
 * the cache folder outside the checkout (reused between runs, the package installed anew each
 * time; --once uses a throwaway folder of its own instead, so a demo running meanwhile keeps its
 * credentials), starts the vendor sandbox in-process, s3rver with a generated OpsLevel export and a
 * PostgreSQL on loopback, imports one credential per service pointing at them, and imports every
 * workflows/*.json with those credentials set on the nodes that need one (templates ship without
 * credential ids, as n8n's own do). In --once mode stdout carries exactly one line per workflow;
 * everything else goes to stderr.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { startSandbox, type Sandbox } from '../test/sandbox';
import { deliverWebhook } from '../test/sandbox/incident-io';
import { startDestinations, type Destinations } from '../test/support/destinations';
import { generateExport, startS3Server, type S3Server } from '../test/sandbox/opslevel';
import { startPostgres, type PostgresServer } from '../test/support/postgres';
import {
	attachCredentials,
	postgresCredentialData,
	sandboxCredentialData,
	type CredentialByNodeType,
	type TemplateWorkflow,
} from '../test/support/templates';
import { screenshotCanvases } from './canvas-screenshots';
import { demoHomeOptions, parseDemoArgs, workflowEditorUrl } from './demo-options';
import {
	createN8nHome,
	disposeN8nHarness,
	importCredentials,
	importWorkflows,
	packProject,
	resolveToolchain,
	activateWorkflow,
	runWorkflow,
	startN8n,
	waitForExecutions,
	type N8nServer,
} from '../test/support/n8n';

const PACKAGE_NAME = 'n8n-nodes-incident-data';
/** The Data Table template references the FireHydrant credential by this id and name. */
const DEMO_CREDENTIAL = {
	id: 'incidentDataFireHydrant',
	name: 'FireHydrant account',
	type: 'fireHydrantApi',
};
const INCIDENT_IO_CREDENTIAL = {
	id: 'incidentDataIncidentIo',
	name: 'incident.io account',
	type: 'incidentIoApi',
};
const DATADOG_CREDENTIAL = {
	id: 'incidentDataDatadog',
	name: 'Datadog DORA account',
	type: 'datadogDoraApi',
};
const OPSLEVEL_CREDENTIAL = {
	id: 'incidentDataOpsLevel',
	name: 'OpsLevel export bucket',
	type: 'opsLevelS3Api',
};
const POSTGRES_CREDENTIAL = { id: 'incidentDataPostgres', name: 'Demo Postgres', type: 'postgres' };
const GOOGLE_CREDENTIAL = {
	id: 'incidentDataGoogle',
	name: 'Demo Google service account',
	type: 'googleApi',
};
const SLACK_CREDENTIAL = { id: 'incidentDataSlack', name: 'Demo Slack bot', type: 'slackApi' };
const TEAMS_CREDENTIAL = {
	id: 'incidentDataTeams',
	name: 'Demo Microsoft Teams',
	type: 'microsoftTeamsOAuth2Api',
};
/** The demo's spreadsheet in the Sheets emulator, and the Slack channel and Teams channel in theirs. */
const DEMO_SPREADSHEET_ID = 'demo-incident-data-spreadsheet';
const DEMO_SLACK_CHANNEL = 'incidents';
/** Each template's sheet tab in the demo spreadsheet (the templates' placeholder is YOUR_SHEET_NAME). */
const SHEET_TABS: Record<string, string> = {
	'sync-incident-io-to-google-sheets.json': 'Incidents',
	'post-weekly-incident-digest.json': 'Weekly Digest',
};
const PACK = `${PACKAGE_NAME}.`;

/** Which demo credential each node type of the templates gets. */
const CREDENTIAL_BY_NODE_TYPE: CredentialByNodeType = {
	[`${PACK}fireHydrant`]: DEMO_CREDENTIAL,
	[`${PACK}fireHydrantTrigger`]: DEMO_CREDENTIAL,
	[`${PACK}fireHydrantExportTrigger`]: DEMO_CREDENTIAL,
	[`${PACK}incidentIo`]: INCIDENT_IO_CREDENTIAL,
	[`${PACK}incidentIoTrigger`]: INCIDENT_IO_CREDENTIAL,
	[`${PACK}datadogDora`]: DATADOG_CREDENTIAL,
	[`${PACK}opsLevel`]: OPSLEVEL_CREDENTIAL,
	[`${PACK}opsLevelTrigger`]: OPSLEVEL_CREDENTIAL,
	'n8n-nodes-base.postgres': POSTGRES_CREDENTIAL,
	'n8n-nodes-base.googleSheets': GOOGLE_CREDENTIAL,
	'n8n-nodes-base.slack': SLACK_CREDENTIAL,
	'n8n-nodes-base.microsoftTeams': TEAMS_CREDENTIAL,
};

/** The services the templates reach, all on loopback. */
interface DemoServices {
	sandbox: Sandbox;
	s3: S3Server;
	postgres: PostgresServer;
	destinations: Destinations;
}

/** What a user fills in after importing a template, filled in with the demo's own destinations. */
function fillPlaceholders(
	file: string,
	workflow: Record<string, unknown>,
	values: Record<string, string>,
): Record<string, unknown> {
	let text = JSON.stringify(workflow);
	const all = Object.entries({ ...values, YOUR_SHEET_NAME: SHEET_TABS[file] ?? 'Incidents' });
	// Longest first, so that no placeholder is replaced inside a longer one.
	for (const [placeholder, value] of all.sort(([a], [b]) => b.length - a.length)) {
		text = text.split(placeholder).join(value);
	}
	return JSON.parse(text) as Record<string, unknown>;
}

interface Template {
	file: string;
	id: string;
	name: string;
	workflow: Record<string, unknown>;
}

function info(message: string): void {
	process.stderr.write(`[demo] ${message}\n`);
}

function out(message: string): void {
	process.stdout.write(`${message}\n`);
}

/** The checkout: this file runs as dist-tools/scripts/demo.js, or from scripts/ through ts-node. */
function findProjectRoot(): string {
	for (let folder = __dirname; ; folder = path.dirname(folder)) {
		const manifest = path.join(folder, 'package.json');
		if (fs.existsSync(manifest)) {
			const parsed: unknown = JSON.parse(fs.readFileSync(manifest, 'utf8'));
			if (
				typeof parsed === 'object' &&
				parsed !== null &&
				(parsed as { name?: unknown }).name === PACKAGE_NAME
			)
				return folder;
		}
		if (path.dirname(folder) === folder)
			throw new Error(`cannot find the ${PACKAGE_NAME} checkout above ${__dirname}`);
	}
}

/** workflows/*.json, sorted by file name; an empty or missing folder is fine. */
function readTemplates(root: string): {
	templates: Template[];
	broken: Array<{ file: string; reason: string }>;
} {
	const folder = path.join(root, 'workflows');
	const files = fs.existsSync(folder)
		? fs
				.readdirSync(folder)
				.filter((name) => name.endsWith('.json'))
				.sort()
		: [];
	const templates: Template[] = [];
	const broken: Array<{ file: string; reason: string }> = [];
	for (const file of files) {
		try {
			const parsed: unknown = JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8'));
			if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
				throw new Error('not a workflow object');
			const workflow = parsed as Record<string, unknown>;
			if (typeof workflow.id !== 'string' || !workflow.id) throw new Error('no "id"');
			const name = typeof workflow.name === 'string' && workflow.name ? workflow.name : file;
			const withDemoCredentials = attachCredentials(
				workflow as unknown as TemplateWorkflow,
				CREDENTIAL_BY_NODE_TYPE,
			);
			templates.push({
				file,
				id: workflow.id,
				name,
				workflow: withDemoCredentials as unknown as Record<string, unknown>,
			});
		} catch (error) {
			broken.push({ file, reason: error instanceof Error ? error.message : String(error) });
		}
	}
	return { templates, broken };
}

/** Ids of fireHydrantApi credentials a template references that are not the demo's. */
function foreignCredentialIds(workflow: Record<string, unknown>): string[] {
	const nodes = Array.isArray(workflow.nodes) ? workflow.nodes : [];
	const ids: string[] = [];
	for (const node of nodes) {
		const credentials =
			typeof node === 'object' && node !== null
				? (node as { credentials?: unknown }).credentials
				: undefined;
		const reference =
			typeof credentials === 'object' && credentials !== null
				? (credentials as Record<string, unknown>)[DEMO_CREDENTIAL.type]
				: undefined;
		const id =
			typeof reference === 'object' && reference !== null
				? (reference as { id?: unknown }).id
				: undefined;
		if (typeof id === 'string' && id !== DEMO_CREDENTIAL.id) ids.push(id);
	}
	return ids;
}

function oneLine(text: string): string {
	return text.replace(/\s+/g, ' ').trim();
}

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
	const started = Date.now();
	const result = await fn();
	info(`${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
	return result;
}

interface WebhookTrigger {
	vendor: 'incident.io' | 'FireHydrant';
	webhookId: string;
}

/** The pack's webhook trigger a template starts from, when it has no manual start. */
function webhookTriggerOf(workflow: Record<string, unknown>): WebhookTrigger | undefined {
	const nodes = (Array.isArray(workflow.nodes) ? workflow.nodes : []) as Array<{
		type?: string;
		webhookId?: string;
	}>;
	if (nodes.some((node) => node.type === 'n8n-nodes-base.manualTrigger')) return undefined;
	const trigger = nodes.find(
		(node) => node.type === `${PACK}incidentIoTrigger` || node.type === `${PACK}fireHydrantTrigger`,
	);
	if (!trigger?.webhookId) return undefined;
	return {
		vendor: trigger.type === `${PACK}incidentIoTrigger` ? 'incident.io' : 'FireHydrant',
		webhookId: trigger.webhookId,
	};
}

/** One signed delivery of a sandbox incident to a published trigger. */
async function deliverSample(
	server: N8nServer,
	services: DemoServices,
	trigger: WebhookTrigger,
): Promise<void> {
	const { sandbox } = services;
	if (trigger.vendor === 'incident.io') {
		const incident = sandbox.incidentIo.visibleIncidents()[0];
		const url = `${server.url}/webhook/${trigger.webhookId}/webhook`;
		const answer = await deliverWebhook(url, 'public_incident.incident_created_v2', incident, {
			secret: sandbox.incidentIo.webhookSecret,
		});
		if (answer.status !== 200)
			throw new Error(`the incident.io trigger answered ${answer.status}: ${answer.body}`);
		return;
	}
	// FireHydrant knows the trigger's URL from the registration publishing made.
	const incidentId = sandbox.fireHydrant.expectedRows('incident')[0].id;
	const results = await sandbox.fireHydrant.deliverWebhook({ incidentId, operation: 'updated' });
	if (results.length !== 1 || results[0].status !== 200)
		throw new Error(
			`FireHydrant's delivery was answered ${JSON.stringify(results.map((result) => result.status))}`,
		);
}

/**
 * Runs every template once in a headless n8n on a free port (so a demo running on 5678 does not
 * get in the way), through the REST API rather than `n8n execute`: the CLI leaves n8n's backend
 * modules uninitialised, so templates writing to a Data table fail there ("module is disabled").
 */
async function runOnce(
	server: N8nServer,
	services: DemoServices,
	templates: Template[],
	broken: Array<{ file: string; reason: string }>,
): Promise<boolean> {
	let allOk = true;
	for (const { file, reason } of broken) {
		out(`FAIL ${file}  ${oneLine(reason)}`);
		allOk = false;
	}
	for (const template of templates) {
		try {
			const webhookTrigger = webhookTriggerOf(template.workflow);
			if (webhookTrigger) {
				// No manual start: publish it and send one signed delivery, as the vendor would.
				await activateWorkflow(server, template.id);
				await deliverSample(server, services, webhookTrigger);
				const [execution] = await waitForExecutions(server, template.id, 1, 120_000);
				if (execution.status === 'success' && !execution.error) {
					out(`ok   ${template.name}  published; one signed ${webhookTrigger.vendor} delivery ran`);
				} else {
					const where = execution.error?.node ? ` (node "${execution.error.node}")` : '';
					out(
						`FAIL ${template.name}  ${oneLine(execution.error?.message ?? `execution ended with status ${execution.status}`)}${where}`,
					);
					allOk = false;
				}
				continue;
			}
			const result = await runWorkflow(server, template.id);
			if (result.status === 'success' && !result.error) {
				const last = result.lastNodeExecuted;
				const items = last ? result.output(last).length : 0;
				out(
					`ok   ${template.name}  ${items} item${items === 1 ? '' : 's'}${last ? ` from "${last}"` : ''}`,
				);
			} else {
				const error = result.error;
				const where = error?.node ? ` (node "${error.node}")` : '';
				out(
					`FAIL ${template.name}  ${oneLine(error?.message ?? `execution ended with status ${result.status}`)}${where}`,
				);
				allOk = false;
			}
		} catch (error) {
			// The harness error carries n8n's log tail; stdout keeps one line, stderr gets the rest.
			const message = error instanceof Error ? error.message : String(error);
			out(`FAIL ${template.name}  ${oneLine(message.split('\n')[0])}`);
			info(message);
			allOk = false;
		}
	}
	return allOk;
}

/** Only broken template files: one FAIL line each, no n8n needed. */
function runOnceWithoutServer(broken: Array<{ file: string; reason: string }>): number {
	for (const { file, reason } of broken) out(`FAIL ${file}  ${oneLine(reason)}`);
	return 1;
}

function printBanner(server: N8nServer, services: DemoServices, templates: Template[]): void {
	const { sandbox, s3, postgres, destinations } = services;
	const lines = [
		'',
		'  n8n-nodes-incident-data demo is running',
		'',
		`  Open        ${server.url}`,
		`  Log in as   ${server.owner.email}`,
		`  Password    ${server.owner.password}`,
		'',
		// n8n 2.41.1 opens on its Assistant page after login: the direct links skip it.
		templates.length > 0
			? '  Templates (open a link, log in if asked, then click "Execute workflow"):'
			: '  No templates in workflows/ yet.',
		...templates.map(
			(template) => `    ${template.name}\n      ${workflowEditorUrl(server.url, template.id)}`,
		),
		'',
		'  Every credential points at a local stand-in:',
		`    FireHydrant, incident.io, Datadog DORA   the vendor sandbox at ${sandbox.baseUrl}`,
		`    OpsLevel export bucket                   s3rver at ${s3.credentialData().endpoint ?? 'loopback'} (bucket ${s3.bucket})`,
		`    Postgres                                 ${postgres.host}:${postgres.port}, database ${postgres.database}, user ${postgres.user}`,
		`    Google Sheets, Slack, Microsoft Teams    local emulators; what they received: ${destinations.pagesUrl}`,
		`      look at the rows: psql -h ${postgres.host} -p ${postgres.port} -U ${postgres.user} ${postgres.database} -c 'SELECT incident_key, title, status_category FROM incidents'`,
		`  n8n data: ${server.home.userFolder}   log: ${server.logFile}`,
		'',
		'  Press Ctrl-C to stop.',
		'',
	];
	process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(): Promise<number> {
	const options = parseDemoArgs(process.argv.slice(2));
	if (options.help) {
		out('usage: npm run demo [-- --once] [-- --port <port>] [-- --screenshots <folder>]');
		return 0;
	}
	const root = findProjectRoot();
	const toolchain = resolveToolchain();
	// Outside the checkout, so a fresh clone (as in CI) and `git clean` leave it alone.
	const { folder } = demoHomeOptions(options, toolchain.cache);

	const tarball = await timed('packed the project', () => packProject(root));
	// Started first: n8n reaches Google, Slack and Microsoft through its proxy from its first boot on.
	const destinations = await timed('started the Google Sheets, Slack and Teams emulators', () =>
		startDestinations(),
	);
	const home = await timed(`installed ${path.basename(tarball)}`, () =>
		createN8nHome({ tarball, folder, env: destinations.n8nEnv() }),
	);
	info(`n8n data in ${home.userFolder}${folder ? '' : ' (throwaway: removed when this run ends)'}`);
	const { templates, broken } = readTemplates(root);
	for (const { file, reason } of broken) info(`skipping workflows/${file}: ${reason}`);
	for (const template of templates) {
		const foreign = foreignCredentialIds(template.workflow);
		if (foreign.length > 0) {
			info(
				`${template.file} references FireHydrant credential(s) ${foreign.join(', ')}; the demo provides only "${DEMO_CREDENTIAL.id}"`,
			);
		}
	}

	// Ctrl-C before n8n is up (or a second one while stopping) ends everything at once: the CLI
	// imports and n8n run in process groups of their own, which the terminal's signal misses.
	let ready = false;
	let stopping = false;
	const signalled = new Promise<string>((resolve) => {
		const onSignal = (signal: NodeJS.Signals) => {
			if (!ready || stopping) {
				disposeN8nHarness();
				process.exit(130);
			}
			resolve(signal);
		};
		process.on('SIGINT', onSignal);
		process.on('SIGTERM', onSignal);
	});

	const sandbox = await startSandbox();
	info(`sandbox on ${sandbox.baseUrl}`);
	const [s3, postgres] = await Promise.all([
		timed('started s3rver with a generated OpsLevel export', async () => {
			const started = await startS3Server();
			await started.upload(generateExport({ seed: 5, size: 200 }).drops);
			return started;
		}),
		timed('started PostgreSQL', () => startPostgres({ database: 'incidents' })),
	]);
	const services: DemoServices = { sandbox, s3, postgres, destinations };
	let server: N8nServer | undefined;
	const shutdown = async (): Promise<void> => {
		if (stopping) return;
		stopping = true;
		await server?.stop();
		await Promise.all([sandbox.close(), s3.close(), postgres.stop(), destinations.close()]);
	};

	// The destinations a user would create: a spreadsheet shared with the service account, a Slack
	// channel with the bot in it, a Teams team with an Incidents channel.
	const googleAccount = destinations.google.addServiceAccount();
	destinations.google.createSpreadsheet({
		spreadsheetId: DEMO_SPREADSHEET_ID,
		title: 'Incident data demo',
		sheets: [...new Set(Object.values(SHEET_TABS))],
		sharedWith: [googleAccount.email],
	});
	const slackToken = destinations.slack.addBotToken();
	destinations.slack.createChannel(DEMO_SLACK_CHANNEL);
	const app = destinations.microsoft.addApp();
	const team = destinations.microsoft.createTeam('Operations', ['Incidents']);
	const teamsApp = { ...app, tokens: destinations.microsoft.issueUserToken(app.clientId) };
	const placeholderValues: Record<string, string> = {
		YOUR_SPREADSHEET_ID: DEMO_SPREADSHEET_ID,
		'#YOUR_CHANNEL': `#${DEMO_SLACK_CHANNEL}`,
		'#YOUR_INCIDENT_CHANNEL': `#${DEMO_SLACK_CHANNEL}`,
		YOUR_TEAM_ID: team.teamId,
		YOUR_CHANNEL_ID: team.channelIds.Incidents,
	};
	for (const template of templates)
		template.workflow = fillPlaceholders(template.file, template.workflow, placeholderValues);

	try {
		await timed('imported the demo credentials', () =>
			importCredentials(home, [
				{ ...DEMO_CREDENTIAL, data: sandboxCredentialData.fireHydrantApi(sandbox) },
				{ ...INCIDENT_IO_CREDENTIAL, data: sandboxCredentialData.incidentIoApi(sandbox) },
				{ ...DATADOG_CREDENTIAL, data: sandboxCredentialData.datadogDoraApi(sandbox) },
				{ ...OPSLEVEL_CREDENTIAL, data: s3.credentialData() },
				{ ...POSTGRES_CREDENTIAL, data: postgresCredentialData(postgres) },
				{
					...GOOGLE_CREDENTIAL,
					data: { email: googleAccount.email, privateKey: googleAccount.privateKey },
				},
				{ ...SLACK_CREDENTIAL, data: { accessToken: slackToken } },
				{
					...TEAMS_CREDENTIAL,
					data: {
						clientId: teamsApp.clientId,
						clientSecret: teamsApp.clientSecret,
						oauthTokenData: teamsApp.tokens,
					},
				},
			]),
		);
		if (templates.length > 0) {
			await timed(`imported ${templates.length} template(s)`, () =>
				importWorkflows(
					home,
					templates.map((template) => template.workflow),
				),
			);
		} else {
			info('no templates in workflows/');
		}

		if (options.screenshots) {
			server = await timed('started a headless n8n', () => startN8n(home));
			const folder = path.resolve(options.screenshots);
			const files = await timed('took the canvas screenshots', () =>
				screenshotCanvases(
					server as N8nServer,
					templates.map(({ id, file }) => ({ id, file })),
					folder,
					workflowEditorUrl,
				),
			);
			for (const file of files) out(`wrote ${path.relative(root, file)}`);
			return 0;
		}

		if (options.once) {
			if (templates.length === 0) return broken.length === 0 ? 0 : runOnceWithoutServer(broken);
			server = await timed('started a headless n8n', () => startN8n(home));
			return (await runOnce(server, services, templates, broken)) ? 0 : 1;
		}

		server = await timed(`started n8n on port ${options.port}`, () =>
			startN8n(home, { port: options.port }),
		);
		printBanner(server, services, templates);
		ready = true;
		const ended = await Promise.race([
			signalled,
			server.exited.then((exit) => `n8n exited (${exit.code ?? exit.signal})`),
		]);
		info(`${ended}: stopping`);
		const crashed = ended.startsWith('n8n exited');
		if (crashed) info(server.logTail(30));
		return crashed ? 1 : 0;
	} finally {
		// Also on a failed setup: n8n and the sandbox must not outlive the demo.
		await shutdown();
	}
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		process.stderr.write(`[demo] ${error instanceof Error ? error.message : String(error)}\n`);
		process.exit(1);
	},
);
