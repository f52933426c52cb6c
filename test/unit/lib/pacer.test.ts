import { PacerRegistry, RequestPacer, getPacer, pacerRegistry } from '../../../lib/pacer';
import { ACCOUNT_RATE_LIMIT } from '../../../nodes/FireHydrant/constants';

/** A virtual clock whose sleeps resolve only when the test advances time past them. */
class FakeClock {
	now = 0;
	readonly sleeps: number[] = [];
	private timers: Array<{ at: number; resolve: () => void }> = [];

	readonly sleep = (ms: number): Promise<void> => {
		this.sleeps.push(ms);
		return new Promise((resolve) => this.timers.push({ at: this.now + ms, resolve }));
	};

	/** Moves time forward by `ms`, firing due timers in order and letting awaiting code run after each. */
	async advance(ms: number): Promise<void> {
		const target = this.now + ms;
		await settle();
		for (;;) {
			const due = this.timers.filter((timer) => timer.at <= target).sort((a, b) => a.at - b.at)[0];
			if (!due) break;
			this.timers = this.timers.filter((timer) => timer !== due);
			this.now = Math.max(this.now, due.at);
			due.resolve();
			await settle();
		}
		this.now = target;
		await settle();
	}
}

function settle(): Promise<void> {
	return new Promise((resolve) => setImmediate(resolve));
}

function pacerWith(clock: FakeClock, limit: number, intervalMs: number): RequestPacer {
	return new RequestPacer({ limit, intervalMs, now: () => clock.now, sleep: clock.sleep });
}

/** Starts `count` acquires at once and records, per caller, the virtual time it was let through. */
function startCallers(
	pacer: RequestPacer,
	clock: FakeClock,
	count: number,
): Array<number | undefined> {
	const grantedAt: Array<number | undefined> = new Array(count).fill(undefined);
	for (let index = 0; index < count; index++) {
		void pacer.acquire().then(() => {
			grantedAt[index] = clock.now;
		});
	}
	return grantedAt;
}

describe('RequestPacer', () => {
	it('lets a burst up to the limit through without waiting', async () => {
		const clock = new FakeClock();
		const pacer = pacerWith(clock, 3, 1000);
		const grantedAt = startCallers(pacer, clock, 3);
		await clock.advance(0);
		expect(grantedAt).toEqual([0, 0, 0]);
		expect(clock.sleeps).toEqual([]);
		expect(pacer.available()).toBe(0);
	});

	it('serves concurrent callers in call order, `limit` per window', async () => {
		const clock = new FakeClock();
		const pacer = pacerWith(clock, 3, 1000);
		const order: number[] = [];
		const grantedAt: number[] = [];
		for (let index = 0; index < 7; index++) {
			void pacer.acquire().then(() => {
				order.push(index);
				grantedAt.push(clock.now);
			});
		}
		await clock.advance(5000);
		expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
		expect(grantedAt).toEqual([0, 0, 0, 1000, 1000, 1000, 2000]);
	});

	it('uses a sliding window: a slot frees exactly one interval after the request that used it', async () => {
		const clock = new FakeClock();
		const pacer = pacerWith(clock, 3, 1000);
		await pacer.acquire(); // t=0
		await clock.advance(600);
		await pacer.acquire(); // t=600
		await pacer.acquire(); // t=600
		await clock.advance(100);
		const grantedAt = startCallers(pacer, clock, 2); // asked at t=700
		await clock.advance(299);
		expect(grantedAt).toEqual([undefined, undefined]);
		await clock.advance(1);
		expect(grantedAt).toEqual([1000, undefined]);
		await clock.advance(600);
		expect(grantedAt).toEqual([1000, 1600]);
	});

	it('pauseFor blocks every caller until the pause ends, and never shortens a pause', async () => {
		const clock = new FakeClock();
		const pacer = pacerWith(clock, 50, 10_000);
		await clock.advance(100);
		pacer.pauseFor(5000);
		pacer.pauseFor(1000);
		const grantedAt = startCallers(pacer, clock, 2);
		await clock.advance(4999);
		expect(grantedAt).toEqual([undefined, undefined]);
		await clock.advance(1);
		expect(grantedAt).toEqual([5100, 5100]);
	});

	it('extends the wait of a caller already waiting for the window when a pause starts', async () => {
		const clock = new FakeClock();
		const pacer = pacerWith(clock, 1, 1000);
		await pacer.acquire();
		const grantedAt = startCallers(pacer, clock, 1);
		await clock.advance(500);
		pacer.pauseFor(2000); // until t=2500, after the window would have freed at t=1000
		await clock.advance(1500);
		expect(grantedAt).toEqual([undefined]);
		await clock.advance(500);
		expect(grantedAt).toEqual([2500]);
	});

	it('ignores non-positive pauses', async () => {
		const clock = new FakeClock();
		const pacer = pacerWith(clock, 1, 1000);
		pacer.pauseFor(0);
		pacer.pauseFor(-5);
		pacer.pauseFor(Number.NaN);
		expect(pacer.available()).toBe(1);
	});

	it('rejects an aborted caller at once and gives its slot to the next caller', async () => {
		const clock = new FakeClock();
		const pacer = pacerWith(clock, 1, 1000);
		await pacer.acquire();
		const controller = new AbortController();
		const aborted = pacer.acquire(controller.signal);
		const grantedAt = startCallers(pacer, clock, 1);
		controller.abort(new Error('execution cancelled'));
		await expect(aborted).rejects.toThrow('execution cancelled');
		await clock.advance(1000);
		expect(grantedAt).toEqual([1000]);
		await expect(pacer.acquire(controller.signal)).rejects.toThrow('execution cancelled');
	});

	it('with burst 1 spreads requests evenly: 40 per 10 s start 250 ms apart, never a burst', async () => {
		const clock = new FakeClock();
		const pacer = new RequestPacer({
			limit: 40,
			intervalMs: 10_000,
			burst: 1,
			now: () => clock.now,
			sleep: clock.sleep,
		});
		const grantedAt = startCallers(pacer, clock, 80);
		await clock.advance(20_000);
		expect(grantedAt).toEqual(Array.from({ length: 80 }, (_, index) => index * 250));
	});

	it('with a burst of 3 lets 3 start at once, then one per token interval, and refills while idle', async () => {
		const clock = new FakeClock();
		const pacer = new RequestPacer({
			limit: 10,
			intervalMs: 1000,
			burst: 3,
			now: () => clock.now,
			sleep: clock.sleep,
		});
		const first = startCallers(pacer, clock, 5);
		await clock.advance(1000);
		expect(first).toEqual([0, 0, 0, 100, 200]);
		// Idle for long enough to refill the bucket: the next burst is 3 again, not more.
		await clock.advance(5000);
		expect(pacer.available()).toBe(3);
		const second = startCallers(pacer, clock, 4);
		await clock.advance(1000);
		expect(second).toEqual([6000, 6000, 6000, 6100]);
	});

	it('keeps the sliding window as well: a burst never lets more than limit start within one interval', async () => {
		const clock = new FakeClock();
		const pacer = new RequestPacer({
			limit: 4,
			intervalMs: 1000,
			burst: 4,
			now: () => clock.now,
			sleep: clock.sleep,
		});
		const grantedAt = startCallers(pacer, clock, 6);
		await clock.advance(3000);
		expect(grantedAt).toEqual([0, 0, 0, 0, 1000, 1000]);
	});

	it('rejects a burst outside 1..limit', () => {
		expect(() => new RequestPacer({ limit: 5, intervalMs: 1000, burst: 0 })).toThrow(RangeError);
		expect(() => new RequestPacer({ limit: 5, intervalMs: 1000, burst: 6 })).toThrow(RangeError);
		expect(() => new RequestPacer({ limit: 5, intervalMs: 1000, burst: 1.5 })).toThrow(RangeError);
	});

	it('rejects nonsensical limits', () => {
		expect(() => new RequestPacer({ limit: 0, intervalMs: 1000 })).toThrow(RangeError);
		expect(() => new RequestPacer({ limit: 1.5, intervalMs: 1000 })).toThrow(RangeError);
		expect(() => new RequestPacer({ limit: 5, intervalMs: 0 })).toThrow(RangeError);
	});

	describe('with the default clock and timers', () => {
		beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
		afterEach(() => jest.useRealTimers());

		it('waits on a real timer for the window to free', async () => {
			const pacer = new RequestPacer({ limit: 1, intervalMs: 10_000 });
			await pacer.acquire();
			let granted = false;
			void pacer.acquire().then(() => (granted = true));
			await jest.advanceTimersByTimeAsync(9_999);
			expect(granted).toBe(false);
			await jest.advanceTimersByTimeAsync(1);
			expect(granted).toBe(true);
		});
	});
});

