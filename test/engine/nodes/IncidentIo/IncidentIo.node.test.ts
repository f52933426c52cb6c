/**
 * The incident.io node through n8n-core's real execution engine against the loopback sandbox:
 * every stream, hidden-by-default data, flattening, pacing, and each kind of bad input.
 */
import type { IDataObject } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../../sandbox';
import { ALL_CATEGORIES, HIDDEN_CATEGORIES, type Json } from '../../../sandbox/incident-io';
import {
	errorText,
	expectSuccess,
	NODE_NAME,
	rowsOf,
	runIncidentIo,
	scaleRateLimits,
	sortedIds,
} from './setup';

jest.setTimeout(60_000);

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ seed: 11, incidentIo: { incidents: 60 } });
	// 3-second windows: the same 60 / 1200 limits, twenty times faster.
	scaleRateLimits(sandbox, 0.05);
});

afterAll(async () => {
	await sandbox.close();
});

function apiRequests(path: string) {
	return sandbox.requests.filter(
		(request) => request.kind === 'api' && request.path === `/incident-io${path}`,
	);
}

const getManyIncidents = (extra: IDataObject = {}) => ({
	resource: 'incident',
	operation: 'getMany',
	returnAll: true,
	...extra,
});

describe('incident.io incidents', () => {
	it('Return All includes every category and mode the API hides by default, flattened', async () => {
		sandbox.requests.length = 0;
		const result = await runIncidentIo(sandbox, getManyIncidents({ flatten: true }));
		expectSuccess(result);
		const rows = rowsOf(result);
		const expected = sandbox.incidentIo.visibleIncidents();
		expect(rows.map((row) => row.id).sort()).toEqual(
			expected.map((incident) => incident.id).sort(),
		);
		const categories = new Set(rows.map((row) => row.status_category));
		for (const category of ALL_CATEGORIES) expect(categories.has(category)).toBe(true);
		expect(new Set(rows.map((row) => row.mode))).toEqual(
			new Set(['standard', 'retrospective', 'test', 'tutorial', 'stream']),
		);
		expect(rows.some((row) => row.visibility === 'private')).toBe(true);
		// The API alone would have returned fewer.
		const hiddenByDefault = expected.filter(
			(incident) =>
				HIDDEN_CATEGORIES.includes(String((incident.incident_status as Json).category)) ||
				!['standard', 'retrospective'].includes(String(incident.mode)),
		);
		expect(hiddenByDefault.length).toBeGreaterThan(10);
		const request = apiRequests('/v2/incidents')[0];
		expect(request.query.page_size).toBe('250');
		expect(
			result
				.output(NODE_NAME)
				.every((item) => JSON.stringify(item.pairedItem) === JSON.stringify({ item: 0 })),
		).toBe(true);
	});

	it('stops with a clear error when the cursors go round (A, B, A) instead of reading the same incidents for ever', async () => {
		sandbox.requests.length = 0;
		sandbox.incidentIo.circularCursors = true;
		try {
			const result = await runIncidentIo(sandbox, getManyIncidents());
			expect(result.status).toBe('error');
			const text = errorText(result);
			expect(text).toMatch(
				/incident\.io sent the cursor "[^"]+" of GET \/v2\/incidents a second time, after 2 page\(s\)/,
			);
			expect(text).toContain('went in a circle');
			expect(apiRequests('/v2/incidents')).toHaveLength(2);
		} finally {
			sandbox.incidentIo.circularCursors = false;
		}
	});

	it('flattens custom fields, roles, timestamps, durations and names', async () => {
		const result = await runIncidentIo(sandbox, getManyIncidents({ flatten: true }));
		const rows = rowsOf(result);
		const source = sandbox.incidentIo.data.incidents[0];
		const row = rows.find((candidate) => candidate.id === source.id) as IDataObject;
		expect(row.severity).toBe((source.severity as Json).name);
		expect(row.status).toBe((source.incident_status as Json).name);
		expect(row.type).toBe((source.incident_type as Json).name);
		expect(typeof row['custom_fields.Affected Team']).toBe('string');
		expect(Array.isArray(row['custom_fields.Affected Regions'])).toBe(true);
		const services = row['custom_fields.Affected Services'] as string[];
		expect(services.every((name) => / service$/.test(name))).toBe(true);
		expect(typeof row['custom_fields.Customers Affected']).toBe('number');
		expect(row['roles.lead.name']).toEqual(expect.any(String));
		expect(row['roles.lead.email']).toMatch(/@example\.com$/);
		expect(row['roles.comms.name']).toBeNull();
		expect(row['timestamps.Reported at']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
		expect(row['durations.Lasted_seconds']).toEqual(expect.any(Number));
		expect(row.custom_field_entries).toBeUndefined();
		// Timestamps with and without microseconds end up in one format.
		const updated = rows.map((candidate) => String(candidate.updated_at));
		expect(
			updated.every((value) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value)),
		).toBe(true);
		expect(
			sandbox.incidentIo.data.incidents.some((incident) =>
				/\.\d{6}Z$/.test(String(incident.updated_at)),
			),
		).toBe(true);
		expect(
			sandbox.incidentIo.data.incidents.some((incident) =>
				/:\d{2}Z$/.test(String(incident.updated_at)),
			),
		).toBe(true);
	});

	it('keeps the value of a deleted custom-field option', async () => {
		const deleted = new Set(sandbox.incidentIo.data.deletedOptionIds);
		const incident = sandbox.incidentIo.data.incidents.find((candidate) =>
			(candidate.custom_field_entries as Json[]).some(
				(entry) =>
					(entry.custom_field as Json).name === 'Affected Team' &&
					(entry.values as Json[]).some((value) =>
						deleted.has(String((value.value_option as Json).id)),
					),
			),
		) as Json;
		expect(incident).toBeDefined();
		const result = await runIncidentIo(sandbox, {
			resource: 'incident',
			operation: 'get',
			id: String(incident.id),
			flatten: true,
		});
		expect(rowsOf(result)[0]['custom_fields.Affected Team']).toBe('Growth');
	});

	it('outputs a numeric custom field that is not a number as text, with a hint naming the incident', async () => {
		const result = await runIncidentIo(sandbox, getManyIncidents({ flatten: true }));
		const reference = sandbox.incidentIo.data.nonNumericIncidentRef;
		const row = rowsOf(result).find(
			(candidate) => candidate.reference === reference,
		) as IDataObject;
		expect(row['custom_fields.Customers Affected']).toBe('about 300');
		const hints = result.hints(NODE_NAME).map((hint) => hint.message);
		expect(
			hints.some((hint) => hint.includes(reference) && hint.includes('Customers Affected')),
		).toBe(true);
	});

	it('returns the API record when Flatten is off', async () => {
		const result = await runIncidentIo(sandbox, getManyIncidents({ returnAll: false, limit: 3 }));
		const rows = rowsOf(result);
		expect(rows).toHaveLength(3);
		expect(Array.isArray(rows[0].custom_field_entries)).toBe(true);
		expect(apiRequests('/v2/incidents').at(-1)?.query.page_size).toBe('3');
	});

	it('narrows to the chosen status categories and modes', async () => {
		const result = await runIncidentIo(
			sandbox,
			getManyIncidents({
				flatten: true,
				filters: { statusCategories: ['declined', 'merged'], modes: ['test'] },
			}),
		);
		const rows = rowsOf(result);
		expect(rows.length).toBeGreaterThan(0);
		expect(
			rows.every(
				(row) =>
					['declined', 'merged'].includes(String(row.status_category)) && row.mode === 'test',
			),
		).toBe(true);
	});

	it('refuses an unknown status category naming the field and the allowed values', async () => {
		const result = await runIncidentIo(
			sandbox,
			getManyIncidents({ filters: { statusCategories: '={{ ["live", "resolved"] }}' } }),
		);
		expect(result.status).toBe('error');
		expect(errorText(result)).toContain('"Status Categories" has the unknown value "resolved"');
		expect(errorText(result)).toContain('triage, live');
	});

	it('a key stored with a "Bearer " prefix and trailing whitespace is never shown, though the 401 quotes the key sent', async () => {
		const sent = 'inc_wrong_key_5d4c3b2a1f0e';
		const result = await runIncidentIo(
			sandbox,
			{ resource: 'severity', operation: 'getMany', returnAll: true },
			{ apiKey: `Bearer ${sent} \t` },
		);
		expect(result.status).toBe('error');
		expect(errorText(result)).toContain('incident.io answered 401');
		expect(errorText(result)).not.toContain(sent);
		expect(JSON.stringify(result.nodeError(NODE_NAME))).not.toContain(sent);
	});

	it('names the missing scope on 403', async () => {
		const result = await runIncidentIo(
			sandbox,
			{ resource: 'catalogType', operation: 'getMany', returnAll: true },
			{ apiKey: sandbox.incidentIo.noCatalogKey },
		);
		expect(result.status).toBe('error');
		const text = errorText(result);
		expect(text).toContain('incident.io answered 403');
		expect(text).toContain('View catalog types and entries');
		expect(text).not.toContain(sandbox.incidentIo.noCatalogKey);
	});

	it('turns a failing item into an error item with Continue On Fail', async () => {
		const result = await runIncidentIo(
			sandbox,
			{ resource: 'incident', operation: 'get', id: '={{ $json.id }}' },
			{
				node: { continueOnFail: true },
				inputItems: [
					{ json: { id: 'NOPE' } },
					{ json: { id: sandbox.incidentIo.data.incidents[1].id as string } },
				],
			},
		);
		const items = result.output(NODE_NAME);
		expect(items[0].json.error).toContain('404');
		expect(items[1].json.id).toBe(sandbox.incidentIo.data.incidents[1].id);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});

describe('incident.io streams', () => {
	const cases: Array<[string, IDataObject, () => Json[]]> = [
		['action', {}, () => sandbox.incidentIo.data.actions],
		['followUp', {}, () => sandbox.incidentIo.data.followUps],
		['incidentUpdate', {}, () => sandbox.incidentIo.data.incidentUpdates],
		['customField', {}, () => sandbox.incidentIo.data.customFields],
		['incidentRole', {}, () => sandbox.incidentIo.data.roles],
		['incidentStatus', {}, () => sandbox.incidentIo.data.statuses],
		['incidentTimestamp', {}, () => sandbox.incidentIo.data.timestamps],
		['incidentType', {}, () => sandbox.incidentIo.data.types],
		['severity', {}, () => sandbox.incidentIo.data.severities],
		['user', {}, () => sandbox.incidentIo.data.users],
		['catalogType', {}, () => sandbox.incidentIo.data.catalogTypes],
	];

	it.each(cases)(
		'getMany %s returns every record (all modes, inactive users) and get returns one',
		async (resource, extra, expected) => {
			const result = await runIncidentIo(sandbox, {
				resource,
				operation: 'getMany',
				returnAll: true,
				...extra,
			});
			expectSuccess(result);
			expect(sortedIds(result)).toEqual(
				expected()
					.map((record) => record.id)
					.sort(),
			);
			if (resource === 'incidentUpdate') return;
			const one = await runIncidentIo(sandbox, {
				resource,
				operation: 'get',
				id: String(expected()[0].id),
			});
			expect(rowsOf(one)[0].id).toBe(expected()[0].id);
		},
	);

	it('lists the options of a custom field and the entries of a catalog type', async () => {
		const field = sandbox.incidentIo.data.customFields[0];
		const options = await runIncidentIo(sandbox, {
			resource: 'customFieldOption',
			operation: 'getMany',
			returnAll: true,
			customFieldId: String(field.id),
		});
		const live = sandbox.incidentIo.data.customFieldOptions.filter(
			(option) => option.custom_field_id === field.id,
		);
		expect(rowsOf(options).map((row) => row.value)).toEqual(live.map((option) => option.value));
		const type = sandbox.incidentIo.data.catalogTypes[0];
		const entries = await runIncidentIo(sandbox, {
			resource: 'catalogEntry',
			operation: 'getMany',
			returnAll: true,
			catalogTypeId: String(type.id),
		});
		expect(rowsOf(entries)).toHaveLength(sandbox.incidentIo.data.catalogEntries.length);
	});

	it('cuts a list the API does not paginate to Limit, in one request without page_size', async () => {
		expect(sandbox.incidentIo.data.severities.length).toBeGreaterThan(2);
		sandbox.requests.length = 0;
		const result = await runIncidentIo(sandbox, {
			resource: 'severity',
			operation: 'getMany',
			returnAll: false,
			limit: 2,
		});
		expectSuccess(result);
		expect(rowsOf(result).map((row) => row.id)).toEqual(
			sandbox.incidentIo.data.severities.slice(0, 2).map((severity) => severity.id),
		);
		const requests = apiRequests('/v1/severities');
		expect(requests).toHaveLength(1);
		expect(requests[0].query.page_size).toBeUndefined();
	});

	it('asks for catalog entries only with a catalog type', async () => {
		const result = await runIncidentIo(sandbox, {
			resource: 'catalogEntry',
			operation: 'getMany',
			returnAll: true,
			catalogTypeId: '',
		});
		expect(errorText(result)).toContain('Catalog Type ID');
	});
});

describe('incident.io pacing', () => {
	it('keeps 70 incident-list requests under the 60-per-window limit without a 429', async () => {
		const before = sandbox.incidentIo.rateLimited;
		const started = Date.now();
		const inputItems = Array.from({ length: 70 }, (_unused, index) => ({ json: { index } }));
		const result = await runIncidentIo(
			sandbox,
			{ resource: 'incident', operation: 'getMany', returnAll: false, limit: 1 },
			{ inputItems },
		);
		expectSuccess(result);
		expect(rowsOf(result)).toHaveLength(70);
		expect(sandbox.incidentIo.rateLimited).toBe(before);
		// 50 per 3-second window on the client: the 51st request waited for the window.
		expect(Date.now() - started).toBeGreaterThanOrEqual(2_500);
	});

	it('honours Retry-After when a 429 comes anyway', async () => {
		sandbox.incidentIo.forceRateLimit(1, 1);
		const started = Date.now();
		const result = await runIncidentIo(sandbox, {
			resource: 'severity',
			operation: 'getMany',
			returnAll: true,
		});
		expectSuccess(result);
		expect(rowsOf(result)).toHaveLength(sandbox.incidentIo.data.severities.length);
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
	});
});
