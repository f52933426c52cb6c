/**
 * De-duplication of records across exports and across polls.
 *
 * Vendor exports overlap: an incident appears in every export covering its lifetime, and a
 * trigger polling every few minutes sees the same files again. Downstream systems (sheets,
 * warehouses, chat) should see each version of a record once.
 */
import { parseInstant } from './time';

/**
 * The instant of an `updated_at`-style value in epoch ms, or `undefined` when missing or
 * unparseable. Same rules as {@link parseInstant} (ISO 8601, `2023-07-25 13:34:49 UTC`,
 * zone-less values as UTC); exported here because de-duplication is where callers need it.
 */
export function instantOf(value: string | null | undefined): number | undefined {
	return parseInstant(value);
}

interface Candidate<T> {
	updatedAt: string | null | undefined;
	/** Epoch ms of `updatedAt`, worked out only when a second offer of the key needs it; null: none. */
	instant?: number | null;
	value: T;
}

function candidateInstant(candidate: Candidate<unknown>): number | undefined {
	if (candidate.instant === undefined) candidate.instant = instantOf(candidate.updatedAt) ?? null;
	return candidate.instant ?? undefined;
}

/**
 * Keeps one value per key: the one with the newest `updatedAt`.
 *
 * Timestamps are compared as instants, not as text, because the same moment is written
 * differently across exports (`…Z` vs `…+00:00`, with or without fraction, Rails' `UTC` form).
 * When the timestamps are equal, or either is missing or unparseable, the later offer wins:
 * callers offer records in export order, and a later export is a newer snapshot of the same
 * record even when the vendor did not bump its timestamp. A timestamp is parsed only when its key
 * is offered again (most keys are offered once).
 *
 * `values()` lists keys in the order they were first offered, so output order stays stable
 * and follows the source even when a record is replaced by a newer version.
 *
 * `checkpoint()` / `rollback()` / `commit()` let a caller offer values as they stream in (a report
 * read row by row) and still undo them all when the stream turns out incomplete; the undo record
 * holds one entry per key touched since the checkpoint, never one per offer.
 */
export class NewestWins<T> {
	private readonly entries = new Map<string, Candidate<T>>();
	/**
	 * Since the checkpoint: keys that were new (to delete), and each key kept before it whose value
	 * was replaced, with that value (to restore). Most offers add a new key, which costs one array
	 * slot here and no lookup.
	 */
	private undo: { added: string[]; replaced: Map<string, Candidate<T>> } | undefined;

	/**
	 * Offers a value; returns true when it was kept (new key, or at least as new as the
	 * current one) and false when an already-kept value is strictly newer.
	 */
	offer(key: string, updatedAt: string | null | undefined, value: T): boolean {
		const current = this.entries.get(key);
		const candidate: Candidate<T> = { updatedAt, value };
		if (current) {
			const currentInstant = candidateInstant(current);
			const instant = candidateInstant(candidate);
			if (currentInstant !== undefined && instant !== undefined && instant < currentInstant) return false;
		}
		if (this.undo) {
			if (!current) this.undo.added.push(key);
			else if (!this.undo.replaced.has(key)) this.undo.replaced.set(key, current);
		}
		// Map.set on an existing key keeps its original position: first-appearance order.
		this.entries.set(key, candidate);
		return true;
	}

	/** Starts recording what the following offers change, for {@link rollback}. */
	checkpoint(): void {
		this.undo = { added: [], replaced: new Map() };
	}

	/** Undoes every offer since the last {@link checkpoint}, order of first appearance included. */
	rollback(): void {
		const undo = this.undo;
		this.undo = undefined;
		if (!undo) return;
		// Restores first, deletes last: a key added since the checkpoint and then replaced goes.
		for (const [key, previous] of undo.replaced) this.entries.set(key, previous);
		for (const key of undo.added) this.entries.delete(key);
	}

	/** Keeps the offers since the last {@link checkpoint} and stops recording. */
	commit(): void {
		this.undo = undefined;
	}

	/** Number of distinct keys kept. */
	get size(): number {
		return this.entries.size;
	}

	/** The kept values, in order of each key's first offer. */
	*values(): IterableIterator<T> {
		for (const candidate of this.entries.values()) yield candidate.value;
	}
}

/**
 * A bounded memory of keys already emitted (for example `source:id:updated_at`), small enough
 * to live in n8n's workflow static data, which is stored as JSON with the workflow.
 *
 * Memory must be bounded because static data grows with every poll otherwise; when full, the
 * oldest keys are dropped first, since old versions are the least likely to show up again.
 * Adding a key that is already known moves it to the newest end, so keys that keep
 * reappearing in overlapping exports are not forgotten while they are still being seen.
 */
export class SeenKeys {
	readonly maxEntries: number;
	/** Insertion-ordered: oldest first. */
	private readonly keys = new Set<string>();

	constructor(maxEntries: number) {
		if (!Number.isInteger(maxEntries) || maxEntries < 1) {
			throw new RangeError(`SeenKeys needs a positive integer capacity, got ${maxEntries}`);
		}
		this.maxEntries = maxEntries;
	}

	/** Whether the key was added and not yet dropped. */
	has(key: string): boolean {
		return this.keys.has(key);
	}

	/** Remembers the key as the newest, dropping the oldest keys beyond capacity. */
	add(key: string): void {
		this.keys.delete(key);
		this.keys.add(key);
		while (this.keys.size > this.maxEntries) {
			const oldest = this.keys.values().next();
			if (oldest.done) break;
			this.keys.delete(oldest.value);
		}
	}

	/** Number of keys remembered. */
	get size(): number {
		return this.keys.size;
	}

	/** The keys, oldest first; what gets stored in static data (`JSON.stringify` calls this). */
	toJSON(): string[] {
		return [...this.keys];
	}

	/**
	 * Restores from stored static data. Tolerates what a hand-edited or older workflow may hold:
	 * a missing list gives an empty set, non-string entries are skipped, and a list longer than
	 * `maxEntries` (capacity lowered since) keeps only its newest keys.
	 */
	static from(list: string[] | undefined, maxEntries: number): SeenKeys {
		const seen = new SeenKeys(maxEntries);
		if (!Array.isArray(list)) return seen;
		for (const key of list as unknown[]) {
			if (typeof key === 'string') seen.add(key);
		}
		return seen;
	}
}
