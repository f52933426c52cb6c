import { ControlInputError, type SandboxExchange, type SandboxModule } from '../server';
import {
	ALL_CATEGORIES,
	ALL_MODES,
	apiTime,
	DEFAULT_MODES,
	generateDataset,
	HIDDEN_CATEGORIES,
	type IncidentIoDataset,
	type IncidentIoSeedOptions,
	type Json,
} from './data';
import { signingSecretFor } from './webhooks';

/**
 * incident.io under `/incident-io`: the list and show endpoints of every stream the nodes read,
 * with the behaviour a client must get right — hidden-by-default categories and modes, cursor
 * pagination, day-granular date filters that refuse `gte` with `lte`, scoped keys (403 naming the
 * scope), and the two rate limits (429 + Retry-After) on windows tests can shorten.
 */

export const INCIDENT_IO_PREFIX = '/incident-io';
/** Largest page of `/v3/actions` and `/v3/follow_ups` (UNVERIFIED: assumed equal to incidents'). */
export const V3_WORK_ITEM_PAGE_SIZE = 250;

export const SCOPES = {
	viewData: 'View data, like public incidents and organisation settings',
	viewPrivate: 'View all incident data, including private incidents',
	viewCatalog: 'View catalog types and entries',
} as const;

export interface RateWindow {
	/** Requests allowed to arrive within any window. */
	limit: number;
	windowMs: number;
}

export interface IncidentIoRateLimits {
	/** `GET /v2/incidents`: 60 a minute. */
	incidentList: RateWindow;
	/** Every request of a key: 1200 a minute. */
	general: RateWindow;
}

export const DEFAULT_RATE_LIMITS: IncidentIoRateLimits = {
	incidentList: { limit: 60, windowMs: 60_000 },
	general: { limit: 1200, windowMs: 60_000 },
};

interface KeyInfo {
	scopes: string[];
}

interface ListRoute {
	key: string;
	records: () => Json[];
	pageSize?: number;
	spec: string;
	scope?: string;
	filter?: (exchange: SandboxExchange, records: Json[]) => Json[];
}

class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly type: string,
		message: string,
		readonly field?: string,
		readonly headers: Record<string, string> = {},
	) {
		super(message);
	}
}

function dayOf(value: unknown): string {
	return String(value).slice(0, 10);
}

function sameDayFilter(value: string, field: string): string {
	const day = value.trim().slice(0, 10);
	if (!/^\d{4}-\d{2}-\d{2}$/.test(day))
		throw new ApiError(422, 'validation_error', `${field} must be a date like 2024-05-01`, field);
	return day;
}

export class IncidentIoModule implements SandboxModule {
	readonly name = 'incident-io';
	readonly prefix = INCIDENT_IO_PREFIX;
	readonly apiKey: string;
	/** Lacks the catalog scope. */
	readonly noCatalogKey: string;
	/** Lacks the private-incident scope: private records are left out, their show answers 403. */
	readonly noPrivateKey: string;
	readonly webhookSecret: string;
	data: IncidentIoDataset;
	rateLimits: IncidentIoRateLimits = structuredClone(DEFAULT_RATE_LIMITS);
	/** 429s answered so far (by the limits or by forced faults). */
	rateLimited = 0;
	private readonly keys = new Map<string, KeyInfo>();
	private readonly arrivals = new Map<string, { general: number[]; incidentList: number[] }>();
	private forced429 = 0;
	private forcedRetryAfter = 1;
	private baseUrl = '';
	/** Off: `/v3/actions` and `/v3/follow_ups` answer 404, as an account or API without them would. */
	v3WorkItemsAvailable = true;
	/**
	 * Fault: the last page of every list hands out a cursor again instead of leaving `after` out
	 * (the cursor the first page gave, or the first record's id for a one-page list), so a client
	 * that follows cursors blindly reads A, B, A, B for ever.
	 */
	circularCursors = false;

