import { parse } from 'csv-parse/sync';

import { startSandbox, type Sandbox } from '../../sandbox';
import { generateAccount, isoDuration } from '../../sandbox/firehydrant/data';
import {
	COLUMNS,
	EVENT_DETAILS_SCHEMAS,
	EVENT_TYPES,
	SHORT_SOURCES,
	shortSourceOf,
	type EventType,
} from '../../sandbox/firehydrant/sources';
import { SchemaValidator } from '../../sandbox/spec';
import { authorized, listAllExports, request } from './http';

const NOW = new Date('2025-03-10T12:00:00.000Z');
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ISO_DURATION = /^P(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+S)?)?$/;

function parseRows(body: Buffer): string[][] {
	return parse(body, { skip_empty_lines: false }) as string[][];
}

/** Ground truth computed independently of the sandbox: parse every CSV, keep newest updated_at. */
function dedupeNewest(bodies: Buffer[]): Map<string, Record<string, string>> {
	const newest = new Map<string, Record<string, string>>();
	for (const body of bodies) {
		const [header, ...rows] = parseRows(body);
		for (const cells of rows) {
			const row = Object.fromEntries(header.map((column, index) => [column, cells[index]]));
			const held = newest.get(row.id);
			if (!held || Date.parse(row.updated_at) >= Date.parse(held.updated_at))
				newest.set(row.id, row);
		}
	}
	return newest;
}

