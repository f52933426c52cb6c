/**
 * Client-side pacing under a vendor's published rate limit (for example FireHydrant's ~50
 * requests per 10 s per account, or incident.io's 1200 per minute).
 *
 * Staying under the limit is cheaper than recovering from it: a 429 costs a round trip plus
 * the server's penalty wait, and some vendors count rejected requests against the window too.
 * Two rules hold together: a sliding window (never more than `limit` requests start within any
 * `intervalMs`) and a token bucket (GCRA) holding `burst` tokens, refilled one every
 * `intervalMs / limit`. With `burst` equal to `limit` (the default) a run may use the whole
 * allowance at once; with a small `burst` requests are spread evenly over the window, so a
 * vendor that also enforces a shorter window (per second) than the one it documents is never hit
 * by a burst.
 *
 * The limits are per account and shared by every workflow in this n8n process, hence the
 * registry below: nodes obtain the pacer for their account instead of creating their own.
 * Requests made by other processes (queue-mode workers, other tools) on the same account are
 * invisible here, so callers should configure some headroom below the published limit.
 */

/** How a {@link RequestPacer} is set up; the clock and sleep are injectable for tests. */
export interface RequestPacerOptions {
	/** Requests allowed to start within any window of `intervalMs`. */
	limit: number;
	/** Length of the sliding window in milliseconds. */
	intervalMs: number;
	/**
	 * How many requests may start back to back before the rest are spaced `intervalMs / limit`
	 * apart; 1 spreads every request evenly. Defaults to `limit` (no spacing within the window).
	 */
	burst?: number;
	/** Current time in ms; defaults to `Date.now`. */
	now?: () => number;
	/** Waits the given ms; defaults to a timer. */
	sleep?: (ms: number) => Promise<void>;
}

