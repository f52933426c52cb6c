import {
	buildUrl,
	incidentIoApi,
	incidentIoBaseUrl,
	incidentIoErrorMessage,
	scopeFor,
} from '../../../../../nodes/IncidentIo/transport';

describe('incident.io transport helpers', () => {
	it('repeats list values as the same key and leaves empty ones out', () => {
		expect(
			buildUrl('/v2/incidents', {
				'mode[one_of]': ['test', 'stream'],
				after: undefined,
				page_size: 250,
				sort_by: '',
			}),
		).toBe('/v2/incidents?mode%5Bone_of%5D=test&mode%5Bone_of%5D=stream&page_size=250');
	});

	it('reads the vendor message and the field it names', () => {
		expect(
			incidentIoErrorMessage({
				type: 'validation_error',
				errors: [{ code: 'invalid', message: 'bad date', source: { field: 'updated_at' } }],
			}),
		).toBe('bad date (field "updated_at")');
		expect(incidentIoErrorMessage({ type: 'too_many_requests' })).toBe('too_many_requests');
		expect(incidentIoErrorMessage('')).toBeUndefined();
	});

	it('names the scope to add on 403', () => {
		expect(scopeFor('https://api.incident.io/v3/catalog_types')).toBe(
			'View catalog types and entries',
		);
		expect(
			incidentIoApi.hint(403, { url: 'https://api.incident.io/v1/severities', method: 'GET' }),
		).toContain('View data, like public incidents and organisation settings');
	});

	it('defaults the base URL and refuses one without a scheme', () => {
		expect(incidentIoBaseUrl({})).toBe('https://api.incident.io');
		expect(incidentIoBaseUrl({ baseUrl: 'http://127.0.0.1:9/incident-io/' })).toBe(
			'http://127.0.0.1:9/incident-io',
		);
		expect(() => incidentIoBaseUrl({ baseUrl: 'api.incident.io' })).toThrow('https://');
	});
});
