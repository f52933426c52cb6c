import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { instantOf } from '../../../lib/dedupe';
import { SyncRun, type AdvancePosition } from '../../../lib/incremental';

/** The sync position of an incremental REST read. */
export interface RestCursorState {
	/** When the last delivered run sent its first request (ISO 8601). */
	lastSuccessAt: string;
}

export const DEFAULT_OVERLAP_MINUTES = 10;

function isRestCursor(value: unknown): value is RestCursorState {
	return (
		value !== null &&
		typeof value === 'object' &&
		typeof (value as RestCursorState).lastSuccessAt === 'string'
	);
}

/**
 * Incidents carry no `updated_at`, so "changed since the last run" is asked as `updated_after` =
 * the last delivered run's request time minus an overlap (clocks differ, and FireHydrant may index
 * a change a little after it happened). The overlap re-reads a few incidents; rows are deduplicated
 * on id within a run. The position is the shared contract of lib/incremental (pending until the
 * workflow commits, or at once, as "Advance Position" says).
 */
export class IncrementalWindow {
	private readonly sync: SyncRun<RestCursorState>;
	/** Captured before the first request, so nothing changed during the run is skipped next time. */
	readonly requestTime: string;
	readonly updatedAfter: string | undefined;

	constructor(
		context: IExecuteFunctions,
		options: {
			scope: IDataObject;
			legacyKey: string;
			overlapMinutes: number;
			advance?: AdvancePosition;
		},
		now = new Date(),
	) {
		this.sync = new SyncRun<RestCursorState>(
			context,
			{
				scope: options.scope,
				legacy: {
					key: options.legacyKey,
					convert: (stored) => (isRestCursor(stored) ? stored : undefined),
				},
				advance: options.advance,
			},
			now,
		);
		this.requestTime = now.toISOString();
		const last = instantOf(this.sync.read()?.lastSuccessAt);
		this.updatedAfter =
			last === undefined
				? undefined
				: new Date(last - options.overlapMinutes * 60_000).toISOString();
	}

	/** The later of the cursor's start and a user-given start. */
	startAfter(userAfter: string | undefined): string | undefined {
		if (this.updatedAfter === undefined) return userAfter;
		if (userAfter === undefined) return this.updatedAfter;
		return (instantOf(userAfter) ?? 0) > (instantOf(this.updatedAfter) ?? 0)
			? userAfter
			: this.updatedAfter;
	}

	/** Moves (or stages) the position to this run's request time; `emitted` rows were handed on. */
	advance(emitted: number): void {
		this.sync.advance({ lastSuccessAt: this.requestTime }, emitted);
	}

	limitIgnored(limit: number | undefined): void {
		this.sync.limitIgnored(limit);
	}
}
