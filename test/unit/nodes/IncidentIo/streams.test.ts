import type { IDataObject } from 'n8n-workflow';

import {
	RESOURCE_NAMES,
	STREAMS,
	type StreamDefinition,
	type StreamQueryInput,
} from '../../../../nodes/IncidentIo/streams';

/**
 * The query builders of the stream table, called the way Get Many calls them but with the checked
 * values handed in directly: what each stream sends for given parameters, and that every builder
 * only names parameters and filters its own entry shows (Get Many takes the field name of an error
 * from there, so a builder naming another would fail at run time).
 */

interface Reads {
	required: string[];
	choices: string[];
}

function build(
	stream: StreamDefinition,
	filters: IDataObject = {},
	dateRange?: string,
	values: Record<string, string> = {},
) {
	const reads: Reads = { required: [], choices: [] };
	const input: StreamQueryInput = {
		filters,
		dateRange,
		required: (name) => {
			reads.required.push(name);
			return values[name] ?? `${name}-value`;
		},
		// As Get Many does: nothing chosen is every value.
		choices: (name, allowed) => {
			reads.choices.push(name);
			const chosen = filters[name];
			return Array.isArray(chosen) && chosen.length > 0
				? (chosen as (typeof allowed)[number][])
				: [...allowed];
		},
	};
	return { queries: stream.query ? stream.query(input) : [{}], reads };
}

describe('incident.io stream table', () => {
	it.each(RESOURCE_NAMES)(
		'%s: the builder reads only parameters and filters its entry shows',
		(resource) => {
			const stream = STREAMS[resource];
			const { reads } = build(stream);
			const shownParameters = (stream.parameters ?? []).map((property) => property.name);
			const shownFilters = (stream.filters ?? []).map((property) => property.name);
			for (const name of reads.required) expect(shownParameters).toContain(name);
			for (const name of reads.choices) expect(shownFilters).toContain(name);
		},
	);

	it('asks action items and follow-ups once per incident mode, with the incident and the date range', () => {
		for (const resource of ['action', 'followUp'] as const) {
			const { queries } = build(
				STREAMS[resource],
				{ incidentId: '  01HINC  ', modes: ['test', 'stream'] },
				'2024-05-01~2024-05-10',
			);
			expect(queries).toEqual([
				{
					incident_id: '01HINC',
					incident_mode: 'test',
					'updated_at[date_range]': '2024-05-01~2024-05-10',
				},
				{
					incident_id: '01HINC',
					incident_mode: 'stream',
					'updated_at[date_range]': '2024-05-01~2024-05-10',
				},
			]);
			const all = build(STREAMS[resource]).queries;
			expect(all.map((query) => query.incident_mode)).toEqual([
				'standard',
				'retrospective',
				'test',
				'tutorial',
				'stream',
			]);
			expect(
				all.every(
					(query) =>
						query.incident_id === undefined && query['updated_at[date_range]'] === undefined,
				),
			).toBe(true);
		}
	});

	it('asks for incidents of every category and mode unless narrowed, oldest first, created-from as a day', () => {
		const { queries, reads } = build(STREAMS.incident, {
			statusIds: 'st1, st2',
			createdFrom: '2024-03-04T15:00:00.000Z',
			modes: ['test'],
		});
		expect(reads.choices).toEqual(['statusCategories', 'modes']);
		expect(queries).toEqual([
			{
				'status_category[one_of]': [
					'triage',
					'live',
					'learning',
					'paused',
					'closed',
					'declined',
					'canceled',
					'merged',
				],
				'mode[one_of]': ['test'],
				'status[one_of]': ['st1', 'st2'],
				'severity[one_of]': [],
				'incident_type[one_of]': [],
				'created_at[gte]': '2024-03-04',
				'updated_at[date_range]': undefined,
				sort_by: 'created_at_oldest_first',
			},
		]);
	});

	it('lists custom field options and catalog entries of the one field or type asked for', () => {
		expect(
			build(STREAMS.customFieldOption, {}, undefined, { customFieldId: 'cf1' }).queries,
		).toEqual([{ custom_field_id: 'cf1' }]);
		expect(
			build(STREAMS.catalogEntry, { identifier: 'payments' }, undefined, { catalogTypeId: 'ct1' })
				.queries,
		).toEqual([{ catalog_type_id: 'ct1', identifier: 'payments' }]);
	});

	it('includes inactive users unless turned off', () => {
		expect(build(STREAMS.user).queries).toEqual([
			{ email: undefined, slack_user_id: undefined, include_inactive: 'true' },
		]);
		expect(build(STREAMS.user, { includeInactive: false, email: 'a@example.com' }).queries).toEqual(
			[{ email: 'a@example.com', slack_user_id: undefined, include_inactive: undefined }],
		);
	});

	it('sends no query for streams without filters', () => {
		expect(build(STREAMS.severity).queries).toEqual([{}]);
		expect(STREAMS.severity.query).toBeUndefined();
	});
});
