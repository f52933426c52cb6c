/**
 * workflows/post-weekly-incident-digest.json in a real n8n 2.41.1 (`n8n execute`): n8n's own
 * Postgres node reads hand-made normalized incidents from a real PostgreSQL (table from
 * workflows/sql/incidents.sql), the Incident Schema node computes the weekly and per-severity
 * figures, and n8n's own Slack and Google Sheets nodes deliver them through the HTTPS proxy to the
 * emulators. Every figure expected here was computed by hand from the literals below. A Slack 429
 * fails the run at the Slack node; the rerun posts exactly one digest and leaves the sheet's rows
 * as they were (updated, never doubled).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { startDestinations, type Destinations } from '../support/destinations';
import { removeProjectHome } from '../support/e2e';
import {
	createN8nHome,
	executeWorkflow,
	importCredentials,
	importWorkflows,
	packProject,
	type N8nHome,
} from '../support/n8n';
import { startPostgres, type PostgresServer } from '../support/postgres';
import {
	WORKFLOWS_DIR,
	readTemplate,
	withCredentials,
	type TemplateWorkflow,
} from '../support/templates';

jest.setTimeout(15 * 60_000);

const ROOT = path.resolve(__dirname, '..', '..');
const TEMPLATE = 'post-weekly-incident-digest.json';
const SLACK_NODE = 'Post Digest to Slack';
const SHEETS_NODE = 'Update Weekly Rows in Sheet';
const SHEET_NAME = 'Weekly';
const CHANNEL = '#ops-digest';
const POSTGRES_CREDENTIAL = { id: 'tplPostgres00005', name: 'Warehouse', type: 'postgres' };
const GOOGLE_CREDENTIAL = {
	id: 'tplGoogleSa00002',
	name: 'Google service account',
	type: 'googleApi',
};
const SLACK_CREDENTIAL = { id: 'tplSlackBot00001', name: 'Slack bot', type: 'slackApi' };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let pg: PostgresServer;
let destinations: Destinations;
let home: N8nHome;
let workflowId: string;
let spreadsheetId: string;

/** Monday 00:00 UTC of the current week. */
const THIS_MONDAY = (() => {
	const now = new Date();
	const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
	return midnight - ((now.getUTCDay() + 6) % 7) * DAY;
})();
/** Monday 00:00 UTC of the week `weeksBack` weeks before this one. */
const weekStart = (weeksBack: number) => THIS_MONDAY - weeksBack * 7 * DAY;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** ISO 8601 week label (`2026-W45`): the week belongs to the year of its Thursday. */
function isoWeekLabel(mondayMs: number): string {
	const thursday = new Date(mondayMs + 3 * DAY);
	const year = thursday.getUTCFullYear();
	const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY));
	return `${year}-W${String(week).padStart(2, '0')}`;
}

interface Seed {
	key: string;
	weeksBack: number;
	hoursIn: number;
	severity: string;
	/** Seconds from start to resolution; null: still open. */
	ttr: number | null;
	status?: string;
}

/**
 * The hand-made incidents, four weeks back (W4) to last week (W1). I started on last week's Sunday
 * 22:00 and was resolved three hours later, in the current week: open at last week's end. Outside
 * the four weeks: X started in W5 and is still open (open at the end of each of the four weeks, in
 * no count or time); U started in W5 and was resolved in W4 (read, but in no figure); V (W5,
 * cancelled) and Z (W6, resolved in W6) are not read; Y started in the current week.
 */
