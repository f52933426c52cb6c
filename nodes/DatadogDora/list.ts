import { ERROR_MESSAGES, WINDOW_OVERLAP_MS } from './constants';
import { startedAtMs, type DoraEventData } from './events';

/**
 * Paging through Datadog's DORA lists, which return no cursor: only the events of a time window,
 * up to a limit. Return All moves the window instead:
 *
 * - ascending (oldest first): after a full page, the next window starts at the newest started_at
 *   seen, minus a small overlap; descending: the next window ends at the oldest seen, plus it.
 *   The overlap re-reads the events at the page edge, so events sharing one timestamp across the
 *   page boundary are neither skipped (whether `from`/`to` are inclusive or not) nor returned
 *   twice (events already returned are dropped by id).
 * - a page shorter than asked means the window is exhausted.
 * - a full page made only of events already returned cannot advance: more events share the edge
 *   than a page holds, which is reported rather than looped on or silently cut.
 * - the walk relies on the page being ordered by started_at as asked; a full page that is not
 *   is reported, since moving the window past it could skip events.
 */

export type SortOrder = 'started_at' | '-started_at';

export interface WindowPageRequest {
	from: string;
	to: string;
	limit: number;
	sort: SortOrder;
}

export interface WalkOptions {
	fromMs: number;
	toMs: number;
	pageSize: number;
	/** Stop after this many events; undefined walks the whole window. */
	limit?: number;
	sort: SortOrder;
	fetchPage(request: WindowPageRequest): Promise<DoraEventData[]>;
}

export class WindowWalkError extends Error {}

/** RFC 3339 as Datadog's own clients write it: no fraction when it is zero. */
export function rfc3339(ms: number): string {
	return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function isOrdered(times: number[], sort: SortOrder): boolean {
	for (let index = 1; index < times.length; index++) {
		if (sort === 'started_at' ? times[index] < times[index - 1] : times[index] > times[index - 1])
			return false;
	}
	return true;
}

/** Every event of the window once, in the order asked, and the number of requests made. */
export async function walkWindow(
	options: WalkOptions,
): Promise<{ events: DoraEventData[]; requests: number }> {
	const seen = new Set<string>();
	let events: DoraEventData[] = [];
	let fromMs = options.fromMs;
	let toMs = options.toMs;
	let requests = 0;
	const wanted = () => (options.limit === undefined ? Infinity : options.limit - events.length);

	while (wanted() > 0 && fromMs < toMs) {
		const size = requests === 0 ? Math.min(options.pageSize, wanted()) : options.pageSize;
		const page = await options.fetchPage({
			from: rfc3339(fromMs),
			to: rfc3339(toMs),
			limit: size,
			sort: options.sort,
		});
		requests++;
		const fresh: DoraEventData[] = [];
		for (const event of page) {
			const key = event.id ?? JSON.stringify(event);
			if (seen.has(key)) continue;
			seen.add(key);
			fresh.push(event);
		}
		// concat, not push(...), so a very large page cannot overflow the call stack
		events = events.concat(fresh.slice(0, Math.max(0, wanted())));
		if (page.length < size || wanted() <= 0) break;

		const times = page.map((event) => startedAtMs(event));
		if (times.some((time) => time === undefined) || !isOrdered(times as number[], options.sort)) {
			throw new WindowWalkError(ERROR_MESSAGES.unsortedPage);
		}
		if (fresh.length === 0) throw new WindowWalkError(ERROR_MESSAGES.stuckWindow(size));
		const edge = (times as number[])[times.length - 1];
		if (options.sort === 'started_at') fromMs = Math.max(options.fromMs, edge - WINDOW_OVERLAP_MS);
		else toMs = Math.min(options.toMs, edge + WINDOW_OVERLAP_MS);
	}
	return { events, requests };
}
