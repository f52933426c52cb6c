/**
 * Sending DORA failure and deployment events through n8n-core's real engine against the sandbox:
 * upserts by id, derived ids, time formats, bounded concurrency with pairing, rate limits, 202s,
 * and every check that runs before sending, each with a message naming item and field.
 */
import { startSandbox, type Sandbox } from '../../../../../sandbox';
import { errorText, jsonOf, NODE_NAME, runDora, sendFailureFromItem } from '../../setup';

jest.setTimeout(60_000);

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ seed: 11 });
});

afterAll(async () => {
	await sandbox.close();
});

beforeEach(() => {
	sandbox.reset();
});

const incidents = (count: number) =>
	Array.from({ length: count }, (_, index) => ({
		json: {
			incidentId: `INC-${index + 1}`,
			startedAt: new Date(Date.UTC(2025, 2, 1, 0, index)).toISOString(),
			finishedAt: new Date(Date.UTC(2025, 2, 1, 1, index)).toISOString(),
			services: ['checkout', 'payments'],
			name: `Incident ${index + 1}`,
		},
	}));

describe('Send failure events', () => {
	it('sends every item once, paired in input order, and re-sending with derived ids updates instead of duplicating', async () => {
		const first = await runDora(sandbox, sendFailureFromItem(), { inputItems: incidents(40) });
		expect(first.status).toBe('success');
		const items = first.output(NODE_NAME);
		expect(items).toHaveLength(40);
		expect(items.map((item) => item.pairedItem)).toEqual(
			items.map((_, index) => ({ item: index })),
		);
		expect(new Set(items.map((item) => item.json.id)).size).toBe(40);
		expect(
			items.every(
				(item) => /^[0-9a-f]{64}$/.test(String(item.json.id)) && item.json.delayed === false,
			),
		).toBe(true);
		expect(sandbox.datadog.count('failure')).toBe(40);

		const second = await runDora(sandbox, sendFailureFromItem(), { inputItems: incidents(40) });
		expect(jsonOf(second).map((json) => json.id)).toEqual(jsonOf(first).map((json) => json.id));
		expect(sandbox.datadog.count('failure')).toBe(40);
		expect(sandbox.datadog.events('failure').every((event) => event.writes === 2)).toBe(true);
	});

	it('stores what was sent: times from ISO, Unix seconds, milliseconds and nanoseconds, services, tags, git', async () => {
		const started = Date.UTC(2025, 4, 1, 12, 0, 0);
		const inputs = [
			{ startedAt: new Date(started).toISOString(), finishedAt: String((started + 60_000) / 1000) },
			{ startedAt: started / 1000, finishedAt: started + 60_000 },
			{ startedAt: `${started}000000`, finishedAt: (started + 60_000) * 1000 },
		].map((times, index) => ({
			json: { ...times, incidentId: `fh-${index}`, services: 'checkout, search' },
		}));
		const result = await runDora(
			sandbox,
			sendFailureFromItem({
				additionalFields: {
					severity: 'SEV-1',
					customTags: 'department:engineering, source:firehydrant',
					gitCommitSha: '66adc9350f2cc9b250b69abddab733dd55e1a588',
					gitRepositoryUrl: 'https://github.com/organization/example-repository',
				},
			}),
			{ inputItems: inputs },
		);
		expect(result.status).toBe('success');
		const stored = sandbox.datadog.events('failure');
		expect(stored).toHaveLength(3);
		for (const event of stored) {
			expect(event.startedAtMs).toBe(started);
			expect(event.finishedAtMs).toBe(started + 60_000);
			expect(event.attributes).toEqual({
				services: ['checkout', 'search'],
				severity: 'SEV-1',
				custom_tags: ['department:engineering', 'source:firehydrant'],
				git: {
					commit_sha: '66adc9350f2cc9b250b69abddab733dd55e1a588',
					repository_url: 'https://github.com/organization/example-repository',
				},
			});
		}
	});

	it('uses a valid Event ID as given, and lets Datadog assign one when it is empty', async () => {
		const result = await runDora(
			sandbox,
			{
				resource: 'failure',
				operation: 'send',
				eventId: '={{ $json.id }}',
				startedAt: '2025-01-01T00:00:00Z',
				team: 'backend',
			},
			{ inputItems: [{ json: { id: 'incident-0001-abcdef' } }, { json: { id: '' } }] },
		);
		const [given, assigned] = jsonOf(result);
		expect(given.id).toBe('incident-0001-abcdef');
		expect(sandbox.datadog.event('failure', 'incident-0001-abcdef')?.attributes.team).toBe(
			'backend',
		);
		expect(typeof assigned.id).toBe('string');
		expect(assigned.id).not.toBe(given.id);
		expect(sandbox.datadog.count('failure')).toBe(2);
	});

	it('waits X-RateLimit-Reset on a 429 and sends everything', async () => {
		sandbox.datadog.faults.rateLimit(3, 1);
		const started = Date.now();
		const result = await runDora(sandbox, sendFailureFromItem(), { inputItems: incidents(5) });
		expect(result.status).toBe('success');
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
		expect(sandbox.datadog.count('failure')).toBe(5);
		expect(sandbox.datadog.stats().rateLimited).toBe(3);
	});

	it('pauses every concurrent send when the window is used up, instead of collecting 429s', async () => {
		sandbox.datadog.setRateLimit({ limit: 10, periodSeconds: 1 });
		const result = await runDora(
			sandbox,
			sendFailureFromItem({ options: { deriveEventId: true, concurrency: 4 } }),
			{ inputItems: incidents(25) },
		);
		expect(result.status).toBe('success');
		expect(sandbox.datadog.count('failure')).toBe(25);
		// Without the shared pause each window overrun would cost up to `concurrency` rejected requests.
		expect(sandbox.datadog.stats().rateLimited).toBeLessThanOrEqual(8);
	});

	const sendsReceived = () =>
		sandbox.requests.filter(
			(request) => request.method === 'POST' && request.path.endsWith('/api/v2/dora/failure'),
		).length;
	const withoutEventId = sendFailureFromItem({ eventId: '', options: { deriveEventId: false } });

	it('sends an event without an Event ID once after a 504, instead of retrying it into duplicates', async () => {
		sandbox.datadog.faults.serverErrors(1, 504);
		const result = await runDora(sandbox, withoutEventId, { inputItems: incidents(1) });
		expect(result.status).toBe('error');
		expect(errorText(result)).toContain('504');
		expect(sendsReceived()).toBe(1);
	});

	it('sends an event without an Event ID once when the connection resets after Datadog stored it', async () => {
		sandbox.datadog.faults.resetAfterProcessing(1);
		const result = await runDora(sandbox, withoutEventId, { inputItems: incidents(1) });
		expect(result.status).toBe('error');
		expect(sendsReceived()).toBe(1);
		expect(sandbox.datadog.count('failure')).toBe(1);
	});

	it('retries an event with an Event ID after a 504 and a reset: the same id updates, one event remains', async () => {
		sandbox.datadog.faults.serverErrors(1, 504);
		sandbox.datadog.faults.resetAfterProcessing(1);
		const result = await runDora(sandbox, sendFailureFromItem(), { inputItems: incidents(1) });
		expect(result.status).toBe('success');
		expect(sendsReceived()).toBe(3);
		expect(sandbox.datadog.count('failure')).toBe(1);
	});

	it('retries an event without an Event ID after a 429: the rate limiter refused it unprocessed', async () => {
		sandbox.datadog.faults.rateLimit(1, 1);
		const result = await runDora(sandbox, withoutEventId, { inputItems: incidents(1) });
		expect(result.status).toBe('success');
		expect(sendsReceived()).toBe(2);
		expect(sandbox.datadog.count('failure')).toBe(1);
	});

	it('reports a 202 (accepted, processed later) in the output', async () => {
		sandbox.datadog.faults.acceptDelayed(1);
		const result = await runDora(sandbox, sendFailureFromItem(), { inputItems: incidents(2) });
		const [delayed, normal] = jsonOf(result);
		expect(delayed).toMatchObject({ statusCode: 202, delayed: true, type: 'dora_failure' });
		expect(normal).toMatchObject({ statusCode: 200, delayed: false });
	});

	it('sends a deployment with service and both times', async () => {
		const result = await runDora(sandbox, {
			resource: 'deployment',
			operation: 'send',
			eventId: 'deploy-2025-05-01-shopist',
			service: 'shopist',
			startedAt: '2025-05-01T10:00:00Z',
			finishedAt: '2025-05-01T10:05:00Z',
			additionalFields: { env: 'production', version: 'v1.2.3', team: 'backend' },
		});
		expect(jsonOf(result)).toEqual([
			{ id: 'deploy-2025-05-01-shopist', type: 'dora_deployment', statusCode: 200, delayed: false },
		]);
		expect(sandbox.datadog.event('deployment', 'deploy-2025-05-01-shopist')).toMatchObject({
			startedAtMs: Date.parse('2025-05-01T10:00:00Z'),
			finishedAtMs: Date.parse('2025-05-01T10:05:00Z'),
			attributes: { service: 'shopist', env: 'production', version: 'v1.2.3', team: 'backend' },
		});
	});
});

