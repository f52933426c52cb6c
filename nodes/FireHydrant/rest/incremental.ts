import type { IDataObject } from 'n8n-workflow';

import { StaticDataCursor } from '../../../lib/cursor';
import { instantOf } from '../../../lib/dedupe';

/** What an incremental run keeps in workflow static data. */
export interface RestCursorState {
	/** When the last successful run sent its first request (ISO 8601). */
	lastSuccessAt: string;
}

export const DEFAULT_OVERLAP_MINUTES = 10;

/**
 * Incidents carry no `updated_at`, so "changed since the last run" is asked as `updated_after` =
 * the last successful run's request time minus an overlap (clocks differ, and FireHydrant may
 * index a change a little after it happened). The overlap re-reads a few incidents; rows are
 * deduplicated on id within a run. The cursor moves only when `commit` is called after success.
 */
export class IncrementalWindow {
	private readonly cursor: StaticDataCursor<RestCursorState>;
	/** Captured before the first request, so nothing changed during the run is skipped next time. */
	readonly requestTime: string;
	readonly updatedAfter: string | undefined;

	constructor(store: IDataObject, key: string, overlapMinutes: number, now = Date.now()) {
		this.cursor = new StaticDataCursor<RestCursorState>(store, key);
		this.requestTime = new Date(now).toISOString();
		const last = instantOf(this.cursor.read()?.lastSuccessAt);
		this.updatedAfter = last === undefined ? undefined : new Date(last - overlapMinutes * 60_000).toISOString();
	}

	/** The later of the cursor's start and a user-given start. */
	startAfter(userAfter: string | undefined): string | undefined {
		if (this.updatedAfter === undefined) return userAfter;
		if (userAfter === undefined) return this.updatedAfter;
		return (instantOf(userAfter) ?? 0) > (instantOf(this.updatedAfter) ?? 0) ? userAfter : this.updatedAfter;
	}

	commit(): void {
		this.cursor.commit({ lastSuccessAt: this.requestTime });
	}
}
