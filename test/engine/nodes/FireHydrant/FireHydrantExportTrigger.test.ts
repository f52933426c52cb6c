/**
 * The FireHydrant Export Trigger's cursor through n8n-core's real PollContext: each report once,
 * each row version once, a manual test that leaves the cursor alone, and a failed poll that never
 * advances it.
 */
import type { IDataObject } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../../sandbox';
import { pollExportTrigger } from './setup';

jest.setTimeout(60_000);

let sandbox: Sandbox;

beforeEach(async () => {
	sandbox = await startSandbox({
		seed: 11,
		fireHydrant: { incidents: 12, nights: 3, eventsPerIncident: 3 },
	});
});

afterEach(async () => {
	await sandbox.close();
});

const INCIDENT_HEADER =
	'id,account_id,organization_id,created_at,updated_at,number,name,severity,priority,started_at,detected_at,acknowledged_at,investigating_at,identified_at,mitigated_at,resolved_at,retrospective_started_at,retrospective_completed_at,opened_at,started_by,active_duration';

function incidentCsv(rows: Array<Record<string, string>>): string {
	const columns = INCIDENT_HEADER.split(',');
	const cell = (value: string) =>
		/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
	return (
		[
			INCIDENT_HEADER,
			...rows.map((row) => columns.map((column) => cell(row[column] ?? '')).join(',')),
		].join('\n') + '\n'
	);
}

function jsonOf(items: Array<Array<{ json: IDataObject }>> | null): IDataObject[] {
	return items ? items[0].map((item) => item.json) : [];
}

