import { NewestWins, SeenKeys, instantOf } from '../../../lib/dedupe';

describe('instantOf', () => {
	it('reads the timestamp forms found in exports', () => {
		expect(instantOf('2023-07-25 13:34:49 UTC')).toBe(Date.UTC(2023, 6, 25, 13, 34, 49));
		expect(instantOf('2020-02-19 13:57:11')).toBe(Date.UTC(2020, 1, 19, 13, 57, 11));
		expect(instantOf(undefined)).toBeUndefined();
	});
});

describe('NewestWins', () => {
	it('keeps the newest version per key, comparing instants rather than text', () => {
		const newest = new NewestWins<string>();
		// Lexically "2023-07-25T14" < "2023-07-25T15", but +02:00 makes the first one later.
		expect(newest.offer('inc-1', '2023-07-25T15:00:00Z', 'v1')).toBe(true);
		expect(newest.offer('inc-1', '2023-07-25T18:00:00+02:00', 'v2')).toBe(true);
		expect(newest.offer('inc-1', '2023-07-25 15:30:00 UTC', 'older')).toBe(false);
		expect([...newest.values()]).toEqual(['v2']);
	});

	it('lets the later offer win on equal timestamps written differently', () => {
		const newest = new NewestWins<string>();
		newest.offer('inc-1', '2023-07-25T13:34:49Z', 'first export');
		expect(newest.offer('inc-1', '2023-07-25 13:34:49 UTC', 'second export')).toBe(true);
		expect([...newest.values()]).toEqual(['second export']);
	});

	it('lets the later offer win when either timestamp is missing or unparseable', () => {
		const newest = new NewestWins<string>();
		newest.offer('a', '2023-07-25T13:34:49Z', 'dated');
		expect(newest.offer('a', undefined, 'undated')).toBe(true);
		expect(newest.offer('a', 'garbage', 'garbled')).toBe(true);
		expect(newest.offer('a', '2000-01-01T00:00:00Z', 'old but after an undated one')).toBe(true);
		expect([...newest.values()]).toEqual(['old but after an undated one']);
	});

	it('orders values by first appearance of their key, even after replacement', () => {
		const newest = new NewestWins<{ id: string; v: number }>();
		newest.offer('b', '2024-01-01T00:00:00Z', { id: 'b', v: 1 });
		newest.offer('a', '2024-01-01T00:00:00Z', { id: 'a', v: 1 });
		newest.offer('c', '2024-01-01T00:00:00Z', { id: 'c', v: 1 });
		newest.offer('b', '2024-02-01T00:00:00Z', { id: 'b', v: 2 });
		expect(newest.size).toBe(3);
		expect([...newest.values()]).toEqual([
			{ id: 'b', v: 2 },
			{ id: 'a', v: 1 },
			{ id: 'c', v: 1 },
		]);
	});

	it('distinguishes updates within the same millisecond by their microseconds', () => {
		const newest = new NewestWins<string>();
		newest.offer('a', '2023-07-25T13:34:49.123457Z', 'later');
		expect(newest.offer('a', '2023-07-25T13:34:49.123456Z', 'earlier')).toBe(false);
		expect([...newest.values()]).toEqual(['later']);
	});
});

describe('NewestWins checkpoint and rollback', () => {
	it('undoes every offer since the checkpoint: new keys go, replaced values and their order come back', () => {
		const newest = new NewestWins<string>();
		newest.offer('a', '2024-01-01T00:00:00Z', 'a1');
		newest.offer('b', '2024-01-01T00:00:00Z', 'b1');
		newest.checkpoint();
		newest.offer('c', '2024-01-01T00:00:00Z', 'c1');
		newest.offer('a', '2024-02-01T00:00:00Z', 'a2');
		newest.offer('a', '2024-03-01T00:00:00Z', 'a3');
		newest.offer('d', '2024-01-01T00:00:00Z', 'd1');
		expect([...newest.values()]).toEqual(['a3', 'b1', 'c1', 'd1']);
		newest.rollback();
		expect([...newest.values()]).toEqual(['a1', 'b1']);
		// Undone means undone: an older version than a3 is welcome again.
		expect(newest.offer('a', '2024-02-15T00:00:00Z', 'a2b')).toBe(true);
		expect([...newest.values()]).toEqual(['a2b', 'b1']);
	});

	it('keeps the offers after commit, and a rollback without a checkpoint changes nothing', () => {
		const newest = new NewestWins<string>();
		newest.checkpoint();
		newest.offer('a', '2024-01-01T00:00:00Z', 'a1');
		newest.commit();
		newest.rollback();
		expect([...newest.values()]).toEqual(['a1']);
	});
});

