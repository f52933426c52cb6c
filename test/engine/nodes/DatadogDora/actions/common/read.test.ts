/**
 * Reading, listing, deleting and patching DORA events through n8n-core's real engine against the
 * sandbox: the window walk of Return All, get with ISO times, delete, change failures, and the
 * errors a user can act on.
 */
import { startSandbox, type Sandbox } from '../../../../../sandbox';
import type { SeedEventInput } from '../../../../../sandbox/datadog';
import { errorText, jsonOf, runDora } from '../../setup';

jest.setTimeout(60_000);

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ seed: 12 });
});

afterAll(async () => {
	await sandbox.close();
});

beforeEach(() => {
	sandbox.reset();
});

const WINDOW_START = Date.UTC(2025, 0, 1);
const MINUTE = 60_000;

/** `count` failures a minute apart, with `tied` of them sharing the started_at of position `tieAt`. */
function failures(count: number, tieAt: number, tied: number): SeedEventInput[] {
	return Array.from({ length: count }, (_, index) => {
		const position = index >= tieAt && index < tieAt + tied ? tieAt : index;
		return {
			id: `failure-${String(index).padStart(6, '0')}`,
			started_at: WINDOW_START + position * MINUTE,
			services: ['checkout'],
			env: index % 2 ? 'staging' : 'production',
		};
	});
}

const listAll = (extra: Record<string, unknown> = {}) => ({
	resource: 'failure',
	operation: 'getMany',
	from: new Date(WINDOW_START).toISOString(),
	to: new Date(WINDOW_START + 30 * 24 * 60 * MINUTE).toISOString(),
	returnAll: true,
	...extra,
});

describe('Get Many walks the time window', () => {
	it('returns every event exactly once when ties straddle a page boundary', async () => {
		// Page size 50: events 40..69 share one started_at, so the first page ends inside the tie.
		sandbox.datadog.seed('failure', failures(230, 40, 30));
		const result = await runDora(sandbox, listAll({ options: { pageSize: 50 } }));
		const events = jsonOf(result);
		expect(events).toHaveLength(230);
		expect(new Set(events.map((event) => event.id)).size).toBe(230);
		const times = events.map((event) => Date.parse(String(event.started_at)));
		expect(times).toEqual([...times].sort((a, b) => a - b));
		expect(sandbox.datadog.stats().requests.list).toBeGreaterThanOrEqual(5);
	});

	it('walks backwards with Newest First', async () => {
		sandbox.datadog.seed('failure', failures(120, 10, 20));
		const events = jsonOf(
			await runDora(
				sandbox,
				listAll({ options: { pageSize: 25 }, filters: { sort: '-started_at' } }),
			),
		);
		expect(events).toHaveLength(120);
		expect(new Set(events.map((event) => event.id)).size).toBe(120);
		const times = events.map((event) => Date.parse(String(event.started_at)));
		expect(times).toEqual([...times].sort((a, b) => b - a));
	});

	it('honours Limit, the query filter and the window ends', async () => {
		sandbox.datadog.seed('failure', failures(100, 0, 0));
		const limited = jsonOf(await runDora(sandbox, listAll({ returnAll: false, limit: 7 })));
		expect(limited.map((event) => event.id)).toEqual(
			Array.from({ length: 7 }, (_, index) => `failure-${String(index).padStart(6, '0')}`),
		);
		const staging = jsonOf(await runDora(sandbox, listAll({ filters: { query: 'env:staging' } })));
		expect(staging).toHaveLength(50);
		expect(staging.every((event) => event.env === 'staging')).toBe(true);
		const window = jsonOf(
			await runDora(
				sandbox,
				listAll({
					from: new Date(WINDOW_START + 10 * MINUTE).toISOString(),
					to: new Date(WINDOW_START + 20 * MINUTE).toISOString(),
				}),
			),
		);
		expect(window).toHaveLength(10);
	});

	it('says so instead of looping when more events share one second than a page holds', async () => {
		sandbox.datadog.seed('failure', failures(30, 0, 30));
		const result = await runDora(sandbox, listAll({ options: { pageSize: 10 } }));
		expect(result.status).toBe('error');
		expect(errorText(result)).toContain('More than 10 events share the same second');
	});

	it('needs the Application key, and says where to add it', async () => {
		const result = await runDora(sandbox, listAll(), { credential: { applicationKeySecret: '' } });
		expect(errorText(result)).toContain('needs an Application key');
		expect(sandbox.datadog.stats().requests.list).toBeUndefined();
	});

	it('rejects a window that ends before it starts', async () => {
		const result = await runDora(
			sandbox,
			listAll({ from: '2025-02-01T00:00:00Z', to: '2025-01-01T00:00:00Z' }),
		);
		expect(errorText(result)).toContain('"From" is not before "To" in item 0');
	});
});

