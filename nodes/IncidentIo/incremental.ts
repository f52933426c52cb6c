import { instantOf, NewestWins, SeenKeys } from '../../lib/dedupe';
import { parseInstant } from '../../lib/time';
import { MAX_SEEN_KEYS } from './constants';

/**
 * Changed-since syncs. The cursor is the time captured BEFORE the first request of the last
 * successful run; the next run asks from that time minus an overlap (writes committed late on the
 * vendor's side carry an earlier `updated_at`), and drops what it already emitted within the
 * overlap by `id@updated_at`.
 */

export interface IncrementalCursor {
	/** ISO instant the last successful run started at. */
	since: string;
	/** `id@updated_at` of records emitted recently enough to reappear within the overlap. */
	seen: string[];
}

/** Whether a stored value is a cursor this version can read (older workflows keep one per node). */
export function isIncrementalCursor(value: unknown): value is IncrementalCursor {
	if (value === null || typeof value !== 'object') return false;
	const cursor = value as Partial<IncrementalCursor>;
	return (
		typeof cursor.since === 'string' && (cursor.seen === undefined || Array.isArray(cursor.seen))
	);
}

export interface SyncWindow {
	/** Records updated at or after this instant (ms) are changes; undefined = everything. */
	fromMs?: number;
	/** `YYYY-MM-DD~YYYY-MM-DD` for `updated_at[date_range]`, or undefined for a full first run. */
	dateRange?: string;
}

function utcDay(ms: number): string {
	return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The window of one run. incident.io matches these filters by whole UTC days, both ends
 * inclusive, so the range runs from the day of `from` to the day of `now`; the exact instant is
 * applied to the records afterwards. One `date_range`, because `gte` with `lte` is refused (422).
 */
export function syncWindow(
	cursor: IncrementalCursor | undefined,
	startDateMs: number | undefined,
	overlapMinutes: number,
	nowMs: number,
): SyncWindow {
	const cursorMs = cursor ? parseInstant(cursor.since) : undefined;
	const fromMs = cursorMs !== undefined ? cursorMs - overlapMinutes * 60_000 : startDateMs;
	if (fromMs === undefined) return {};
	return { fromMs, dateRange: `${utcDay(fromMs)}~${utcDay(Math.max(nowMs, fromMs))}` };
}

function recordKey(record: { id?: unknown; updated_at?: unknown }): string {
	return `${String(record.id)}@${String(record.updated_at)}`;
}

/**
 * Keeps the records of a run that are changes: updated within the window, one per id (the newest,
 * by the one {@link NewestWins}), not already emitted by an earlier run. A record whose updated_at
 * is missing or unreadable cannot be placed in the window, so it is kept rather than dropped, and
 * counted in `unreadable` for a hint; it is remembered like the others, so it is not repeated.
 * Returns the changes with the cursor to store once they are delivered.
 */
export function selectChanges<T extends { id?: unknown; updated_at?: unknown }>(
	records: readonly T[],
	window: SyncWindow,
	previous: IncrementalCursor | undefined,
	runStartMs: number,
	overlapMinutes: number,
): { changes: T[]; next: IncrementalCursor; unreadable: number } {
	const seen = SeenKeys.from(previous?.seen, MAX_SEEN_KEYS);
	const newest = new NewestWins<T>();
	for (const record of records) {
		const instant = instantOf(updatedAtText(record));
		if (instant !== undefined && window.fromMs !== undefined && instant < window.fromMs) continue;
		if (seen.has(recordKey(record))) continue;
		newest.offer(String(record.id), updatedAtText(record), record);
	}
	const changes = [...newest.values()];
	// Only records that fall inside the NEXT run's overlap can come back; remember those, and the
	// ones without a readable time, which the window cannot tell apart.
	const nextFromMs = runStartMs - overlapMinutes * 60_000;
	let unreadable = 0;
	for (const record of changes) {
		const instant = instantOf(updatedAtText(record));
		if (instant === undefined) unreadable++;
		if (instant === undefined || instant >= nextFromMs) seen.add(recordKey(record));
	}
	return {
		changes,
		next: { since: new Date(runStartMs).toISOString(), seen: seen.toJSON() },
		unreadable,
	};
}

function updatedAtText(record: { updated_at?: unknown }): string | undefined {
	return typeof record.updated_at === 'string' ? record.updated_at : undefined;
}
