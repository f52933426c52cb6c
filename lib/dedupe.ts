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

/** Keys of one group: each key's slot in {@link NewestWins}' per-slot arrays. */
type Slots = Map<string, number>;

/** A slot's state before an offer replaced it, for {@link NewestWins.rollback}. */
interface Replaced<T> {
	value: T;
	updatedAt: string | null | undefined;
	instant: number | null | undefined;
}

/** Since the last checkpoint: how many slots there were, and the slots that existed then and were replaced. */
interface UndoRecord<T> {
	slotCount: number;
	replaced: Map<number, Replaced<T>>;
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
 * holds one entry per key replaced since the checkpoint, never one per offer.
 *
 * Each key owns a slot, numbered in order of first offer, and everything about it lives in arrays
 * indexed by slot: a map entry holds only the slot number, so keeping 100,000 keys allocates no
 * object per key (which the garbage collector would otherwise copy along with every kept row),
 * and the slot order is the output order.
 */
export class NewestWins<T> {
	private readonly groups = new Map<string, Slots>();
	private lastGroupName: string | undefined;
	private lastGroup: Slots | undefined;
	/** Per slot: the kept value, and its `updatedAt` as offered. */
	private readonly kept: T[] = [];
	private readonly updatedAts: Array<string | null | undefined> = [];
	/** Epoch ms of a slot's `updatedAt` (null: none), for slots offered more than once only. */
	private readonly instants = new Map<number, number | null>();
	private undo: UndoRecord<T> | undefined;

	private slotsOf(group: string): Slots {
		// Offers come in runs of one group (a report at a time): skip the lookup for a run.
		if (group === this.lastGroupName && this.lastGroup) return this.lastGroup;
		let slots = this.groups.get(group);
		if (!slots) this.groups.set(group, (slots = new Map()));
		this.lastGroupName = group;
		this.lastGroup = slots;
		return slots;
	}

	/** Epoch ms of the slot's `updatedAt`, parsed on first need and remembered. */
	private instantAt(slot: number): number | undefined {
		let instant = this.instants.get(slot);
		if (instant === undefined) {
			instant = instantOf(this.updatedAts[slot]) ?? null;
			this.instants.set(slot, instant);
		}
		return instant ?? undefined;
	}

	/**
	 * Offers a value; returns true when it was kept (new key, or at least as new as the
	 * current one) and false when an already-kept value is strictly newer.
	 */
	offer(key: string, updatedAt: string | null | undefined, value: T, group = ''): boolean {
		const slots = this.slotsOf(group);
		const slot = slots.get(key);
		if (slot === undefined) {
			slots.set(key, this.kept.length);
			this.kept.push(value);
			this.updatedAts.push(updatedAt);
			return true;
		}
		const currentInstant = this.instantAt(slot);
		const instant =
			updatedAt === undefined || updatedAt === null ? undefined : instantOf(updatedAt);
		if (currentInstant !== undefined && instant !== undefined && instant < currentInstant)
			return false;
		const undo = this.undo;
		if (undo && slot < undo.slotCount && !undo.replaced.has(slot)) {
			undo.replaced.set(slot, {
				value: this.kept[slot],
				updatedAt: this.updatedAts[slot],
				instant: this.instants.get(slot),
			});
		}
		// The slot stays: a replaced key keeps its place of first appearance.
		this.kept[slot] = value;
		this.updatedAts[slot] = updatedAt;
		this.instants.set(slot, instant ?? null);
		return true;
	}

	/** Starts recording what the following offers change, for {@link rollback}. */
	checkpoint(): void {
		this.undo = { slotCount: this.kept.length, replaced: new Map() };
	}

	/** Undoes every offer since the last {@link checkpoint}, order of first appearance included. */
	rollback(): void {
		const undo = this.undo;
		this.undo = undefined;
		if (!undo) return;
		for (const [slot, previous] of undo.replaced) {
			this.kept[slot] = previous.value;
			this.updatedAts[slot] = previous.updatedAt;
			if (previous.instant === undefined) this.instants.delete(slot);
			else this.instants.set(slot, previous.instant);
		}
		// Keys first offered since the checkpoint hold the slots from slotCount on. Finding them takes
		// a walk over every key, which a rollback (a report cut off and read again) can afford; keeping
		// each slot's key and group beside it for this would cost two array entries per key on every
		// read instead.
		if (this.kept.length > undo.slotCount) {
			for (const slots of this.groups.values()) {
				for (const [key, slot] of slots) if (slot >= undo.slotCount) slots.delete(key);
			}
			for (let slot = undo.slotCount; slot < this.kept.length; slot++) this.instants.delete(slot);
		}
		this.kept.length = undo.slotCount;
		this.updatedAts.length = undo.slotCount;
	}

	/** Keeps the offers since the last {@link checkpoint} and stops recording. */
	commit(): void {
		this.undo = undefined;
	}

	/** Number of distinct keys kept. */
	get size(): number {
		return this.kept.length;
	}

	/** The kept values, in order of each key's first offer. */
	*values(): IterableIterator<T> {
		yield* this.kept;
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
