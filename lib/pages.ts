/**
 * The one page walker every vendor's list calls go through: page numbers (FireHydrant),
 * cursors (incident.io) and continuation tokens (S3 ListObjectsV2 for OpsLevel).
 *
 * Every walk is bounded twice. A page position the API hands out a second time (page 1 again, or
 * cursors A, B, A, B) ends the walk with an error instead of reading the same records forever,
 * and no walk requests more than `maxPages` pages in one run. Both are errors rather than a quiet
 * stop: stopping would look like a complete list and a sync would move on without the rest.
 *
 * Limit is pushed down: only as many records as the limit still needs are asked for, and no page
 * is requested once the limit is in hand. Pages are yielded as they arrive, so a caller that
 * stops consuming stops the requests too.
 */
import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * How the API names the next page. Page numbers keep the page size of the first request (a
 * smaller `per_page` on page 2 would shift the offsets and repeat records); cursors and tokens
 * point at a record, so each request may ask for just what the limit still needs.
 */
export type PageStyle = 'page number' | 'cursor' | 'continuation token';

/**
 * Pages one run may request from one list. With the page sizes of the supported vendors (200 to
 * 1,000 records) that is two to ten million records, far past any real account, while a runaway
 * walk still ends within minutes instead of holding every page in memory forever.
 */
export const DEFAULT_MAX_PAGES_PER_RUN = 10_000;

export type PagePosition = string | number;

export interface PageRequest<P extends PagePosition> {
	/** Where this page starts; undefined for the first page unless the walk has a `start`. */
	position: P | undefined;
	/** How many records to ask for. */
	pageSize: number;
	/** 1 for the first page requested by this walk. */
	pageNumber: number;
}

export interface PageAnswer<T, P extends PagePosition> {
	items: readonly T[];
	/** Where the next page starts; undefined or null when this is the last page. */
	next?: P | null;
}

export interface PageWalk<T, P extends PagePosition> {
	/** The node whose run this is, and the item it runs for: errors name both. */
	node: INode;
	itemIndex?: number;
	/** The vendor and the list, for messages, e.g. "FireHydrant" and "GET /v1/incidents". */
	vendor: string;
	list: string;
	style: PageStyle;
	/** The largest page the API serves. */
	maxPageSize: number;
	/** Records wanted in all; undefined for every record. */
	limit?: number;
	/** Position of the first page (page numbers: 1). */
	start?: P;
	maxPages?: number;
	/**
	 * Whether a page without records ends the walk even when it names a next position (default
	 * true: an API that sends an empty page with a cursor is going nowhere). S3 may answer an
	 * empty page that is truncated, so its walks set this false; the guards still bound them.
	 */
	emptyPageEnds?: boolean;
	/** One request. `undefined` ends the walk without records (e.g. a list that answered 404). */
	fetchPage(request: PageRequest<P>): Promise<PageAnswer<T, P> | undefined>;
}

export const PAGE_WALK_MESSAGES = {
	repeated: (
		walk: { vendor: string; list: string; style: PageStyle },
		position: PagePosition,
		pages: number,
	) =>
		`${walk.vendor} sent the ${walk.style} ${JSON.stringify(String(position))} of ${walk.list} a second time, after ${pages} page(s)`,
	repeatedDescription:
		'The list went in a circle, so reading on would return the same records forever. The run stopped; nothing after this point was read. Try again later, and report it to the vendor if it persists.',
	tooManyPages: (walk: { vendor: string; list: string }, maxPages: number) =>
		`${walk.vendor} ${walk.list} had more than ${maxPages.toLocaleString('en-US')} pages`,
	tooManyPagesDescription:
		'Reading stopped at the cap on pages per run, so the list was not read to its end. Narrow the filters (for example a shorter date range), or turn off "Return All" and set a Limit.',
} as const;

/**
 * The pages of one list, in order. Stops on the API's own end signal (no next position, or an
 * empty page), once `limit` records have been yielded, or when the caller stops consuming.
 * Throws a NodeOperationError on a repeated position or past `maxPages`.
 */
export async function* walkPages<T, P extends PagePosition>(
	walk: PageWalk<T, P>,
): AsyncGenerator<T[], void, undefined> {
	const maxPages = walk.maxPages ?? DEFAULT_MAX_PAGES_PER_RUN;
	const fixedPageSize = walk.style === 'page number';
	const firstPageSize =
		walk.limit === undefined
			? walk.maxPageSize
			: Math.min(walk.maxPageSize, Math.max(1, walk.limit));
	const seen = new Set<string>();
	let position = walk.start;
	if (position !== undefined) seen.add(String(position));
	let received = 0;
	for (let pageNumber = 1; ; pageNumber++) {
		const remaining = walk.limit === undefined ? Number.POSITIVE_INFINITY : walk.limit - received;
		if (remaining <= 0) return;
		if (pageNumber > maxPages) {
			throw new NodeOperationError(walk.node, PAGE_WALK_MESSAGES.tooManyPages(walk, maxPages), {
				itemIndex: walk.itemIndex,
				description: PAGE_WALK_MESSAGES.tooManyPagesDescription,
			});
		}
		const pageSize = fixedPageSize ? firstPageSize : Math.min(walk.maxPageSize, remaining);
		const answer = await walk.fetchPage({ position, pageSize, pageNumber });
		if (answer === undefined) return;
		const items =
			remaining < answer.items.length ? answer.items.slice(0, remaining) : [...answer.items];
		received += items.length;
		if (items.length > 0) yield items;
		const next = answer.next;
		if (next === undefined || next === null || next === '') return;
		if (answer.items.length === 0 && walk.emptyPageEnds !== false) return;
		const key = String(next);
		if (seen.has(key)) {
			throw new NodeOperationError(walk.node, PAGE_WALK_MESSAGES.repeated(walk, next, pageNumber), {
				itemIndex: walk.itemIndex,
				description: PAGE_WALK_MESSAGES.repeatedDescription,
			});
		}
		seen.add(key);
		position = next;
	}
}

/** Every record of a walk in one array (concat, not push(...), so huge pages cannot overflow the stack). */
export async function collectPages<T, P extends PagePosition>(walk: PageWalk<T, P>): Promise<T[]> {
	let records: T[] = [];
	for await (const page of walkPages(walk)) records = records.concat(page);
	return records;
}
