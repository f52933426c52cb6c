/**
 * FireHydrant data exports through n8n-core's real execution engine against the loopback sandbox:
 * the rows users get, and every kind of bad input the issue names, each with its message.
 */
import type { IDataObject } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../../../../sandbox';
import { ALL_SOURCES, errorText, getRows, NODE_NAME, runFireHydrant } from '../../setup';

jest.setTimeout(60_000);

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({
		seed: 7,
		fireHydrant: { incidents: 24, nights: 4, eventsPerIncident: 5 },
	});
});

afterAll(async () => {
	await sandbox.close();
});

afterEach(() => {
	sandbox.fireHydrant.faults.reset();
	sandbox.fireHydrant.setUrlLifetime(300_000);
});

function rowsOf(result: Awaited<ReturnType<typeof runFireHydrant>>): IDataObject[] {
	return result.output(NODE_NAME).map((item) => item.json);
}

function bySource(rows: IDataObject[], source: string): IDataObject[] {
	return rows.filter((row) => row._source === source);
}

const EDGE_CASE_CSV = [
	'\uFEFFid,account_id,organization_id,created_at,updated_at,incident_id,created_by_name,type,event_details_schema,event_details',
	'ev-1,acc,org,2024-05-01T10:00:00.000Z,2024-05-01T10:00:00.000Z,inc-1,"Doe, Jane\r\nOn call",Note,"{""type"":""object""}","{""body"":""a comma, and a \\""quote\\""""}"',
	'ev-2,acc,org,2024-05-01T10:05:00.000Z,2024-05-01T10:06:00.000Z,inc-1,"Smith ""Ops"" Bot",GeneralUpdate,"{""type"":""object""}","{""description"":""ok""}"',
	'',
].join('\r\n');

