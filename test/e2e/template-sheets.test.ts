/**
 * workflows/sync-incident-io-to-google-sheets.json in a real n8n 2.41.1 (`n8n execute`, a
 * production-mode run that keeps static data, so the sync position moves): incident.io read
 * incrementally from the sandbox, normalized, and written by n8n's own Google Sheets node (Append or
 * Update Row on incident_key) through the HTTPS proxy into the Sheets emulator. The sheet is
 * compared with the sandbox's own incidents after every run; a run whose spreadsheet is gone fails
 * at the Sheets node with Google's 404 and commits nothing, so the rerun delivers its changes.
 */
import * as path from 'node:path';

import { startSandbox, type Sandbox } from '../sandbox';
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
import { readTemplate, withCredentials, type TemplateWorkflow } from '../support/templates';

jest.setTimeout(15 * 60_000);

const ROOT = path.resolve(__dirname, '..', '..');
const TEMPLATE = 'sync-incident-io-to-google-sheets.json';
const SHEETS_NODE = 'Append or Update Incident Rows';
const SHEET_NAME = 'Incident log';
const INCIDENT_IO_CREDENTIAL = {
	id: 'tplIncidentIo004',
	name: 'incident.io account',
	type: 'incidentIoApi',
};
const GOOGLE_CREDENTIAL = {
	id: 'tplGoogleSa00001',
	name: 'Google service account',
	type: 'googleApi',
};

let sandbox: Sandbox;
let destinations: Destinations;
let home: N8nHome;
let workflowId: string;
let spreadsheetId: string;
let serviceAccountEmail: string;

/** The sheet as records keyed by its header row (what a person reads, column by column). */
function sheetRecords(): Array<Record<string, string>> {
	const [header, ...rows] = destinations.google.rows(spreadsheetId, SHEET_NAME);
	return rows.map((row) =>
		Object.fromEntries(header.map((column, index) => [column, row[index] ?? ''])),
	);
}

/** The sheet must hold one row per incident the sandbox serves, with its current name and update time. */
function expectGroundTruth(): void {
	const truth = sandbox.incidentIo.visibleIncidents().map((incident) => ({
		incident_key: `incident_io:${String(incident.id)}`,
		reference: String(incident.reference),
		title: String(incident.name),
		updated_at: Date.parse(String(incident.updated_at)),
	}));
	const records = sheetRecords();
	expect(records.map((record) => record.incident_key).sort()).toEqual(
		truth.map((row) => row.incident_key).sort(),
	);
	expect(new Set(records.map((record) => record.incident_key)).size).toBe(records.length);
	const byKey = new Map(records.map((record) => [record.incident_key, record]));
	for (const expected of truth) {
		const record = byKey.get(expected.incident_key) as Record<string, string>;
		expect({
			incident_key: record.incident_key,
			reference: record.reference,
			title: record.title,
			updated_at: Date.parse(record.updated_at),
		}).toEqual(expected);
	}
}

/** Marks `count` sandbox incidents changed now and renames them; returns their incident keys. */
function changeIncidents(
	count: number,
	offset: number,
	rename: (name: string, index: number) => string,
): string[] {
	const ids = sandbox.incidentIo.touch({ incidents: count, offset }).incidents;
	const visible = sandbox.incidentIo.visibleIncidents();
	ids.forEach((id, index) => {
		const incident = visible.find((candidate) => String(candidate.id) === id);
		if (!incident) throw new Error(`touched incident ${id} is not visible to the credential`);
		incident.name = rename(String(incident.name), index);
	});
	return ids.map((id) => `incident_io:${id}`).sort();
}

function filledIn(template: TemplateWorkflow): TemplateWorkflow {
	const copy = JSON.parse(JSON.stringify(template)) as TemplateWorkflow;
	const sheets = copy.nodes.find((node) => node.name === SHEETS_NODE);
	if (!sheets) throw new Error(`${TEMPLATE} has no node "${SHEETS_NODE}"`);
	(sheets.parameters.documentId as { value: string }).value = spreadsheetId;
	(sheets.parameters.sheetName as { value: string }).value = SHEET_NAME;
	return copy;
}

beforeAll(async () => {
	[sandbox, destinations] = await Promise.all([
		startSandbox({ seed: 41, incidentIo: { incidents: 24 } }),
		startDestinations(),
	]);
	const account = destinations.google.addServiceAccount();
	serviceAccountEmail = account.email;
	// A spreadsheet with an empty tab, shared with the service account, as the setup steps say.
	spreadsheetId = destinations.google.createSpreadsheet({
		title: 'Incidents',
		sheets: [SHEET_NAME],
		sharedWith: [account.email],
	});
	home = await createN8nHome({ tarball: await packProject(ROOT), env: destinations.n8nEnv() });
	await importCredentials(home, [
		{
			...INCIDENT_IO_CREDENTIAL,
			data: { apiKey: sandbox.incidentIo.apiKey, baseUrl: sandbox.incidentIo.apiBaseUrl },
		},
		{ ...GOOGLE_CREDENTIAL, data: { email: account.email, privateKey: account.privateKey } },
	]);
	const template = withCredentials(filledIn(readTemplate(TEMPLATE)), {
		'n8n-nodes-incident-data.incidentIo': INCIDENT_IO_CREDENTIAL,
		'n8n-nodes-base.googleSheets': GOOGLE_CREDENTIAL,
	});
	workflowId = template.id;
	await importWorkflows(home, [template]);
});

