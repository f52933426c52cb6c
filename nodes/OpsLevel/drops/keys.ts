/**
 * OpsLevel drop keys: `<root prefix>v1/<push type>/<table>/<YYYY-MM-DD>/<timestamp>/<file>.csv.gz`,
 * e.g. `v1/full/services/2020-07-14/22:00:00/services.csv.gz`. The date and timestamp folders order
 * pushes; both are zero-padded, so their text orders as their time does.
 */
import { EXPORT_VERSION_PREFIX, type PushType } from '../constants';
import { normalizeRootPrefix } from '../transport';

export interface Drop {
	pushType: PushType;
	table: string;
	/** `YYYY-MM-DD` folder. */
	date: string;
	/** Timestamp folder as written (`HH:MM:SS`). */
	timestamp: string;
	key: string;
	size: number;
	/** ISO 8601, from the object's Last-Modified. */
	lastModified: string | null;
}

export function exportPrefix(rootPrefix: string): string {
	return `${normalizeRootPrefix(rootPrefix)}${EXPORT_VERSION_PREFIX}`;
}

/** The folder holding every drop of one push type and table, with its trailing slash. */
export function tablePrefix(rootPrefix: string, pushType: PushType, table: string): string {
	return `${exportPrefix(rootPrefix)}${pushType}/${table}/`;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The parts of a drop key, or undefined for any other object in the bucket (a stray upload, a
 * folder marker, a file of another export version), which listing skips rather than misreads.
 */
export function parseDropKey(
	key: string,
	rootPrefix: string,
	meta: { size?: number; lastModified?: Date | string | null } = {},
): Drop | undefined {
	const prefix = exportPrefix(rootPrefix);
	if (!key.startsWith(prefix)) return undefined;
	const parts = key.slice(prefix.length).split('/');
	if (parts.length < 5) return undefined;
	const [pushType, table, date, timestamp] = parts;
	const file = parts.slice(4).join('/');
	if (pushType !== 'full' && pushType !== 'incremental') return undefined;
	if (!table || !DATE.test(date) || !timestamp || !file || file.endsWith('/')) return undefined;
	const lastModified =
		meta.lastModified instanceof Date
			? meta.lastModified.toISOString()
			: typeof meta.lastModified === 'string'
				? meta.lastModified
				: null;
	return { pushType, table, date, timestamp, key, size: meta.size ?? 0, lastModified };
}

/** Text that orders pushes by time: date, then timestamp; a full push before an incremental of the same instant. */
export function pushOrderKey(drop: Pick<Drop, 'date' | 'timestamp' | 'pushType'>): string {
	return `${drop.date}T${drop.timestamp}|${drop.pushType === 'full' ? '0' : '1'}`;
}

/** Drops in the order they must be applied; objects of one push folder by key. */
export function comparePushOrder(a: Drop, b: Drop): number {
	const byPush = pushOrderKey(a).localeCompare(pushOrderKey(b));
	if (byPush !== 0) return byPush;
	return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/**
 * The push's time as ISO 8601 UTC when the folders read as one (`2020-07-14T22:00:00.000Z`),
 * else the folders joined as they are.
 */
export function pushTimestamp(drop: Pick<Drop, 'date' | 'timestamp'>): string {
	// UNVERIFIED (vendor notes): the timestamp folder's format and zone; `HH:MM:SS` UTC assumed.
	const match = /^(\d{2})[:\-_.]?(\d{2})[:\-_.]?(\d{2})(?:Z)?$/.exec(drop.timestamp);
	if (match) {
		const instant = Date.parse(`${drop.date}T${match[1]}:${match[2]}:${match[3]}Z`);
		if (!Number.isNaN(instant)) return new Date(instant).toISOString();
	}
	return `${drop.date}T${drop.timestamp}`;
}
