import { createHash } from 'node:crypto';
import type { IDataObject, INode } from 'n8n-workflow';

import { instantOf } from '../../../lib/dedupe';
import { EXPORT_RETENTION_DAYS } from '../constants';
import { collectExportRows, type CollectOptions } from './collect';
import { byCreatedAt, listExportRequests, type ExportRequest } from './exportRequests';
import type { FireHydrantClient } from '../transport';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Reports are listed again from this far behind the newest one already read: a report that was
 * still pending at the last poll can complete later with an older creation time, and must not be
 * missed. Reports already read are remembered by id, so the overlap never emits one twice.
 */
export const REPORT_LOOKBACK_MS = 2 * DAY_MS;

/**
 * How far before its creation a report's window may start when the reports read so far do not
 * say (they carry window_starts_at / window_ends_at; nightly windows run about 30 h).
 */
export const DEFAULT_WINDOW_MS = 2 * DAY_MS;

/** Rows in a manual test run: enough to map fields, small enough to look at. */
export const SAMPLE_ROWS = 20;

export interface ExportTriggerState {
	/** Creation time of the newest report read. */
	since: string;
	/** Reports read, by id, with their creation time (pruned past the lookback). */
	readReports: Record<string, string>;
	/**
	 * Hashes of `source, id, updated_at` of rows emitted, grouped by the UTC day of their updated_at
	 * (rows without one: the day of their report). A report holds the records changed in its window,
	 * so a day no report still to be read can cover is dropped whole: the memory holds a few days of
	 * changes by design, with no cap that could forget a version the overlap still delivers.
	 */
	emittedRows: Record<string, string[]>;
	/** The longest report window seen (ms): how far back a report still to be read can reach. */
	windowMs?: number;
}

export interface PollOptions extends CollectOptions {
	onMalformed: 'skip' | 'fail';
	startFrom: 'available' | 'now';
	now: Date;
}

export interface PollResult {
	rows: IDataObject[];
	state: ExportTriggerState;
	hints: string[];
}

/** A row version's identity: its source, id and updated_at; rows without an id by their content. */
function rowVersionKey(row: IDataObject): string {
	const id = row.id;
	const identity =
		id === undefined || id === null || id === ''
			? `content:${JSON.stringify(
					row,
					Object.keys(row)
						.filter((key) => key !== '_exportRequestId')
						.sort(),
				)}`
			: `${String(row._source)}\u0000${String(id)}\u0000${String(row.updated_at ?? '')}`;
	// Hashed so that the remembered set stays small in the workflow's static data.
	return createHash('sha256').update(identity).digest('base64url').slice(0, 16);
}

/**
 * One poll: the rows of completed reports not read before, minus row versions already emitted.
 * Returns the state to commit; the caller commits it only when the whole poll succeeded.
 */