const SEEDS: Seed[] = [
	{ key: 'A', weeksBack: 4, hoursIn: 26, severity: 'SEV1', ttr: 3_600 },
	{ key: 'B', weeksBack: 4, hoursIn: 50, severity: 'SEV2', ttr: 7_200 },
	{ key: 'C', weeksBack: 3, hoursIn: 30, severity: 'SEV2', ttr: 1_800 },
	{ key: 'D', weeksBack: 3, hoursIn: 80, severity: 'SEV3', ttr: null },
	{ key: 'E', weeksBack: 2, hoursIn: 10, severity: 'SEV1', ttr: 5_400 },
	{ key: 'F', weeksBack: 2, hoursIn: 60, severity: 'SEV3', ttr: 600 },
	{ key: 'G', weeksBack: 2, hoursIn: 100, severity: 'SEV2', ttr: 10_800 },
	{ key: 'H', weeksBack: 1, hoursIn: 20, severity: 'SEV3', ttr: 1_200 },
	{ key: 'I', weeksBack: 1, hoursIn: 166, severity: 'SEV1', ttr: 10_800 },
	{ key: 'X', weeksBack: 5, hoursIn: 10, severity: 'SEV1', ttr: null },
	{ key: 'U', weeksBack: 5, hoursIn: 150, severity: 'SEV2', ttr: 86_400 },
	{ key: 'V', weeksBack: 5, hoursIn: 20, severity: 'SEV3', ttr: null, status: 'cancelled' },
	{ key: 'Z', weeksBack: 6, hoursIn: 30, severity: 'SEV1', ttr: 1_200 },
	{ key: 'Y', weeksBack: 0, hoursIn: 0, severity: 'SEV2', ttr: 60 },
];

async function insert(seed: Seed): Promise<void> {
	const started = weekStart(seed.weeksBack) + seed.hoursIn * HOUR;
	const resolved = seed.ttr === null ? null : new Date(started + seed.ttr * 1000).toISOString();
	await pg.query(
		`INSERT INTO incidents (incident_key, source, source_id, title, status_category, severity_raw, services, teams,
			started_at, created_at, resolved_at, time_to_resolve_s, row_hash)
		 VALUES ($1, 'firehydrant', $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11)`,
		[
			`firehydrant:${seed.key}`,
			seed.key,
			`Incident ${seed.key}`,
			seed.status ?? (seed.ttr === null ? 'active' : 'resolved'),
			seed.severity,
			['checkout'],
			['payments'],
			new Date(started).toISOString(),
			resolved,
			seed.ttr,
			`hash-${seed.key}`,
		],
	);
}

function filledIn(template: TemplateWorkflow): TemplateWorkflow {
	const copy = JSON.parse(JSON.stringify(template)) as TemplateWorkflow;
	const sheets = copy.nodes.find((node) => node.name === SHEETS_NODE);
	const slack = copy.nodes.find((node) => node.name === SLACK_NODE);
	if (!sheets || !slack) throw new Error(`${TEMPLATE} lacks "${SHEETS_NODE}" or "${SLACK_NODE}"`);
	(sheets.parameters.documentId as { value: string }).value = spreadsheetId;
	(sheets.parameters.sheetName as { value: string }).value = SHEET_NAME;
	(slack.parameters.channelId as { value: string }).value = CHANNEL;
	return copy;
}

const HEADER = [
	'week',
	'week_start',
	'incidents',
	'by_severity',
	'time_to_resolve_median_s',
	'time_to_resolve_p90_s',
	'open_at_week_end',
];

/** The digest, every figure worked out by hand from SEEDS (median and p90 by linear interpolation). */
function expectedDigest(
	lastWeek: { count: string; severities: string; median: string; p90: string },
	sev2: { count: number; median: string; p90: string },
): string {
	return [
		`*Incident digest, ${isoDate(weekStart(4))} to ${isoDate(THIS_MONDAY - DAY)}*`,
		'',
		'*Week by week*',
		// A 3600, B 7200: median 5400 s; p90 3600 + 0.9 × 3600 = 6840 s (1h 54m). Both resolved that week; X open.
		`• Week of ${isoDate(weekStart(4))}: 2 incidents (SEV1 1, SEV2 1) · time to resolve median 1h 30m, p90 1h 54m · open at week end: 1`,
		// C 1800, D open: median = p90 = 1800 s; X and D open at the week's end.
		`• Week of ${isoDate(weekStart(3))}: 2 incidents (SEV2 1, SEV3 1) · time to resolve median 30m, p90 30m · open at week end: 2`,
		// F 600, E 5400, G 10800: median 5400; p90 5400 + 0.8 × 5400 = 9720 s (2h 42m). X and D still open.
		`• Week of ${isoDate(weekStart(2))}: 3 incidents (SEV1 1, SEV2 1, SEV3 1) · time to resolve median 1h 30m, p90 2h 42m · open at week end: 2`,
		// X, D and I open at last week's end.
		`• Week of ${isoDate(weekStart(1))}: ${lastWeek.count} (${lastWeek.severities}) · time to resolve median ${lastWeek.median}, p90 ${lastWeek.p90} · open at week end: 3`,
		'',
		'*By severity, all four weeks*',
		// SEV1: A 3600, E 5400, I 10800 → median 5400, p90 9720.
		'• SEV1: 3 incidents · time to resolve median 1h 30m, p90 2h 42m · still open: 0',
		`• SEV2: ${sev2.count} incidents · time to resolve median ${sev2.median}, p90 ${sev2.p90} · still open: 0`,
		// SEV3: F 600, H 1200 (D open) → median 900 s, p90 600 + 0.9 × 600 = 1140 s (19m); D still open.
		'• SEV3: 3 incidents · time to resolve median 15m, p90 19m · still open: 1',
	].join('\n');
}

