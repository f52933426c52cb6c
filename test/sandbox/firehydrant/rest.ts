import { randomUUID } from 'node:crypto';

import type { SandboxExchange } from '../server';
import { iso, type GeneratedAccount, type SourceTable } from './data';
import type { ShortSource } from './sources';

/**
 * FireHydrant's REST API as the incident-data client sees it, derived from the SAME account history
 * the nightly exports are cut from, so that rows built from REST answers can equal export rows.
 *
 * Behaviour chosen where the vendor leaves it open (tests rely on these):
 * - The REST view shows every record as it stood at `asOf` (default: the end of the last export
 *   window, so REST and exports show the same versions); versions at or after `asOf` are not
 *   served. Live edits made through the control API (`editIncident`) happen at the real clock.
 * - An incident's "updated" moment (what `updated_after` / `updated_before` compare, strictly) is
 *   its newest visible version, or its newest live edit. Incidents carry no `updated_at` field.
 * - Lists are newest `created_at` first; `per_page` is clamped to 200, default 20.
 * - `GET /v1/incidents/{id}/role_assignments` lists active AND inactive assignments, not paginated
 *   beyond one page (the spec gives it no page parameters).
 * - Impacts come embedded in the incident (`impacts[]`, with condition); `/impact/{type}` lists
 *   the impacted infrastructure without condition, as the spec's IncidentImpactEntity has none.
 * - `/v1/post_mortems/reports?updated_since=` is strictly newer than, on the report's updated_at.
 * - Webhooks: `POST /v1/webhooks {url, secret?, subscriptions?}`. UNVERIFIED: the spec's create
 *   body has only `url`; the sandbox also takes the signing `secret` (else it mints one and returns
 *   it once, in the create answer). Deliveries are signed `fh-signature: hex(HMAC-SHA256(secret, raw body))`.
 * - The account-wide rate limit (off by default) counts every accepted `/v1/` request in a sliding
 *   window; over it, 429 `{"error":"rate limit exceeded"}` with `Retry-After` (seconds) and
 *   `RateLimit-Limit`. Rejected requests are not counted.
 */

export interface RestRateLimitOptions {
	/** Requests accepted per window; default 50. */
	limit?: number;
	/** Window length in ms; default 10 000. */
	windowMs?: number;
}

export interface WebhookRecord {
	id: string;
	url: string;
	state: 'active' | 'inactive';
	subscriptions: string;
	secret: string;
	createdAt: number;
	updatedAt: number;
}

export interface DeliveryInput {
	/** Default 'incidents'. */
	resourceType?: string;
	/** Default 'updated'. */
	operation?: string;
	incidentId: string;
	/** Send this signature instead of the right one (a tampered or forged delivery). */
	signature?: string | null;
	/** Change the body after signing it (tampering in transit). */
	tamper?: boolean;
	/** Only to this webhook; default every active one. */
	webhookId?: string;
}

export interface DeliveryResult {
	webhookId: string;
	url: string;
	status: number;
	body: string;
	rawBody: string;
	signature: string | null;
}

type Cells = Record<string, string>;

interface LiveEdit {
	at: number;
	name?: string;
	severity?: string;
}

export class RestError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly code: string,
	) {
		super(message);
	}
}

/**
 * Export columns and the milestone slugs the REST API gives the same moments. The export's
 * `retrospective_*` columns are the API's `postmortem_*` milestones (FireHydrant's Terraform guide
 * labels `postmortem_completed` "Retrospective Completed").
 */
const MILESTONE_COLUMNS = [
	['detected_at', 'detected'],
	['acknowledged_at', 'acknowledged'],
	['investigating_at', 'investigating'],
	['identified_at', 'identified'],
	['mitigated_at', 'mitigated'],
	['resolved_at', 'resolved'],
	['retrospective_started_at', 'postmortem_started'],
	['retrospective_completed_at', 'postmortem_completed'],
] as const;

const DEFAULT_PER_PAGE = 20;
const MAX_PER_PAGE = 200;