describe('FireHydrant Get Rows from data exports', () => {
	it('returns one deduplicated row per source and id, the newest updated_at winning', async () => {
		const result = await runFireHydrant(sandbox, getRows());
		expect(result.status).toBe('success');
		const rows = rowsOf(result);
		for (const source of ALL_SOURCES) {
			const expected = sandbox.fireHydrant.expectedRows(source);
			const got = bySource(rows, source);
			expect(got).toHaveLength(expected.length);
			const gotVersions = new Map(got.map((row) => [row.id, row.updated_at]));
			for (const row of expected) expect(gotVersions.get(row.id)).toBe(row.updated_at);
		}
		// The sandbox's windows overlap, so deduplication had something to do.
		const total = Object.values(sandbox.fireHydrant.totals().rowsBySource).reduce(
			(sum, n) => sum + n,
			0,
		);
		expect(rows.length).toBeLessThan(total);
	});

	it('shapes rows: parsed JSON columns, duration in seconds, export request id, pairing', async () => {
		const result = await runFireHydrant(
			sandbox,
			getRows({ sources: ['incident', 'incident_event', 'retrospective'] }),
		);
		const items = result.output(NODE_NAME);
		expect(
			items.every((item) => JSON.stringify(item.pairedItem) === JSON.stringify({ item: 0 })),
		).toBe(true);
		const rows = items.map((item) => item.json);
		const ids = new Set(sandbox.fireHydrant.exportRequests.map((request) => request.id));
		expect(rows.every((row) => ids.has(String(row._exportRequestId)))).toBe(true);
		const event = bySource(rows, 'incident_event')[0];
		expect(typeof event.event_details).toBe('object');
		// The schema stays text unless Parse Event Details Schema is on (see below).
		expect(typeof event.event_details_schema).toBe('string');
		expect(JSON.parse(String(event.event_details_schema))).toMatchObject({ type: 'object' });
		const retrospective = bySource(rows, 'retrospective')[0];
		expect(Array.isArray(retrospective.tags)).toBe(true);
		expect(Array.isArray(retrospective.questions)).toBe(true);
		const incident = bySource(rows, 'incident').find((row) => row.active_duration);
		expect(incident?.active_duration_seconds).toEqual(expect.any(Number));
		expect(bySource(rows, 'incident_impact')).toHaveLength(0);
	});

	it('Parse Event Details Schema makes the schema an object; everything else in the rows is the same', async () => {
		const texts = bySource(
			rowsOf(await runFireHydrant(sandbox, getRows({ sources: ['incident_event'] }))),
			'incident_event',
		);
		const parsed = bySource(
			rowsOf(
				await runFireHydrant(
					sandbox,
					getRows({ sources: ['incident_event'], options: { parseEventDetailsSchema: true } }),
				),
			),
			'incident_event',
		);
		expect(parsed.length).toBeGreaterThan(0);
		expect(parsed.map((row) => row.id)).toEqual(texts.map((row) => row.id));
		for (const [index, row] of parsed.entries()) {
			expect(typeof texts[index].event_details_schema).toBe('string');
			expect(row.event_details_schema).toEqual(
				JSON.parse(String(texts[index].event_details_schema)),
			);
			expect(row.event_details).toEqual(texts[index].event_details);
		}
	});

	it('keeps every copy when Deduplicate is off', async () => {
		const result = await runFireHydrant(
			sandbox,
			getRows({ sources: ['incident'], options: { deduplicate: false } }),
		);
		expect(rowsOf(result)).toHaveLength(sandbox.fireHydrant.totals().rowsBySource.incident);
	});

	it('honours Limit after deduplication', async () => {
		const result = await runFireHydrant(
			sandbox,
			getRows({ sources: ['incident'], returnAll: false, limit: 3 }),
		);
		expect(rowsOf(result)).toHaveLength(3);
	});

	it('reads given export request ids only', async () => {
		const [first] = sandbox.fireHydrant.exportRequests.filter((request) =>
			request.source.includes('+incident-'),
		);
		const result = await runFireHydrant(
			sandbox,
			getRows({ selectBy: 'ids', exportRequestIds: first.id }),
		);
		const rows = rowsOf(result);
		expect(rows.length).toBeGreaterThan(0);
		expect(new Set(rows.map((row) => row._exportRequestId))).toEqual(new Set([first.id]));
		expect(rows).toHaveLength(
			sandbox.fireHydrant.expectedRows('incident', { exportRequestIds: [first.id] }).length,
		);
	});

	it('streams each export file as binary data for bulk loading', async () => {
		const result = await runFireHydrant(
			sandbox,
			getRows({ sources: ['incident_impact'], output: 'files' }),
		);
		const items = result.output(NODE_NAME);
		const expected = sandbox.fireHydrant.exportRequests.filter((request) =>
			request.source.includes('incident_impact'),
		);
		expect(items).toHaveLength(expected.length);
		for (let index = 0; index < items.length; index++) {
			const id = String(items[index].json.exportRequestId);
			expect(items[index].binary?.data?.mimeType).toBe('text/csv');
			expect((await result.binary(NODE_NAME, index)).equals(sandbox.fireHydrant.rawCsv(id))).toBe(
				true,
			);
		}
	});
});