describe("FireHydrant's account pacer", () => {
	/** The most requests that started within any window of `windowMs` (both ends included). */
	function busiestWindow(times: number[], windowMs: number): number {
		let most = 0;
		for (const start of times)
			most = Math.max(
				most,
				times.filter((time) => time >= start && time <= start + windowMs).length,
			);
		return most;
	}

	it('spreads 100 requests evenly: never more than 5 in any second, never more than 41 in any 10 s', async () => {
		const clock = new FakeClock();
		const pacer = new RequestPacer({
			...ACCOUNT_RATE_LIMIT,
			now: () => clock.now,
			sleep: clock.sleep,
		});
		const grantedAt = startCallers(pacer, clock, 100);
		await clock.advance(60_000);
		const times = grantedAt.map(Number);
		expect(times.every(Number.isFinite)).toBe(true);
		// FireHydrant documents about 50 per 10 s; a stricter per-second share of it is 5.
		expect(busiestWindow(times, 999)).toBeLessThanOrEqual(4);
		expect(busiestWindow(times, 1000)).toBeLessThanOrEqual(5);
		expect(busiestWindow(times, 10_000)).toBeLessThanOrEqual(41);
	});
});

describe('pacer registry', () => {
	afterEach(() => pacerRegistry.clear());

	it('returns one shared pacer per key, created with the first options', () => {
		const first = getPacer('firehydrant:https://api.firehydrant.io', {
			limit: 45,
			intervalMs: 10_000,
		});
		const again = getPacer('firehydrant:https://api.firehydrant.io', { limit: 1, intervalMs: 1 });
		const other = getPacer('incident.io:https://api.incident.io', {
			limit: 1200,
			intervalMs: 60_000,
		});
		expect(again).toBe(first);
		expect(again.limit).toBe(45);
		expect(other).not.toBe(first);
		expect(pacerRegistry.size).toBe(2);
	});

	it('keeps separate registries apart', () => {
		const registry = new PacerRegistry();
		const own = registry.getPacer('k', { limit: 1, intervalMs: 1000 });
		expect(getPacer('k', { limit: 1, intervalMs: 1000 })).not.toBe(own);
		registry.clear();
		expect(registry.size).toBe(0);
	});
});
