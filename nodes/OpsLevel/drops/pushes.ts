/**
 * Pushes (one full or incremental export of a table at one instant, one or more objects) and the
 * three ways of reading them: one push's rows, the current state (latest full push plus every later
 * incremental applied in order), and the changes since a cursor.
 */
import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { ERROR_MESSAGES, type PushType } from '../constants';
import type { OpsLevelBucket } from '../transport';
import { parseInstant } from '../../../lib/time';
import { comparePushOrder, pushOrderKey, pushTimestamp, tablePrefix, type Drop } from './keys';
import { listDrops, readRowBatches, readRows } from './read';
import {
	isDeletion,
	packCells,
	packedRowJson,
	shapeRecord,
	toItemJson,
	type PackedCells,
	type PushMeta,
	type RowShapeOptions,
} from './rows';

export interface Push {
	pushType: PushType;
	table: string;
	date: string;
	timestamp: string;
	/** Text that orders pushes by time (see pushOrderKey). */
	order: string;
	drops: Drop[];
}

function pushMeta(push: Push): PushMeta {
	return { table: push.table, pushType: push.pushType, pushTimestamp: pushTimestamp(push) };
}

/** Drops grouped into pushes, oldest first. */
export function groupPushes(drops: Drop[]): Push[] {
	const sorted = [...drops].sort(comparePushOrder);
	const pushes: Push[] = [];
	for (const drop of sorted) {
		const order = pushOrderKey(drop);
		const last = pushes[pushes.length - 1];
		if (last && last.order === order && last.table === drop.table) {
			last.drops.push(drop);
		} else {
			pushes.push({
				pushType: drop.pushType,
				table: drop.table,
				date: drop.date,
				timestamp: drop.timestamp,
				order,
				drops: [drop],
			});
		}
	}
	return pushes;
}

/** The pushes of one table and type, oldest first; with `fromDate`, only those of that date or later. */
export async function listPushes(
	bucket: OpsLevelBucket,
	table: string,
	pushType: PushType,
	options: { fromDate?: string; itemIndex?: number } = {},
): Promise<Push[]> {
	const drops: Drop[] = [];
	for await (const drop of listDrops(bucket, {
		pushTypes: [pushType],
		tables: [table],
		since: options.fromDate,
		itemIndex: options.itemIndex,
	})) {
		drops.push(drop);
	}
	return groupPushes(drops);
}

/** The latest full push and every later incremental of one table, in the order to apply them. */
async function pushesSinceLatestFull(
	bucket: OpsLevelBucket,
	table: string,
	node: INode,
	itemIndex?: number,
): Promise<Push[]> {
	const fulls = await listPushes(bucket, table, 'full', { itemIndex });
	const base = fulls[fulls.length - 1];
	if (!base) {
		throw new NodeOperationError(node, ERROR_MESSAGES.noFullPush(table), {
			itemIndex,
			description: `Looked under s3://${bucket.bucket}/${tablePrefix(bucket.rootPrefix, 'full', table)}`,
		});
	}
	const incrementals = await listPushes(bucket, table, 'incremental', {
		fromDate: base.date,
		itemIndex,
	});
	return [base, ...incrementals.filter((push) => push.order > base.order)];
}

/** Raw records of a push, with the line and key they come from, for errors. */
async function* pushRecords(
	bucket: OpsLevelBucket,
	push: Push,
	options: { itemIndex?: number; onHeader?: (columns: string[]) => void },
): AsyncGenerator<{ record: Record<string, string>; line: number; key: string }> {
	for (const drop of push.drops) {
		for await (const { record, line } of readRows(bucket, drop.key, options)) {
			yield { record, line, key: drop.key };
		}
	}
}

function requireId(
	node: INode,
	record: Record<string, string>,
	key: string,
	line: number,
	itemIndex?: number,
): string {
	const id = record.id;
	if (id === undefined || id === '' || id === 'NULL') {
		throw new NodeOperationError(node, ERROR_MESSAGES.missingId(key, line), { itemIndex });
	}
	return id;
}

