import {
	DEFAULT_ROW_SHAPE,
	ExportRowShaper,
	RepeatedText,
	ShapingMemory,
	shapeExportRow,
} from '../../../../../nodes/FireHydrant/dataExports/rows';
import {
	identifySource,
	isSourceSelected,
} from '../../../../../nodes/FireHydrant/dataExports/sources';

const meta = { source: 'incident_event', exportRequestId: 'er-1' };
const WITH_SCHEMA = { ...DEFAULT_ROW_SHAPE, parseEventDetailsSchema: true };

describe('shapeExportRow', () => {
	it('parses the JSON columns into values and tags the row', () => {
		const { json, invalidJsonColumns } = shapeExportRow(
			{
				id: 'ev-1',
				type: 'IncidentStatus',
				event_details: '{"new_status":"mitigated"}',
				event_details_schema: '{"type":"object"}',
				updated_at: '2024-05-01T10:00:00.000Z',
			},
			meta,
			WITH_SCHEMA,
		);
		expect(json).toEqual({
			id: 'ev-1',
			type: 'IncidentStatus',
			event_details: { new_status: 'mitigated' },
			event_details_schema: { type: 'object' },
			updated_at: '2024-05-01T10:00:00.000Z',
			_source: 'incident_event',
			_exportRequestId: 'er-1',
		});
		expect(invalidJsonColumns).toEqual([]);
	});

	it('keeps a cell that is not valid JSON as text and flags its column', () => {
		const { json, invalidJsonColumns } = shapeExportRow(
			{ id: 'ev-2', event_details: '{"new_status": mitigated', tags: '["db","api"]' },
			meta,
			DEFAULT_ROW_SHAPE,
		);
		expect(json.event_details).toBe('{"new_status": mitigated');
		expect(json.tags).toEqual(['db', 'api']);
		expect(json._invalidJsonColumns).toEqual(['event_details']);
		expect(invalidJsonColumns).toEqual(['event_details']);
	});

	it('adds active_duration_seconds beside active_duration', () => {
		const { json } = shapeExportRow(
			{ id: 'inc-1', active_duration: 'P1DT2H3M4S' },
			meta,
			DEFAULT_ROW_SHAPE,
		);
		expect(json.active_duration).toBe('P1DT2H3M4S');
		expect(json.active_duration_seconds).toBe(93784);
	});

	it('turns empty cells into null only when asked', () => {
		const record = { id: 'inc-1', resolved_at: '', active_duration: '' };
		expect(shapeExportRow(record, meta, DEFAULT_ROW_SHAPE).json).toMatchObject({
			resolved_at: null,
			active_duration: null,
			active_duration_seconds: null,
		});
		const raw = shapeExportRow(record, meta, {
			parseJsonColumns: false,
			parseEventDetailsSchema: false,
			durationToSeconds: false,
			emptyAsNull: false,
		});
		expect(raw.json).toEqual({
			id: 'inc-1',
			resolved_at: '',
			active_duration: '',
			_source: 'incident_event',
			_exportRequestId: 'er-1',
		});
	});

	it('leaves event_details_schema as text by default and parses it only with Parse Event Details Schema', () => {
		const record = {
			id: 'ev-1',
			event_details_schema: '{"type":"object","properties":{}}',
			event_details: '{"body":"hi"}',
			tags: '["a"]',
		};
		const byDefault = shapeExportRow(record, meta, DEFAULT_ROW_SHAPE).json;
		expect(byDefault.event_details_schema).toBe('{"type":"object","properties":{}}');
		expect(byDefault.event_details).toEqual({ body: 'hi' });
		expect(byDefault.tags).toEqual(['a']);
		expect(shapeExportRow(record, meta, WITH_SCHEMA).json.event_details_schema).toEqual({
			type: 'object',
			properties: {},
		});
		// The two options are independent: the schema alone, or every JSON column but the schema.
		const schemaOnly = shapeExportRow(record, meta, {
			...WITH_SCHEMA,
			parseJsonColumns: false,
		}).json;
		expect(schemaOnly).toMatchObject({
			event_details_schema: { type: 'object', properties: {} },
			event_details: '{"body":"hi"}',
			tags: '["a"]',
		});
		// A schema cell that is not JSON is plain text when not parsed: nothing to flag.
		const notJson = shapeExportRow(
			{ id: 'ev-2', event_details_schema: 'n/a' },
			meta,
			DEFAULT_ROW_SHAPE,
		);
		expect(notJson.json.event_details_schema).toBe('n/a');
		expect(notJson.invalidJsonColumns).toEqual([]);
	});

	it('leaves JSON columns as text when parsing is off', () => {
		const { json } = shapeExportRow({ tags: '["a"]' }, meta, {
			...DEFAULT_ROW_SHAPE,
			parseJsonColumns: false,
		});
		expect(json.tags).toBe('["a"]');
	});
});

