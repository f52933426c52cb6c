/**
 * Client-side pacing under FireHydrant's account-wide limit, against the sandbox enforcing it.
 * These are the only FireHydrant tests that wait on real rate-limit windows (10-20 s each).
 */
import type { IDataObject } from 'n8n-workflow';

import type { Sandbox } from '../../../../sandbox';
import { ALL_SOURCES, NODE_NAME, runFireHydrant, useSandbox } from '../setup';

jest.setTimeout(60_000);

let sandbox: Sandbox;
useSandbox(
	{ seed: 23, fireHydrant: { incidents: 28, nights: 3, eventsPerIncident: 3 } },
	(started) => {
		sandbox = started;
	},
);

const restRows = {
	resource: 'exportData',
	operation: 'getRows',
	dataSource: 'rest',
	sources: ALL_SOURCES,
};

function apiRequests(): Array<{ status: number; at: number }> {
	return sandbox.requests.filter((request) => request.kind === 'api');
}

describe('FireHydrant REST pacing', () => {
	it('stays under the account limit (50 per 10 s): no 429 while reading more requests than one window allows', async () => {
		sandbox.fireHydrant.rest.setRateLimit(true, { limit: 50, windowMs: 10_000 });
		const result = await runFireHydrant(sandbox, restRows);
		expect(result.status).toBe('success');
		const requests = apiRequests();
		// One list page, two calls per incident, one reports page: more than a window's worth.
		expect(requests.length).toBeGreaterThan(50);
		expect(requests.filter((request) => request.status === 429)).toHaveLength(0);
		expect(sandbox.fireHydrant.rest.rejectedByRateLimit).toBe(0);
		const incidents = result
			.output(NODE_NAME)
			.filter((item) => (item.json as IDataObject)._source === 'incident');
		expect(incidents).toHaveLength(sandbox.fireHydrant.rest.incidentIds().length);
	});

	it('never trips a stricter per-second limit (5 per 1 s): requests are spread evenly, not sent in a burst', async () => {
		sandbox.fireHydrant.rest.setRateLimit(true, { limit: 5, windowMs: 1_000 });
		const result = await runFireHydrant(sandbox, {
			...restRows,
			sources: ['incident', 'incident_event'],
		});
		expect(result.status).toBe('success');
		expect(apiRequests().length).toBeGreaterThan(20);
		expect(sandbox.fireHydrant.rest.rejectedByRateLimit).toBe(0);
	});

	it('still finishes, with every row, when the account is busier than the pacer knows (429s come anyway)', async () => {
		// Other clients of the account use most of the allowance: only 5 requests per 2 s are left.
		sandbox.fireHydrant.rest.setRateLimit(true, { limit: 5, windowMs: 2_000 });
		const result = await runFireHydrant(sandbox, {
			...restRows,
			sources: ['incident', 'incident_event'],
		});
		expect(result.status).toBe('success');
		expect(sandbox.fireHydrant.rest.rejectedByRateLimit).toBeGreaterThan(0);
		const rows = result.output(NODE_NAME).map((item) => item.json);
		expect(rows.filter((row) => row._source === 'incident')).toHaveLength(
			sandbox.fireHydrant.rest.incidentIds().length,
		);
		expect(rows.filter((row) => row._source === 'incident_event').length).toBeGreaterThan(0);
	});
});
