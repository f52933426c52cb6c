import { mapWithLimit } from '../../../lib/concurrency';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('mapWithLimit', () => {
	it('never runs more than the limit at once, and keeps input order', async () => {
		let running = 0;
		let peak = 0;
		const results = await mapWithLimit([30, 5, 20, 1, 10, 2, 8], 3, async (delay, index) => {
			running++;
			peak = Math.max(peak, running);
			await tick(delay);
			running--;
			return `${index}:${delay}`;
		});
		expect(peak).toBe(3);
		expect(results).toEqual(['0:30', '1:5', '2:20', '3:1', '4:10', '5:2', '6:8']);
	});

	it('starts nothing new after a failure, waits for what runs, then throws the first error', async () => {
		const started: number[] = [];
		let finished = 0;
		const run = mapWithLimit([0, 1, 2, 3, 4, 5], 2, async (value) => {
			started.push(value);
			if (value === 1) throw new Error('item 1 failed');
			await tick(20);
			finished++;
			return value;
		});
		await expect(run).rejects.toThrow('item 1 failed');
		expect(started).toEqual([0, 1]);
		expect(finished).toBe(1);
	});

	it('handles no input and refuses a limit below 1', async () => {
		expect(await mapWithLimit([], 4, async () => 1)).toEqual([]);
		await expect(mapWithLimit([1], 0, async () => 1)).rejects.toThrow(RangeError);
	});
});
