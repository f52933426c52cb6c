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
	/** Rank of the key's first offer over every group: merges the groups back into one order. */
	order: number;
}

function candidateInstant(candidate: Candidate<unknown>): number | undefined {
	if (candidate.instant === undefined) candidate.instant = instantOf(candidate.updatedAt) ?? null;
	return candidate.instant ?? undefined;
}

type Entries<T> = Map<string, Candidate<T>>;

/** What the offers since a checkpoint changed, for {@link NewestWins.rollback}. */
interface UndoRecord<T> {
	/** Keys that were new, index for index with the group they were added to (one array slot each, no lookup). */
	addedKeys: string[];
	addedIn: Array<Entries<T>>;
	/** Per group, each key kept before the checkpoint whose value was replaced, with that value. */
	replaced: Map<Entries<T>, Entries<T>>;
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
 * Keys live in groups (`group`, default `''`): keys of different groups never meet, so a caller
 * whose ids are unique per source passes the source as the group and the id itself as the key,
 * instead of building a `source + id` string per record.
 *
 * `values()` lists keys in the order they were first offered, across every group, so output
 * order stays stable and follows the source even when a record is replaced by a newer version.
 *
 * `checkpoint()` / `rollback()` / `commit()` let a caller offer values as they stream in (a report
 * read row by row) and still undo them all when the stream turns out incomplete; the undo record
 * holds one entry per key touched since the checkpoint, never one per offer.
 */
export class NewestWins<T> {
	private readonly groups = new Map<string, Entries<T>>();
	private lastGroupName: string | undefined;
	private lastGroup: Entries<T> | undefined;
	private nextOrder = 0;
	private count = 0;
	private undo: UndoRecord<T> | undefined;

	private entriesOf(group: string): Entries<T> {
		// Offers come in runs of one group (a report at a time): skip the lookup for a run.
		if (group === this.lastGroupName && this.lastGroup) return this.lastGroup;
		let entries = this.groups.get(group);
		if (!entries) this.groups.set(group, (entries = new Map()));
		this.lastGroupName = group;
		this.lastGroup = entries;
		return entries;
	}

	/**
	 * Offers a value; returns true when it was kept (new key, or at least as new as the
	 * current one) and false when an already-kept value is strictly newer.
	 */
	offer(key: string, updatedAt: string | null | undefined, value: T, group = ''): boolean {
		const entries = this.entriesOf(group);
		const current = entries.get(key);
		if (current) {
			const currentInstant = candidateInstant(current);
			const instant =
				updatedAt === undefined || updatedAt === null ? undefined : instantOf(updatedAt);
			if (currentInstant !== undefined && instant !== undefined && instant < currentInstant)
				return false;
			if (this.undo) {
				let replaced = this.undo.replaced.get(entries);
				if (!replaced) this.undo.replaced.set(entries, (replaced = new Map()));
				if (!replaced.has(key)) replaced.set(key, current);
			}
			// Map.set on an existing key keeps its original position, and the rank stays: first-appearance order.
			entries.set(key, { updatedAt, instant: instant ?? null, value, order: current.order });
			return true;
		}
		if (this.undo) {
			this.undo.addedKeys.push(key);
			this.undo.addedIn.push(entries);
		}
		entries.set(key, { updatedAt, value, order: this.nextOrder++ });
		this.count++;
		return true;
	}

	/** Starts recording what the following offers change, for {@link rollback}. */
	checkpoint(): void {
		this.undo = { addedKeys: [], addedIn: [], replaced: new Map() };
	}

	/** Undoes every offer since the last {@link checkpoint}, order of first appearance included. */
	rollback(): void {
		const undo = this.undo;
		this.undo = undefined;
		if (!undo) return;
		// Restores first, deletes last: a key added since the checkpoint and then replaced goes.
		for (const [entries, replaced] of undo.replaced) {
			for (const [key, previous] of replaced) entries.set(key, previous);
		}
		for (let index = 0; index < undo.addedKeys.length; index++) {
			if (undo.addedIn[index].delete(undo.addedKeys[index])) this.count--;
		}
	}

	/** Keeps the offers since the last {@link checkpoint} and stops recording. */
	commit(): void {
		this.undo = undefined;
	}

	/** Number of distinct keys kept. */
	get size(): number {
		return this.count;
	}

	/** The kept values, in order of each key's first offer. */
	*values(): IterableIterator<T> {
		const groups = [...this.groups.values()].filter((entries) => entries.size > 0);
		if (groups.length === 1) {
			for (const candidate of groups[0].values()) yield candidate.value;
			return;
		}
		// Each group lists its keys by rank already: merge the groups by rank.
		const cursors = groups.map((entries) => entries.values());
		const heads = cursors.map((cursor) => cursor.next());
		for (;;) {
			let next = -1;
			for (let index = 0; index < heads.length; index++) {
				const head = heads[index];
				if (
					!head.done &&
					(next < 0 || head.value.order < (heads[next].value as Candidate<T>).order)
				)
					next = index;
			}
			if (next < 0) return;
			yield (heads[next].value as Candidate<T>).value;
			heads[next] = cursors[next].next();
		}
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