beforeAll(async () => {
	[pg, destinations] = await Promise.all([
		startPostgres({ database: 'warehouse' }),
		startDestinations(),
	]);
	await pg.query(fs.readFileSync(path.join(WORKFLOWS_DIR, 'sql', 'incidents.sql'), 'utf8'));
	for (const seed of SEEDS) await insert(seed);
	const account = destinations.google.addServiceAccount();
	spreadsheetId = destinations.google.createSpreadsheet({
		title: 'Incident digest',
		sheets: [SHEET_NAME],
		sharedWith: [account.email],
	});
	const slackToken = destinations.slack.addBotToken();
	destinations.slack.createChannel(CHANNEL);
	home = await createN8nHome({ tarball: await packProject(ROOT), env: destinations.n8nEnv() });
	await importCredentials(home, [
		{
			...POSTGRES_CREDENTIAL,
			data: {
				host: pg.host,
				port: pg.port,
				database: pg.database,
				user: pg.user,
				password: pg.password,
				ssl: 'disable',
			},
		},
		{ ...GOOGLE_CREDENTIAL, data: { email: account.email, privateKey: account.privateKey } },
		{ ...SLACK_CREDENTIAL, data: { accessToken: slackToken } },
	]);
	const template = withCredentials(filledIn(readTemplate(TEMPLATE)), {
		'n8n-nodes-base.postgres': POSTGRES_CREDENTIAL,
		'n8n-nodes-base.googleSheets': GOOGLE_CREDENTIAL,
		'n8n-nodes-base.slack': SLACK_CREDENTIAL,
	});
	workflowId = template.id;
	await importWorkflows(home, [template]);
});

afterAll(async () => {
	await Promise.all([pg?.stop(), destinations?.close()]);
	removeProjectHome(home);
});

