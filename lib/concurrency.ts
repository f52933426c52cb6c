/**
 * Runs `task` over `inputs` with at most `limit` calls in flight, and resolves with the results in
 * input order (not completion order), so callers can pair each result with its input.
 *
 * Bounded rather than all-at-once because vendors rate-limit per account: a thousand parallel
 * requests would only earn a thousand 429s. On the first failure no new task starts; the tasks
 * already running are awaited (so no request outlives the call), then the first error is thrown.
 * Callers that want per-input errors (n8n's Continue On Fail) catch inside `task`.
 */
export async function mapWithLimit<T, R>(
	inputs: readonly T[],
	limit: number,
	task: (input: T, index: number) => Promise<R>,
): Promise<R[]> {
	if (!Number.isInteger(limit) || limit < 1) {
		throw new RangeError(`Concurrency limit must be a positive integer, got ${limit}`);
	}
	const results = new Array<R>(inputs.length);
	let next = 0;
	let failure: { error: unknown } | undefined;

	const worker = async (): Promise<void> => {
		while (failure === undefined && next < inputs.length) {
			const index = next++;
			try {
				results[index] = await task(inputs[index], index);
			} catch (error) {
				failure ??= { error };
			}
		}
	};

	const workers: Array<Promise<void>> = [];
	for (let count = 0; count < Math.min(limit, inputs.length); count++) workers.push(worker());
	await Promise.all(workers);
	if (failure !== undefined) throw failure.error;
	return results;
}
