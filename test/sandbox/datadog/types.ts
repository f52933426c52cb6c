/** Public face of the Datadog DORA sandbox module (`sandbox.datadog`). */

export type DoraKind = 'failure' | 'deployment';

export interface DatadogRateLimit {
	/** Requests allowed per window, per API key. */
	limit: number;
	/** Window length in seconds (fixed windows, like Datadog's `X-RateLimit-Period`). */
	periodSeconds: number;
}

export interface DatadogSeedOptions {
	apiKey?: string;
	applicationKey?: string;
	/** Default 1000 requests per 10 s. */
	rateLimit?: DatadogRateLimit;
	/** `limit` above this answers 400. Default 1000. */
	maxListLimit?: number;
}

/** An event as stored: times in epoch milliseconds. */
export interface DoraEventRecord {
	id: string;
	kind: DoraKind;
	startedAtMs: number;
	finishedAtMs?: number;
	attributes: Record<string, unknown>;
	/** How many sends wrote this id (1 = created, more = updated). */
	writes: number;
	changeFailure?: boolean;
	remediation?: { id: string; type: string };
}

export interface SeedEventInput {
	id?: string;
	/** ISO 8601 or epoch milliseconds. */
	started_at: string | number;
	finished_at?: string | number;
	[attribute: string]: unknown;
}

export interface DatadogStats {
	/** API requests answered, by route name (send, list, get, delete, patch, validate). */
	requests: Record<string, number>;
	rateLimited: number;
	created: number;
	updated: number;
}

export interface DatadogFaults {
	/** The next `count` API requests answer 429 with `X-RateLimit-Reset: resetSeconds` (default 1). */
	rateLimit(count: number, resetSeconds?: number): void;
	/** The next `count` sends answer 202 (accepted, processed later); the event is still stored. */
	acceptDelayed(count: number): void;
	/** The next `count` API requests answer `status` (default 503). */
	serverErrors(count: number, status?: number): void;
	/** The next `count` API requests are handled in full, then the connection is reset instead of answering. */
	resetAfterProcessing(count: number): void;
	reset(): void;
}

export interface DatadogSandbox {
	readonly apiKey: string;
	readonly applicationKey: string;
	/** Base URL of the emulated API (`<sandbox>/datadog`); the credential's Custom URL. */
	readonly baseUrl: string;
	readonly faults: DatadogFaults;
	events(kind: DoraKind): DoraEventRecord[];
	event(kind: DoraKind, id: string): DoraEventRecord | undefined;
	count(kind: DoraKind): number;
	/** Stores events as if sent; returns their ids. */
	seed(kind: DoraKind, events: SeedEventInput[]): string[];
	setRateLimit(rateLimit: DatadogRateLimit): void;
	stats(): DatadogStats;
	reset(): void;
}