export class FireHydrantRest {
	asOf: number;
	private rate: { enabled: boolean; limit: number; windowMs: number } = {
		enabled: false,
		limit: 50,
		windowMs: 10_000,
	};
	private accepted: number[] = [];
	private readonly edits = new Map<string, LiveEdit>();
	/** Incidents that are still listed but whose detail and sub-resources answer 404. */
	private readonly vanished = new Set<string>();
	private readonly denied: RegExp[] = [];
	readonly webhooks = new Map<string, WebhookRecord>();
	private index: RestIndex | undefined;
	rejectedByRateLimit = 0;
	/** Fault: every list's last page says `next: 1`, so page numbers go round for ever. */
	circularPagination = false;
	/** Fault: every REST list page carries each record twice, as overlapping page reads would. */
	duplicateListEntries = false;
	/** Every request that reached the API (FireHydrant paths, exports included), for benchmarks. */
	apiRequests = 0;

	constructor(private readonly account: GeneratedAccount) {
		this.asOf = defaultAsOf(account);
	}

	reset(): void {
		this.asOf = defaultAsOf(this.account);
		this.rate = { enabled: false, limit: 50, windowMs: 10_000 };
		this.accepted = [];
		this.edits.clear();
		this.vanished.clear();
		this.denied.length = 0;
		this.webhooks.clear();
		this.index = undefined;
		this.rejectedByRateLimit = 0;
		this.circularPagination = false;
		this.duplicateListEntries = false;
		this.apiRequests = 0;
	}

	setAsOf(ms: number): void {
		if (!Number.isFinite(ms)) throw new Error('asOf must be a finite epoch ms');
		this.asOf = ms;
		this.index = undefined;
	}

	/** Switches the account-wide limit on (with options) or off. */
	setRateLimit(enabled: boolean, options: RestRateLimitOptions = {}): void {
		const limit = options.limit ?? 50;
		const windowMs = options.windowMs ?? 10_000;
		if (!Number.isInteger(limit) || limit < 1)
			throw new Error(`rate limit must be a positive integer, got ${limit}`);
		if (!(windowMs > 0)) throw new Error(`rate limit window must be positive ms, got ${windowMs}`);
		this.rate = { enabled, limit, windowMs };
		this.accepted = [];
	}

	/** A live change of an incident at the real clock: `updated_after` sees it from now on. */
	editIncident(id: string, change: { name?: string; severity?: string } = {}): void {
		this.incidentOrThrow(id, false);
		const previous = this.edits.get(id);
		this.edits.set(id, { ...previous, ...change, at: Date.now() });
	}

	/** The incident stays in lists already fetched but is gone for every later call (404). */
	vanishIncident(id: string): void {
		this.incidentOrThrow(id, false);
		this.vanished.add(id);
	}

	/** Requests whose path matches answer 403 (a token without that permission). */
	deny(pattern: string): void {
		this.denied.push(new RegExp(pattern));
	}

	/** Ids of the incidents the REST view shows, newest first. */
	incidentIds(): string[] {
		return this.view().incidents.map((cells) => cells.id);
	}

	/** The moment `updated_after` compares for an incident. */
	incidentUpdatedAt(id: string): number {
		const view = this.view();
		const position = view.incidentPosition.get(id);
		if (position === undefined) throw new Error(`unknown incident id: ${id}`);
		return Math.max(view.incidentVersion[position], this.edits.get(id)?.at ?? -Infinity);
	}

	// ---- HTTP -------------------------------------------------------------------------------

	static serves(path: string): boolean {
		return (
			path === '/v1/incidents' ||
			path.startsWith('/v1/incidents/') ||
			path === '/v1/post_mortems/reports' ||
			path === '/v1/webhooks' ||
			path.startsWith('/v1/webhooks/')
		);
	}