describe('Post a weekly incident digest to Slack (template)', () => {
	it('ships with placeholders for the sheet and the channel', () => {
		const template = readTemplate(TEMPLATE);
		const parameter = (node: string, name: string) =>
			(
				template.nodes.find((candidate) => candidate.name === node)?.parameters[name] as {
					value: string;
				}
			).value;
		expect([
			parameter(SHEETS_NODE, 'documentId'),
			parameter(SHEETS_NODE, 'sheetName'),
			parameter(SLACK_NODE, 'channelId'),
		]).toEqual(['YOUR_SPREADSHEET_ID', 'YOUR_SHEET_NAME', '#YOUR_CHANNEL']);
		const slack = template.nodes.find((node) => node.name === SLACK_NODE);
		expect(
			(slack?.parameters.otherOptions as { includeLinkToWorkflow: boolean }).includeLinkToWorkflow,
		).toBe(false);
	});

	it('a Slack 429 fails the run at the Slack node with the rate limit, and nothing is posted', async () => {
		destinations.slack.rateLimit({ requests: 1, retryAfterSeconds: 30 });
		const failed = await executeWorkflow(home, workflowId);
		expect(failed.status).toBe('error');
		expect(failed.error?.node).toBe(SLACK_NODE);
		expect(JSON.stringify(failed.error)).toMatch(/429|ratelimited|Too Many Requests/i);
		expect(destinations.slack.messages(CHANNEL)).toEqual([]);
	});

	it('the rerun posts exactly one digest with the hand-computed figures, and the sheet holds one row per week', async () => {
		const run = await executeWorkflow(home, workflowId);
		expect(run.error).toBeUndefined();
		expect(run.status).toBe('success');
		// Read: the four weeks' incidents and the two older ones open when they began; not V, Z or Y.
		const read = run
			.output('Read Last Four Weeks of Incidents')
			.map((item) => String(item.json.incident_key).replace('firehydrant:', ''));
		expect(read.sort()).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'U', 'X']);
		const messages = destinations.slack.messages(CHANNEL);
		expect(messages).toHaveLength(1);
		expect(messages[0].text).toBe(
			expectedDigest(
				// H 1200, I 10800: median 6000 s (1h 40m); p90 1200 + 0.9 × 9600 = 9840 s (2h 44m).
				{ count: '2 incidents', severities: 'SEV1 1, SEV3 1', median: '1h 40m', p90: '2h 44m' },
				// SEV2: C 1800, B 7200, G 10800 → median 7200 (2h 0m), p90 7200 + 0.8 × 3600 = 10080 s (2h 48m).
				{ count: 3, median: '2h 0m', p90: '2h 48m' },
			),
		);
		// The failed run had already written the sheet (it runs before Slack): the rerun updated, never appended.
		// No row for the weeks before the four, though X and U started there.
		expect(destinations.google.rows(spreadsheetId, SHEET_NAME)).toEqual([
			HEADER,
			[
				isoWeekLabel(weekStart(4)),
				isoDate(weekStart(4)),
				'2',
				'SEV1: 1, SEV2: 1',
				'5400',
				'6840',
				'1',
			],
			[
				isoWeekLabel(weekStart(3)),
				isoDate(weekStart(3)),
				'2',
				'SEV2: 1, SEV3: 1',
				'1800',
				'1800',
				'2',
			],
			[
				isoWeekLabel(weekStart(2)),
				isoDate(weekStart(2)),
				'3',
				'SEV1: 1, SEV2: 1, SEV3: 1',
				'5400',
				'9720',
				'2',
			],
			[
				isoWeekLabel(weekStart(1)),
				isoDate(weekStart(1)),
				'2',
				'SEV1: 1, SEV3: 1',
				'6000',
				'9840',
				'3',
			],
		]);
	});

	it("a later run after one more incident updates that week's row and posts one new digest", async () => {
		// J: last week, SEV2, resolved after an hour.
		await insert({ key: 'J', weeksBack: 1, hoursIn: 30, severity: 'SEV2', ttr: 3_600 });
		const run = await executeWorkflow(home, workflowId);
		expect(run.error).toBeUndefined();
		expect(run.status).toBe('success');
		const messages = destinations.slack.messages(CHANNEL);
		expect(messages).toHaveLength(2);
		expect(messages[1].text).toBe(
			expectedDigest(
				// H 1200, J 3600, I 10800: median 3600 (1h 0m); p90 3600 + 0.8 × 7200 = 9360 s (2h 36m).
				{
					count: '3 incidents',
					severities: 'SEV1 1, SEV2 1, SEV3 1',
					median: '1h 0m',
					p90: '2h 36m',
				},
				// SEV2: 1800, 3600, 7200, 10800 → median 5400 (1h 30m); p90 7200 + 0.7 × 3600 = 9720 s (2h 42m).
				{ count: 4, median: '1h 30m', p90: '2h 42m' },
			),
		);
		const rows = destinations.google.rows(spreadsheetId, SHEET_NAME);
		expect(rows).toHaveLength(5);
		expect(rows[4]).toEqual([
			isoWeekLabel(weekStart(1)),
			isoDate(weekStart(1)),
			'3',
			'SEV1: 1, SEV2: 1, SEV3: 1',
			'3600',
			'9360',
			'3',
		]);
	});

	it('nothing left the machine: the proxy refused no connection n8n tried', () => {
		expect(destinations.proxy.refused()).toEqual([]);
	});
});
