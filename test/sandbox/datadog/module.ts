import { createHash } from 'node:crypto';

import {
	ControlInputError,
	type HeaderValues,
	type SandboxExchange,
	type SandboxModule,
} from '../server';
import type {
	DatadogFaults,
	DatadogRateLimit,
	DatadogSandbox,
	DatadogSeedOptions,
	DatadogStats,
	DoraEventRecord,
	DoraKind,
	SeedEventInput,
} from './types';

/**
 * Datadog's DORA Metrics API as the recorded traffic shows it, under the prefix `/datadog`
 * (the credential's Custom URL is `<sandbox>/datadog`):
 *
 * - `GET /api/v1/validate` (API key only) → `{valid: true}`.
 * - Sends `POST /api/v2/dora/failure` (alias `/incident`) and `/deployment` need only the API key;
 *   `started_at`/`finished_at` are Unix integers (s, ms or ns by magnitude); an `id` that exists is
 *   updated (upsert); 200 `{data: {id, type}}`.
 * - Lists `POST /api/v2/dora/failures` | `/deployments` need both keys; `data.type` missing or wrong
 *   → 400 with the recorded detail; `attributes.from` inclusive, `to` exclusive, on started_at;
 *   `limit` default 10, above 1000 → 400; `sort` `started_at` or `-started_at` (default, newest
 *   first), ties in write order; `query` is space-separated `key:value` terms (attribute or custom
 *   tag). Response `{data: [...]}` only, times as RFC 3339 strings. No cursor.
 * - `GET /api/v2/dora/{failures|deployments}/{id}`, `DELETE /api/v2/dora/{failure|deployment}/{id}`
 *   (202, empty body), `PATCH /api/v2/dora/deployments/{id}` (type `dora_deployment_patch_request`,
 *   202 `{data: null}`).
 * - Every API answer carries `X-RateLimit-Limit/Period/Remaining/Reset/Name` (fixed windows per API
 *   key, Reset = seconds to the window's end); over the limit → 429 `{errors: ["Too many requests"]}`.
 * - Errors: 403 `{errors: ["Forbidden"]}`, 400/404 `{errors: [{status, title, detail}]}`.
 *
 * UNVERIFIED (vendor notes): the default sort, whether `from`/`to` are inclusive, the list limit's
 * maximum and the remediation types are not documented; these are this sandbox's choices.
 */

export const DATADOG_PREFIX = '/datadog';
const DEFAULT_RATE_LIMIT: DatadogRateLimit = { limit: 1000, periodSeconds: 10 };
const EVENT_ID = /^[A-Za-z0-9\-_.:]{16,128}$/;
const TAG = /^[^:\s][^:]*:.+$/;
const TYPES: Record<DoraKind, string> = { failure: 'dora_failure', deployment: 'dora_deployment' };
const LIST_TYPES: Record<DoraKind, string> = {
	failure: 'dora_failures_list_request',
	deployment: 'dora_deployments_list_request',
};

class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly body: unknown,
	) {
		super(`HTTP ${status}`);
	}
}

function badRequest(detail: string): ApiError {
	return new ApiError(400, { errors: [{ status: '400', title: 'Bad Request', detail }] });
}

/** Unix seconds, milliseconds, microseconds or nanoseconds to milliseconds, told apart by magnitude. */
export function unixToMs(value: number): number {
	const magnitude = Math.abs(value);
	if (magnitude < 1e11) return value * 1000;
	if (magnitude < 1e14) return value;
	if (magnitude < 1e17) return Math.round(value / 1000);
	return Math.round(value / 1e6);
}