describe('ExportRowShaper', () => {
	const columns = [
		'id',
		'organization_id',
		'type',
		'event_details_schema',
		'event_details',
		'active_duration',
	];
	const schema = '{"type":"object","properties":{"new_status":{"type":["string"]}}}';

	it('shapes cells in column order like shapeExportRow, and counts invalid JSON per column', () => {
		const shaper = new ExportRowShaper(columns, meta, WITH_SCHEMA);
		const row = shaper.shape([
			'ev-1',
			'org',
			'IncidentStatus',
			schema,
			'{"new_status":"mitigated"}',
			'PT1M',
		]);
		expect(Object.keys(row)).toEqual([
			...columns,
			'active_duration_seconds',
			'_source',
			'_exportRequestId',
		]);
		expect(row).toEqual(
			shapeExportRow(
				{
					id: 'ev-1',
					organization_id: 'org',
					type: 'IncidentStatus',
					event_details_schema: schema,
					event_details: '{"new_status":"mitigated"}',
					active_duration: 'PT1M',
				},
				meta,
				WITH_SCHEMA,
			).json,
		);
		const bad = shaper.shape(['ev-2', 'org', 'Note', schema, '{"body": oops', '']);
		expect(bad._invalidJsonColumns).toEqual(['event_details']);
		expect(bad.active_duration).toBeNull();
		expect([...shaper.invalidJsonCells]).toEqual([['event_details', 1]]);
	});

	it('parses a repeated schema text once: every row (of every report of the run) shares one value', () => {
		const memory = new ShapingMemory();
		const first = new ExportRowShaper(columns, meta, WITH_SCHEMA, memory);
		const second = new ExportRowShaper(
			columns,
			{ source: 'incident_event', exportRequestId: 'er-2' },
			WITH_SCHEMA,
			memory,
		);
		const a = first.shape([
			'ev-1',
			'org',
			'IncidentStatus',
			schema,
			'{"new_status":"mitigated"}',
			'',
		]);
		const b = first.shape([
			'ev-2',
			'org',
			'IncidentStatus',
			schema,
			'{"new_status":"resolved"}',
			'',
		]);
		const c = second.shape([
			'ev-3',
			'org',
			'IncidentStatus',
			schema,
			'{"new_status":"resolved"}',
			'',
		]);
		expect(a.event_details_schema).toEqual({
			type: 'object',
			properties: { new_status: { type: ['string'] } },
		});
		expect(b.event_details_schema).toBe(a.event_details_schema);
		expect(c.event_details_schema).toBe(a.event_details_schema);
		expect(a.event_details).toEqual({ new_status: 'mitigated' });
		expect(c._exportRequestId).toBe('er-2');
	});

	it('gives a cell equal to the one before it the same value, and never the value of a cell further back', () => {
		// created_at equal to updated_at shares one string; a text cell after a JSON cell with the
		// same text stays that text, not the text of the column before the JSON one.
		const shaper = new ExportRowShaper(
			['created_at', 'updated_at', 'event_details', 'note', 'active_duration'],
			meta,
			WITH_SCHEMA,
		);
		const row = shaper.shape([
			'2024-05-01T10:00:00Z',
			'2024-05-01T10:00:00Z',
			'{"a":1}',
			'{"a":1}',
			'PT1M',
		]);
		expect(row).toMatchObject({
			created_at: '2024-05-01T10:00:00Z',
			updated_at: '2024-05-01T10:00:00Z',
			event_details: { a: 1 },
			note: '{"a":1}',
			active_duration: 'PT1M',
			active_duration_seconds: 60,
		});
		const empty = shaper.shape(['x', '', '{"a":2}', 'x', '']);
		expect(empty).toMatchObject({ created_at: 'x', updated_at: null, note: 'x' });
	});
});

describe('RepeatedText', () => {
	// Cells per column before the first judgement, and the share of repeats it asks for: the
	// assumption these tests pin (a column is judged after 1,000 cells, kept at ≥ 50 % repeats).
	const SAMPLE = 1000;

	it('remembers each distinct text once while a column mostly repeats', () => {
		const texts = new RepeatedText();
		for (let index = 0; index < 5 * SAMPLE; index++) {
			expect(texts.share(`type ${index % 7}`)).toBe(`type ${index % 7}`);
		}
		expect(texts.remembered).toBe(7);
	});

	it('lets go of a column that does not repeat, even when the cell at the sample size is a repeat', () => {
		const texts = new RepeatedText();
		// Unique texts, except that the last cell of the sample repeats the first one.
		for (let index = 0; index < SAMPLE - 1; index++) texts.share(`id ${index}`);
		expect(texts.share('id 0')).toBe('id 0');
		expect(texts.remembered).toBe(SAMPLE - 1);
		expect(texts.share('id new')).toBe('id new');
		expect(texts.remembered).toBe(0);
		// From then on every text passes through untouched.
		expect(texts.share('id 1')).toBe('id 1');
		expect(texts.remembered).toBe(0);
	});

	it('lets go of a column that stops repeating after the sample', () => {
		const texts = new RepeatedText();
		for (let index = 0; index < SAMPLE; index++) texts.share(`org ${index % 2}`);
		expect(texts.remembered).toBe(2);
		// 1,000 repeats so far; once new texts outnumber them, the column is let go.
		let index = 0;
		while (texts.remembered > 0 && index < 10 * SAMPLE) texts.share(`unique ${index++}`);
		// Looked at 1,000 + n, of which 998 repeats: below half once n passes 996.
		expect(index).toBe(997);
	});
});

describe('identifySource', () => {
	it('names the five known sources by their short name', () => {
		expect(identifySource('text/csv+incident-20220525')).toEqual({ tag: 'incident', known: true });
		expect(identifySource('text/csv+retrospective-20220525')).toEqual({
			tag: 'retrospective',
			known: true,
		});
	});

	// UNVERIFIED (vendor notes): newer source versions may appear. Assumed: a new `-2025xxxx`
	// suffix is a different format, so rows keep the full source string rather than being merged.
	it('tags a newer source version with its full source string', () => {
		expect(identifySource('text/csv+incident-20250301')).toEqual({
			tag: 'text/csv+incident-20250301',
			known: false,
		});
	});

	it('selects unknown sources through the "other" choice only', () => {
		expect(isSourceSelected('text/csv+incident-20250301', ['incident'])).toBe(false);
		expect(isSourceSelected('text/csv+incident-20250301', ['incident', 'other'])).toBe(true);
		expect(isSourceSelected('text/csv+incident-20220525', ['incident'])).toBe(true);
	});
});
