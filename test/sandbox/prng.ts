/**
 * A small seeded pseudo-random generator, so a sandbox started with the same seed produces the
 * same bytes on every machine (Math.random cannot be seeded). mulberry32: 32-bit state, fast,
 * statistically good enough for fixture data (not for anything secret).
 */
// Jest runs code in a vm context where each global lookup (Math included) goes through an
// interceptor, which made the hot loops below three times slower there than in plain Node;
// binding the functions once avoids that.
const { floor, imul } = Math;

export class Random {
	private state: number;

	constructor(seed: number) {
		// Folding the seed through one multiplication spreads small consecutive seeds (1, 2, 3)
		// over the state space; `>>> 0` keeps it an unsigned 32-bit integer.
		this.state = imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
	}

	/** Next unsigned 32-bit integer. */
	nextUint32(): number {
		this.state = (this.state + 0x6d2b79f5) >>> 0;
		let mixed = this.state;
		mixed = imul(mixed ^ (mixed >>> 15), mixed | 1);
		mixed ^= mixed + imul(mixed ^ (mixed >>> 7), mixed | 61);
		return (mixed ^ (mixed >>> 14)) >>> 0;
	}

	/** Uniform float in [0, 1). */
	next(): number {
		return this.nextUint32() / 4294967296;
	}

	/** Uniform integer in [min, max] (both inclusive). */
	int(min: number, max: number): number {
		return min + floor(this.next() * (max - min + 1));
	}

	/** True with the given probability. */
	chance(probability: number): boolean {
		return this.next() < probability;
	}

	pick<T>(items: readonly T[]): T {
		if (items.length === 0) throw new Error('Random.pick: empty list');
		return items[floor(this.next() * items.length)];
	}

	/** Picks by weight; `weights[i]` belongs to `items[i]`. */
	pickWeighted<T>(items: readonly T[], weights: readonly number[]): T {
		let total = 0;
		for (const weight of weights) total += weight;
		let target = this.next() * total;
		for (let index = 0; index < items.length; index++) {
			target -= weights[index];
			if (target < 0) return items[index];
		}
		return items[items.length - 1];
	}

	/** `count` distinct items in random order (partial Fisher-Yates on a copy). */
	sample<T>(items: readonly T[], count: number): T[] {
		const copy = items.slice();
		const taken = Math.min(count, copy.length);
		for (let index = 0; index < taken; index++) {
			const swapWith = index + floor(this.next() * (copy.length - index));
			const held = copy[index];
			copy[index] = copy[swapWith];
			copy[swapWith] = held;
		}
		return copy.slice(0, taken);
	}

	/** Lower-case hex string of `length` characters. */
	hex(length: number): string {
		let out = '';
		while (out.length < length) out += hex8(this.nextUint32());
		return out.slice(0, length);
	}

	/** An RFC 4122 version-4 UUID built from this generator (version and variant bits set). */
	uuid(): string {
		const first = hex8(this.nextUint32());
		const second = hex8(((this.nextUint32() & 0xffff0fff) | 0x00004000) >>> 0);
		const third = hex8(((this.nextUint32() & 0x3fffffff) | 0x80000000) >>> 0);
		const fourth = hex8(this.nextUint32());
		return `${first}-${second.slice(0, 4)}-${second.slice(4)}-${third.slice(0, 4)}-${third.slice(4)}${fourth}`;
	}

	/** Upper-case alphanumerics, e.g. Slack-style user ids. */
	alphanumeric(length: number): string {
		const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
		let out = '';
		for (let index = 0; index < length; index++)
			out += alphabet[this.nextUint32() % alphabet.length];
		return out;
	}
}

const HEX_BYTES = Array.from({ length: 256 }, (_, value) => value.toString(16).padStart(2, '0'));

/** Eight hex digits of an unsigned 32-bit value (table lookups: uuids are made by the 100 000). */
function hex8(value: number): string {
	return (
		HEX_BYTES[value >>> 24] +
		HEX_BYTES[(value >>> 16) & 0xff] +
		HEX_BYTES[(value >>> 8) & 0xff] +
		HEX_BYTES[value & 0xff]
	);
}