export function rfc3339(ms: number): string {
	return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/**
 * The request is handled in full (an event is stored), then the connection is reset instead of
 * answering: the client cannot tell whether the server acted, as after a proxy timeout.
 */
function loseAnswer(exchange: SandboxExchange): void {
	exchange.sendBody = () => {
		exchange.record.status = 0;
		exchange.request.socket.destroy();
	};
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type ApiFault =
	| { kind: 'rateLimit'; remaining: number; resetSeconds: number }
	| { kind: 'serverErrors'; remaining: number; status: number }
	| { kind: 'resetAfterProcessing'; remaining: number };

export class DatadogModule implements SandboxModule, DatadogSandbox {
	readonly name = 'datadog';
	readonly apiKey: string;
	readonly applicationKey: string;
	readonly faults: DatadogFaults;
	private readonly initialRateLimit: DatadogRateLimit;
	private readonly maxListLimit: number;
	private rateLimit: DatadogRateLimit;
	private store: Record<DoraKind, Map<string, DoraEventRecord>> = {
		failure: new Map(),
		deployment: new Map(),
	};
	private apiFaults: ApiFault[] = [];
	private delayedSends = 0;
	private window = { startedAt: 0, used: 0 };
	private counters: DatadogStats = { requests: {}, rateLimited: 0, created: 0, updated: 0 };
	private idCounter = 0;
	private serverBaseUrl = '';

	constructor(
		private readonly seedValue: number,
		options: DatadogSeedOptions = {},
	) {
		const digest = createHash('sha256').update(`datadog:${seedValue}`).digest('hex');
		this.apiKey = options.apiKey ?? `dd-api-${digest.slice(0, 32)}`;
		this.applicationKey = options.applicationKey ?? `dd-app-${digest.slice(32, 64)}`;
		this.initialRateLimit = checkedRateLimit(options.rateLimit ?? DEFAULT_RATE_LIMIT);
		this.rateLimit = this.initialRateLimit;
		this.maxListLimit = options.maxListLimit ?? 1000;
		this.faults = {
			rateLimit: (count, resetSeconds = 1) =>
				this.apiFaults.push({ kind: 'rateLimit', remaining: count, resetSeconds }),
			acceptDelayed: (count) => {
				this.delayedSends += count;
			},
			serverErrors: (count, status = 503) =>
				this.apiFaults.push({ kind: 'serverErrors', remaining: count, status }),
			resetAfterProcessing: (count) =>
				this.apiFaults.push({ kind: 'resetAfterProcessing', remaining: count }),
			reset: () => {
				this.apiFaults = [];
				this.delayedSends = 0;
			},
		};
	}

	attach(baseUrl: string): void {
		this.serverBaseUrl = baseUrl;
	}

	get baseUrl(): string {
		return `${this.serverBaseUrl}${DATADOG_PREFIX}`;
	}

	classify(path: string): 'api' | null {
		return path === DATADOG_PREFIX || path.startsWith(`${DATADOG_PREFIX}/`) ? 'api' : null;
	}

	// ---- public, in-process API ----

	events(kind: DoraKind): DoraEventRecord[] {
		return [...this.store[kind].values()].map((record) => structuredClone(record));
	}

	event(kind: DoraKind, id: string): DoraEventRecord | undefined {
		const record = this.store[kind].get(id);
		return record ? structuredClone(record) : undefined;
	}

	count(kind: DoraKind): number {
		return this.store[kind].size;
	}

	seed(kind: DoraKind, events: SeedEventInput[]): string[] {
		return events.map((input) => {
			const { id, started_at: started, finished_at: finished, ...attributes } = input;
			const startedAtMs = typeof started === 'number' ? started : Date.parse(started);
			const finishedAtMs =
				finished === undefined
					? undefined
					: typeof finished === 'number'
						? finished
						: Date.parse(finished);
			if (!Number.isFinite(startedAtMs))
				throw new ControlInputError(`started_at ${String(started)} is not a time`);
			return this.upsert(kind, id, startedAtMs, finishedAtMs, attributes);
		});
	}

	setRateLimit(rateLimit: DatadogRateLimit): void {
		this.rateLimit = checkedRateLimit(rateLimit);
		this.window = { startedAt: 0, used: 0 };
	}

	stats(): DatadogStats {
		return structuredClone(this.counters);
	}

	reset(): void {
		this.store = { failure: new Map(), deployment: new Map() };
		this.faults.reset();
		this.rateLimit = this.initialRateLimit;
		this.window = { startedAt: 0, used: 0 };
		this.counters = { requests: {}, rateLimited: 0, created: 0, updated: 0 };
		this.idCounter = 0;
	}

	// ---- HTTP ----

	async handle(exchange: SandboxExchange): Promise<void> {
		const path = exchange.path.slice(DATADOG_PREFIX.length);
		const rateHeaders = this.countRequest();
		try {
			const fault = this.takeFault();
			if (fault?.kind === 'rateLimit') {
				this.counters.rateLimited++;
				exchange.sendJson(
					429,
					{ errors: ['Too many requests'] },
					{
						...rateHeaders,
						'X-RateLimit-Remaining': '0',
						'X-RateLimit-Reset': String(fault.resetSeconds),
					},
				);
				return;
			}
			if (fault?.kind === 'serverErrors')
				throw new ApiError(fault.status, { errors: ['Internal Server Error'] });
			if (fault?.kind === 'resetAfterProcessing') loseAnswer(exchange);
			if (Number(rateHeaders['X-RateLimit-Remaining']) < 0) {
				this.counters.rateLimited++;
				exchange.sendJson(
					429,
					{ errors: ['Too many requests'] },
					{ ...rateHeaders, 'X-RateLimit-Remaining': '0' },
				);
				return;
			}
			await this.route(exchange, path, rateHeaders);
		} catch (error) {
			if (error instanceof ApiError) {
				exchange.sendBody(
					error.status,
					'application/vnd.api+json',
					JSON.stringify(error.body),
					rateHeaders,
				);
				return;
			}
			if (error instanceof SyntaxError) {
				exchange.sendBody(
					400,
					'application/vnd.api+json',
					JSON.stringify({
						errors: [{ status: '400', title: 'Bad Request', detail: 'invalid JSON body' }],
					}),
					rateHeaders,
				);
				return;
			}
			// Anything else is a bug in this module: a 500 that shows up in the log, never a hang.
			const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
			process.stderr.write(
				`sandbox: datadog internal error on ${exchange.method} ${exchange.path}: ${message}\n`,
			);
			exchange.sendJson(500, { error: 'sandbox internal error', message: String(error) });
		}
	}

	private async route(
		exchange: SandboxExchange,
		path: string,
		headers: HeaderValues,
	): Promise<void> {
		const method = exchange.method;
		const send = (status: number, body: unknown) =>
			body === undefined
				? exchange.sendBody(status, 'application/vnd.api+json', '', headers)
				: exchange.sendBody(status, 'application/vnd.api+json', JSON.stringify(body), headers);

		if (path === '/api/v1/validate' && method === 'GET') {
			this.tally('validate');
			this.requireApiKey(exchange);
			send(200, { valid: true });
			return;
		}
		let match = /^\/api\/v2\/dora\/(failure|incident|deployment)$/.exec(path);
		if (match && method === 'POST') {
			this.tally('send');
			this.requireApiKey(exchange);
			const kind: DoraKind = match[1] === 'deployment' ? 'deployment' : 'failure';
			const id = this.acceptSend(kind, await exchange.readJson());
			if (this.delayedSends > 0) {
				this.delayedSends--;
				send(202, { data: { id, type: TYPES[kind] } });
			} else {
				send(200, { data: { id, type: TYPES[kind] } });
			}
			return;
		}
		match = /^\/api\/v2\/dora\/(failures|deployments)$/.exec(path);
		if (match && method === 'POST') {
			this.tally('list');
			this.requireBothKeys(exchange);
			send(200, {
				data: this.list(
					match[1] === 'failures' ? 'failure' : 'deployment',
					await exchange.readJson(),
				),
			});
			return;
		}
		match = /^\/api\/v2\/dora\/(failures|deployments)\/([^/]+)$/.exec(path);
		if (match && (method === 'GET' || method === 'PATCH')) {
			const kind: DoraKind = match[1] === 'failures' ? 'failure' : 'deployment';
			const id = decodeURIComponent(match[2]);
			this.requireBothKeys(exchange);
			if (method === 'GET') {
				this.tally('get');
				send(200, { data: this.present(this.found(kind, id)) });
				return;
			}
			if (kind !== 'deployment') throw new ApiError(405, { errors: ['Method Not Allowed'] });
			this.tally('patch');
			this.patch(this.found(kind, id), await exchange.readJson());
			send(202, { data: null });
			return;
		}
		match = /^\/api\/v2\/dora\/(failure|deployment)\/([^/]+)$/.exec(path);
		if (match && method === 'DELETE') {
			this.tally('delete');
			this.requireBothKeys(exchange);
			const kind = match[1] as DoraKind;
			const record = this.found(kind, decodeURIComponent(match[2]));
			this.store[kind].delete(record.id);
			send(202, undefined);
			return;
		}
		throw new ApiError(404, {
			errors: [{ status: '404', title: 'Not Found', detail: `no route ${method} ${path}` }],
		});
	}

	private tally(route: string): void {
		this.counters.requests[route] = (this.counters.requests[route] ?? 0) + 1;
	}

	/** Counts the request in the current fixed window; Remaining below 0 means over the limit. */
	private countRequest(): HeaderValues {
		const now = Date.now();
		const periodMs = this.rateLimit.periodSeconds * 1000;
		if (this.window.startedAt === 0 || now - this.window.startedAt >= periodMs)
			this.window = { startedAt: now, used: 0 };
		this.window.used++;
		const resetSeconds = Math.max(1, Math.ceil((this.window.startedAt + periodMs - now) / 1000));
		return {
			'X-RateLimit-Limit': String(this.rateLimit.limit),
			'X-RateLimit-Period': String(this.rateLimit.periodSeconds),
			'X-RateLimit-Remaining': String(this.rateLimit.limit - this.window.used),
			'X-RateLimit-Reset': String(resetSeconds),
			'X-RateLimit-Name': 'dora_metrics',
		};
	}

	private takeFault(): ApiFault | undefined {
		const fault = this.apiFaults[0];
		if (!fault) return undefined;
		fault.remaining--;
		if (fault.remaining <= 0) this.apiFaults.shift();
		return fault;
	}

	private requireApiKey(exchange: SandboxExchange): void {
		if (exchange.header('dd-api-key') !== this.apiKey)
			throw new ApiError(403, { errors: ['Forbidden'] });
	}

	private requireBothKeys(exchange: SandboxExchange): void {
		this.requireApiKey(exchange);
		if (exchange.header('dd-application-key') !== this.applicationKey)
			throw new ApiError(403, { errors: ['Forbidden'] });
	}

	private found(kind: DoraKind, id: string): DoraEventRecord {
		const record = this.store[kind].get(id);
		if (!record)
			throw new ApiError(404, {
				errors: [{ status: '404', title: 'Not Found', detail: `${TYPES[kind]} ${id} not found` }],
			});
		return record;
	}

	private acceptSend(kind: DoraKind, body: unknown): string {
		const attributes =
			isRecord(body) && isRecord(body.data) && isRecord(body.data.attributes)
				? body.data.attributes
				: undefined;
		if (!attributes) throw badRequest('Missing required attribute in body: data.attributes');
		const { id, started_at: started, finished_at: finished, ...rest } = attributes;
		if (typeof started !== 'number' || !Number.isInteger(started))
			throw badRequest('started_at is required and must be a Unix integer');
		if (finished !== undefined && (typeof finished !== 'number' || !Number.isInteger(finished)))
			throw badRequest('finished_at must be a Unix integer');
		if (kind === 'deployment' && finished === undefined)
			throw badRequest('finished_at is required');
		const startedAtMs = unixToMs(started);
		const finishedAtMs = finished === undefined ? undefined : unixToMs(finished);
		if (finishedAtMs !== undefined && finishedAtMs < startedAtMs)
			throw badRequest('finished_at must not be before started_at');
		if (id !== undefined && (typeof id !== 'string' || !EVENT_ID.test(id)))
			throw badRequest('id must be 16-128 characters of [A-Za-z0-9-_.:]');
		if (kind === 'failure') {
			const services = rest.services;
			const hasServices =
				Array.isArray(services) &&
				services.length > 0 &&
				services.every((service) => typeof service === 'string' && service !== '');
			if (services !== undefined && !hasServices)
				throw badRequest('services must be a non-empty list of names');
			if (!hasServices && (typeof rest.team !== 'string' || rest.team === ''))
				throw badRequest('services or team is required');
		} else if (typeof rest.service !== 'string' || rest.service === '') {
			throw badRequest('service is required');
		}
		if (rest.custom_tags !== undefined) {
			const tags = rest.custom_tags;
			if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string' || !TAG.test(tag)))
				throw badRequest('custom_tags must follow the key:value pattern');
			if (tags.length > 100) throw badRequest('at most 100 custom_tags are allowed');
		}
		if (rest.git !== undefined) {
			const git = rest.git;
			if (
				!isRecord(git) ||
				typeof git.commit_sha !== 'string' ||
				typeof git.repository_url !== 'string'
			) {
				throw badRequest('git needs commit_sha and repository_url');
			}
		}
		return this.upsert(kind, id as string | undefined, startedAtMs, finishedAtMs, rest);
	}

	private upsert(
		kind: DoraKind,
		id: string | undefined,
		startedAtMs: number,
		finishedAtMs: number | undefined,
		attributes: Record<string, unknown>,
	): string {
		const eventId = id ?? this.newId();
		const existing = this.store[kind].get(eventId);
		if (existing) {
			this.counters.updated++;
			// Re-inserted at the end: a write moves the event to the end of the tie order, like a new row.
			this.store[kind].delete(eventId);
		} else {
			this.counters.created++;
		}
		this.store[kind].set(eventId, {
			id: eventId,
			kind,
			startedAtMs,
			finishedAtMs,
			attributes: structuredClone(attributes),
			writes: (existing?.writes ?? 0) + 1,
			changeFailure: existing?.changeFailure,
			remediation: existing?.remediation,
		});
		return eventId;
	}

	private newId(): string {
		this.idCounter++;
		return createHash('sha256')
			.update(`${this.seedValue}:${this.idCounter}`)
			.digest('hex')
			.slice(0, 16);
	}

	private list(kind: DoraKind, body: unknown): unknown[] {
		const data = isRecord(body) && isRecord(body.data) ? body.data : {};
		const type = typeof data.type === 'string' ? data.type : '';
		if (type !== LIST_TYPES[kind])
			throw badRequest(`got type "${type}" expected one of "${LIST_TYPES[kind]}"`);
		const attributes = isRecord(data.attributes) ? data.attributes : {};
		const to = attributes.to === undefined ? Date.now() : Date.parse(String(attributes.to));
		const from =
			attributes.from === undefined
				? to - 7 * 24 * 3600 * 1000
				: Date.parse(String(attributes.from));
		if (!Number.isFinite(from) || !Number.isFinite(to))
			throw badRequest('from and to must be RFC 3339 date-times');
		const limit = attributes.limit === undefined ? 10 : Number(attributes.limit);
		if (!Number.isInteger(limit) || limit < 1 || limit > this.maxListLimit)
			throw badRequest(`limit must be an integer between 1 and ${this.maxListLimit}`);
		const sort = attributes.sort === undefined ? '-started_at' : String(attributes.sort);
		if (sort !== 'started_at' && sort !== '-started_at')
			throw badRequest(`sort must be started_at or -started_at, got "${sort}"`);
		const terms = String(attributes.query ?? '')
			.split(/\s+/)
			.filter((term) => term !== '')
			.map((term) => {
				const colon = term.indexOf(':');
				if (colon <= 0) throw badRequest(`query term "${term}" is not key:value`);
				return { key: term.slice(0, colon), value: term.slice(colon + 1), raw: term };
			});
		// Insertion order is the tie-breaker; a stable sort keeps it within one started_at.
		const matching = [...this.store[kind].values()].filter(
			(record) =>
				record.startedAtMs >= from &&
				record.startedAtMs < to &&
				terms.every((term) => matches(record, term)),
		);
		matching.sort((a, b) =>
			sort === 'started_at' ? a.startedAtMs - b.startedAtMs : b.startedAtMs - a.startedAtMs,
		);
		return matching.slice(0, limit).map((record) => this.present(record));
	}

	private present(record: DoraEventRecord): unknown {
		const attributes: Record<string, unknown> = {
			...structuredClone(record.attributes),
			started_at: rfc3339(record.startedAtMs),
		};
		if (record.finishedAtMs !== undefined) attributes.finished_at = rfc3339(record.finishedAtMs);
		if (record.changeFailure !== undefined) attributes.change_failure = record.changeFailure;
		if (record.remediation) attributes.remediation = { ...record.remediation };
		return { id: record.id, type: TYPES[record.kind], attributes };
	}

	private patch(record: DoraEventRecord, body: unknown): void {
		const data = isRecord(body) && isRecord(body.data) ? body.data : {};
		if (data.type !== 'dora_deployment_patch_request')
			throw badRequest(
				`got type "${String(data.type ?? '')}" expected one of "dora_deployment_patch_request"`,
			);
		if (data.id !== record.id) throw badRequest('data.id must match the deployment id in the path');
		const attributes = isRecord(data.attributes) ? data.attributes : {};
		if (typeof attributes.change_failure !== 'boolean')
			throw badRequest('change_failure must be a boolean');
		record.changeFailure = attributes.change_failure;
		if (attributes.remediation !== undefined) {
			const remediation = attributes.remediation;
			if (
				!isRecord(remediation) ||
				typeof remediation.id !== 'string' ||
				typeof remediation.type !== 'string'
			) {
				throw badRequest('remediation needs id and type');
			}
			record.remediation = { id: remediation.id, type: remediation.type };
		}
	}

	// ---- control API: /__sandbox/datadog/... ----

	async handleControl(exchange: SandboxExchange, subPath: string): Promise<void> {
		const method = exchange.method;
		if ((subPath === '' || subPath === '/') && method === 'GET') {
			exchange.sendJson(200, {
				apiKey: this.apiKey,
				applicationKey: this.applicationKey,
				baseUrl: this.baseUrl,
				rateLimit: this.rateLimit,
				counts: { failure: this.count('failure'), deployment: this.count('deployment') },
			});
			return;
		}
		if (subPath === '/events' && method === 'GET') {
			exchange.sendJson(200, this.events(kindOf(exchange.query.kind)));
			return;
		}
		if (subPath === '/events' && method === 'POST') {
			const input = (await exchange.readJson()) as { kind?: string; events?: SeedEventInput[] };
			if (!Array.isArray(input.events)) throw new ControlInputError('events must be an array');
			exchange.sendJson(201, { ids: this.seed(kindOf(input.kind), input.events) });
			return;
		}
		if (subPath === '/stats' && method === 'GET') {
			exchange.sendJson(200, this.stats());
			return;
		}
		if (subPath === '/rate-limit' && method === 'POST') {
			const input = (await exchange.readJson()) as Partial<DatadogRateLimit>;
			this.setRateLimit({ limit: Number(input.limit), periodSeconds: Number(input.periodSeconds) });
			exchange.sendJson(200, this.rateLimit);
			return;
		}
		if (subPath === '/faults' && method === 'POST') {
			const input = (await exchange.readJson()) as {
				kind?: string;
				count?: number;
				resetSeconds?: number;
				status?: number;
			};
			const count = Number(input.count ?? 1);
			if (input.kind === 'rateLimit') this.faults.rateLimit(count, input.resetSeconds);
			else if (input.kind === 'acceptDelayed') this.faults.acceptDelayed(count);
			else if (input.kind === 'serverErrors') this.faults.serverErrors(count, input.status);
			else if (input.kind === 'resetAfterProcessing') this.faults.resetAfterProcessing(count);
			else if (input.kind === 'reset') this.faults.reset();
			else
				throw new ControlInputError(
					`unknown fault kind ${String(input.kind)}; use rateLimit, acceptDelayed, serverErrors, resetAfterProcessing or reset`,
				);
			exchange.sendJson(200, { ok: true });
			return;
		}
		if (subPath === '/reset' && method === 'POST') {
			this.reset();
			exchange.sendJson(200, { ok: true });
			return;
		}
		exchange.sendJson(404, { error: 'unknown control path', path: exchange.path });
	}
}

function kindOf(value: unknown): DoraKind {
	if (value === 'failure' || value === 'deployment') return value;
	throw new ControlInputError(`kind must be failure or deployment, got ${String(value)}`);
}

function checkedRateLimit(rateLimit: DatadogRateLimit): DatadogRateLimit {
	if (!Number.isInteger(rateLimit.limit) || rateLimit.limit < 1)
		throw new ControlInputError(`rate limit must be a positive integer, got ${rateLimit.limit}`);
	if (!Number.isInteger(rateLimit.periodSeconds) || rateLimit.periodSeconds < 1) {
		throw new ControlInputError(
			`rate limit period must be a positive integer of seconds, got ${rateLimit.periodSeconds}`,
		);
	}
	return { limit: rateLimit.limit, periodSeconds: rateLimit.periodSeconds };
}

function matches(
	record: DoraEventRecord,
	term: { key: string; value: string; raw: string },
): boolean {
	const attribute =
		term.key === 'service' && record.kind === 'failure'
			? record.attributes.services
			: record.attributes[term.key];
	if (Array.isArray(attribute)) return attribute.includes(term.value);
	if (typeof attribute === 'string') return attribute === term.value;
	const tags = record.attributes.custom_tags;
	return Array.isArray(tags) && tags.includes(term.raw);
}
