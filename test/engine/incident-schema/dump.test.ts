import { writeFileSync } from 'node:fs';
import { pacerRegistry } from '../../../lib/pacer';
import { startSandbox, type Sandbox } from '../../sandbox';
import { fireHydrantNode, incidentIoNode, runChain, rowsOf, schemaNode } from './setup';

jest.setTimeout(120_000);
let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox({ seed: 3, fireHydrant: { incidents: 6, nights: 2, eventsPerIncident: 4, now: new Date('2026-03-10T12:00:00Z') }, incidentIo: { incidents: 12, now: new Date('2026-03-10T12:00:00Z') } });
});
afterAll(async () => sandbox.close());
it('dumps', async () => {
	pacerRegistry.clear();
	const fhRows = rowsOf(await runChain(sandbox, [fireHydrantNode({ resource: 'exportData', operation: 'getRows', selectBy: 'since', newerThan: '2026-01-01T00:00:00Z' })]), 'FireHydrant');
	const fh = rowsOf(await runChain(sandbox, [fireHydrantNode({ resource: 'exportData', operation: 'getRows', selectBy: 'since', newerThan: '2026-01-01T00:00:00Z' }), schemaNode({ operation: 'normalize' })]));
	const iioRaw = rowsOf(await runChain(sandbox, [incidentIoNode({ resource: 'incident', operation: 'getMany', returnAll: true, flatten: false })]), 'incident.io');
	const iio = rowsOf(await runChain(sandbox, [incidentIoNode({ resource: 'incident', operation: 'getMany', returnAll: true, flatten: false }), schemaNode({ operation: 'normalize' })]));
	writeFileSync('/tmp/dump.json', JSON.stringify({ fhRows, fh, iioRaw, iio }, null, 1));
});
