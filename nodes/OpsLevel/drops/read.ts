/**
 * Reading the export bucket as OpsLevel lays it out: which drops and tables it holds (from the key
 * structure in keys.ts) and the rows of one drop (gunzip, then CSV). The transport only lists keys
 * and streams bytes.
 */
import type { NodeApiError } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

import {
	CsvFormatError,
	parseCsvBatches,
	parseCsvRows,
	type CsvBatch,
	type CsvRow,
} from '../../../lib/csv';
import { ERROR_MESSAGES, type PushType } from '../constants';
import { isTimeout, type OpsLevelBucket } from '../transport';
import { exportPrefix, parseDropKey, tablePrefix, type Drop } from './keys';

/**
 * The drops of the given push types and tables (all tables when none given), optionally only
 * those pushed at or after `since` (`YYYY-MM-DDTHH:MM:SS`), in key order per push type and table.
 */
export async function* listDrops(
	bucket: OpsLevelBucket,
	filter: {
		pushTypes: readonly PushType[];
		tables?: readonly string[];
		since?: string;
		itemIndex?: number;
	},
): AsyncGenerator<Drop> {
	const sinceDate = filter.since?.slice(0, 10);
	for (const pushType of filter.pushTypes) {
		const prefixes =
			filter.tables && filter.tables.length > 0
				? filter.tables.map((table) => tablePrefix(bucket.rootPrefix, pushType, table))
				: [`${exportPrefix(bucket.rootPrefix)}${pushType}/`];
		for (const prefix of prefixes) {
			// Date folders sort as text, so listing can start at the since date instead of the beginning.
			const startAfter = sinceDate && filter.tables?.length ? `${prefix}${sinceDate}` : undefined;
			for await (const object of bucket.listKeys(prefix, {
				startAfter,
				itemIndex: filter.itemIndex,
			})) {
				const drop = parseDropKey(object.Key ?? '', bucket.rootPrefix, {
					size: object.Size,
					lastModified: object.LastModified,
				});
				if (!drop) continue;
				if (filter.tables?.length && !filter.tables.includes(drop.table)) continue;
				if (filter.since && `${drop.date}T${drop.timestamp}` < filter.since) continue;
				yield drop;
			}
		}
	}
}

/** Table names present in the bucket (folders under the full and incremental pushes). */
export async function listTables(bucket: OpsLevelBucket): Promise<string[]> {
	const tables = new Set<string>();
	for (const pushType of ['full', 'incremental'] as const) {
		for await (const name of bucket.listFolders(`${exportPrefix(bucket.rootPrefix)}${pushType}/`))
			tables.add(name);
	}
	return [...tables].sort();
}

interface ReadOptions {
	itemIndex?: number;
	onHeader?: (columns: string[]) => void;
}

/**
 * The rows of one `.csv.gz` drop, streamed: object body → gunzip → CSV parser. Errors name the
 * object. An empty object (zero bytes) has no rows.
 */
export async function* readRows(
	bucket: OpsLevelBucket,
	key: string,
	options: ReadOptions = {},
): AsyncGenerator<CsvRow> {
	yield* readCsv(bucket, key, options, parseCsvRows);
}

/** {@link readRows} a parsed chunk at a time ({@link CsvBatch}), for loops over many rows. */
export async function* readRowBatches(
	bucket: OpsLevelBucket,
	key: string,
	options: ReadOptions = {},
): AsyncGenerator<CsvBatch> {
	yield* readCsv(bucket, key, options, parseCsvBatches);
}

async function* readCsv<T>(
	bucket: OpsLevelBucket,
	key: string,
	options: ReadOptions,
	parse: (
		input: Readable,
		parseOptions: { onHeader?: (columns: string[]) => void },
	) => AsyncGenerator<T>,
): AsyncGenerator<T> {
	const body = await bucket.openObject(key, options.itemIndex);
	if (!body) return;
	const gunzip = createGunzip();
	pipeline(body, gunzip, () => undefined);
	try {
		yield* parse(gunzip, { onHeader: options.onHeader });
	} catch (error) {
		throw readError(bucket, error, key, options.itemIndex);
	} finally {
		if (!body.destroyed) body.destroy();
	}
}

function readError(
	bucket: OpsLevelBucket,
	error: unknown,
	key: string,
	itemIndex?: number,
): NodeApiError | NodeOperationError {
	const node = bucket.node;
	if (isTimeout(error)) {
		const seconds = bucket.settings.timeoutSeconds;
		return new NodeOperationError(node, ERROR_MESSAGES.stalledDownload(key, seconds), {
			itemIndex,
			description: `s3://${bucket.bucket}/${key}: no data for ${seconds} s (the Timeout of the OpsLevel Export Bucket credential). Run again; if it keeps stalling, check the endpoint and this machine's network.`,
		});
	}
	const code = (error as { code?: unknown })?.code;
	if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') {
		return new NodeOperationError(node, ERROR_MESSAGES.corruptGzip(key), {
			itemIndex,
			description: `s3://${bucket.bucket}/${key}: ${(error as Error).message}`,
		});
	}
	if (error instanceof CsvFormatError) {
		return new NodeOperationError(node, ERROR_MESSAGES.badCsv(key, error.message), {
			itemIndex,
			description: `s3://${bucket.bucket}/${key}, line ${error.line}. Ask OpsLevel support to re-send this push.`,
		});
	}
	return bucket.toError(error, 'get', key, itemIndex);
}
