import {
	flattenIncident,
	parseNumeric,
	type IncidentRecord,
} from '../../../../nodes/IncidentIo/flatten';

const incident: IncidentRecord = {
	id: '01INC',
	reference: 'INC-7',
	name: 'Checkout is down',
	created_at: '2024-05-01T10:00:00.123456Z',
	updated_at: '2024-05-01T11:00:00Z',
	custom_field_entries: [
		{
			custom_field: { id: 'f1', name: 'Team', field_type: 'single_select' },
			values: [{ value_option: { id: 'o-deleted', value: 'Legacy' } }],
		},
		{
			custom_field: { id: 'f2', name: 'Regions', field_type: 'multi_select' },
			values: [{ value_option: { id: 'o1', value: 'EU' } }],
		},
		{
			custom_field: { id: 'f3', name: 'Customers', field_type: 'numeric' },
			values: [{ value_numeric: '123.5' }],
		},
		{
			custom_field: { id: 'f4', name: 'Services', field_type: 'multi_select' },
			values: [
				{ value_catalog_entry: { id: 'c1', name: 'API' } },
				{ value_catalog_entry: { id: 'c2', name: 'DB' } },
			],
		},
		{ custom_field: { id: 'f5', name: 'Notes', field_type: 'text' }, values: [] },
		{
			custom_field: { id: 'f6', name: 'Doc', field_type: 'link' },
			values: [{ value_link: 'https://example.com' }],
		},
	],
	incident_role_assignments: [
		{ role: { shortform: 'lead' }, assignee: { name: 'Ada', email: 'ada@example.com' } },
		{ role: { shortform: 'comms' } },
	],
	incident_timestamp_values: [
		{ incident_timestamp: { name: 'Impact started' }, value: { value: '2024-05-01T09:59:00.5Z' } },
		{ incident_timestamp: { name: 'Resolved at' } },
	],
	duration_metrics: [{ duration_metric: { name: 'Lasted' }, value_seconds: 3600 }],
	severity: { name: 'Major' },
	incident_status: { name: 'Closed', category: 'closed' },
	incident_type: { name: 'Outage' },
	creator: { user: { name: 'Sam', email: 'sam@example.com' } },
};

describe('flattenIncident', () => {
	it('names every nested value', () => {
		const { row, warnings } = flattenIncident(incident);
		expect(warnings).toEqual([]);
		expect(row).toMatchObject({
			id: '01INC',
			created_at: '2024-05-01T10:00:00.123Z',
			updated_at: '2024-05-01T11:00:00.000Z',
			'custom_fields.Team': 'Legacy',
			'custom_fields.Regions': ['EU'],
			'custom_fields.Customers': 123.5,
			'custom_fields.Services': ['API', 'DB'],
			'custom_fields.Notes': null,
			'custom_fields.Doc': 'https://example.com',
			'roles.lead.name': 'Ada',
			'roles.lead.email': 'ada@example.com',
			'roles.comms.name': null,
			'timestamps.Impact started': '2024-05-01T09:59:00.500Z',
			'timestamps.Resolved at': null,
			'durations.Lasted_seconds': 3600,
			severity: 'Major',
			status: 'Closed',
			status_category: 'closed',
			type: 'Outage',
			creator: 'Sam',
		});
		expect(row.custom_field_entries).toBeUndefined();
		expect(incident.custom_field_entries).toHaveLength(6);
	});

	it('keeps a numeric field that is not a number as text and says which incident and field', () => {
		const { row, warnings } = flattenIncident({
			...incident,
			custom_field_entries: [
				{
					custom_field: { name: 'Customers', field_type: 'numeric' },
					values: [{ value_numeric: 'about 300' }],
				},
			],
		});
		expect(row['custom_fields.Customers']).toBe('about 300');
		expect(warnings).toEqual([
			{ field: 'custom_fields.Customers', message: expect.stringContaining('INC-7') },
		]);
		expect(warnings[0].message).toContain('"Customers"');
	});

	it('reads numeric strings strictly', () => {
		expect(parseNumeric('42')).toBe(42);
		expect(parseNumeric('-1.5e3')).toBe(-1500);
		expect(parseNumeric('')).toBeUndefined();
		expect(parseNumeric('12abc')).toBeUndefined();
		expect(parseNumeric('Infinity')).toBeUndefined();
	});
});