describe('FireHydrant Export Trigger', () => {
	it('emits everything still available once, then only what changed', async () => {
		const first = await pollExportTrigger(sandbox, {
			startFrom: 'available',
			sources: ['incident'],
		});
		expect(first.error).toBeUndefined();
		const firstRows = jsonOf(first.items);
		expect(firstRows).toHaveLength(sandbox.fireHydrant.expectedRows('incident').length);

		const idle = await pollExportTrigger(
			sandbox,
			{ startFrom: 'available', sources: ['incident'] },
			{ staticData: first.staticData },
		);
		expect(idle.items).toBeNull();

		// The next nightly report overlaps: one record unchanged, one updated, one new.
		const [unchanged, updated] = sandbox.fireHydrant.expectedRows('incident');
		sandbox.fireHydrant.addExportRequest({
			source: 'text/csv+incident-20220525',
			createdAt: new Date(Date.now() - 1000),
			body: incidentCsv([
				unchanged,
				{ ...updated, updated_at: new Date().toISOString(), severity: 'SEV1' },
				{
					id: 'inc-brand-new',
					created_at: new Date().toISOString(),
					updated_at: new Date().toISOString(),
					name: 'New one',
				},
			]),
		});
		const next = await pollExportTrigger(
			sandbox,
			{ startFrom: 'available', sources: ['incident'] },
			{ staticData: idle.staticData },
		);
		expect(next.error).toBeUndefined();
		expect(
			jsonOf(next.items)
				.map((row) => row.id)
				.sort(),
		).toEqual([updated.id, 'inc-brand-new'].sort());
	});

	it('leaves event_details_schema as text by default, like Get Rows, and parses it with Parse Event Details Schema', async () => {
		const asText = jsonOf(
			(await pollExportTrigger(sandbox, { startFrom: 'available', sources: ['incident_event'] }))
				.items,
		);
		const parsed = jsonOf(
			(
				await pollExportTrigger(sandbox, {
					startFrom: 'available',
					sources: ['incident_event'],
					options: { parseEventDetailsSchema: true },
				})
			).items,
		);
		expect(asText.length).toBeGreaterThan(0);
		expect(parsed.map((row) => row.id)).toEqual(asText.map((row) => row.id));
		for (const [index, row] of asText.entries()) {
			expect(typeof row.event_details_schema).toBe('string');
			expect(parsed[index].event_details_schema).toEqual(
				JSON.parse(String(row.event_details_schema)),
			);
		}
	});

	it('Start From "now" emits nothing on the first poll and then only new reports', async () => {
		const first = await pollExportTrigger(sandbox, { startFrom: 'now', sources: ['incident'] });
		expect(first.items).toBeNull();
		sandbox.fireHydrant.addExportRequest({
			source: 'text/csv+incident-20220525',
			createdAt: new Date(Date.now() + 1000),
			body: incidentCsv([
				{ id: 'inc-after', updated_at: new Date().toISOString(), name: 'After activation' },
			]),
		});
		const second = await pollExportTrigger(
			sandbox,
			{ startFrom: 'now', sources: ['incident'] },
			{ staticData: first.staticData },
		);
		expect(jsonOf(second.items).map((row) => row.id)).toEqual(['inc-after']);
	});

	it('a manual test returns a sample and leaves the cursor alone', async () => {
		const sample = await pollExportTrigger(sandbox, { startFrom: 'available' }, { mode: 'manual' });
		expect(jsonOf(sample.items).length).toBeGreaterThan(0);
		expect(jsonOf(sample.items).length).toBeLessThanOrEqual(20);
		expect(sample.staticData).toEqual({});
		const real = await pollExportTrigger(
			sandbox,
			{ startFrom: 'available', sources: ['incident'] },
			{ staticData: sample.staticData },
		);
		expect(jsonOf(real.items)).toHaveLength(sandbox.fireHydrant.expectedRows('incident').length);
	});

	it('a failed poll does not advance the cursor, so the next poll loses nothing', async () => {
		const first = await pollExportTrigger(sandbox, {
			startFrom: 'available',
			sources: ['incident'],
		});
		sandbox.fireHydrant.addExportRequest({
			source: 'text/csv+incident-20220525',
			createdAt: new Date(Date.now() + 1000),
			body: incidentCsv([{ id: 'inc-late', updated_at: new Date().toISOString(), name: 'Late' }]),
		});
		sandbox.fireHydrant.faults.rateLimit(1000, { retryAfterSeconds: 0 });
		const failed = await pollExportTrigger(
			sandbox,
			{ startFrom: 'available', sources: ['incident'] },
			{ staticData: first.staticData },
		);
		expect(failed.error).toBeDefined();
		expect(failed.staticData).toEqual(first.staticData);
		sandbox.fireHydrant.faults.reset();
		const retried = await pollExportTrigger(
			sandbox,
			{ startFrom: 'available', sources: ['incident'] },
			{ staticData: failed.staticData },
		);
		expect(jsonOf(retried.items).map((row) => row.id)).toEqual(['inc-late']);
	});

	it('skips a malformed report with a warning naming its export request, and reads the others', async () => {
		const first = await pollExportTrigger(sandbox, {
			startFrom: 'available',
			sources: ['incident'],
		});
		const malformed = sandbox.fireHydrant.addExportRequest({
			source: 'text/csv+incident-20220525',
			createdAt: new Date(Date.now() + 1000),
			// The second row has one cell too many: not CSV this header can read.
			body: `${INCIDENT_HEADER}\ninc-bad,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21\n`,
		});
		sandbox.fireHydrant.addExportRequest({
			source: 'text/csv+incident-20220525',
			createdAt: new Date(Date.now() + 2000),
			body: incidentCsv([{ id: 'inc-good', updated_at: new Date().toISOString(), name: 'Good' }]),
		});
		const warn = jest.spyOn(n8nLogger(), 'warn');
		try {
			const next = await pollExportTrigger(
				sandbox,
				{ startFrom: 'available', sources: ['incident'] },
				{ staticData: first.staticData },
			);
			expect(next.error).toBeUndefined();
			expect(jsonOf(next.items).map((row) => row.id)).toEqual(['inc-good']);
			const warnings = warn.mock.calls.map(([message]) => String(message)).join('\n');
			expect(warnings).toContain(malformed.id);
			expect(warnings).toContain('It was skipped');
			// Done with: the next poll neither fails on it nor emits anything again.
			const after = await pollExportTrigger(
				sandbox,
				{ startFrom: 'available', sources: ['incident'] },
				{ staticData: next.staticData },
			);
			expect(after.error).toBeUndefined();
			expect(after.items).toBeNull();
		} finally {
			warn.mockRestore();
		}
	});

	it('fails the poll on a malformed report when told to', async () => {
		const first = await pollExportTrigger(sandbox, {
			startFrom: 'available',
			sources: ['incident'],
		});
		sandbox.fireHydrant.addExportRequest({
			source: 'text/csv+incident-20220525',
			createdAt: new Date(Date.now() + 1000),
			body: `${INCIDENT_HEADER}\ninc-bad,1,2\n`,
		});
		const failed = await pollExportTrigger(
			sandbox,
			{ startFrom: 'available', sources: ['incident'], options: { onMalformed: 'fail' } },
			{ staticData: first.staticData },
		);
		expect(String((failed.error as Error | undefined)?.message)).toContain(
			'is malformed at line 2',
		);
		expect(failed.staticData).toEqual(first.staticData);
	});

	it('never emits an overlapping row again over many nightly polls, with a memory bounded by the overlap', async () => {
		let staticData = (
			await pollExportTrigger(sandbox, { startFrom: 'available', sources: ['incident'] })
		).staticData;
		const NIGHTS = 14;
		const base = Date.now() + 60 * 60_000;
		const memorySizes: number[] = [];
		for (let night = 0; night < NIGHTS; night++) {
			const createdAt = base + night * DAY;
			// Each nightly report repeats the previous night's record unchanged (the 6 h overlap) and adds one.
			const rows = [night - 1, night]
				.filter((index) => index >= 0)
				.map((index) => ({
					id: `inc-night-${index}`,
					name: `Night ${index}`,
					updated_at: new Date(base + index * DAY - 60 * 60_000).toISOString(),
				}));
			sandbox.fireHydrant.addExportRequest({
				source: 'text/csv+incident-20220525',
				createdAt: new Date(createdAt),
				body: incidentCsv(rows),
			});
			const poll = await pollExportTrigger(
				sandbox,
				{ startFrom: 'available', sources: ['incident'] },
				{ staticData },
			);
			expect(poll.error).toBeUndefined();
			expect(jsonOf(poll.items).map((row) => row.id)).toEqual([`inc-night-${night}`]);
			staticData = poll.staticData;
			const memory = (staticData['node:FireHydrant Export Trigger'] as IDataObject)
				.exportCursor as { emittedRows: Record<string, string[]> };
			memorySizes.push(
				Object.values(memory.emittedRows).reduce((sum, keys) => sum + keys.length, 0),
			);
		}
		// One new row a night; the memory holds only the nights a report still to be read can cover.
		expect(Math.max(...memorySizes.slice(7))).toBeLessThanOrEqual(6);
		expect(memorySizes[NIGHTS - 1]).toBeLessThan(NIGHTS);
	});
});

const DAY = 24 * 60 * 60_000;

/**
 * The logger n8n-core hands a trigger as `this.logger`, resolved the way n8n-core resolves it (it
 * may carry its own copy of the DI container), so a test can read what the trigger logged.
 */
function n8nLogger(): { warn: (message: string) => void } {
	const fromCore = { paths: [require.resolve('n8n-core')] };
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { Container } = require(require.resolve('@n8n/di', fromCore)) as {
		Container: { get<T>(type: unknown): T };
	};
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { Logger } = require(require.resolve('@n8n/backend-common', fromCore)) as {
		Logger: unknown;
	};
	return Container.get<{ warn: (message: string) => void }>(Logger);
}