describe('Get, Delete and Mark Change Failure', () => {
	it('gets one failure with ISO 8601 times, simplified or as Datadog nests it', async () => {
		const [id] = sandbox.datadog.seed('failure', [
			{
				id: 'incident-0001-abcdef',
				started_at: '2025-03-01T10:00:00Z',
				finished_at: '2025-03-01T11:30:00Z',
				services: ['shopist'],
				severity: 'SEV-1',
			},
		]);
		const [flat] = jsonOf(
			await runDora(sandbox, { resource: 'failure', operation: 'get', eventId: id }),
		);
		expect(flat).toEqual({
			id,
			type: 'dora_failure',
			started_at: '2025-03-01T10:00:00.000Z',
			finished_at: '2025-03-01T11:30:00.000Z',
			services: ['shopist'],
			severity: 'SEV-1',
		});
		const [nested] = jsonOf(
			await runDora(sandbox, {
				resource: 'failure',
				operation: 'get',
				eventId: id,
				simplify: false,
			}),
		);
		expect(nested).toMatchObject({
			id,
			type: 'dora_failure',
			attributes: { started_at: '2025-03-01T10:00:00.000Z' },
		});
	});

	it('a missing id answers 404 with a hint to check the ID', async () => {
		const result = await runDora(sandbox, {
			resource: 'deployment',
			operation: 'get',
			eventId: 'no-such-deployment-id',
		});
		expect(errorText(result)).toMatch(
			/Datadog answered 404.*Double-check the ID: Datadog has no deployment event/,
		);
	});

	it('deletes failures and deployments and answers {deleted: true}', async () => {
		// UNVERIFIED (vendor notes): only the failure delete path is documented (singular, 202).
		// Assumed: deployments mirror it at DELETE /api/v2/dora/deployment/{id}.
		sandbox.datadog.seed('failure', [
			{ id: 'incident-0001-abcdef', started_at: WINDOW_START, team: 'backend' },
		]);
		sandbox.datadog.seed('deployment', [
			{
				id: 'deploy-0001-abcdefgh',
				started_at: WINDOW_START,
				finished_at: WINDOW_START + MINUTE,
				service: 'shopist',
			},
		]);
		expect(
			jsonOf(
				await runDora(sandbox, {
					resource: 'failure',
					operation: 'delete',
					eventId: 'incident-0001-abcdef',
				}),
			),
		).toEqual([{ deleted: true, id: 'incident-0001-abcdef' }]);
		expect(
			jsonOf(
				await runDora(sandbox, {
					resource: 'deployment',
					operation: 'delete',
					eventId: 'deploy-0001-abcdefgh',
				}),
			),
		).toEqual([{ deleted: true, id: 'deploy-0001-abcdefgh' }]);
		expect(sandbox.datadog.count('failure') + sandbox.datadog.count('deployment')).toBe(0);
	});

	it('marks a deployment as a change failure with its remediation', async () => {
		// UNVERIFIED (vendor notes): remediation types beyond the recorded "rollback". Assumed: "rollforward" too.
		sandbox.datadog.seed('deployment', [
			{
				id: '08a3dbc57bb781a5',
				started_at: WINDOW_START,
				finished_at: WINDOW_START + MINUTE,
				service: 'shopist',
			},
		]);
		const result = await runDora(sandbox, {
			resource: 'deployment',
			operation: 'markChangeFailure',
			eventId: '08a3dbc57bb781a5',
			remediationId: 'eG42zNIkVjM',
			remediationType: 'rollback',
		});
		expect(jsonOf(result)).toEqual([
			{
				id: '08a3dbc57bb781a5',
				changeFailure: true,
				remediation: { id: 'eG42zNIkVjM', type: 'rollback' },
				statusCode: 202,
				delayed: true,
			},
		]);
		expect(sandbox.datadog.event('deployment', '08a3dbc57bb781a5')).toMatchObject({
			changeFailure: true,
			remediation: { id: 'eG42zNIkVjM', type: 'rollback' },
		});
		const [read] = jsonOf(
			await runDora(sandbox, {
				resource: 'deployment',
				operation: 'get',
				eventId: '08a3dbc57bb781a5',
			}),
		);
		expect(read).toMatchObject({ change_failure: true, service: 'shopist' });
	});

	it('retries Mark Change Failure and a Get Many search after a 504: both are safe to send again', async () => {
		sandbox.datadog.seed('deployment', [
			{
				id: '08a3dbc57bb781a5',
				started_at: WINDOW_START,
				finished_at: WINDOW_START + MINUTE,
				service: 'shopist',
			},
		]);
		sandbox.datadog.faults.serverErrors(1, 504);
		const marked = await runDora(sandbox, {
			resource: 'deployment',
			operation: 'markChangeFailure',
			eventId: '08a3dbc57bb781a5',
		});
		expect(marked.status).toBe('success');
		expect(sandbox.requests.filter((request) => request.method === 'PATCH')).toHaveLength(2);

		sandbox.datadog.faults.serverErrors(1, 504);
		const listed = await runDora(sandbox, listAll({ resource: 'deployment' }));
		expect(listed.status).toBe('success');
		expect(jsonOf(listed).map((event) => event.id)).toEqual(['08a3dbc57bb781a5']);
	});
});