	constructor(
		private readonly seed: number,
		private readonly options: IncidentIoSeedOptions = {},
	) {
		this.data = generateDataset(seed, options);
		this.apiKey = `inc_sandbox_full_${seed}_a7f3c2d1e9b8`;
		this.noCatalogKey = `inc_sandbox_nocat_${seed}_5e2b7a9c1d`;
		this.noPrivateKey = `inc_sandbox_public_${seed}_8c4d2e6f1a`;
		this.webhookSecret = signingSecretFor(seed);
		this.keys.set(this.apiKey, { scopes: Object.values(SCOPES) });
		this.keys.set(this.noCatalogKey, { scopes: [SCOPES.viewData, SCOPES.viewPrivate] });
		this.keys.set(this.noPrivateKey, { scopes: [SCOPES.viewData, SCOPES.viewCatalog] });
	}

	attach(baseUrl: string): void {
		this.baseUrl = baseUrl;
	}

	/** The base URL a credential uses. */
	get apiBaseUrl(): string {
		return `${this.baseUrl}${INCIDENT_IO_PREFIX}`;
	}

	reset(): void {
		this.data = generateDataset(this.seed, this.options);
		this.rateLimits = structuredClone(DEFAULT_RATE_LIMITS);
		this.arrivals.clear();
		this.forced429 = 0;
		this.rateLimited = 0;
		this.v3WorkItemsAvailable = true;
		this.circularCursors = false;
	}

	setRateLimits(limits: Partial<IncidentIoRateLimits>): void {
		this.rateLimits = { ...this.rateLimits, ...limits };
		this.arrivals.clear();
	}

	/** The next `count` API requests answer 429 with `Retry-After: retryAfterSeconds`. */
	forceRateLimit(count: number, retryAfterSeconds = 1): void {
		this.forced429 = count;
		this.forcedRetryAfter = retryAfterSeconds;
	}

	/** Marks records changed now (updated_at = the real current time); returns their ids. */
	touch(input: { incidents?: number; actions?: number; followUps?: number; offset?: number }): {
		incidents: string[];
		actions: string[];
		followUps: string[];
	} {
		const stamp = apiTime(Date.now(), true);
		const pick = (records: Json[], count = 0) => {
			const chosen: string[] = [];
			const step = count > 0 ? Math.max(1, Math.floor(records.length / count)) : 1;
			for (
				let index = input.offset ?? 0;
				chosen.length < count && index < records.length;
				index += step
			) {
				records[index].updated_at = stamp;
				chosen.push(String(records[index].id));
			}
			return chosen;
		};
		return {
			incidents: pick(this.data.incidents, input.incidents),
			actions: pick(this.data.actions, input.actions),
			followUps: pick(this.data.followUps, input.followUps),
		};
	}

	/** Incidents the API returns for a key with every scope when asked for all categories and modes. */
	visibleIncidents(scopes: string[] = Object.values(SCOPES)): Json[] {
		return this.data.incidents.filter(
			(incident) => incident.visibility === 'public' || scopes.includes(SCOPES.viewPrivate),
		);
	}

	classify(path: string): 'api' | null {
		return path === INCIDENT_IO_PREFIX || path.startsWith(`${INCIDENT_IO_PREFIX}/`) ? 'api' : null;
	}

