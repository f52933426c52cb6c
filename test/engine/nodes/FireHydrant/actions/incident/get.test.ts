/**
 * FireHydrant Incident → Get through n8n-core's real engine against the sandbox.
 */
import type { Sandbox } from '../../../../../sandbox';
import { errorText, REST_ACCOUNT, rowsOf, runFireHydrant, useSandbox } from '../../setup';

jest.setTimeout(60_000);

let sandbox: Sandbox;
useSandbox(REST_ACCOUNT, (started) => {
	sandbox = started;
});

describe('FireHydrant Incident → Get', () => {
	it('Get names the incident ID when there is no such incident (404)', async () => {
		const result = await runFireHydrant(sandbox, {
			resource: 'incident',
			operation: 'get',
			incidentId: 'no-such-incident',
		});
		expect(result.status).toBe('error');
		expect(errorText(result)).toContain('FireHydrant has no incident with ID "no-such-incident"');
		expect(errorText(result)).toContain('Incident ID');
	});

	it('Get returns one incident', async () => {
		const id = sandbox.fireHydrant.rest.incidentIds()[2];
		const rows = rowsOf(
			await runFireHydrant(sandbox, { resource: 'incident', operation: 'get', incidentId: id }),
		);
		expect(rows).toHaveLength(1);
		expect(rows[0].id).toBe(id);
	});
});
