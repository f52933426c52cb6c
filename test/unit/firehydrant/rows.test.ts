import { shapeExportRow, DEFAULT_ROW_SHAPE } from '../../../nodes/FireHydrant/exports/rows';
import { identifySource, isSourceSelected } from '../../../nodes/FireHydrant/exports/sources';

const meta = { source: 'incident_event', exportRequestId: 'er-1' };

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
			DEFAULT_ROW_SHAPE,
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
		const { json } = shapeExportRow({ id: 'inc-1', active_duration: 'P1DT2H3M4S' }, meta, DEFAULT_ROW_SHAPE);
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
		const raw = shapeExportRow(record, meta, { parseJsonColumns: false, durationToSeconds: false, emptyAsNull: false });
		expect(raw.json).toEqual({ id: 'inc-1', resolved_at: '', active_duration: '', _source: 'incident_event', _exportRequestId: 'er-1' });
	});

	it('leaves JSON columns as text when parsing is off', () => {
		const { json } = shapeExportRow({ tags: '["a"]' }, meta, { ...DEFAULT_ROW_SHAPE, parseJsonColumns: false });
		expect(json.tags).toBe('["a"]');
	});
});

describe('identifySource', () => {
	it('names the five known sources by their short name', () => {
		expect(identifySource('text/csv+incident-20220525')).toEqual({ tag: 'incident', known: true });
		expect(identifySource('text/csv+retrospective-20220525')).toEqual({ tag: 'retrospective', known: true });
	});

	// UNVERIFIED (vendor notes): newer source versions may appear. Assumed: a new `-2025xxxx`
	// suffix is a different format, so rows keep the full source string rather than being merged.
	it('tags a newer source version with its full source string', () => {
		expect(identifySource('text/csv+incident-20250301')).toEqual({ tag: 'text/csv+incident-20250301', known: false });
	});

	it('selects unknown sources through the "other" choice only', () => {
		expect(isSourceSelected('text/csv+incident-20250301', ['incident'])).toBe(false);
		expect(isSourceSelected('text/csv+incident-20250301', ['incident', 'other'])).toBe(true);
		expect(isSourceSelected('text/csv+incident-20220525', ['incident'])).toBe(true);
	});
});