afterAll(async () => {
	await Promise.all([sandbox?.close(), destinations?.close()]);
	removeProjectHome(home);
});

describe('Sync incident.io incidents to Google Sheets (template)', () => {
	it('ships with placeholders for the sheet, and the commit below the Sheets branch', () => {
		const template = readTemplate(TEMPLATE);
		expect(template.id.length).toBeLessThanOrEqual(21);
		const sheets = template.nodes.find((node) => node.name === SHEETS_NODE);
		expect([
			(sheets?.parameters.documentId as { value: string }).value,
			(sheets?.parameters.sheetName as { value: string }).value,
		]).toEqual(['YOUR_SPREADSHEET_ID', 'YOUR_SHEET_NAME']);
		const y = (name: string) =>
			(template.nodes.find((node) => node.name === name)?.position as number[])[1];
		// n8n's v1 order runs the upper branch first: the commit must sit below the Sheets branch.
		expect(y('Commit Sync Positions')).toBeGreaterThan(y('Shape Sheet Rows'));
	});

	it('the first run writes a header and one row per incident the sandbox serves', async () => {
		const run = await executeWorkflow(home, workflowId);
		expect(run.error).toBeUndefined();
		expect(run.status).toBe('success');
		expect(sheetRecords().length).toBeGreaterThan(10);
		expectGroundTruth();
		// Lists arrive as text: every services cell is empty or comma-separated names, never "[object".
		expect(
			sheetRecords().every(
				(record) => !record.services.includes('[') && !record.custom_fields.startsWith('[object'),
			),
		).toBe(true);
	});

	it('after three incidents changed, the next run updates exactly their rows and adds none', async () => {
		const before = sheetRecords();
		// A title typed with a leading apostrophe and digits: written as it is (RAW), not as Google would
		// read it typed into a cell (apostrophe dropped, "0042" a number), nor as a formula.
		const changed = changeIncidents(3, 2, (name, index) =>
			index === 0 ? "'0042 =SUM(1,2)" : `${name} (renamed)`,
		);
		const run = await executeWorkflow(home, workflowId);
		expect(run.error).toBeUndefined();
		expect(run.status).toBe('success');
		// The incremental read offered only the changed incidents: the first run's position was committed.
		expect(
			run
				.output(SHEETS_NODE)
				.map((item) => item.json.incident_key)
				.sort(),
		).toEqual(changed);
		const after = sheetRecords();
		expect(after.map((record) => record.incident_key)).toEqual(
			before.map((record) => record.incident_key),
		);
		const differing = after
			.filter((record, index) => JSON.stringify(record) !== JSON.stringify(before[index]))
			.map((record) => record.incident_key);
		expect(differing.sort()).toEqual(changed);
		expectGroundTruth();
	});

	it("with the spreadsheet gone the run fails at the Sheets node with Google's 404, and the rerun after recovery delivers the changes once", async () => {
		const changed = changeIncidents(2, 5, (name) => `${name} (again)`);
		const kept = destinations.google.rows(spreadsheetId, SHEET_NAME);
		destinations.google.deleteSpreadsheet(spreadsheetId);
		const failed = await executeWorkflow(home, workflowId);
		expect(failed.status).toBe('error');
		expect(failed.error?.node).toBe(SHEETS_NODE);
		expect(JSON.stringify(failed.error)).toMatch(/Requested entity was not found/);
		expect(failed.runData['Commit Sync Positions']).toBeUndefined();

		// Recovery: the spreadsheet is restored from the trash, with its id and its rows.
		destinations.google.createSpreadsheet({
			spreadsheetId,
			title: 'Incidents',
			sheets: [SHEET_NAME],
			sharedWith: [serviceAccountEmail],
		});
		// setValues types like a person (USER_ENTERED): a leading apostrophe is doubled so the cell keeps it.
		destinations.google.setValues(
			spreadsheetId,
			SHEET_NAME,
			kept.map((row) => row.map((cell) => (cell.startsWith("'") ? `'${cell}` : cell))),
		);
		const rerun = await executeWorkflow(home, workflowId);
		expect(rerun.error).toBeUndefined();
		expect(rerun.status).toBe('success');
		// The failed run committed nothing: the rerun read the same changes again.
		expect(
			rerun
				.output(SHEETS_NODE)
				.map((item) => item.json.incident_key)
				.sort(),
		).toEqual(changed);
		expect(sheetRecords()).toHaveLength(kept.length - 1);
		expectGroundTruth();
	});

	it('nothing left the machine: the proxy refused no connection n8n tried', () => {
		expect(destinations.proxy.refused()).toEqual([]);
	});
});