describe('checks before sending, each naming the item and the field', () => {
	const cases: Array<[string, Record<string, unknown>, RegExp]> = [
		['missing started_at', { startedAt: '' }, /"Started At" is empty in item 1/],
		['unparseable time', { startedAt: 'yesterday-ish' }, /"Started At" in item 1 is not a time/],
		[
			'finished before started',
			{ finishedAt: '2024-12-31T00:00:00Z' },
			/"Finished At" is before "Started At" in item 1/,
		],
		[
			'neither services nor team',
			{ services: '', team: '' },
			/Item 1 names neither "Services" nor "Team"/,
		],
		[
			'bad custom tag',
			{ tags: 'department:engineering, oops' },
			/Custom tag "oops" in item 1 is not of the form key:value/,
		],
		[
			'too many tags',
			{ tags: Array.from({ length: 101 }, (_, index) => `k${index}:v`) },
			/Item 1 has 101 custom tags; Datadog accepts at most 100/,
		],
		[
			'bad event id',
			{ id: 'too-short' },
			/"Event ID" "too-short" in item 1 is not a valid Datadog event id/,
		],
	];

	it.each(cases)('%s', async (_name, override, message) => {
		const good = {
			id: 'incident-0001-abcdef',
			startedAt: '2025-01-01T00:00:00Z',
			finishedAt: '2025-01-01T01:00:00Z',
			services: 'checkout',
			team: '',
			tags: '',
		};
		const parameters = {
			resource: 'failure',
			operation: 'send',
			eventId: '={{ $json.id }}',
			startedAt: '={{ $json.startedAt }}',
			finishedAt: '={{ $json.finishedAt }}',
			services: '={{ $json.services }}',
			team: '={{ $json.team }}',
			additionalFields: { customTags: '={{ $json.tags }}' },
			options: { concurrency: 1 },
		};
		const result = await runDora(sandbox, parameters, {
			inputItems: [{ json: good }, { json: { ...good, id: 'incident-0002-abcdef', ...override } }],
		});
		expect(result.status).toBe('error');
		expect(errorText(result)).toMatch(message);
		// The bad item never reached Datadog.
		expect(sandbox.datadog.event('failure', 'incident-0002-abcdef')).toBeUndefined();
	});

	it('with Continue On Fail, a bad item becomes an error item and the others are sent', async () => {
		const inputs = incidents(3);
		inputs[1].json.startedAt = 'not a time';
		const result = await runDora(sandbox, sendFailureFromItem(), {
			inputItems: inputs,
			node: { onError: 'continueRegularOutput' },
		});
		const items = result.output(NODE_NAME);
		expect(items).toHaveLength(3);
		expect(items[1]).toMatchObject({
			json: { error: expect.stringMatching(/"Started At" in item 1 is not a time/) },
			pairedItem: { item: 1 },
		});
		expect(sandbox.datadog.count('failure')).toBe(2);
	});

	it('a wrong API key fails with the hint and without the key', async () => {
		const apiKey = 'dd-wrong-api-key-0123456789abcdef';
		const result = await runDora(sandbox, sendFailureFromItem(), {
			inputItems: incidents(1),
			credential: { apiKey },
		});
		expect(result.status).toBe('error');
		const text = errorText(result);
		expect(text).toContain('Datadog answered 403');
		expect(text).toContain('Check the keys in the Datadog DORA credential');
		expect(JSON.stringify(result.nodeError(NODE_NAME))).not.toContain(apiKey);
	});

	it('sends need only the API key', async () => {
		const result = await runDora(sandbox, sendFailureFromItem(), {
			inputItems: incidents(1),
			credential: { applicationKeySecret: '' },
		});
		expect(result.status).toBe('success');
		expect(sandbox.datadog.count('failure')).toBe(1);
	});

	it('refuses US1-FED before sending, where Datadog does not offer DORA', async () => {
		const result = await runDora(sandbox, sendFailureFromItem(), {
			inputItems: incidents(1),
			credential: { site: 'ddog-gov.com' },
		});
		expect(errorText(result)).toContain('DORA Metrics is not available on the US1-FED site');
	});
});
