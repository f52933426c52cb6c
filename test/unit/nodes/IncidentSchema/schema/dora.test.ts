import { createHash } from 'node:crypto';

import type { IncidentRow } from '../../../../../nodes/IncidentSchema/schema/columns';
import { toDoraFailure } from '../../../../../nodes/IncidentSchema/schema/dora';
import { normalizeItems } from '../../../../../nodes/IncidentSchema/schema/normalize';

function row(extra: object): IncidentRow {
	const [item] = normalizeItems(
		[
			{
				id: '01IIO',
				reference: 'INC-4',
				name: 'Search slow',
				status_category: 'closed',
				status: 'Closed',
				severity: 'Major',
				created_at: '2026-02-02T08:00:00Z',
				...extra,
			},
		],
		{ source: 'detect', includeRaw: false, severityOrder: [] },
	).items;
	return item.json;
}

describe('To DORA Failure', () => {
	it('shapes the Failure → Send parameters; the Event ID is SHA-256 of incident_key', () => {
		const result = toDoraFailure(
			row({
				'custom_fields.Affected Services': ['search', 'api'],
				'custom_fields.Team': 'Platform',
				'timestamps.Impact started': '2026-02-02T07:50:00+01:00',
				'timestamps.Resolved at': '2026-02-02T09:00:00Z',
			}),
		);
		expect(result).toEqual({
			item: {
				eventId: createHash('sha256').update('incident_io:01IIO').digest('hex'),
				startedAt: '2026-02-02T06:50:00.000Z',
				finishedAt: '2026-02-02T09:00:00.000Z',
				services: ['search', 'api'],
				team: 'Platform',
				env: '',
				name: 'Search slow',
				severity: 'Major',
				incident_key: 'incident_io:01IIO',
			},
		});
	});

	it('skips an incident with neither service nor team; without a start, created_at stands in', () => {
		expect(toDoraFailure(row({}))).toEqual({ skipped: 'noServiceOrTeam' });
		const teamOnly = toDoraFailure(row({ 'custom_fields.Team': 'Platform' }));
		expect(teamOnly).toMatchObject({
			item: {
				startedAt: '2026-02-02T08:00:00.000Z',
				services: [],
				team: 'Platform',
				finishedAt: null,
			},
		});
	});
});