describe('FireHydrant sandbox: data', () => {
	let sandbox: Sandbox;

	beforeAll(async () => {
		sandbox = await startSandbox({
			seed: 42,
			fireHydrant: { now: NOW, incidents: 60, eventsPerIncident: 8 },
		});
	});
	afterAll(async () => {
		await sandbox.close();
	});
	afterEach(() => sandbox.reset());

	const exportsOf = (short: string) =>
		sandbox.fireHydrant.exportRequests.filter((record) => shortSourceOf(record.source) === short);

	it('cuts one export per source per night, created shortly after 02:00 UTC, with 30 h windows 24 h apart', () => {
		const records = sandbox.fireHydrant.exportRequests;
		expect(records).toHaveLength(7 * 5);
		expect(records.slice(0, 5).map((record) => record.source)).toEqual(
			SHORT_SOURCES.map((short) => `text/csv+${short}-20220525`),
		);
		for (const record of records) {
			expect(record.createdAt.getUTCHours()).toBe(2);
			expect(record.createdAt.getTime()).toBeLessThan(NOW.getTime());
			expect(record.createdAt.getTime()).toBeGreaterThan(record.windowEndsAt.getTime());
			expect(record.windowEndsAt.getTime() - record.windowStartsAt.getTime()).toBe(30 * 3_600_000);
		}
		const incidentExports = exportsOf('incident');
		for (let night = 1; night < incidentExports.length; night++) {
			const previous = incidentExports[night - 1];
			const current = incidentExports[night];
			expect(current.windowStartsAt.getTime() - previous.windowStartsAt.getTime()).toBe(
				24 * 3_600_000,
			);
			expect(current.windowStartsAt.getTime()).toBeLessThan(previous.windowEndsAt.getTime()); // overlap
		}
		expect(incidentExports[6].createdAt.toISOString().slice(0, 10)).toBe('2025-03-10');
	});

	it('writes valid CSV with exactly the documented header, and quotes commas, quotes and newlines', () => {
		let quotedNewline = false;
		let quotedComma = false;
		let doubledQuote = false;
		for (const record of sandbox.fireHydrant.exportRequests) {
			const body = sandbox.fireHydrant.rawCsv(record.id);
			const short = shortSourceOf(record.source) as keyof typeof COLUMNS;
			const [header, ...rows] = parseRows(body);
			expect(header).toEqual(COLUMNS[short]);
			for (const row of rows) expect(row).toHaveLength(header.length);
			for (const row of rows) {
				if (row.some((cell) => cell.includes('\n'))) quotedNewline = true;
				if (row.some((cell) => cell.includes(','))) quotedComma = true;
				if (row.some((cell) => cell.includes('"'))) doubledQuote = true;
			}
			expect(body.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false); // no BOM
			expect(body.includes('\r\n')).toBe(false);
		}
		expect(quotedNewline && quotedComma && doubledQuote).toBe(true);
	});

	it('fills cells realistically: uuids, ISO timestamps with ms, SEV levels, ISO durations, JSON cells', () => {
		const incidents = sandbox.fireHydrant.expectedRows('incident');
		expect(incidents).toHaveLength(60);
		for (const incident of incidents) {
			expect(incident.id).toMatch(
				/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
			);
			expect(incident.created_at).toMatch(ISO_MS);
			expect(incident.updated_at).toMatch(ISO_MS);
			expect(incident.started_at).toMatch(ISO_MS);
			expect(incident.severity).toMatch(/^SEV[1-5]$/);
			expect(incident.number).toMatch(/^\d+$/);
			expect(incident.active_duration).toMatch(ISO_DURATION);
			for (const column of [
				'detected_at',
				'acknowledged_at',
				'mitigated_at',
				'resolved_at',
				'retrospective_completed_at',
			]) {
				expect(incident[column]).toMatch(incident[column] === '' ? /^$/ : ISO_MS);
			}
			expect(Date.parse(incident.updated_at)).toBeGreaterThanOrEqual(
				Date.parse(incident.created_at),
			);
		}
		// Some incidents are still open at their last export: empty milestone cells exist.
		expect(incidents.some((incident) => incident.retrospective_completed_at === '')).toBe(true);
		expect(incidents.some((incident) => incident.priority === '')).toBe(true);
		const numbers = incidents.map((incident) => Number(incident.number)).sort((a, b) => a - b);
		expect(numbers[numbers.length - 1] - numbers[0]).toBe(59);

		for (const retrospective of sandbox.fireHydrant.expectedRows('retrospective')) {
			expect(JSON.parse(retrospective.tags)).toEqual(expect.any(Array));
			const questions = JSON.parse(retrospective.questions) as Array<Record<string, unknown>>;
			expect(questions.length).toBeGreaterThan(0);
			for (const question of questions) {
				expect(question).toEqual({
					title: expect.any(String),
					body: expect.any(String),
					question_type_id: expect.any(String),
				});
			}
		}
		const assignments = sandbox.fireHydrant.expectedRows('incident_role_assignment');
		expect(new Set(assignments.map((assignment) => assignment.status))).toEqual(
			new Set(['active', 'inactive']),
		);
		const impacts = sandbox.fireHydrant.expectedRows('incident_impact');
		expect(new Set(impacts.map((impact) => impact.impacted_type))).toEqual(
			new Set(['service', 'functionality', 'environment']),
		);
	});

	it('formats ISO 8601 durations', () => {
		expect(isoDuration(0)).toBe('PT0S');
		expect(isoDuration(45 * 60_000)).toBe('PT45M');
		expect(isoDuration(((24 + 2) * 3600 + 3 * 60 + 4) * 1000 + 999)).toBe('P1DT2H3M4S');
		expect(isoDuration(2 * 86_400_000)).toBe('P2D');
	});

	it('emits all 14 event types, each with its documented schema and details that conform to it', () => {
		const events = sandbox.fireHydrant.expectedRows('incident_event');
		expect(events).toHaveLength(60 * 8); // the average is exact in total
		expect(new Set(events.map((event) => event.type))).toEqual(new Set(EVENT_TYPES));
		const validator = new SchemaValidator({});
		for (const event of events) {
			const schema = JSON.parse(event.event_details_schema) as Record<string, unknown>;
			expect(schema).toEqual(EVENT_DETAILS_SCHEMAS[event.type as EventType]);
			const details = JSON.parse(event.event_details) as Record<string, unknown>;
			validator.assertValid(schema, details);
			expect(Object.keys(details).sort()).toEqual(
				Object.keys(EVENT_DETAILS_SCHEMAS[event.type as EventType].properties).sort(),
			);
		}
	});

	it('repeats records across overlapping exports with different updated_at; the ground truth keeps the newest', () => {
		for (const short of SHORT_SOURCES) {
			const bodies = exportsOf(short).map((record) => sandbox.fireHydrant.rawCsv(record.id));
			const appearances = new Map<string, Set<string>>();
			let rows = 0;
			for (const body of bodies) {
				const [header, ...cells] = parseRows(body);
				const idAt = header.indexOf('id');
				const updatedAt = header.indexOf('updated_at');
				for (const row of cells) {
					rows++;
					const seen = appearances.get(row[idAt]) ?? new Set<string>();
					seen.add(row[updatedAt]);
					appearances.set(row[idAt], seen);
				}
			}
			const expected = sandbox.fireHydrant.expectedRows(short);
			const independent = dedupeNewest(bodies);
			expect(expected).toHaveLength(independent.size);
			for (const row of expected) expect(row).toEqual(independent.get(row.id));
			expect(Object.keys(expected[0])).toEqual(COLUMNS[short]);
			expect(expected.map((row) => row.id)).toEqual([...independent.keys()].sort());
			const totals = sandbox.fireHydrant.totals();
			expect(totals.rowsBySource[short]).toBe(rows);
			expect(totals.distinctBySource[short]).toBe(independent.size);
			if (short !== 'retrospective') expect(rows).toBeGreaterThan(independent.size);
			// Every source except (rarely changing) retrospectives has ids seen with two updated_at values.
			if (short === 'incident' || short === 'incident_event' || short === 'incident_impact') {
				expect([...appearances.values()].some((values) => values.size >= 2)).toBe(true);
			}
		}
		expect(sandbox.fireHydrant.totals().incidents).toBe(60);
	});

	it('computes expectedRows over chosen exports only', () => {
		const incidentExports = exportsOf('incident');
		const lastTwo = incidentExports.slice(-2).map((record) => record.id);
		const expected = sandbox.fireHydrant.expectedRows('incident', {
			exportRequestIds: [...lastTwo, exportsOf('incident_event')[0].id],
		});
		const independent = dedupeNewest(lastTwo.map((id) => sandbox.fireHydrant.rawCsv(id)));
		expect(expected).toEqual([...independent.keys()].sort().map((id) => independent.get(id)));
		expect(sandbox.fireHydrant.expectedRows('text/csv+incident-20220525')).toEqual(
			sandbox.fireHydrant.expectedRows('incident'),
		);
		expect(() =>
			sandbox.fireHydrant.expectedRows('incident', { exportRequestIds: ['nope'] }),
		).toThrow(/unknown export/);
	});

	it('serves custom bodies byte for byte and takes the parseable ones into the ground truth', async () => {
		const bom = '\ufeff';
		const known = sandbox.fireHydrant.expectedRows('incident')[0];
		const newer = {
			...known,
			updated_at: '2099-01-01T00:00:00.000Z',
			name: 'Renamed, "again"\nsecond line',
		};
		const columns = COLUMNS.incident;
		const line = (row: Record<string, string>) =>
			columns.map((column) => `"${row[column].replace(/"/g, '""')}"`).join(',');
		const body = `${bom}${columns.join(',')}\r\n${line(newer)}\r\n`;
		const custom = sandbox.fireHydrant.addExportRequest({
			source: 'text/csv+incident-20250301',
			body,
		});
		const ragged = sandbox.fireHydrant.addExportRequest({
			source: 'text/csv+incident-20220525',
			body: 'id,updated_at\n1,2,3\n',
		});
		const headerOnly = sandbox.fireHydrant.addExportRequest({
			source: 'text/csv+incident_event-20220525',
			body: `${COLUMNS.incident_event.join(',')}\n`,
		});

		const records = sandbox.fireHydrant.exportRequests;
		expect(records.slice(-3).map((record) => record.id)).toEqual([
			custom.id,
			ragged.id,
			headerOnly.id,
		]);
		expect(custom.createdAt.getTime()).toBeGreaterThanOrEqual(NOW.getTime());
		expect(ragged.createdAt.getTime()).toBe(custom.createdAt.getTime() + 1000);

		const listed = await listAllExports(sandbox.baseUrl, sandbox.fireHydrant.apiToken, {
			newer_than: records[34].createdAt.toISOString(),
		});
		expect(listed.map((record) => record.source)).toEqual([
			'text/csv+incident-20250301',
			'text/csv+incident-20220525',
			'text/csv+incident_event-20220525',
		]);
		const download = await request(listed[0].url as string);
		expect(download.body.equals(Buffer.from(body, 'utf8'))).toBe(true);

		const incidents = sandbox.fireHydrant.expectedRows('incident');
		expect(incidents.find((row) => row.id === known.id)).toEqual(newer);
		expect(incidents).toHaveLength(60);
		expect(() =>
			sandbox.fireHydrant.expectedRows('incident', { exportRequestIds: [ragged.id] }),
		).toThrow(/not CSV/);
		expect(
			sandbox.fireHydrant.expectedRows('incident_event', { exportRequestIds: [headerOnly.id] }),
		).toEqual([]);

		sandbox.reset();
		expect(sandbox.fireHydrant.exportRequests).toHaveLength(35);
		// After a reset the custom ids repeat: deterministic from the seed.
		expect(sandbox.fireHydrant.addExportRequest({ source: 'x', body: '' }).id).toBe(custom.id);
	});

	it('is deterministic: same seed and now give identical bytes; another seed does not', async () => {
		const again = await startSandbox({
			seed: 42,
			fireHydrant: { now: NOW, incidents: 60, eventsPerIncident: 8 },
		});
		const other = await startSandbox({
			seed: 43,
			fireHydrant: { now: NOW, incidents: 60, eventsPerIncident: 8 },
		});
		try {
			expect(again.fireHydrant.apiToken).toBe(sandbox.fireHydrant.apiToken);
			expect(again.fireHydrant.exportRequests).toEqual(sandbox.fireHydrant.exportRequests);
			for (const record of sandbox.fireHydrant.exportRequests) {
				expect(
					again.fireHydrant.rawCsv(record.id).equals(sandbox.fireHydrant.rawCsv(record.id)),
				).toBe(true);
			}
			expect(other.fireHydrant.apiToken).not.toBe(sandbox.fireHydrant.apiToken);
			const otherBody = other.fireHydrant.rawCsv(other.fireHydrant.exportRequests[2].id);
			expect(
				otherBody.equals(sandbox.fireHydrant.rawCsv(sandbox.fireHydrant.exportRequests[2].id)),
			).toBe(false);
			// Over the wire too.
			const [mine, theirs] = await Promise.all(
				[sandbox, again].map(async (instance) => {
					const listed = await listAllExports(instance.baseUrl, instance.fireHydrant.apiToken);
					return (await request(listed[7].url as string, { headers: authorized('ignored') })).body;
				}),
			);
			expect(mine.equals(theirs)).toBe(true);
		} finally {
			await Promise.all([again.close(), other.close()]);
		}
	});

	// Generation speed at the benchmark's size (10,000 × 10) is measured by `npm run bench`, not here.
	it('generates exactly countable totals', () => {
		const account = generateAccount(9, { incidents: 1_000, eventsPerIncident: 10, now: NOW });
		expect(account.incidentCount).toBe(1_000);
		expect(account.eventCount).toBe(10_000);
		const eventRows = account.exports.filter((generated) => generated.short === 'incident_event');
		const distinct = new Set<number>();
		for (const generated of eventRows)
			for (const recordIndex of generated.recordIndexes) distinct.add(recordIndex);
		expect(distinct.size).toBe(10_000);
	});
});
