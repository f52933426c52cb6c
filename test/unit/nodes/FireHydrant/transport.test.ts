import {
	fireHydrantApi,
	fireHydrantBaseUrl,
	fireHydrantErrorMessage,
} from '../../../../nodes/FireHydrant/transport';
import { ERROR_MESSAGES } from '../../../../nodes/FireHydrant/constants';

describe('fireHydrantBaseUrl', () => {
	it('maps regions to their hosts', () => {
		expect(fireHydrantBaseUrl({ region: 'us' })).toBe('https://api.firehydrant.io');
		expect(fireHydrantBaseUrl({ region: 'eu' })).toBe('https://api.eu.firehydrant.io');
		expect(fireHydrantBaseUrl({})).toBe('https://api.firehydrant.io');
	});

	it('uses a custom base URL without its trailing slash', () => {
		expect(fireHydrantBaseUrl({ region: 'custom', baseUrl: ' http://127.0.0.1:4010/ ' })).toBe(
			'http://127.0.0.1:4010',
		);
	});

	it('refuses a custom region without a usable URL, saying what to fix', () => {
		expect(() => fireHydrantBaseUrl({ region: 'custom', baseUrl: 'api.firehydrant.io' })).toThrow(
			/Base URL/,
		);
	});
});

describe('fireHydrantErrorMessage', () => {
	it('reads the detail and messages of an API error', () => {
		expect(
			fireHydrantErrorMessage({
				detail: 'Unauthorized',
				messages: ['token is invalid'],
				meta: {},
				code: 401,
			}),
		).toBe('Unauthorized; token is invalid');
	});

	it('reads the rate limit body', () => {
		expect(fireHydrantErrorMessage({ error: 'rate limit exceeded' })).toBe('rate limit exceeded');
	});

	it('reads a storage XML error', () => {
		expect(
			fireHydrantErrorMessage(
				'<?xml version="1.0"?><Error><Code>ExpiredToken</Code><Message>Request has expired</Message></Error>',
			),
		).toBe('ExpiredToken: Request has expired');
	});

	it('gives nothing for an empty body', () => {
		expect(fireHydrantErrorMessage('')).toBeUndefined();
		expect(fireHydrantErrorMessage(null)).toBeUndefined();
	});
});

describe('fireHydrantApi hints', () => {
	const request = {
		url: 'https://api.firehydrant.io/v1/integrations/data_export/export_requests',
		method: 'GET',
	};

	it('tells what to do for each status a user can act on', () => {
		expect(fireHydrantApi.hint(401, request)).toBe(ERROR_MESSAGES.unauthorized);
		expect(fireHydrantApi.hint(403, request)).toBe(ERROR_MESSAGES.forbidden);
		expect(fireHydrantApi.hint(429, request)).toBe(ERROR_MESSAGES.rateLimited);
		expect(fireHydrantApi.hint(503, request)).toBe(ERROR_MESSAGES.serverError);
		expect(fireHydrantApi.hint(404, { ...request, url: `${request.url}/abc` })).toBe(
			ERROR_MESSAGES.notFoundExportRequest,
		);
	});
});