export async function pollExportRows(
	client: FireHydrantClient,
	node: INode,
	previous: ExportTriggerState | undefined,
	options: PollOptions,
): Promise<PollResult> {
	const nowMs = options.now.getTime();
	const retentionStart = nowMs - EXPORT_RETENTION_DAYS * DAY_MS;
	if (!previous && options.startFrom === 'now') {
		// Reports that exist now count as read, or the lookback of the next poll would emit them.
		const existing = await listExportRequests(client, {
			newerThan: new Date(nowMs - REPORT_LOOKBACK_MS - DAY_MS).toISOString(),
			status: 'completed',
		});
		const readReports = Object.fromEntries(
			existing.map((request) => [request.id, request.created_at]),
		);
		return {
			rows: [],
			hints: [],
			state: { since: options.now.toISOString(), readReports, emittedRows: {} },
		};
	}
	const listFrom = previous
		? Math.max(Date.parse(previous.since) - REPORT_LOOKBACK_MS, retentionStart)
		: retentionStart;
	const listed = await listExportRequests(client, {
		newerThan: new Date(listFrom).toISOString(),
		status: 'completed',
	});
	const readReports = { ...(previous?.readReports ?? {}) };
	const unread = listed.filter((request) => !(request.id in readReports)).sort(byCreatedAt);

	const collected = await collectExportRows(client, node, unread, options);
	const createdAtOf = new Map(unread.map((request) => [request.id, request.created_at]));
	const emitted = restoreEmitted(previous);
	const known = new Set<string>();
	for (const keys of emitted.values()) for (const key of keys) known.add(key);
	const rows: IDataObject[] = [];
	for (const row of collected.rows) {
		const key = rowVersionKey(row);
		if (known.has(key)) continue;
		const reportMs = Date.parse(createdAtOf.get(String(row._exportRequestId)) ?? '');
		const day = utcDay(
			instantOf(stringOrUndefined(row.updated_at)) ??
				(Number.isFinite(reportMs) ? reportMs : nowMs),
		);
		const bucket = emitted.get(day) ?? new Set<string>();
		bucket.add(key);
		emitted.set(day, bucket);
		known.add(key);
		rows.push(row);
	}

	// Reports that were listed and either read, skipped as malformed, or expunged are done; none
	// will change again.
	let since = previous ? Date.parse(previous.since) : retentionStart;
	let windowMs = previous?.windowMs ?? 0;
	for (const request of unread) {
		readReports[request.id] = request.created_at;
		since = Math.max(since, Date.parse(request.created_at));
		const reach = Date.parse(request.created_at) - Date.parse(request.window_starts_at ?? '');
		if (Number.isFinite(reach) && reach > windowMs) windowMs = reach;
	}
	const pruneBefore = since - REPORT_LOOKBACK_MS - DAY_MS;
	for (const [id, createdAt] of Object.entries(readReports)) {
		if (Date.parse(createdAt) < pruneBefore) delete readReports[id];
	}
	// The oldest report still to be read is created after since - lookback; its window starts at
	// most windowMs before that. Row versions of days wholly before it cannot come back.
	const keepFrom = since - REPORT_LOOKBACK_MS - (windowMs || DEFAULT_WINDOW_MS);
	const emittedRows: Record<string, string[]> = {};
	for (const [day, keys] of [...emitted.entries()].sort(([a], [b]) => a.localeCompare(b))) {
		if (Date.parse(`${day}T00:00:00Z`) + DAY_MS <= keepFrom) continue;
		emittedRows[day] = [...keys];
	}
	return {
		rows,
		hints: collected.hints,
		state: {
			since: new Date(since).toISOString(),
			readReports,
			emittedRows,
			windowMs: windowMs || undefined,
		},
	};
}

function utcDay(ms: number): string {
	return new Date(ms).toISOString().slice(0, 10);
}

function stringOrUndefined(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

/** The stored memory as day → keys; a list kept by an older version goes under its last poll's day. */
function restoreEmitted(previous: ExportTriggerState | undefined): Map<string, Set<string>> {
	const emitted = new Map<string, Set<string>>();
	const stored: unknown = previous?.emittedRows;
	if (Array.isArray(stored)) {
		const sinceMs = Date.parse(previous?.since ?? '');
		emitted.set(
			utcDay(Number.isFinite(sinceMs) ? sinceMs : Date.now()),
			new Set(stored.filter((key): key is string => typeof key === 'string')),
		);
	} else if (stored !== null && typeof stored === 'object') {
		for (const [day, keys] of Object.entries(stored as Record<string, unknown>)) {
			if (Array.isArray(keys))
				emitted.set(day, new Set(keys.filter((key): key is string => typeof key === 'string')));
		}
	}
	return emitted;
}

/** The newest report of each selected source, a few rows of it: what a manual test run shows. */
export async function sampleExportRows(
	client: FireHydrantClient,
	node: INode,
	options: CollectOptions,
): Promise<{ rows: IDataObject[]; hints: string[] }> {
	const since = new Date(Date.now() - EXPORT_RETENTION_DAYS * DAY_MS).toISOString();
	const listed = await listExportRequests(client, { newerThan: since, status: 'completed' });
	const newestBySource = new Map<string, ExportRequest>();
	for (const request of listed.sort(byCreatedAt)) newestBySource.set(request.source, request);
	const collected = await collectExportRows(client, node, [...newestBySource.values()], options);
	return { rows: collected.rows.slice(0, SAMPLE_ROWS), hints: collected.hints };
}