	/** Applies the account-wide limit; true when it answered 429. */
	rateLimited(exchange: SandboxExchange): boolean {
		this.apiRequests++;
		if (!this.rate.enabled) return false;
		const now = Date.now();
		while (this.accepted.length > 0 && this.accepted[0] + this.rate.windowMs <= now)
			this.accepted.shift();
		if (this.accepted.length >= this.rate.limit) {
			const waitMs = this.accepted[0] + this.rate.windowMs - now;
			this.rejectedByRateLimit++;
			exchange.sendJson(
				429,
				{ error: 'rate limit exceeded' },
				{
					'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))),
					'RateLimit-Limit': String(this.rate.limit),
					'RateLimit-Remaining': '0',
				},
			);
			return true;
		}
		this.accepted.push(now);
		return false;
	}

	async serve(
		exchange: SandboxExchange,
		actor: { id: string; name: string; email: string },
	): Promise<void> {
		const { path, method } = exchange;
		if (this.denied.some((pattern) => pattern.test(path))) {
			throw new RestError(403, 'You do not have permission to perform this action.', 'forbidden');
		}
		if (path === '/v1/webhooks' || path.startsWith('/v1/webhooks/')) {
			await this.serveWebhooks(exchange, actor);
			return;
		}
		if (method !== 'GET')
			throw new RestError(405, `405 Not Allowed: ${method} ${path}`, 'method_not_allowed');
		if (path === '/v1/incidents') {
			this.listIncidents(exchange);
			return;
		}
		if (path === '/v1/post_mortems/reports') {
			this.listReports(exchange);
			return;
		}
		const match =
			/^\/v1\/incidents\/([^/]+)(?:\/(role_assignments|events|impact\/(?:services|functionalities|environments|customers)))?$/.exec(
				path,
			);
		if (!match) throw new RestError(404, `Not Found: ${path}`, 'not_found');
		const id = decodeURIComponent(match[1]);
		const position = this.incidentOrThrow(id, true);
		const view = this.view();
		const sub = match[2];
		if (sub === undefined) {
			exchange.sendJson(200, this.incidentJson(position));
			return;
		}
		if (sub === 'role_assignments') {
			const status = exchange.searchParams.get('status');
			const all = (view.children.incident_role_assignment.get(id) ?? []).map((cells) =>
				roleAssignmentJson(cells),
			);
			const data = status ? all.filter((assignment) => assignment.status === status) : all;
			exchange.sendJson(200, {
				data: this.twiceIfFaulty(data),
				pagination: pagination(
					data.length,
					1,
					data.length || 1,
					data.length,
					this.circularPagination,
				),
			});
			return;
		}
		if (sub === 'events') {
			const events = view.children.incident_event.get(id) ?? [];
			const typesRaw = exchange.searchParams.get('types');
			const types = typesRaw ? new Set(typesRaw.split(',')) : undefined;
			const selected = types ? events.filter((cells) => types.has(cells.type)) : events;
			this.sendPage(exchange, selected, (cells) => eventJson(cells));
			return;
		}
		const type = sub.slice('impact/'.length);
		const singular =
			type === 'services'
				? 'service'
				: type === 'functionalities'
					? 'functionality'
					: type === 'environments'
						? 'environment'
						: 'customer';
		const impacts = (view.children.incident_impact.get(id) ?? []).filter(
			(cells) => cells.impacted_type === singular,
		);
		this.sendPage(exchange, impacts, (cells) => ({
			id: cells.id,
			type: singular,
			infrastructure: { id: cells.impacted_id, name: cells.impacted_slug },
		}));
	}