describe('FireHydrant bad input, each with a clear message and nothing lost', () => {
	it('wrong token: 401 says to check the token and never shows it', async () => {
		const token = 'fhb-wrong-token-0123456789';
		const result = await runFireHydrant(sandbox, getRows(), { token });
		expect(result.status).toBe('error');
		const text = errorText(result);
		expect(text).toContain('FireHydrant answered 401');
		expect(text).toContain('Check the API token');
		expect(text).not.toContain(token);
		expect(JSON.stringify(result.nodeError(NODE_NAME))).not.toContain(token);
	});

	it('a token stored with a "Bearer " prefix and trailing whitespace is never shown, though the 401 quotes the token sent', async () => {
		const sent = 'fhb-eu-region-token-9f8e7d6c5b4a';
		const result = await runFireHydrant(sandbox, getRows(), { token: `Bearer ${sent}  \n` });
		expect(result.status).toBe('error');
		expect(errorText(result)).toContain('FireHydrant answered 401');
		expect(JSON.stringify(result.nodeError(NODE_NAME))).not.toContain(sent);
		expect(errorText(result)).not.toContain(sent);
		// The sandbox did quote it: the redaction, not a quiet server, keeps it out.
		expect(sandbox.requests.some((request) => request.status === 401)).toBe(true);
	});

	it('missing permission: 403 names the Owner permission', async () => {
		const result = await runFireHydrant(sandbox, getRows(), {
			token: sandbox.fireHydrant.limitedToken,
		});
		expect(errorText(result)).toContain('FireHydrant answered 403');
		expect(errorText(result)).toContain('Owner');
	});

	it.each(['Retry-After', 'RateLimit-Reset', 'X-RateLimit-Reset'] as const)(
		'a 429 storm with %s is waited out and nothing is lost',
		async (header) => {
			sandbox.fireHydrant.faults.rateLimit(3, { retryAfterSeconds: 1, header });
			const before = sandbox.requests.length;
			const result = await runFireHydrant(sandbox, getRows({ sources: ['incident'] }));
			expect(result.status).toBe('success');
			expect(rowsOf(result)).toHaveLength(sandbox.fireHydrant.expectedRows('incident').length);
			const rateLimited = sandbox.requests
				.slice(before)
				.filter((request) => request.status === 429);
			expect(rateLimited).toHaveLength(3);
		},
	);

	it('a 429 that never ends fails after a bounded number of attempts', async () => {
		sandbox.fireHydrant.faults.rateLimit(1000, { retryAfterSeconds: 0 });
		const before = sandbox.requests.length;
		const result = await runFireHydrant(sandbox, getRows({ sources: ['incident'] }));
		expect(errorText(result)).toContain('FireHydrant answered 429');
		expect(errorText(result)).toContain('limits requests per account');
		expect(sandbox.requests.slice(before).filter((request) => request.status === 429)).toHaveLength(
			6,
		);
	});

	it('a burst of 5xx is retried with backoff', async () => {
		sandbox.fireHydrant.faults.serverErrors(2, 503);
		const result = await runFireHydrant(sandbox, getRows({ sources: ['incident'] }));
		expect(result.status).toBe('success');
		expect(rowsOf(result)).toHaveLength(sandbox.fireHydrant.expectedRows('incident').length);
	});

	it('a connection reset on an API call is retried', async () => {
		sandbox.fireHydrant.faults.resetConnections(2);
		const result = await runFireHydrant(sandbox, getRows({ sources: ['incident'] }));
		expect(result.status).toBe('success');
		expect(rowsOf(result)).toHaveLength(sandbox.fireHydrant.expectedRows('incident').length);
	});

	it('an API that cannot be reached fails with a message that says so, after bounded retries', async () => {
		sandbox.fireHydrant.faults.resetConnections(1000);
		const result = await runFireHydrant(sandbox, getRows({ sources: ['incident'] }));
		expect(result.status).toBe('error');
		expect(errorText(result)).toContain('FireHydrant could not be reached');
		expect(errorText(result)).toContain('/v1/integrations/data_export/export_requests');
	});

	it('an expired download url is refreshed by re-reading its export request', async () => {
		sandbox.fireHydrant.faults.expireNextUrls(2);
		const before = sandbox.requests.length;
		const result = await runFireHydrant(sandbox, getRows({ sources: ['incident'] }));
		expect(result.status).toBe('success');
		expect(rowsOf(result)).toHaveLength(sandbox.fireHydrant.expectedRows('incident').length);
		const refreshed = sandbox.requests
			.slice(before)
			.filter((request) => request.kind === 'api' && /export_requests\/[^/]+$/.test(request.path));
		expect(refreshed.length).toBeGreaterThanOrEqual(1);
	});

	it('a url that keeps expiring fails with a message that hides the signature', async () => {
		sandbox.fireHydrant.setUrlLifetime(0);
		const result = await runFireHydrant(sandbox, getRows({ sources: ['incident'] }));
		expect(result.status).toBe('error');
		const text = errorText(result);
		expect(text).toContain('signed download link');
		expect(text).not.toMatch(/Signature=|Expires=|GoogleAccessId=/);
	});

	it('an expunged report is skipped with a warning, or fails the run when asked', async () => {
		const target = sandbox.fireHydrant.addExportRequest({
			source: 'text/csv+incident_impact-20220525',
			body: 'id,account_id,organization_id,created_at,updated_at,incident_id,impacted_id,impacted_type,impacted_slug,condition_name\n',
			createdAt: new Date(Date.now() - 60_000),
		});
		sandbox.fireHydrant.expunge(target.id);
		const skipped = await runFireHydrant(sandbox, getRows({ sources: ['incident_impact'] }));
		expect(skipped.status).toBe('success');
		expect(
			skipped
				.hints(NODE_NAME)
				.map((hint) => hint.message)
				.join('\n'),
		).toContain(target.id);

		const failed = await runFireHydrant(
			sandbox,
			getRows({ sources: ['incident_impact'], options: { onExpunged: 'fail' } }),
		);
		expect(failed.status).toBe('error');
		expect(errorText(failed)).toContain(target.id);
		expect(errorText(failed)).toContain('expunges reports 30 days');
	});

	it('a download cut mid-file is retried from the start: no partial or doubled rows', async () => {
		const target = sandbox.fireHydrant.exportRequests.find((request) =>
			request.source.includes('incident_event'),
		);
		if (!target) throw new Error('sandbox has no incident_event export');
		sandbox.fireHydrant.faults.cutDownload(target.id, { times: 2, afterBytes: 500 });
		const result = await runFireHydrant(
			sandbox,
			getRows({ selectBy: 'ids', exportRequestIds: target.id, options: { deduplicate: false } }),
		);
		expect(result.status).toBe('success');
		const expected = sandbox.fireHydrant.rawCsv(target.id).toString('utf8');
		const ids = rowsOf(result).map((row) => row.id);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids).toHaveLength(
			sandbox.fireHydrant.expectedRows('incident_event', { exportRequestIds: [target.id] }).length,
		);
		expect(expected.length).toBeGreaterThan(500);
	});

	it('a download cut mid-file while deduplicating: the partial read is undone, the newest versions win', async () => {
		const header =
			'id,account_id,organization_id,created_at,updated_at,incident_id,created_by_name,type,event_details_schema,event_details';
		const row = (id: string, updatedAt: string, note: string) =>
			`${id},acc,org,2024-05-01T10:00:00Z,${updatedAt},inc-1,Bot,Note,{},"{""body"":""${note}""}"`;
		// ev-1 twice in this report (older version last), and in an older report with an older version.
		const older = sandbox.fireHydrant.addExportRequest({
			source: 'text/csv+incident_event-20220525',
			body: [header, row('ev-1', '2024-05-01T11:00:00Z', 'old report'), ''].join('\n'),
		});
		const lines = [header, row('ev-1', '2024-05-01T12:00:00Z', 'newest')];
		for (let index = 2; index <= 60; index++)
			lines.push(row(`ev-${index}`, '2024-05-01T12:00:00Z', `row ${index}`));
		lines.push(row('ev-1', '2024-05-01T10:30:00Z', 'older copy, later in the file'), '');
		const target = sandbox.fireHydrant.addExportRequest({
			source: 'text/csv+incident_event-20220525',
			body: lines.join('\n'),
		});
		sandbox.fireHydrant.faults.cutDownload(target.id, { times: 2, afterBytes: 3000 });
		const result = await runFireHydrant(
			sandbox,
			getRows({ selectBy: 'ids', exportRequestIds: `${older.id},${target.id}` }),
		);
		expect(result.status).toBe('success');
		const rows = rowsOf(result);
		expect(rows.map((item) => item.id)).toEqual(
			Array.from({ length: 60 }, (_, index) => `ev-${index + 1}`),
		);
		expect(rows[0]).toMatchObject({
			updated_at: '2024-05-01T12:00:00Z',
			event_details: { body: 'newest' },
			_exportRequestId: target.id,
		});
	});

	it('cells with bytes that are not valid UTF-8 are counted in a hint naming the report and line', async () => {
		const body = Buffer.concat([
			Buffer.from(
				'id,account_id,organization_id,created_at,updated_at,incident_id,created_by_name,type,event_details_schema,event_details\n',
				'utf8',
			),
			Buffer.from(
				'ev-1,acc,org,2024-05-01T10:00:00Z,2024-05-01T10:00:00Z,inc-1,Zoë,Note,{},"{""body"":""ok \uFFFD""}"\n',
				'utf8',
			),
			Buffer.from('ev-2,acc,org,2024-05-01T10:00:00Z,2024-05-01T10:00:00Z,inc-1,Zo', 'utf8'),
			Buffer.from([0xeb]), // Latin-1 "ë": not UTF-8
			Buffer.from(',Note,{},"{""body"":""caf', 'utf8'),
			Buffer.from([0xe9]),
			Buffer.from('""}"\n', 'utf8'),
		]);
		const target = sandbox.fireHydrant.addExportRequest({
			source: 'text/csv+incident_event-20220525',
			body,
		});
		const result = await runFireHydrant(
			sandbox,
			getRows({ selectBy: 'ids', exportRequestIds: target.id }),
		);
		expect(result.status).toBe('success');
		const rows = rowsOf(result);
		expect(rows.map((row) => row.created_by_name)).toEqual(['Zoë', 'Zo\uFFFD']);
		expect(rows[1].event_details).toEqual({ body: 'caf\uFFFD' });
		const hints = result.hints(NODE_NAME).map((hint) => hint.message);
		const utf8 = hints.filter((message) => message.includes('UTF-8'));
		expect(utf8).toHaveLength(1);
		expect(utf8[0]).toMatch(/^2 cell\(s\) in export request /);
		expect(utf8[0]).toContain(target.id);
		expect(utf8[0]).toContain('line 3');
	});

	it('reads CSV with a BOM, CRLF, quoted newlines, commas and quotes', async () => {
		const target = sandbox.fireHydrant.addExportRequest({
			source: 'text/csv+incident_event-20220525',
			body: EDGE_CASE_CSV,
		});
		const result = await runFireHydrant(
			sandbox,
			getRows({ selectBy: 'ids', exportRequestIds: target.id }),
		);
		const rows = rowsOf(result);
		expect(rows.map((row) => row.id)).toEqual(['ev-1', 'ev-2']);
		expect(Object.keys(rows[0])[0]).toBe('id');
		expect(rows[0].created_by_name).toBe('Doe, Jane\r\nOn call');
		expect(rows[0].event_details).toEqual({ body: 'a comma, and a "quote"' });
		expect(rows[1].created_by_name).toBe('Smith "Ops" Bot');
	});

	it('a ragged row fails with the export request and the line', async () => {
		const body = [
			'id,account_id,organization_id,created_at,updated_at,name,summary,tags,incident_id,additional_details,questions',
			'r-1,acc,org,2024-05-01T10:00:00Z,2024-05-01T10:00:00Z,Retro,"a summary\nover two lines",[],inc-1,,[]',
			'r-2,acc,org,2024-05-01T10:00:00Z,2024-05-01T10:00:00Z,Retro two,short',
			'',
		].join('\n');
		const target = sandbox.fireHydrant.addExportRequest({
			source: 'text/csv+retrospective-20220525',
			body,
		});
		const result = await runFireHydrant(
			sandbox,
			getRows({ selectBy: 'ids', exportRequestIds: target.id }),
		);
		expect(result.status).toBe('error');
		expect(errorText(result)).toContain(target.id);
		expect(errorText(result)).toContain('line 4');
	});

	it('invalid JSON in event_details is kept as text, flagged and reported, not a crash', async () => {
		const body = [
			'id,account_id,organization_id,created_at,updated_at,incident_id,created_by_name,type,event_details_schema,event_details',
			'ev-9,acc,org,2024-05-01T10:00:00Z,2024-05-01T10:00:00Z,inc-1,Bot,Note,{},"{""body"": unterminated"',
			'',
		].join('\n');
		const target = sandbox.fireHydrant.addExportRequest({
			source: 'text/csv+incident_event-20220525',
			body,
		});
		const result = await runFireHydrant(
			sandbox,
			getRows({ selectBy: 'ids', exportRequestIds: target.id }),
		);
		expect(result.status).toBe('success');
		const [row] = rowsOf(result);
		expect(row.event_details).toBe('{"body": unterminated');
		expect(row._invalidJsonColumns).toEqual(['event_details']);
		expect(
			result
				.hints(NODE_NAME)
				.map((hint) => hint.message)
				.join('\n'),
		).toContain('not valid JSON');
	});

	it('an empty export (header only) gives no rows and no error', async () => {
		const target = sandbox.fireHydrant.addExportRequest({
			source: 'text/csv+incident_role_assignment-20220525',
			body: 'id,account_id,organization_id,created_at,updated_at,status,incident_role_id,incident_role_name,incident_id,assigned_user_id,assigned_user_name\r\n',
		});
		const result = await runFireHydrant(
			sandbox,
			getRows({ selectBy: 'ids', exportRequestIds: target.id }),
		);
		expect(result.status).toBe('success');
		expect(rowsOf(result)).toHaveLength(0);
	});

	// UNVERIFIED (vendor notes): FireHydrant may publish newer source versions. Assumed: such a
	// report keeps a header row; it is read generically and tagged with its full source string.
	it('an unknown source version is parsed generically and tagged, never dropped', async () => {
		const source = 'text/csv+incident-20250301';
		const target = sandbox.fireHydrant.addExportRequest({
			source,
			body: 'id,updated_at,name,new_column\ninc-new,2025-03-01T00:00:00Z,New format,"{""a"":1}"\n',
		});
		const result = await runFireHydrant(
			sandbox,
			getRows({ selectBy: 'ids', exportRequestIds: target.id }),
		);
		expect(rowsOf(result)).toEqual([
			{
				id: 'inc-new',
				updated_at: '2025-03-01T00:00:00Z',
				name: 'New format',
				new_column: '{"a":1}',
				_source: source,
				_exportRequestId: target.id,
			},
		]);
		expect(
			result
				.hints(NODE_NAME)
				.map((hint) => hint.message)
				.join('\n'),
		).toContain(source);
	});

	it('with Continue On Fail a failing item becomes an error item paired with its input', async () => {
		const result = await runFireHydrant(
			sandbox,
			getRows({ selectBy: 'ids', exportRequestIds: '={{ $json.ids }}' }),
			{
				node: { onError: 'continueRegularOutput' },
				inputItems: [
					{ json: { ids: 'no-such-export-request' } },
					{ json: { ids: sandbox.fireHydrant.exportRequests[0].id } },
				],
			},
		);
		expect(result.status).toBe('success');
		const items = result.output(NODE_NAME);
		expect(items[0].json.error).toContain('FireHydrant answered 404');
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(items.slice(1).length).toBeGreaterThan(0);
		expect(
			items
				.slice(1)
				.every((item) => JSON.stringify(item.pairedItem) === JSON.stringify({ item: 1 })),
		).toBe(true);
	});
});

