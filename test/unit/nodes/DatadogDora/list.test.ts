import type { DoraEventData } from '../../../../nodes/DatadogDora/events';
import {
	rfc3339,
	walkWindow,
	WindowWalkError,
	type WindowPageRequest,
} from '../../../../nodes/DatadogDora/list';

/**
 * An in-memory list endpoint with Datadog's contract as the node assumes it: events in [from, to)
 * on started_at, sorted as asked, cut at limit, no cursor.
 * UNVERIFIED (vendor notes): whether `from`/`to` are inclusive. Assumed: [from, to); the walk's
 * overlap also covers an exclusive `from` (tested below).
 */
function endpoint(
	events: Array<{ id: string; ms: number }>,
	options: { exclusiveFrom?: boolean; ignoreSort?: boolean } = {},
) {
	const requests: WindowPageRequest[] = [];
	const fetchPage = async (request: WindowPageRequest): Promise<DoraEventData[]> => {
		requests.push(request);
		const from = Date.parse(request.from);
		const to = Date.parse(request.to);
		const inside = events.filter(
			(event) => (options.exclusiveFrom ? event.ms > from : event.ms >= from) && event.ms < to,
		);
		if (!options.ignoreSort)
			inside.sort((a, b) => (request.sort === 'started_at' ? a.ms - b.ms : b.ms - a.ms));
		return inside.slice(0, request.limit).map((event) => ({
			id: event.id,
			type: 'dora_failure',
			attributes: { started_at: rfc3339(event.ms) },
		}));
	};
	return { fetchPage, requests };
}

const START = Date.UTC(2025, 0, 1);
const MINUTE = 60_000;

/** `count` events a minute apart; `tied` of them from position `tieAt` share one started_at. */
function events(count: number, tieAt = 0, tied = 0) {
	return Array.from({ length: count }, (_, index) => ({
		id: `e${index}`,
		ms: START + (index >= tieAt && index < tieAt + tied ? tieAt : index) * MINUTE,
	}));
}

const window = { fromMs: START, toMs: START + 10 * 24 * 60 * MINUTE };

describe('walkWindow', () => {
	it('2,500 events, pages of 1,000, 30 sharing one started_at across the page edge: all, once', async () => {
		const { fetchPage, requests } = endpoint(events(2500, 985, 30));
		const { events: walked } = await walkWindow({
			...window,
			pageSize: 1000,
			sort: 'started_at',
			fetchPage,
		});
		expect(walked).toHaveLength(2500);
		expect(new Set(walked.map((event) => event.id)).size).toBe(2500);
		expect(requests.length).toBeLessThanOrEqual(4);
		expect(requests[0]).toMatchObject({
			from: '2025-01-01T00:00:00Z',
			limit: 1000,
			sort: 'started_at',
		});
	});

	it('loses nothing when the API treats from as exclusive', async () => {
		const { fetchPage } = endpoint(events(300, 95, 10), { exclusiveFrom: true });
		// Exclusive from also hides an event exactly at the window start: start one ms earlier.
		const { events: walked } = await walkWindow({
			...window,
			fromMs: START - 1,
			pageSize: 100,
			sort: 'started_at',
			fetchPage,
		});
		expect(new Set(walked.map((event) => event.id)).size).toBe(300);
		expect(walked).toHaveLength(300);
	});

	it('walks newest first, moving the end of the window', async () => {
		const { fetchPage, requests } = endpoint(events(250, 40, 20));
		const { events: walked } = await walkWindow({
			...window,
			pageSize: 60,
			sort: '-started_at',
			fetchPage,
		});
		expect(walked.map((event) => event.id)).toEqual(
			events(250, 40, 20)
				.map((event, index) => ({ ...event, index }))
				.sort((a, b) => b.ms - a.ms || a.index - b.index)
				.map((event) => event.id),
		);
		expect(new Set(requests.map((request) => request.from)).size).toBe(1);
	});

	it('stops at Limit, asking only for what it needs on the first page', async () => {
		const { fetchPage, requests } = endpoint(events(500));
		const { events: walked } = await walkWindow({
			...window,
			pageSize: 1000,
			limit: 25,
			sort: 'started_at',
			fetchPage,
		});
		expect(walked).toHaveLength(25);
		expect(requests).toHaveLength(1);
		expect(requests[0].limit).toBe(25);
	});

	it('reports a tie larger than a page instead of looping', async () => {
		const { fetchPage } = endpoint(events(40, 0, 40));
		await expect(
			walkWindow({ ...window, pageSize: 20, sort: 'started_at', fetchPage }),
		).rejects.toThrow(WindowWalkError);
	});

	it('reports a full page that is not in the asked order', async () => {
		const shuffled = events(50).reverse();
		const { fetchPage } = endpoint(shuffled, { ignoreSort: true });
		await expect(
			walkWindow({ ...window, pageSize: 10, sort: 'started_at', fetchPage }),
		).rejects.toThrow(/not ordered by started_at/);
	});

	it('an empty window is one request', async () => {
		const { fetchPage, requests } = endpoint([]);
		expect(
			(await walkWindow({ ...window, pageSize: 1000, sort: 'started_at', fetchPage })).events,
		).toEqual([]);
		expect(requests).toHaveLength(1);
	});
});
