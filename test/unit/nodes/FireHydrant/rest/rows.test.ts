import { DEFAULT_ROW_SHAPE } from '../../../../../nodes/FireHydrant/dataExports/rows';
import {
	eventCells,
	impactCells,
	incidentCells,
	incidentUpdatedAt,
	isoCell,
	isoDuration,
	retrospectiveCells,
	shapeRestRow,
	slugOf,
} from '../../../../../nodes/FireHydrant/rest/rows';
import type { IncidentEntity } from '../../../../../nodes/FireHydrant/rest/entities';

const incident: IncidentEntity = {
	id: 'inc-1',
	name: 'Checkout errors',
	number: 42,
	created_at: '2024-05-01 10:00:00 UTC',
	started_at: '2024-05-01T09:45:00Z',
	severity: 'SEV2',
	organization_id: 'org-1',
	created_by: { name: 'Jane Doe' },
	milestones: [
		{ type: 'started', occurred_at: '2024-05-01T09:45:00Z' },
		{ type: 'detected', occurred_at: '2024-05-01T10:01:00+00:00' },
		{
			type: 'resolved',
			occurred_at: '2024-05-01 12:00:00',
			updated_at: '2024-05-01T12:00:00.000Z',
		},
	],
	impacts: [
		{
			id: 'imp-1',
			type: 'service',
			impact: { id: 'svc-1', name: 'Email Notifications' },
			condition: { name: 'Degraded' },
		},
	],
};

describe('FireHydrant REST entities as export rows', () => {
	it('normalises payload timestamps in three formats to ISO 8601 with milliseconds', () => {
		expect(isoCell('2023-07-25 13:34:49 UTC')).toBe('2023-07-25T13:34:49.000Z');
		expect(isoCell('2023-07-25T15:34:49.123456+02:00')).toBe('2023-07-25T13:34:49.123Z');
		// UNVERIFIED (vendor notes): payload times may come without a zone. Assumed: UTC.
		expect(isoCell('2023-07-25 13:34:49')).toBe('2023-07-25T13:34:49.000Z');
		expect(isoCell('')).toBeNull();
		expect(isoCell('not a time')).toBe('not a time');
	});

	it('writes durations like the export (whole seconds, ISO 8601)', () => {
		expect(isoDuration(((26 * 60 + 3) * 60 + 4) * 1000 + 999)).toBe('P1DT2H3M4S');
		expect(isoDuration(45 * 60_000)).toBe('PT45M');
		expect(isoDuration(0)).toBe('PT0S');
	});

	it('maps an incident to the export columns, deriving updated_at from milestones', () => {
		const cells = incidentCells(incident);
		expect(Object.keys(cells)).toEqual([
			'id',
			'account_id',
			'organization_id',
			'created_at',
			'updated_at',
			'number',
			'name',
			'severity',
			'priority',
			'started_at',
			'detected_at',
			'acknowledged_at',
			'investigating_at',
			'identified_at',
			'mitigated_at',
			'resolved_at',
			'retrospective_started_at',
			'retrospective_completed_at',
			'opened_at',
			'started_by',
			'active_duration',
		]);
		expect(cells).toMatchObject({
			created_at: '2024-05-01T10:00:00.000Z',
			opened_at: '2024-05-01T10:00:00.000Z',
			updated_at: '2024-05-01T12:00:00.000Z',
			detected_at: '2024-05-01T10:01:00.000Z',
			acknowledged_at: null,
			number: '42',
			started_by: 'Jane Doe',
			active_duration: 'PT2H15M',
			account_id: null,
		});
		expect(incidentUpdatedAt({ id: 'x' })).toBeNull();
	});

	it('fills retrospective_started_at / retrospective_completed_at from the API milestones postmortem_started / postmortem_completed', () => {
		const withPostmortem = {
			...incident,
			milestones: [
				{ type: 'postmortem_started', occurred_at: '2024-05-02T09:00:00Z' },
				{ type: 'postmortem_completed', occurred_at: '2024-05-03 16:30:00 UTC' },
			],
		};
		expect(incidentCells(withPostmortem)).toMatchObject({
			retrospective_started_at: '2024-05-02T09:00:00.000Z',
			retrospective_completed_at: '2024-05-03T16:30:00.000Z',
		});
		// An account whose milestones use the export's words still fills the columns.
		const withExportWords = {
			...incident,
			milestones: [{ type: 'retrospective_completed', occurred_at: '2024-05-04T08:00:00Z' }],
		};
		expect(incidentCells(withExportWords)).toMatchObject({
			retrospective_started_at: null,
			retrospective_completed_at: '2024-05-04T08:00:00.000Z',
		});
	});

	it('maps impacts (slug from the name), events and retrospectives', () => {
		expect(slugOf('Email Notifications')).toBe('email-notifications');
		expect(impactCells(incident.impacts![0], incident)).toMatchObject({
			impacted_slug: 'email-notifications',
			impacted_type: 'service',
			condition_name: 'Degraded',
			incident_id: 'inc-1',
		});
		const event = eventCells(
			{
				id: 'ev',
				type: 'Note',
				data: { body: 'hi' },
				occurred_at: '2024-05-01 10:05:00 UTC',
				author: { name: 'Bot' },
			},
			incident,
		);
		expect(event).toMatchObject({
			created_at: '2024-05-01T10:05:00.000Z',
			incident_id: 'inc-1',
			event_details: '{"body":"hi"}',
			created_by_name: 'Bot',
		});
		// The spec declares `questions` as one object; a single object is read as a list of one.
		const report = retrospectiveCells(
			{
				id: 'r',
				tag_list: ['db'],
				additional_details: ['a', 'b'],
				questions: { title: 'Q', body: 'A', question_type_id: 't' },
			},
			'org-1',
		);
		expect(report).toMatchObject({
			tags: '["db"]',
			additional_details: 'a\n\nb',
			questions: '[{"title":"Q","body":"A","question_type_id":"t"}]',
		});
	});

	it('shapes rows with the export shaper: JSON columns parsed, empty as null, _source set, no export request', () => {
		const note = eventCells(
			{ id: 'ev', type: 'Note', data: { body: 'hi' }, occurred_at: '2024-05-01T10:05:00Z' },
			incident,
		);
		const row = shapeRestRow(note, 'incident_event', {
			...DEFAULT_ROW_SHAPE,
			parseEventDetailsSchema: true,
		});
		expect(row).toMatchObject({
			event_details: { body: 'hi' },
			_source: 'incident_event',
			_exportRequestId: null,
		});
		expect(row.event_details_schema).toEqual({
			type: 'object',
			properties: { body: { type: ['string'], $comment: 'The content of the note.' } },
		});
		// By default the schema stays its JSON text, as in export rows.
		expect(shapeRestRow(note, 'incident_event', DEFAULT_ROW_SHAPE).event_details_schema).toBe(
			'{"type":"object","properties":{"body":{"type":["string"],"$comment":"The content of the note."}}}',
		);
		const unknownType = shapeRestRow(
			eventCells({ id: 'e2', type: 'SomethingNew', data: {} }, incident),
			'incident_event',
			DEFAULT_ROW_SHAPE,
		);
		expect(unknownType.event_details_schema).toBeNull();
		const asText = shapeRestRow(incidentCells(incident), 'incident', {
			...DEFAULT_ROW_SHAPE,
			emptyAsNull: false,
		});
		expect(asText.acknowledged_at).toBe('');
		expect(asText.active_duration_seconds).toBe(8100);
	});
});