/** The rows of one push as items, deletions marked; stops after `limit` rows. */
export async function* pushRows(
	bucket: OpsLevelBucket,
	push: Push,
	shape: RowShapeOptions,
	options: {
		itemIndex?: number;
		limit?: number;
		change?: (deleted: boolean) => string;
		requireIdsOf?: INode;
	} = {},
): AsyncGenerator<IDataObject> {
	const meta = pushMeta(push);
	let emitted = 0;
	if (options.limit !== undefined && options.limit <= 0) return;
	for await (const { record, line, key } of pushRecords(bucket, push, {
		itemIndex: options.itemIndex,
	})) {
		if (options.requireIdsOf) requireId(options.requireIdsOf, record, key, line, options.itemIndex);
		const deleted = isDeletion(record);
		yield toItemJson(shapeRecord(record, shape), meta, {
			deleted,
			change: options.change?.(deleted),
		});
		emitted++;
		if (options.limit !== undefined && emitted >= options.limit) return;
	}
}

/** What every row of one file shares: its push and its header. */
interface FileContext {
	meta: PushMeta;
	columns: string[];
}

interface LiveRow {
	cells: PackedCells;
	file: FileContext;
	deleted: boolean;
}

export interface CurrentStateOptions {
	shape: RowShapeOptions;
	includeDeleted: boolean;
	itemIndex?: number;
	limit?: number;
}

/**
 * A table's current state: the latest full push with every later incremental applied in push order
 * (a row replaces the row of its id, a deletion removes it). Memory holds one row per live id (plus
 * one per deleted id when deleted rows are asked for), never a whole file.
 */
export async function* currentState(
	bucket: OpsLevelBucket,
	table: string,
	node: INode,
	options: CurrentStateOptions,
): AsyncGenerator<IDataObject> {
	const pushes = await pushesSinceLatestFull(bucket, table, node, options.itemIndex);
	const live = new Map<string, LiveRow>();
	const columns = new Set<string>();
	for (const push of pushes) {
		const meta = pushMeta(push);
		let file: FileContext = { meta, columns: [] };
		const onHeader = (names: string[]) => {
			for (const name of names) columns.add(name);
			file = { meta, columns: names };
		};
		// Straight from each file's parsed chunks (no per-row generator): this loop is the hot path.
		for (const { key } of push.drops) {
			for await (const batch of readRowBatches(bucket, key, {
				itemIndex: options.itemIndex,
				onHeader,
			})) {
				const idIndex = batch.columns.indexOf('id');
				const deletedAtIndex = batch.columns.indexOf('deleted_at');
				for (let index = 0; index < batch.rows.length; index++) {
					const cells = batch.rows[index];
					const id = idIndex < 0 ? undefined : cells[idIndex];
					if (id === undefined || id === '' || id === 'NULL') {
						throw new NodeOperationError(node, ERROR_MESSAGES.missingId(key, batch.lines[index]), {
							itemIndex: options.itemIndex,
						});
					}
					const deletedAt = deletedAtIndex < 0 ? '' : cells[deletedAtIndex];
					const deleted = deletedAt !== '' && deletedAt !== 'NULL';
					if (deleted && !options.includeDeleted) {
						live.delete(id);
						continue;
					}
					// Raw cells packed in one string, shaped only on the way out: the least to hold per live row.
					live.set(id, { cells: packCells(cells), file, deleted });
				}
			}
		}
	}
	const allColumns = [...columns];
	let emitted = 0;
	for (const { cells, file, deleted } of live.values()) {
		if (options.limit !== undefined && emitted >= options.limit) return;
		yield packedRowJson(cells, file.columns, options.shape, file.meta, deleted, allColumns);
		emitted++;
	}
}

/** Per table, the order key of the last push processed ('' = none yet, start with whatever comes next). */
export interface ChangeCursorState {
	tables: Record<string, string>;
}

export type StartFrom = 'latestFull' | 'now';

/** Whether a stored value is a change cursor this version can read. */
export function isChangeCursor(value: unknown): value is ChangeCursorState {
	if (value === null || typeof value !== 'object') return false;
	const tables = (value as ChangeCursorState).tables;
	return (
		tables !== null &&
		typeof tables === 'object' &&
		Object.values(tables).every((order) => typeof order === 'string')
	);
}

/**
 * The last moment a push changed: its timestamp folder or its newest file, whichever is later. A
 * push's files can land over several minutes, so a push counts as complete only once this is older
 * than the settle time; undefined when neither can be read (such a push is taken as settled).
 */
