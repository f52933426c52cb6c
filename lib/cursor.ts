import type { IDataObject } from 'n8n-workflow';

/**
 * A JSON round trip, not structuredClone: n8n wraps static data in proxies, which structuredClone
 * refuses (DataCloneError), and what is stored must survive n8n's JSON round trip anyway.
 */
function jsonCopy(value: unknown): unknown {
	return JSON.parse(JSON.stringify(value)) as unknown;
}

/**
 * A sync cursor kept in n8n's workflow static data. Reading gives a copy, so a run can work with it
 * freely; only `commit` changes what is stored, and callers commit only after the whole run
 * succeeded, so a failed run never advances (or corrupts) the cursor.
 */
export class StaticDataCursor<T extends object> {
	constructor(
		private readonly store: IDataObject,
		private readonly key: string,
	) {}

	read(): T | undefined {
		const value = this.store[this.key];
		if (value === undefined || value === null || typeof value !== 'object') return undefined;
		return jsonCopy(value) as T;
	}

	commit(value: T): void {
		this.store[this.key] = jsonCopy(value) as IDataObject;
	}

	clear(): void {
		delete this.store[this.key];
	}
}