describe('FireHydrant export requests', () => {
	it('lists completed export requests by default, with Limit and Return All', async () => {
		const pending = sandbox.fireHydrant.addExportRequest({
			source: 'text/csv+incident-20220525',
			body: '',
			status: 'pending',
		});
		const all = await runFireHydrant(sandbox, {
			resource: 'exportRequest',
			operation: 'getMany',
			returnAll: true,
		});
		const ids = rowsOf(all).map((row) => row.id);
		expect(ids).not.toContain(pending.id);
		expect(rowsOf(all).every((row) => row.status === 'completed')).toBe(true);
		const limited = await runFireHydrant(sandbox, {
			resource: 'exportRequest',
			operation: 'getMany',
			limit: 3,
		});
		expect(rowsOf(limited)).toHaveLength(3);
		const pendingOnly = await runFireHydrant(sandbox, {
			resource: 'exportRequest',
			operation: 'getMany',
			returnAll: true,
			filters: { status: 'pending' },
		});
		expect(rowsOf(pendingOnly).map((row) => row.id)).toContain(pending.id);
	});

	it('filters by the time reports were generated', async () => {
		const sorted = [...sandbox.fireHydrant.exportRequests].sort(
			(a, b) => a.createdAt.getTime() - b.createdAt.getTime(),
		);
		const cut = sorted[Math.floor(sorted.length / 2)].createdAt;
		const result = await runFireHydrant(sandbox, {
			resource: 'exportRequest',
			operation: 'getMany',
			returnAll: true,
			filters: { newerThan: cut.toISOString(), status: 'any' },
		});
		expect(rowsOf(result).every((row) => Date.parse(String(row.created_at)) > cut.getTime())).toBe(
			true,
		);
	});

	it('gets one export request with a fresh url on each read', async () => {
		const { id } = sandbox.fireHydrant.exportRequests[0];
		const first = rowsOf(
			await runFireHydrant(sandbox, {
				resource: 'exportRequest',
				operation: 'get',
				exportRequestId: id,
			}),
		);
		await new Promise((resolve) => setTimeout(resolve, 1100));
		const second = rowsOf(
			await runFireHydrant(sandbox, {
				resource: 'exportRequest',
				operation: 'get',
				exportRequestId: id,
			}),
		);
		expect(first[0].id).toBe(id);
		expect(first[0].url).not.toBe(second[0].url);
	});

	it('an unknown id says which parameter to fix', async () => {
		const result = await runFireHydrant(sandbox, {
			resource: 'exportRequest',
			operation: 'get',
			exportRequestId: 'nope',
		});
		expect(errorText(result)).toContain('FireHydrant answered 404');
		expect(errorText(result)).toContain('Export Request ID');
	});
});
