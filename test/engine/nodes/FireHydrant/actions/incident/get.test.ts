/**
 * FireHydrant Incident → Get through n8n-core's real engine against the sandbox.
 */
import type { IDataObject } from 'n8n-workflow';

import { pacerRegistry } from '../../../../../../lib/pacer';
import { startSandbox, type Sandbox } from '../../../../../sandbox';
import type { EngineRunResult } from '../../../../harness';
import { errorText, NODE_NAME, runFireHydrant } from '../../setup';

jest.setTimeout(60_000);

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ seed: 11, fireHydrant: { incidents: 14, nights: 5, eventsPerIncident: 5 } });
});

afterAll(async () => {
	await sandbox.close();
});

beforeEach(() => {
	// Fewer requests per run than the account-wide pacer allows per window: earlier runs' requests
	// are forgotten so the suite never waits on a window it does not test.
	pacerRegistry.clear();
});

afterEach(() => {
	sandbox.fireHydrant.reset();
});

function rowsOf(result: EngineRunResult): IDataObject[] {
	return result.output(NODE_NAME).map((item) => item.json);
}

describe('FireHydrant Incident → Get', () => {
	it('Get names the incident ID when there is no such incident (404)', async () => {
		const result = await runFireHydrant(sandbox, { resource: 'incident', operation: 'get', incidentId: 'no-such-incident' });
		expect(result.status).toBe('error');
		expect(errorText(result)).toContain('FireHydrant has no incident with ID "no-such-incident"');
		expect(errorText(result)).toContain('Incident ID');
	});

	it('Get returns one incident', async () => {
		const id = sandbox.fireHydrant.rest.incidentIds()[2];
		const rows = rowsOf(await runFireHydrant(sandbox, { resource: 'incident', operation: 'get', incidentId: id }));
		expect(rows).toHaveLength(1);
		expect(rows[0].id).toBe(id);
	});
});