/** A timer-based sleep; kept referenced so a CLI run does not exit while a request waits. */
function sleepWithTimer(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Sliding-window request pacer. `acquire()` before each request; callers are served strictly
 * in the order they called, so a page fetch queued first is not starved by later ones.
 */
export class RequestPacer {
	readonly limit: number;
	readonly intervalMs: number;
	readonly burst: number;
	/** Time between two tokens of the bucket: the even spacing of a steady stream of requests. */
	private readonly emissionIntervalMs: number;
	/** How far ahead of the even schedule a burst may run: (burst - 1) token intervals. */
	private readonly burstToleranceMs: number;
	/** GCRA's theoretical arrival time: when the next request would start on the even schedule. */
	private nextEvenStart = Number.NEGATIVE_INFINITY;
	private readonly now: () => number;
	private readonly sleep: (ms: number) => Promise<void>;
	/** Start times of the most recent requests, oldest first; never more than `limit`. */
	private readonly starts: number[] = [];
	/** Nobody starts before this time (set by {@link pauseFor} after a 429). */
	private pausedUntil = 0;
	/** Tail of the FIFO queue of waiting callers. */
	private queue: Promise<void> = Promise.resolve();

	constructor(options: RequestPacerOptions) {
		if (!Number.isInteger(options.limit) || options.limit < 1) {
			throw new RangeError(`Pacer limit must be a positive integer, got ${options.limit}`);
		}
		if (!Number.isFinite(options.intervalMs) || options.intervalMs <= 0) {
			throw new RangeError(
				`Pacer interval must be a positive number of ms, got ${options.intervalMs}`,
			);
		}
		const burst = options.burst ?? options.limit;
		if (!Number.isInteger(burst) || burst < 1 || burst > options.limit) {
			throw new RangeError(
				`Pacer burst must be an integer from 1 to the limit (${options.limit}), got ${burst}`,
			);
		}
		this.limit = options.limit;
		this.intervalMs = options.intervalMs;
		this.burst = burst;
		this.emissionIntervalMs = options.intervalMs / options.limit;
		this.burstToleranceMs = (burst - 1) * this.emissionIntervalMs;
		this.now = options.now ?? Date.now;
		this.sleep = options.sleep ?? sleepWithTimer;
	}

	/**
	 * Resolves when one more request may start, and counts that request. Concurrent callers
	 * are served in call order. With a `signal`, an abort rejects this caller's promise at once
	 * (with the signal's reason) and it gives up its place without using a slot, so a cancelled
	 * execution neither waits for pacing nor consumes allowance meant for others.
	 */
	acquire(signal?: AbortSignal): Promise<void> {
		if (signal?.aborted) return Promise.reject(abortReason(signal));
		const turn = this.queue.then(() => this.waitForSlot(signal));
		// The queue must keep moving even if this caller's turn fails.
		this.queue = turn.catch(() => undefined);
		if (!signal) return turn;
		return new Promise<void>((resolve, reject) => {
			const onAbort = () => reject(abortReason(signal));
			signal.addEventListener('abort', onAbort, { once: true });
			turn.then(
				() => {
					signal.removeEventListener('abort', onAbort);
					resolve();
				},
				(error: unknown) => {
					signal.removeEventListener('abort', onAbort);
					reject(error);
				},
			);
		});
	}

	/**
	 * Blocks every caller for `ms` from now, e.g. after a 429 carrying `Retry-After`, because the
	 * vendor's window is shared and all further requests would be rejected as well. Overlapping
	 * pauses keep the later end; a pause never shortens an existing one.
	 */
	pauseFor(ms: number): void {
		if (!Number.isFinite(ms) || ms <= 0) return;
		this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
	}

	/** How many more requests could start right now without waiting (for logs and tests). */
	available(): number {
		const now = this.now();
		if (now < this.pausedUntil) return 0;
		this.forgetExpired(now);
		const inWindow = this.limit - this.starts.length;
		const schedule = Math.max(this.nextEvenStart, now);
		const inBucket = Math.min(
			this.burst,
			Math.floor((now + this.burstToleranceMs - schedule) / this.emissionIntervalMs) + 1,
		);
		return Math.max(0, Math.min(inWindow, inBucket));
	}

	private async waitForSlot(signal: AbortSignal | undefined): Promise<void> {
		for (;;) {
			if (signal?.aborted) throw abortReason(signal);
			const now = this.now();
			if (now < this.pausedUntil) {
				await this.sleep(this.pausedUntil - now);
				continue;
			}
			this.forgetExpired(now);
			const windowFull = this.starts.length >= this.limit;
			// A schedule further ahead than one burst can put it means the wall clock stepped back.
			this.nextEvenStart = Math.min(
				this.nextEvenStart,
				now + this.burstToleranceMs + this.emissionIntervalMs,
			);
			// The bucket has a token when the even schedule, less the burst tolerance, has arrived.
			const tokenAt = this.nextEvenStart - this.burstToleranceMs;
			if (!windowFull && tokenAt <= now) {
				this.starts.push(now);
				this.nextEvenStart = Math.max(this.nextEvenStart, now) + this.emissionIntervalMs;
				return;
			}
			// Re-check when the oldest start leaves the window or the next token is due, whichever
			// is later (a pause may have begun meanwhile). Bounded by one interval in case the wall
			// clock stepped back.
			const windowFreeAt = windowFull ? this.starts[0] + this.intervalMs : now;
			await this.sleep(
				Math.min(this.intervalMs, Math.max(1, Math.ceil(Math.max(windowFreeAt, tokenAt) - now))),
			);
		}
	}

	private forgetExpired(now: number): void {
		let expired = 0;
		while (expired < this.starts.length && this.starts[expired] + this.intervalMs <= now) expired++;
		if (expired > 0) this.starts.splice(0, expired);
	}
}

function abortReason(signal: AbortSignal): unknown {
	if (signal.reason !== undefined) return signal.reason;
	const error = new Error('The operation was aborted');
	error.name = 'AbortError';
	return error;
}

/**
 * One pacer per key within the process (key = vendor + account or base URL + endpoint class),
 * because vendors enforce limits per account, not per node run: two workflows exporting from
 * the same FireHydrant account must share one allowance.
 */
export class PacerRegistry {
	private readonly pacers = new Map<string, RequestPacer>();

	/**
	 * The pacer for `key`, created with `options` on first use. Later calls get the same
	 * instance and their options are ignored, since replacing a pacer would forget the requests
	 * already counted in its window; use distinct keys for distinct limits.
	 */
	getPacer(key: string, options: RequestPacerOptions): RequestPacer {
		let pacer = this.pacers.get(key);
		if (!pacer) {
			pacer = new RequestPacer(options);
			this.pacers.set(key, pacer);
		}
		return pacer;
	}

	/** Number of distinct keys seen. */
	get size(): number {
		return this.pacers.size;
	}

	/** Forgets every pacer; for tests and for a host that reloads credentials. */
	clear(): void {
		this.pacers.clear();
	}
}

/** The process-wide registry shared by all nodes of this package. */
export const pacerRegistry = new PacerRegistry();

/** Shorthand for `pacerRegistry.getPacer(key, options)`. */
export function getPacer(key: string, options: RequestPacerOptions): RequestPacer {
	return pacerRegistry.getPacer(key, options);
}