	handle(exchange: SandboxExchange): void {
		const requestId = `req_${exchange.record.at.toString(36)}`;
		try {
			this.route(exchange);
		} catch (error) {
			if (!(error instanceof ApiError)) {
				// A sandbox bug: visible as a 500 and in the log, never as a hanging request.
				process.stderr.write(
					`incident.io sandbox: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
				);
				exchange.sendJson(500, {
					type: 'internal_error',
					status: 500,
					request_id: requestId,
					errors: [{ code: 'internal_error', message: String(error) }],
				});
				return;
			}
			exchange.sendJson(
				error.status,
				{
					type: error.type,
					status: error.status,
					request_id: requestId,
					...(error.status === 429
						? {
								rate_limit: {
									name: 'api',
									limit: this.rateLimits.general.limit,
									remaining: 0,
									retry_after: error.headers['Retry-After'],
								},
							}
						: {}),
					errors: [
						{
							code: error.type,
							message: error.message,
							...(error.field ? { source: { field: error.field } } : {}),
						},
					],
				},
				error.headers,
			);
		}
	}

	private route(exchange: SandboxExchange): void {
		const path = exchange.path.slice(INCIDENT_IO_PREFIX.length);
		const auth = /^Bearer\s+(.+)$/i.exec(exchange.header('authorization') ?? '')?.[1]?.trim();
		const key = auth ? this.keys.get(auth) : undefined;
		// An unknown key is quoted back as some APIs do, so tests can check it never reaches a message.
		if (!key)
			throw new ApiError(
				401,
				'authentication_error',
				auth ? `The API key ${auth} is not valid` : 'The API key is missing',
			);
		this.enforceRateLimits(auth as string, exchange.method === 'GET' && path === '/v2/incidents');
		if (exchange.method !== 'GET')
			throw new ApiError(
				405,
				'method_not_allowed',
				`${exchange.method} is not supported by this sandbox`,
			);
		const requireScope = (scope: string) => {
			if (!key.scopes.includes(scope))
				throw new ApiError(
					403,
					'missing_scope',
					`This API key is missing the required scope "${scope}". Add it in Settings → API keys.`,
				);
		};
		requireScope(SCOPES.viewData);
		if (path === '/v1/identity') {
			exchange.sendJson(200, {
				identity: {
					name: 'Sandbox key',
					dashboard_url: 'https://app.incident.io/sandbox',
					roles: ['viewer', 'incident_creator'],
					team_roles: [],
					teams: [],
				},
			});
			return;
		}
		const canSeePrivate = key.scopes.includes(SCOPES.viewPrivate);
		const privateIncidentIds = new Set(
			this.data.incidents
				.filter((incident) => incident.visibility === 'private')
				.map((incident) => String(incident.id)),
		);
		const visible = (record: Json) =>
			canSeePrivate ||
			!privateIncidentIds.has(
				String(record.incident_id ?? (record.visibility === 'private' ? record.id : '')),
			);
		const routes: Record<string, ListRoute> = {
			'/v2/incidents': {
				key: 'incidents',
				records: () => this.data.incidents,
				pageSize: 250,
				spec: 'incident',
				filter: (ex, records) => this.filterIncidents(ex, records),
			},
			'/v2/actions': {
				key: 'actions',
				records: () => this.data.actions,
				spec: 'action',
				filter: (ex, records) => this.filterByMode(ex, records),
			},
			'/v2/follow_ups': {
				key: 'follow_ups',
				records: () => this.data.followUps,
				spec: 'follow_up',
				filter: (ex, records) => this.filterByMode(ex, records),
			},
			// UNVERIFIED (vendor notes): the v3 lists are not in the published spec. Assumed: v2 fields,
			// `{actions|follow_ups, pagination_meta:{after?, page_size}}`, at most 250 a page.
			'/v3/actions': {
				key: 'actions',
				records: () => this.data.actions,
				pageSize: V3_WORK_ITEM_PAGE_SIZE,
				spec: 'action',
				filter: (ex, records) => this.filterChangedByMode(ex, records),
			},
			'/v3/follow_ups': {
				key: 'follow_ups',
				records: () => this.data.followUps,
				pageSize: V3_WORK_ITEM_PAGE_SIZE,
				spec: 'follow_up',
				filter: (ex, records) => this.filterChangedByMode(ex, records),
			},
			'/v2/incident_updates': {
				key: 'incident_updates',
				records: () => this.data.incidentUpdates,
				pageSize: 250,
				spec: 'incident_update',
				filter: (ex, records) => this.filterIncidentId(ex, records),
			},
			'/v2/custom_fields': {
				key: 'custom_fields',
				records: () => this.data.customFields,
				spec: 'custom_field',
			},
			'/v1/custom_field_options': {
				key: 'custom_field_options',
				records: () => this.data.customFieldOptions,
				pageSize: 250,
				spec: 'custom_field_option',
				filter: (ex, records) => this.filterRequired(ex, records, 'custom_field_id'),
			},
			'/v2/incident_roles': {
				key: 'incident_roles',
				records: () => this.data.roles,
				spec: 'incident_role',
			},
			'/v1/incident_statuses': {
				key: 'incident_statuses',
				records: () => this.data.statuses,
				spec: 'incident_status',
			},
			'/v2/incident_timestamps': {
				key: 'incident_timestamps',
				records: () => this.data.timestamps,
				spec: 'incident_timestamp',
			},
			'/v1/incident_types': {
				key: 'incident_types',
				records: () => this.data.types,
				spec: 'incident_type',
			},
			'/v1/severities': {
				key: 'severities',
				records: () => this.data.severities,
				spec: 'severity',
			},
			'/v2/users': {
				key: 'users',
				records: () => this.data.users,
				pageSize: 250,
				spec: 'user',
				filter: (ex, records) => this.filterUsers(ex, records),
			},
			'/v3/catalog_types': {
				key: 'catalog_types',
				records: () => this.data.catalogTypes,
				spec: 'catalog_type',
				scope: SCOPES.viewCatalog,
			},
			'/v3/catalog_entries': {
				key: 'catalog_entries',
				records: () => this.data.catalogEntries,
				pageSize: 250,
				spec: 'catalog_entry',
				scope: SCOPES.viewCatalog,
				filter: (ex, records) => this.filterCatalogEntries(ex, records),
			},
		};
		if (!this.v3WorkItemsAvailable && /^\/v3\/(actions|follow_ups)(\/|$)/.test(path)) {
			throw new ApiError(404, 'not_found', `No route ${exchange.method} ${path}`);
		}
		const list = routes[path];
		if (list) {
			if (list.scope) requireScope(list.scope);
			let records = list.records().filter(visible);
			if (list.filter) records = list.filter(exchange, records);
			const extra =
				path === '/v3/catalog_entries' ? { catalog_type: this.data.catalogTypes[0] } : {};
			if (list.pageSize === undefined) {
				exchange.sendJson(200, { [list.key]: records });
				return;
			}
			this.sendPage(
				exchange,
				list.key,
				records,
				list.pageSize,
				path === '/v2/incidents' || path === '/v3/catalog_entries',
				extra,
			);
			return;
		}
		const show = /^(\/v\d\/[a-z_]+)\/([^/]+)$/.exec(path);
		const listRoute = show ? routes[show[1]] : undefined;
		if (show && listRoute && !['/v2/incident_updates'].includes(show[1])) {
			if (listRoute.scope) requireScope(listRoute.scope);
			const id = decodeURIComponent(show[2]);
			const record = listRoute.records().find((candidate) => candidate.id === id);
			if (!record)
				throw new ApiError(
					404,
					'not_found',
					`No ${listRoute.spec.replace(/_/g, ' ')} with id ${id}`,
				);
			if (!visible(record)) requireScope(SCOPES.viewPrivate);
			const singular = listRoute.spec;
			exchange.sendJson(200, {
				[singular]: record,
				...(show[1] === '/v3/catalog_entries' ? { catalog_type: this.data.catalogTypes[0] } : {}),
			});
			return;
		}
		throw new ApiError(404, 'not_found', `No route ${exchange.method} ${path}`);
	}

	private enforceRateLimits(key: string, isIncidentList: boolean): void {
		if (this.forced429 > 0) {
			this.forced429--;
			this.rateLimited++;
			throw new ApiError(429, 'too_many_requests', 'Rate limit exceeded', undefined, {
				'Retry-After': String(this.forcedRetryAfter),
			});
		}
		const now = Date.now();
		let windows = this.arrivals.get(key);
		if (!windows) {
			windows = { general: [], incidentList: [] };
			this.arrivals.set(key, windows);
		}
		const check = (arrivals: number[], window: RateWindow) => {
			while (arrivals.length > 0 && arrivals[0] + window.windowMs <= now) arrivals.shift();
			if (arrivals.length >= window.limit) {
				const retryAfter = Math.max(1, Math.ceil((arrivals[0] + window.windowMs - now) / 1000));
				this.rateLimited++;
				throw new ApiError(429, 'too_many_requests', 'Rate limit exceeded', undefined, {
					'Retry-After': String(retryAfter),
				});
			}
		};
		check(windows.general, this.rateLimits.general);
		if (isIncidentList) check(windows.incidentList, this.rateLimits.incidentList);
		// A refused request is not counted, so a client that honours Retry-After gets through.
		windows.general.push(now);
		if (isIncidentList) windows.incidentList.push(now);
	}

	private sendPage(
		exchange: SandboxExchange,
		key: string,
		records: Json[],
		maxPageSize: number,
		withTotal: boolean,
		extra: Json,
	): void {
		const raw = exchange.query.page_size;
		const pageSize = raw === undefined || raw === '' ? 25 : Number(raw);
		if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > maxPageSize) {
			throw new ApiError(
				422,
				'validation_error',
				`page_size must be between 1 and ${maxPageSize}`,
				'page_size',
			);
		}
		let start = 0;
		const after = exchange.query.after;
		if (after) {
			const index = records.findIndex((record) => record.id === after);
			if (index < 0)
				throw new ApiError(
					422,
					'validation_error',
					'after must be the id of a record of this list',
					'after',
				);
			start = index + 1;
		}
		const page = records.slice(start, start + pageSize);
		const more = start + pageSize < records.length;
		// Under the fault: the cursor page 1 handed out (a list of several pages), else the first record's id.
		const firstCursor = records.length > pageSize ? records[pageSize - 1].id : records[0]?.id;
		const circularAfter =
			!more && this.circularCursors && records.length >= 2 ? String(firstCursor) : undefined;
		exchange.sendJson(200, {
			[key]: page,
			...extra,
			pagination_meta: {
				page_size: pageSize,
				...(more && page.length > 0 ? { after: String(page[page.length - 1].id) } : {}),
				...(circularAfter !== undefined ? { after: circularAfter } : {}),
				...(withTotal ? { total_record_count: records.length } : {}),
			},
		});
	}

	private oneOf(
		exchange: SandboxExchange,
		name: string,
		allowed?: readonly string[],
	): string[] | undefined {
		const values = exchange.searchParams
			.getAll(`${name}[one_of]`)
			.flatMap((value) => value.split(','))
			.filter(Boolean);
		if (values.length === 0) return undefined;
		if (allowed) {
			for (const value of values) {
				if (!allowed.includes(value))
					throw new ApiError(
						422,
						'validation_error',
						`${name} has an unknown value "${value}"; allowed: ${allowed.join(', ')}`,
						name,
					);
			}
		}
		return values;
	}

	/** Day-granular, both ends inclusive; `gte` with `lte` is refused as the API refuses it. */
	private dateFilter(
		exchange: SandboxExchange,
		name: string,
	): ((value: unknown) => boolean) | undefined {
		const gte = exchange.searchParams.get(`${name}[gte]`);
		const lte = exchange.searchParams.get(`${name}[lte]`);
		const range = exchange.searchParams.get(`${name}[date_range]`);
		if (gte !== null && lte !== null) {
			throw new ApiError(
				422,
				'validation_error',
				`${name}: use one date_range instead of gte together with lte`,
				name,
			);
		}
		// UNVERIFIED: what the API does with a repeated date_range. Refused here, so a client that
		// sends more than one per request fails its tests instead of relying on either one winning.
		if (exchange.searchParams.getAll(`${name}[date_range]`).length > 1) {
			throw new ApiError(422, 'validation_error', `${name}: send one date_range per request`, name);
		}
		if (range !== null) {
			const [from, to] = range.split('~');
			if (from === undefined || to === undefined)
				throw new ApiError(422, 'validation_error', `${name}[date_range] must be FROM~TO`, name);
			const fromDay = sameDayFilter(from, name);
			const toDay = sameDayFilter(to, name);
			return (value) => dayOf(value) >= fromDay && dayOf(value) <= toDay;
		}
		if (gte !== null) {
			const day = sameDayFilter(gte, name);
			return (value) => dayOf(value) >= day;
		}
		if (lte !== null) {
			const day = sameDayFilter(lte, name);
			return (value) => dayOf(value) <= day;
		}
		return undefined;
	}

	private filterIncidents(exchange: SandboxExchange, records: Json[]): Json[] {
		const categories =
			this.oneOf(exchange, 'status_category', ALL_CATEGORIES) ??
			ALL_CATEGORIES.filter((category) => !HIDDEN_CATEGORIES.includes(category));
		const modes = this.oneOf(exchange, 'mode', ALL_MODES) ?? DEFAULT_MODES;
		const statuses = this.oneOf(exchange, 'status');
		const severities = this.oneOf(exchange, 'severity');
		const types = this.oneOf(exchange, 'incident_type');
		const updated = this.dateFilter(exchange, 'updated_at');
		const created = this.dateFilter(exchange, 'created_at');
		const sortBy = exchange.query.sort_by ?? 'created_at_newest_first';
		if (!['created_at_newest_first', 'created_at_oldest_first'].includes(sortBy)) {
			throw new ApiError(
				422,
				'validation_error',
				`sort_by has an unknown value "${sortBy}"`,
				'sort_by',
			);
		}
		const result = records.filter((incident) => {
			const status = incident.incident_status as Json;
			if (!categories.includes(String(status.category))) return false;
			if (!modes.includes(String(incident.mode))) return false;
			if (statuses && !statuses.includes(String(status.id))) return false;
			if (severities && !severities.includes(String((incident.severity as Json | undefined)?.id)))
				return false;
			if (types && !types.includes(String((incident.incident_type as Json | undefined)?.id)))
				return false;
			if (updated && !updated(incident.updated_at)) return false;
			if (created && !created(incident.created_at)) return false;
			return true;
		});
		// Generated in creation order; newest first is the API's default.
		return sortBy === 'created_at_oldest_first' ? result : [...result].reverse();
	}

	private filterByMode(exchange: SandboxExchange, records: Json[]): Json[] {
		const mode = exchange.query.incident_mode;
		if (mode !== undefined && !(ALL_MODES as readonly string[]).includes(mode)) {
			throw new ApiError(
				422,
				'validation_error',
				`incident_mode has an unknown value "${mode}"`,
				'incident_mode',
			);
		}
		const modes = mode ? [mode] : DEFAULT_MODES;
		const modeOf = new Map(
			this.data.incidents.map((incident) => [String(incident.id), String(incident.mode)]),
		);
		return this.filterIncidentId(exchange, records).filter((record) =>
			modes.includes(modeOf.get(String(record.incident_id)) ?? ''),
		);
	}

	/** The v3 lists: one mode per request like v2, plus the day-granular `updated_at` filters. */
	private filterChangedByMode(exchange: SandboxExchange, records: Json[]): Json[] {
		const updated = this.dateFilter(exchange, 'updated_at');
		const byMode = this.filterByMode(exchange, records);
		return updated ? byMode.filter((record) => updated(record.updated_at)) : byMode;
	}

	private filterIncidentId(exchange: SandboxExchange, records: Json[]): Json[] {
		const incidentId = exchange.query.incident_id;
		return incidentId ? records.filter((record) => record.incident_id === incidentId) : records;
	}

	private filterRequired(exchange: SandboxExchange, records: Json[], field: string): Json[] {
		const value = exchange.query[field];
		if (!value) throw new ApiError(422, 'validation_error', `${field} is required`, field);
		return records.filter((record) => record[field] === value);
	}

	private filterUsers(exchange: SandboxExchange, records: Json[]): Json[] {
		// UNVERIFIED (vendor notes): inactive users are assumed hidden unless include_inactive=true.
		const includeInactive = exchange.query.include_inactive === 'true';
		return records.filter(
			(user) =>
				(includeInactive || user.is_active) &&
				(!exchange.query.email || user.email === exchange.query.email) &&
				(!exchange.query.slack_user_id || user.slack_user_id === exchange.query.slack_user_id),
		);
	}

	private filterCatalogEntries(exchange: SandboxExchange, records: Json[]): Json[] {
		if (!exchange.query.page_size)
			throw new ApiError(422, 'validation_error', 'page_size is required', 'page_size');
		const identifier = exchange.query.identifier;
		return this.filterRequired(exchange, records, 'catalog_type_id').filter(
			(entry) =>
				!identifier ||
				entry.external_id === identifier ||
				(entry.aliases as string[]).includes(identifier) ||
				entry.name === identifier,
		);
	}

	async handleControl(exchange: SandboxExchange, subPath: string): Promise<void> {
		const method = exchange.method;
		if ((subPath === '' || subPath === '/') && method === 'GET') {
			exchange.sendJson(200, {
				apiBaseUrl: this.apiBaseUrl,
				apiKey: this.apiKey,
				noCatalogKey: this.noCatalogKey,
				noPrivateKey: this.noPrivateKey,
				webhookSecret: this.webhookSecret,
				rateLimits: this.rateLimits,
				rateLimited: this.rateLimited,
				counts: {
					incidents: this.data.incidents.length,
					actions: this.data.actions.length,
					followUps: this.data.followUps.length,
				},
			});
			return;
		}
		if (subPath === '/rate-limits' && method === 'POST') {
			const input = (await exchange.readJson()) as Partial<IncidentIoRateLimits>;
			for (const name of ['incidentList', 'general'] as const) {
				const window = input[name];
				if (window === undefined) continue;
				if (
					!Number.isInteger(window.limit) ||
					window.limit < 1 ||
					!Number.isFinite(window.windowMs) ||
					window.windowMs <= 0
				) {
					throw new ControlInputError(
						`${name} needs {limit: positive integer, windowMs: positive number}`,
					);
				}
			}
			this.setRateLimits(input);
			exchange.sendJson(200, { rateLimits: this.rateLimits });
			return;
		}
		if (subPath === '/touch' && method === 'POST') {
			const input = (await exchange.readJson()) as {
				incidents?: number;
				actions?: number;
				followUps?: number;
				offset?: number;
			};
			exchange.sendJson(200, this.touch(input));
			return;
		}
		if (subPath === '/faults' && method === 'POST') {
			const input = (await exchange.readJson()) as {
				kind?: string;
				count?: number;
				retryAfterSeconds?: number;
			};
			if (input.kind === 'circularCursors') {
				this.circularCursors = true;
				exchange.sendJson(200, { ok: true });
				return;
			}
			if (!Number.isInteger(input.count) || Number(input.count) < 0)
				throw new ControlInputError('count must be a non-negative integer');
			this.forceRateLimit(Number(input.count), input.retryAfterSeconds ?? 1);
			exchange.sendJson(200, { ok: true });
			return;
		}
		if (subPath === '/v3-work-items' && method === 'POST') {
			const input = (await exchange.readJson()) as { available?: unknown };
			if (typeof input.available !== 'boolean')
				throw new ControlInputError('available must be true or false');
			this.v3WorkItemsAvailable = input.available;
			exchange.sendJson(200, { available: this.v3WorkItemsAvailable });
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