function pushLastChangeMs(push: Push): number | undefined {
	const times = [
		parseInstant(pushTimestamp(push)),
		...push.drops.map((drop) => parseInstant(drop.lastModified)),
	].filter((time): time is number => time !== undefined);
	return times.length ? Math.max(...times) : undefined;
}

export interface ChangeBatch {
	rows: IDataObject[];
	state: ChangeCursorState;
	pushesRead: number;
}

/** Marks of getChanges rows. */
export const CHANGE = { full: 'full', upsert: 'upsert', delete: 'delete' } as const;

/**
 * The pushes of the given tables not processed yet, as rows marked upsert / delete, or full for the
 * rows of a full push (a destination replaces the table with them). When a full push is among the new
 * pushes, the incrementals before it are superseded and skipped. Returns the cursor to commit after
 * the rows have been handed on; the input state is never changed.
 */
export async function collectChanges(
	bucket: OpsLevelBucket,
	tables: readonly string[],
	previous: ChangeCursorState | undefined,
	node: INode,
	options: {
		shape: RowShapeOptions;
		startFrom: StartFrom;
		itemIndex?: number;
		/** Pushes that last changed after this instant (ms) may still be receiving files: left for a later run. */
		settledBefore?: number;
	},
): Promise<ChangeBatch> {
	const settled = (push: Push) => {
		if (options.settledBefore === undefined) return true;
		const lastChange = pushLastChangeMs(push);
		return lastChange === undefined || lastChange <= options.settledBefore;
	};
	const state: ChangeCursorState = { tables: { ...(previous?.tables ?? {}) } };
	let rows: IDataObject[] = [];
	let pushesRead = 0;
	for (const table of tables) {
		const last = Object.prototype.hasOwnProperty.call(state.tables, table)
			? state.tables[table]
			: undefined;
		let pending: Push[];
		if (last === undefined && options.startFrom === 'now') {
			const all = [
				...(await listPushes(bucket, table, 'full', { itemIndex: options.itemIndex })),
				...(await listPushes(bucket, table, 'incremental', { itemIndex: options.itemIndex })),
			].sort((a, b) => a.order.localeCompare(b.order));
			// An unsettled push is not "existing" yet: its late files would otherwise be skipped too.
			const existing = all.filter(settled);
			state.tables[table] = existing.length ? existing[existing.length - 1].order : '';
			continue;
		}
		if (last === undefined) {
			const fulls = await listPushes(bucket, table, 'full', { itemIndex: options.itemIndex });
			if (fulls.length === 0) continue;
			const base = fulls[fulls.length - 1];
			const incrementals = await listPushes(bucket, table, 'incremental', {
				fromDate: base.date,
				itemIndex: options.itemIndex,
			});
			pending = [base, ...incrementals.filter((push) => push.order > base.order)];
		} else {
			const fromDate = last === '' ? undefined : last.slice(0, 10);
			const fresh = [
				...(await listPushes(bucket, table, 'full', { fromDate, itemIndex: options.itemIndex })),
				...(await listPushes(bucket, table, 'incremental', {
					fromDate,
					itemIndex: options.itemIndex,
				})),
			]
				.filter((push) => push.order > last)
				.sort((a, b) => a.order.localeCompare(b.order));
			const latestFull = fresh.map((push) => push.pushType).lastIndexOf('full');
			pending = latestFull > 0 ? fresh.slice(latestFull) : fresh;
		}
		// The position is one order key per table, so the first unsettled push stops the table: the
		// pushes after it wait with it, and nothing is passed over.
		const firstUnsettled = pending.findIndex((push) => !settled(push));
		if (firstUnsettled >= 0) pending = pending.slice(0, firstUnsettled);
		for (const push of pending) {
			const batch: IDataObject[] = [];
			const change = (deleted: boolean) =>
				push.pushType === 'full' ? CHANGE.full : deleted ? CHANGE.delete : CHANGE.upsert;
			// A change without an id cannot be applied by any destination, so ids are required.
			for await (const row of pushRows(bucket, push, options.shape, {
				itemIndex: options.itemIndex,
				change,
				requireIdsOf: node,
			})) {
				batch.push(row);
			}
			// concat, not push(...), so a push of very many rows cannot overflow the call stack
			rows = rows.concat(batch);
			pushesRead++;
			state.tables[table] = push.order;
		}
	}
	return { rows, state, pushesRead };
}