describe('NewestWins groups', () => {
	it('never lets keys of different groups meet, and lists every group in first-offer order', () => {
		const newest = new NewestWins<string>();
		newest.offer('1', '2024-01-01T00:00:00Z', 'incident 1', 'incident');
		newest.offer('1', '2024-01-01T00:00:00Z', 'event 1', 'incident_event');
		newest.offer('2', '2024-01-01T00:00:00Z', 'incident 2', 'incident');
		newest.offer('1', '2024-02-01T00:00:00Z', 'incident 1 v2', 'incident');
		newest.offer('2', '2024-01-01T00:00:00Z', 'event 2', 'incident_event');
		newest.offer('3', '2024-01-01T00:00:00Z', 'plain 3');
		expect(newest.offer('1', '2023-12-01T00:00:00Z', 'event 1 older', 'incident_event')).toBe(
			false,
		);
		expect(newest.size).toBe(5);
		expect([...newest.values()]).toEqual([
			'incident 1 v2',
			'event 1',
			'incident 2',
			'event 2',
			'plain 3',
		]);
	});

	it('rolls back offers in several groups, order of first appearance included', () => {
		const newest = new NewestWins<string>();
		newest.offer('a', '2024-01-01T00:00:00Z', 'x:a1', 'x');
		newest.offer('a', '2024-01-01T00:00:00Z', 'y:a1', 'y');
		newest.checkpoint();
		newest.offer('b', '2024-01-01T00:00:00Z', 'y:b1', 'y');
		newest.offer('a', '2024-02-01T00:00:00Z', 'x:a2', 'x');
		newest.offer('c', '2024-01-01T00:00:00Z', 'x:c1', 'x');
		expect([...newest.values()]).toEqual(['x:a2', 'y:a1', 'y:b1', 'x:c1']);
		newest.rollback();
		expect(newest.size).toBe(2);
		expect([...newest.values()]).toEqual(['x:a1', 'y:a1']);
		newest.offer('c', '2024-01-01T00:00:00Z', 'x:c again', 'x');
		expect([...newest.values()]).toEqual(['x:a1', 'y:a1', 'x:c again']);
	});
});

describe('NewestWins rollback of new keys', () => {
	it('forgets every key first offered since the checkpoint, the first of them included', () => {
		const newest = new NewestWins<string>();
		newest.offer('kept', '2024-01-01T00:00:00Z', 'kept v1', 'x');
		newest.checkpoint();
		newest.offer('first new', '2024-05-01T00:00:00Z', 'first new v1', 'x');
		newest.offer('second new', '2024-05-01T00:00:00Z', 'second new v1', 'y');
		newest.rollback();
		expect(newest.size).toBe(1);
		// Offered again, each is a new key: it gets a new place after the kept one, and an older
		// version than the one rolled back is kept (nothing of the undone offer remains).
		expect(newest.offer('second new', '2024-01-01T00:00:00Z', 'second new v0', 'y')).toBe(true);
		expect(newest.offer('first new', '2024-01-01T00:00:00Z', 'first new v0', 'x')).toBe(true);
		expect(newest.size).toBe(3);
		expect([...newest.values()]).toEqual(['kept v1', 'second new v0', 'first new v0']);
	});

	it('keeps keys offered before the checkpoint in every group, however many slots a rollback drops', () => {
		const newest = new NewestWins<number>();
		for (let index = 0; index < 50; index++)
			newest.offer(`k${index}`, undefined, index, index % 2 ? 'odd' : 'even');
		newest.checkpoint();
		for (let index = 50; index < 120; index++)
			newest.offer(`k${index}`, undefined, index, index % 3 ? 'odd' : 'even');
		newest.rollback();
		expect(newest.size).toBe(50);
		// A key from before the checkpoint is still known: offering it replaces in place.
		newest.offer('k49', undefined, 4900, 'odd');
		newest.offer('k48', undefined, 4800, 'even');
		expect(newest.size).toBe(50);
		const values = [...newest.values()];
		expect(values[48]).toBe(4800);
		expect(values[49]).toBe(4900);
	});
});

describe('SeenKeys', () => {
	it('remembers keys up to its capacity and drops the oldest first', () => {
		const seen = new SeenKeys(3);
		for (const key of ['a', 'b', 'c', 'd']) seen.add(key);
		expect(seen.has('a')).toBe(false);
		expect(seen.has('d')).toBe(true);
		expect(seen.toJSON()).toEqual(['b', 'c', 'd']);
	});

	it('refreshes a key that is added again, so it outlives keys not seen since', () => {
		const seen = new SeenKeys(3);
		for (const key of ['a', 'b', 'c', 'a', 'd']) seen.add(key);
		expect(seen.toJSON()).toEqual(['c', 'a', 'd']);
		expect(seen.size).toBe(3);
	});

	it('round-trips through JSON as workflow static data does', () => {
		const seen = new SeenKeys(10);
		seen.add('firehydrant:inc-1:2023-07-25T13:34:49Z');
		seen.add('firehydrant:inc-2:2023-07-25T14:00:00Z');
		const stored = JSON.parse(JSON.stringify({ seen })) as { seen: string[] };
		const restored = SeenKeys.from(stored.seen, 10);
		expect(restored.has('firehydrant:inc-1:2023-07-25T13:34:49Z')).toBe(true);
		expect(restored.toJSON()).toEqual(seen.toJSON());
	});

	it('restores tolerantly: missing list, foreign entries, and a lowered capacity keeping the newest', () => {
		expect(SeenKeys.from(undefined, 5).size).toBe(0);
		const mixed = ['a', 7, null, 'b'] as unknown as string[];
		expect(SeenKeys.from(mixed, 5).toJSON()).toEqual(['a', 'b']);
		expect(SeenKeys.from(['a', 'b', 'c', 'd', 'e'], 2).toJSON()).toEqual(['d', 'e']);
	});

	it('rejects a capacity that is not a positive integer', () => {
		expect(() => new SeenKeys(0)).toThrow(RangeError);
		expect(() => new SeenKeys(2.5)).toThrow(RangeError);
	});
});