	private listIncidents(exchange: SandboxExchange): void {
		const params = exchange.searchParams;
		const view = this.view();
		const instant = (name: string): number | undefined => {
			const raw = params.get(name);
			if (raw === null || raw === '') return undefined;
			const value = parseRestTimestamp(raw);
			if (Number.isNaN(value))
				throw new RestError(400, `${name} is invalid: ${raw}`, 'invalid_parameter');
			return value;
		};
		const updatedAfter = instant('updated_after');
		const updatedBefore = instant('updated_before');
		const createdAfter = instant('created_at_or_after');
		const list = (name: string) => {
			const raw = params.get(name);
			return raw
				? new Set(
						raw
							.split(',')
							.map((value) => value.trim())
							.filter(Boolean),
					)
				: undefined;
		};
		const severities = list('severities');
		const services = list('services');
		const teams = list('teams');
		const status = params.get('status');
		const archived = params.get('archived');
		const matching = view.incidents.filter((cells) => {
			const updated = this.incidentUpdatedAt(cells.id);
			if (updatedAfter !== undefined && !(updated > updatedAfter)) return false;
			if (updatedBefore !== undefined && !(updated < updatedBefore)) return false;
			if (createdAfter !== undefined && Date.parse(cells.created_at) < createdAfter) return false;
			if (severities && !severities.has(this.severityOf(cells))) return false;
			if (
				services &&
				!(view.children.incident_impact.get(cells.id) ?? []).some((impact) =>
					services.has(impact.impacted_id),
				)
			)
				return false;
			// The generated history assigns no teams to incidents: a team filter matches none.
			if (teams) return false;
			if (status === 'open' && cells.resolved_at !== '') return false;
			if (status === 'closed' && cells.resolved_at === '') return false;
			// Nothing in the generated history is archived.
			if (archived === 'true') return false;
			return true;
		});
		this.sendPage(exchange, matching, (cells) =>
			this.incidentJson(view.incidentPosition.get(cells.id) as number),
		);
	}

	private listReports(exchange: SandboxExchange): void {
		const params = exchange.searchParams;
		const raw = params.get('updated_since');
		let since = -Infinity;
		if (raw !== null && raw !== '') {
			since = parseRestTimestamp(raw);
			if (Number.isNaN(since))
				throw new RestError(400, `updated_since is invalid: ${raw}`, 'invalid_parameter');
		}
		const incidentId = params.get('incident_id');
		const reports = this.view().retrospectives.filter(
			(cells) =>
				Date.parse(cells.updated_at) > since && (!incidentId || cells.incident_id === incidentId),
		);
		this.sendPage(exchange, reports, (cells) => retrospectiveJson(cells));
	}

	private sendPage<T>(exchange: SandboxExchange, all: T[], render: (value: T) => unknown): void {
		const perPage = Math.min(
			MAX_PER_PAGE,
			positiveIntegerOr(exchange.searchParams.get('per_page'), DEFAULT_PER_PAGE),
		);
		const page = positiveIntegerOr(exchange.searchParams.get('page'), 1);
		const onPage = all.slice((page - 1) * perPage, page * perPage);
		exchange.sendJson(200, {
			data: this.twiceIfFaulty(onPage.map(render)),
			pagination: pagination(all.length, page, perPage, onPage.length, this.circularPagination),
		});
	}

	/** Under the duplicateListEntries fault every record of a list page comes twice. */
	private twiceIfFaulty<T>(data: T[]): T[] {
		return this.duplicateListEntries ? data.flatMap((record) => [record, record]) : data;
	}

	private async serveWebhooks(
		exchange: SandboxExchange,
		actor: { id: string; name: string; email: string },
	): Promise<void> {
		const { method, path } = exchange;
		if (actor.id !== this.account.botActor.id) {
			throw new RestError(
				403,
				'You do not have permission to manage webhooks; the Owner role is required.',
				'forbidden',
			);
		}
		if (path === '/v1/webhooks') {
			if (method === 'GET') {
				const all = [...this.webhooks.values()];
				this.sendPage(exchange, all, (webhook) => webhookJson(webhook, actor));
				return;
			}
			if (method === 'POST') {
				const input = await readJsonObject(exchange);
				const url = typeof input.url === 'string' ? input.url : '';
				if (!/^https?:\/\//.test(url))
					throw new RestError(400, 'url is invalid', 'invalid_parameter');
				const minted =
					typeof input.secret === 'string' && input.secret !== ''
						? undefined
						: randomUUID().replace(/-/g, '');
				const now = Date.now();
				const webhook: WebhookRecord = {
					id: randomUUID(),
					url,
					state: input.state === 'inactive' ? 'inactive' : 'active',
					subscriptions:
						typeof input.subscriptions === 'string' ? input.subscriptions : 'incidents',
					secret: minted ?? String(input.secret),
					createdAt: now,
					updatedAt: now,
				};
				this.webhooks.set(webhook.id, webhook);
				exchange.sendJson(201, {
					...webhookJson(webhook, actor),
					...(minted ? { secret: minted } : {}),
				});
				return;
			}
			throw new RestError(405, `405 Not Allowed: ${method} ${path}`, 'method_not_allowed');
		}
		const id = decodeURIComponent(path.slice('/v1/webhooks/'.length));
		const webhook = this.webhooks.get(id);
		if (!webhook) throw new RestError(404, `Couldn't find Webhook with 'id'=${id}`, 'not_found');
		if (method === 'GET') {
			exchange.sendJson(200, webhookJson(webhook, actor));
			return;
		}
		if (method === 'DELETE') {
			this.webhooks.delete(id);
			exchange.begin(204, {});
			exchange.response.end();
			return;
		}
		if (method === 'PATCH') {
			const input = await readJsonObject(exchange);
			if (typeof input.url === 'string') webhook.url = input.url;
			if (input.state === 'active' || input.state === 'inactive') webhook.state = input.state;
			webhook.updatedAt = Date.now();
			exchange.sendJson(200, webhookJson(webhook, actor));
			return;
		}
		throw new RestError(405, `405 Not Allowed: ${method} ${path}`, 'method_not_allowed');
	}

	// ---- webhook sender ---------------------------------------------------------------------

	/** The JSON FireHydrant posts for an incident event, with Rails-style timestamps. */
	deliveryBody(input: DeliveryInput): string {
		const position = this.incidentOrThrow(input.incidentId, false);
		const incident = this.incidentJson(position);
		const railsTime = (value: unknown) =>
			typeof value === 'string' && value ? railsTimestamp(value) : value;
		const payload = {
			data: {
				incident: {
					...incident,
					created_at: railsTime(incident.created_at),
					started_at: railsTime(incident.started_at),
				},
			},
			event: {
				operation: input.operation ?? 'updated',
				resource_type: input.resourceType ?? 'incidents',
			},
		};
		return JSON.stringify(payload);
	}

	// ---- the view ---------------------------------------------------------------------------

	private view(): RestIndex {
		this.index ??= buildIndex(this.account, this.asOf);
		return this.index;
	}

	private incidentOrThrow(id: string, honourVanished: boolean): number {
		const position = this.view().incidentPosition.get(id);
		if (position === undefined || (honourVanished && this.vanished.has(id))) {
			throw new RestError(404, `Couldn't find Incident with 'id'=${id}`, 'not_found');
		}
		return position;
	}

	private severityOf(cells: Cells): string {
		return this.edits.get(cells.id)?.severity ?? cells.severity;
	}

	private incidentJson(position: number): Record<string, unknown> {
		const view = this.view();
		const cells = view.incidents[position];
		const edit = this.edits.get(cells.id);
		const milestones = [
			{ type: 'started', at: cells.started_at },
			...MILESTONE_COLUMNS.map(([column, slug]) => ({ type: slug, at: cells[column] })),
		]
			.filter((milestone) => milestone.at !== '')
			.map((milestone) => ({
				id: `${cells.id.slice(0, 8)}-${milestone.type}`,
				type: milestone.type,
				occurred_at: milestone.at,
				created_at: milestone.at,
				updated_at: milestone.at,
			}));
		const current = milestones.reduce(
			(latest, milestone) =>
				Date.parse(milestone.occurred_at) >= Date.parse(latest.occurred_at) ? milestone : latest,
			milestones[0],
		);
		const impacts = (view.children.incident_impact.get(cells.id) ?? []).map((impact) => ({
			id: impact.id,
			type: impact.impacted_type,
			impact: { id: impact.impacted_id, name: impact.impacted_slug },
			condition: {
				id: `condition-${impact.condition_name.toLowerCase()}`,
				name: impact.condition_name,
				position: 0,
			},
		}));
		const assignments = (view.children.incident_role_assignment.get(cells.id) ?? []).filter(
			(assignment) => assignment.status === 'active',
		);
		return {
			id: cells.id,
			name: edit?.name ?? cells.name,
			number: Number(cells.number),
			created_at: cells.opened_at,
			started_at: cells.started_at,
			// The spec declares no field nullable: absent values are left out (nothing is archived here).
			current_milestone: current?.type ?? 'started',
			...(cells.priority === '' ? {} : { priority: cells.priority }),
			severity: edit?.severity ?? cells.severity,
			tag_list: [],
			organization_id: cells.organization_id,
			organization: { id: cells.organization_id, name: this.account.organizationName },
			milestones,
			active: cells.resolved_at === '',
			labels: {},
			role_assignments: assignments.map((assignment) => roleAssignmentJson(assignment)),
			impacts,
			services: impacts
				.filter((impact) => impact.type === 'service')
				.map((impact) => impact.impact),
			functionalities: impacts
				.filter((impact) => impact.type === 'functionality')
				.map((impact) => impact.impact),
			environments: [],
			team_assignments: [],
			created_by: {
				id: `author-${cells.started_by.length}`,
				name: cells.started_by,
				source: 'firehydrant_user',
			},
			incident_url: `https://app.firehydrant.io/incidents/${cells.id}`,
		};
	}
}

interface RestIndex {
	incidents: Cells[];
	incidentPosition: Map<string, number>;
	/** Newest visible version per incident, by position. */
	incidentVersion: number[];
	children: Record<Exclude<ShortSource, 'incident' | 'retrospective'>, Map<string, Cells[]>>;
	retrospectives: Cells[];
}

function defaultAsOf(account: GeneratedAccount): number {
	const last = account.exports[account.exports.length - 1];
	return last ? last.windowEndsAt : account.now;
}

/** Each record of a table at its newest version before `asOf`, as column → cell text. */
function visibleRows(table: SourceTable, asOf: number): Array<{ cells: Cells; version: number }> {
	const rows: Array<{ cells: Cells; version: number }> = [];
	for (let record = 0; record < table.size; record++) {
		const versions = table.versionsOf(record);
		let versionIndex = -1;
		while (versionIndex + 1 < versions.length && versions[versionIndex + 1] < asOf) versionIndex++;
		if (versionIndex < 0) continue;
		const rendered = table.render(record, versionIndex);
		const cells: Cells = {};
		table.columns.forEach((column, index) => {
			const cell = rendered[index];
			cells[column] = cell === null || cell === undefined ? '' : String(cell);
		});
		rows.push({ cells, version: versions[versionIndex] });
	}
	return rows;
}

function buildIndex(account: GeneratedAccount, asOf: number): RestIndex {
	const incidentRows = visibleRows(account.tables.incident, asOf).sort(
		(a, b) =>
			Date.parse(b.cells.created_at) - Date.parse(a.cells.created_at) ||
			a.cells.id.localeCompare(b.cells.id),
	);
	const groupByIncident = (short: ShortSource) => {
		const groups = new Map<string, Cells[]>();
		const rows = visibleRows(account.tables[short], asOf).map((row) => row.cells);
		rows.sort(
			(a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || a.id.localeCompare(b.id),
		);
		for (const cells of rows) {
			const list = groups.get(cells.incident_id) ?? [];
			list.push(cells);
			groups.set(cells.incident_id, list);
		}
		return groups;
	};
	return {
		incidents: incidentRows.map((row) => row.cells),
		incidentPosition: new Map(incidentRows.map((row, position) => [row.cells.id, position])),
		incidentVersion: incidentRows.map((row) => row.version),
		children: {
			incident_role_assignment: groupByIncident('incident_role_assignment'),
			incident_event: groupByIncident('incident_event'),
			incident_impact: groupByIncident('incident_impact'),
		},
		retrospectives: visibleRows(account.tables.retrospective, asOf)
			.map((row) => row.cells)
			.sort(
				(a, b) => Date.parse(b.updated_at) - Date.parse(a.updated_at) || a.id.localeCompare(b.id),
			),
	};
}

function roleAssignmentJson(cells: Cells) {
	return {
		id: cells.id,
		status: cells.status,
		created_at: cells.created_at,
		updated_at: cells.updated_at,
		incident_role: { id: cells.incident_role_id, name: cells.incident_role_name },
		user: { id: cells.assigned_user_id, name: cells.assigned_user_name },
	};
}

/**
 * UNVERIFIED: the REST event `type` strings. The sandbox serves the export's type names
 * (`Note`, `ImpactUpdate`…), and `data` is the export's event_details object.
 */
function eventJson(cells: Cells) {
	return {
		id: cells.id,
		incident_id: cells.incident_id,
		type: cells.type,
		data: JSON.parse(cells.event_details) as unknown,
		occurred_at: cells.created_at,
		visibility: 'private_to_org',
		author: {
			name: cells.created_by_name,
			source: cells.created_by_name === 'FireHydrant' ? 'firehydrant' : 'firehydrant_user',
		},
	};
}

/**
 * The spec declares `questions` as one QuestionEntity and `additional_details` as a list of
 * strings; the sandbox sends questions as a list (as the export's JSON cell holds them).
 */
function retrospectiveJson(cells: Cells) {
	return {
		id: cells.id,
		name: cells.name,
		summary: cells.summary,
		incident_id: cells.incident_id,
		created_at: cells.created_at,
		updated_at: cells.updated_at,
		tag_list: JSON.parse(cells.tags) as string[],
		additional_details: cells.additional_details === '' ? [] : [cells.additional_details],
		questions: JSON.parse(cells.questions) as unknown[],
	};
}

function webhookJson(webhook: WebhookRecord, actor: { id: string; name: string; email: string }) {
	return {
		id: webhook.id,
		url: webhook.url,
		state: webhook.state,
		subscriptions: webhook.subscriptions,
		created_by: { id: actor.id, name: actor.name, source: 'bot', email: actor.email },
		created_at: iso(webhook.createdAt),
		updated_at: iso(webhook.updatedAt),
	};
}

/** Pagy's envelope; `circular` is the fault where the last page points back to page 1. */
export function pagination(
	count: number,
	page: number,
	perPage: number,
	items: number,
	circular = false,
) {
	const pages = Math.max(1, Math.ceil(count / Math.max(1, perPage)));
	const next = page < pages ? page + 1 : circular ? 1 : null;
	return {
		count,
		page,
		items,
		pages,
		last: pages,
		prev: page > 1 ? Math.min(page - 1, pages) : null,
		next,
	};
}

/** `2023-07-25T13:34:49.123Z` → `2023-07-25 13:34:49 UTC`, as FireHydrant's webhook payloads write times. */
export function railsTimestamp(isoText: string): string {
	const date = new Date(isoText);
	if (Number.isNaN(date.getTime())) return isoText;
	return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function parseRestTimestamp(value: string): number {
	const trimmed = value.trim();
	if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) return Date.parse(`${trimmed}T00:00:00Z`);
	if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(trimmed)) return Number.NaN;
	const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(trimmed);
	return Date.parse(hasZone ? trimmed.replace(' ', 'T') : `${trimmed.replace(' ', 'T')}Z`);
}

function positiveIntegerOr(raw: string | null, fallback: number): number {
	if (raw === null || !/^\d+$/.test(raw)) return fallback;
	const value = Number(raw);
	return value >= 1 ? value : fallback;
}

async function readJsonObject(exchange: SandboxExchange): Promise<Record<string, unknown>> {
	const body = (await exchange.readBody(1024 * 1024)).toString('utf8');
	let parsed: unknown;
	try {
		parsed = body === '' ? {} : JSON.parse(body);
	} catch {
		parsed = undefined;
	}
	if (parsed === undefined)
		throw new RestError(400, 'The request body is not valid JSON', 'invalid_json');
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
		throw new RestError(400, 'Expected a JSON object', 'invalid_json');
	return parsed as Record<string, unknown>;
}
