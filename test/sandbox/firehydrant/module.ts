import { createHmac, timingSafeEqual } from 'node:crypto';

import { parse as parseCsv } from 'csv-parse/sync';

import { ChunkedBytes } from '../csv';
import { Random } from '../prng';
import {
	ControlInputError,
	type HeaderValues,
	type SandboxExchange,
	type SandboxModule,
} from '../server';
import {
	DAY,
	HOUR,
	MINUTE,
	generateAccount,
	iso,
	type FireHydrantSeedOptions,
	type GeneratedAccount,
	type GeneratedExport,
} from './data';
import {
	FireHydrantRest,
	RestError,
	pagination,
	type DeliveryInput,
	type DeliveryResult,
} from './rest';
import { EXPORT_STATUSES, shortSourceOf, type ExportStatus } from './sources';
import type {
	AddExportRequestInput,
	CutDownloadOptions,
	ExpectedRowsOptions,
	ExportRequestRecord,
	FireHydrantFaults,
	FireHydrantSandbox,
	FireHydrantTotals,
	RateLimitOptions,
} from './types';

/**
 * FireHydrant as the data-export client sees it: `/v1/ping`, `/v1/noauth/ping`, the export
 * request list and detail, and the signed storage urls the exports download from.
 *
 * Behaviour chosen where the vendor leaves it open (tests rely on these):
 * - Lists are ordered oldest first (created_at ascending, then insertion order).
 * - `newer_than` is strictly newer than, on the export's created_at; a value without a zone
 *   (`2023-04-01T00:00:00`, as in the vendor doc) is read as UTC, a bare date as midnight UTC.
 * - `pagination.items` is the number of records on this page (Pagy semantics); `per_page` above
 *   200 is clamped to 200, missing/invalid `page`/`per_page` fall back to 1/20.
 * - Signed urls carry `GoogleAccessId`, `Expires` (Unix seconds, rounded up) and an opaque
 *   `Signature` that also holds the exact expiry in ms, so lifetimes below a second work. An
 *   expired url answers 400 with `<Error><Code>ExpiredToken</Code><Message>Request has
 *   expired</Message>…</Error>` (what Google Cloud Storage sends for V2 signed urls); a bad
 *   signature 403 SignatureDoesNotMatch; missing parameters 403 AccessDenied; an expunged export
 *   (explicitly, or created more than 30 days before `now`) 404 NoSuchKey. Checks run in that
 *   order, like the storage host: signature first, then expiry, then the object.
 * - Downloads honour a single `Range: bytes=…` (206), as the storage host does.
 * - Exports that are not completed (pending, errored, offline) are listed with `url: null`.
 * - Under `/v1/`, a missing or unknown token answers 401 before any 404; the limited token
 *   answers 403 on the data-export paths. Errors use the spec's ErrorEntity
 *   `{detail, messages[], meta, code}` with string codes (unauthorized, forbidden, not_found …).
 */

const EXPORT_LIST_PATH = '/v1/integrations/data_export/export_requests';
const STORAGE_PREFIX = '/storage/';
const BUCKET = 'fh-data-export-production';
const GOOGLE_ACCESS_ID = 'fh-data-export@firehydrant-production.iam.gserviceaccount.com';
const EXPUNGE_AFTER_MS = 30 * DAY;
const RATE_LIMIT_PER_WINDOW = 50;
const DEFAULT_PER_PAGE = 20;
const MAX_PER_PAGE = 200;

interface ExportEntry {
	id: string;
	source: string;
	status: ExportStatus;
	createdAt: number;
	windowStartsAt: number;
	windowEndsAt: number;
	body: ChunkedBytes;
	/** Null for exports added through addExportRequest. */
	generated: GeneratedExport | null;
	/** Insertion order, the tie-breaker after createdAt. */
	sequence: number;
}

type ApiFault =
	| { kind: 'rateLimit'; remaining: number; options: Required<RateLimitOptions> }
	| { kind: 'serverErrors'; remaining: number; status: number }
	| { kind: 'resetConnection'; remaining: number };

interface CutFault {
	remaining: number;
	afterBytes: number | undefined;
}

/** Rows of one export as ground-truth candidates, parsed lazily and remembered. */
type ParsedCustomBody =
	| { rows: Array<Record<string, string>>; columns: string[] }
	| { error: string };

interface Candidate {
	updatedAt: number;
	row: () => Record<string, string>;
}

class ErrorStatus extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly code: string,
	) {
		super(message);
	}
}

export class FireHydrantModule implements SandboxModule, FireHydrantSandbox {
	readonly name = 'firehydrant';
	readonly account: GeneratedAccount;
	readonly faults: FireHydrantFaults;
	private readonly initialUrlLifetimeMs: number;
	private urlLifetimeMs: number;
	private entries: ExportEntry[] = [];
	private readonly explicitlyExpunged = new Set<string>();
	private apiFaults: ApiFault[] = [];
	private readonly cutFaults = new Map<string, CutFault>();
	private customIds: Random;
	private sequence = 0;
	private mintCounter = 0;
	private urlsBornExpired = 0;
	private readonly customParses = new WeakMap<ExportEntry, ParsedCustomBody>();
	private serverBaseUrl = '';
	/** The REST API (incidents, events, reports, webhooks) over the same history. */
	readonly rest: FireHydrantRest;

	constructor(
		private readonly seed: number,
		options: FireHydrantSeedOptions = {},
	) {
		this.account = generateAccount(seed, options);
		this.initialUrlLifetimeMs = checkedLifetime(options.urlLifetimeMs ?? 5 * MINUTE);
		this.urlLifetimeMs = this.initialUrlLifetimeMs;
		this.customIds = new Random(seed + 3);
		this.restoreGeneratedEntries();
		this.rest = new FireHydrantRest(this.account);
		this.faults = {
			rateLimit: (count, rateOptions = {}) => {
				this.queueFault({
					kind: 'rateLimit',
					remaining: checkedCount(count),
					options: {
						retryAfterSeconds: rateOptions.retryAfterSeconds ?? 1,
						header: rateOptions.header ?? 'Retry-After',
						resetAs: rateOptions.resetAs ?? 'seconds',
					},
				});
			},
			serverErrors: (count, status = 503) => {
				if (!Number.isInteger(status) || status < 500 || status > 599)
					throw new Error(`serverErrors: status must be 5xx, got ${status}`);
				this.queueFault({ kind: 'serverErrors', remaining: checkedCount(count), status });
			},
			cutDownload: (exportRequestId: string, cutOptions: CutDownloadOptions = {}) => {
				this.entryOrThrow(exportRequestId);
				const afterBytes = cutOptions.afterBytes;
				if (afterBytes !== undefined && (!Number.isInteger(afterBytes) || afterBytes < 0)) {
					throw new Error(
						`cutDownload: afterBytes must be a non-negative integer, got ${afterBytes}`,
					);
				}
				this.cutFaults.set(exportRequestId, {
					remaining: checkedCount(cutOptions.times ?? 1),
					afterBytes,
				});
			},
			circularPagination: () => {
				this.rest.circularPagination = true;
			},
			duplicateListEntries: () => {
				this.rest.duplicateListEntries = true;
			},
			resetConnections: (count) => {
				this.queueFault({ kind: 'resetConnection', remaining: checkedCount(count) });
			},
			expireNextUrls: (count) => {
				this.urlsBornExpired += checkedCount(count);
			},
			reset: () => {
				this.apiFaults = [];
				this.rest.circularPagination = false;
				this.rest.duplicateListEntries = false;
				this.cutFaults.clear();
				this.urlsBornExpired = 0;
			},
		};
	}

	/** Called by the sandbox once the server listens, so urls can point back at it. */
	attach(baseUrl: string): void {
		this.serverBaseUrl = baseUrl;
	}

	get baseUrl(): string {
		return this.serverBaseUrl;
	}

	get now(): Date {
		return new Date(this.account.now);
	}

	get apiToken(): string {
		return this.account.apiToken;
	}

	get limitedToken(): string {
		return this.account.limitedToken;
	}

	get exportRequests(): ExportRequestRecord[] {
		return this.sortedEntries().map(toRecord);
	}

	setUrlLifetime(ms: number): void {
		this.urlLifetimeMs = checkedLifetime(ms);
	}

	reset(): void {
		this.faults.reset();
		this.explicitlyExpunged.clear();
		this.urlLifetimeMs = this.initialUrlLifetimeMs;
		this.customIds = new Random(this.seed + 3);
		this.restoreGeneratedEntries();
		this.rest.reset();
	}

	rawCsv(exportRequestId: string): Buffer {
		return this.entryOrThrow(exportRequestId).body.toBuffer();
	}

	expunge(exportRequestId: string): void {
		this.entryOrThrow(exportRequestId);
		this.explicitlyExpunged.add(exportRequestId);
	}

	addExportRequest(input: AddExportRequestInput): ExportRequestRecord {
		if (typeof input.source !== 'string' || input.source === '')
			throw new Error('addExportRequest: source is required');
		const status = input.status ?? 'completed';
		if (!EXPORT_STATUSES.includes(status))
			throw new Error(`addExportRequest: unknown status ${String(status)}`);
		const newest = this.entries.reduce(
			(latest, entry) => Math.max(latest, entry.createdAt),
			-Infinity,
		);
		const createdAt = input.createdAt?.getTime() ?? Math.max(this.account.now, newest + 1000);
		const windowEndsAt = input.windowEndsAt?.getTime() ?? createdAt - 25 * MINUTE;
		const windowStartsAt = input.windowStartsAt?.getTime() ?? windowEndsAt - 30 * HOUR;
		for (const [name, value] of [
			['createdAt', createdAt],
			['windowStartsAt', windowStartsAt],
			['windowEndsAt', windowEndsAt],
		] as const) {
			if (!Number.isFinite(value)) throw new Error(`addExportRequest: ${name} is not a valid date`);
		}
		const entry: ExportEntry = {
			id: this.customIds.uuid(),
			source: input.source,
			status,
			createdAt,
			windowStartsAt,
			windowEndsAt,
			body: ChunkedBytes.of(
				typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : input.body,
			),
			generated: null,
			sequence: this.sequence++,
		};
		this.entries.push(entry);
		return toRecord(entry);
	}

	totals(): FireHydrantTotals {
		const rowsBySource: Record<string, number> = {};
		const distinctBySource: Record<string, number> = {};
		const shorts = new Set<string>();
		for (const entry of this.entries) {
			const short = shortSourceOf(entry.source);
			if (short !== null) shorts.add(short);
		}
		for (const short of shorts) {
			const selected = this.defaultEntries(short);
			let rows = 0;
			const ids = new Set<string>();
			for (const entry of selected) {
				for (const id of this.idsOf(entry)) {
					rows++;
					ids.add(id);
				}
			}
			rowsBySource[short] = rows;
			distinctBySource[short] = ids.size;
		}
		return { incidents: distinctBySource.incident ?? 0, rowsBySource, distinctBySource };
	}

	expectedRows(
		shortSource: string,
		options: ExpectedRowsOptions = {},
	): Array<Record<string, string>> {
		const short = shortSource.startsWith('text/csv+') ? shortSourceOf(shortSource) : shortSource;
		if (short === null) throw new Error(`expectedRows: not a source name: ${shortSource}`);
		let selected: ExportEntry[];
		if (options.exportRequestIds) {
			const wanted = new Set(options.exportRequestIds);
			for (const id of wanted) this.entryOrThrow(id);
			selected = this.sortedEntries().filter(
				(entry) => wanted.has(entry.id) && shortSourceOf(entry.source) === short,
			);
		} else {
			selected = this.defaultEntries(short);
		}
		// Exports in ascending order and `>=` below: on equal updated_at the later export wins.
		const winners = new Map<string, Candidate>();
		for (const entry of selected) {
			this.forEachCandidate(entry, options.exportRequestIds !== undefined, (id, candidate) => {
				const held = winners.get(id);
				if (held === undefined || candidate.updatedAt >= held.updatedAt) winners.set(id, candidate);
			});
		}
		const ids = [...winners.keys()].sort();
		return ids.map((id) => (winners.get(id) as Candidate).row());
	}

	// ---- HTTP -------------------------------------------------------------------------------

	classify(path: string): 'api' | 'download' | null {
		if (path.startsWith(STORAGE_PREFIX)) return 'download';
		if (path === '/v1' || path.startsWith('/v1/')) return 'api';
		return null;
	}

	handle(exchange: SandboxExchange): void | Promise<void> {
		if (exchange.path.startsWith(STORAGE_PREFIX)) {
			this.serveDownload(exchange);
			return;
		}
		if (this.rest.rateLimited(exchange)) return;
		const fault = this.takeApiFault();
		if (fault) {
			this.answerFault(exchange, fault);
			return;
		}
		if (FireHydrantRest.serves(exchange.path)) return this.serveRest(exchange);
		try {
			this.serveApi(exchange);
		} catch (error) {
			if (error instanceof ErrorStatus) {
				exchange.sendJson(error.status, errorBody(error.message, error.code));
			} else {
				const message = error instanceof Error ? error.message : String(error);
				exchange.sendJson(
					500,
					errorBody(`sandbox internal error: ${message}`, 'internal_server_error'),
				);
			}
		}
	}

	private async serveRest(exchange: SandboxExchange): Promise<void> {
		try {
			await this.rest.serve(exchange, this.authenticate(exchange));
		} catch (error) {
			if (error instanceof ErrorStatus || error instanceof RestError) {
				exchange.sendJson(error.status, errorBody(error.message, error.code));
			} else {
				const message = error instanceof Error ? error.message : String(error);
				exchange.sendJson(
					500,
					errorBody(`sandbox internal error: ${message}`, 'internal_server_error'),
				);
			}
		}
	}

	/**
	 * Posts a signed webhook delivery to every active webhook (or one), as FireHydrant does:
	 * `fh-signature` is the hex HMAC-SHA256 of the raw body with the webhook's secret.
	 */
	async deliverWebhook(input: DeliveryInput): Promise<DeliveryResult[]> {
		const targets = [...this.rest.webhooks.values()].filter((webhook) =>
			input.webhookId ? webhook.id === input.webhookId : webhook.state === 'active',
		);
		if (input.webhookId && targets.length === 0)
			throw new Error(`unknown webhook id: ${input.webhookId}`);
		const results: DeliveryResult[] = [];
		for (const webhook of targets) {
			const signedBody = this.rest.deliveryBody(input);
			const signature =
				input.signature === undefined
					? createHmac('sha256', webhook.secret).update(signedBody).digest('hex')
					: input.signature;
			const rawBody = input.tamper
				? signedBody.replace('"operation":"', '"operation":"x')
				: signedBody;
			const headers: Record<string, string> = {
				'Content-Type': 'application/json',
				'User-Agent': 'FireHydrant-Webhooks',
			};
			if (signature !== null) headers['fh-signature'] = signature;
			const response = await fetch(webhook.url, { method: 'POST', headers, body: rawBody });
			results.push({
				webhookId: webhook.id,
				url: webhook.url,
				status: response.status,
				body: await response.text(),
				rawBody,
				signature,
			});
		}
		return results;
	}

	private serveApi(exchange: SandboxExchange): void {
		const { path } = exchange;
		if (path === '/v1/noauth/ping') {
			requireGet(exchange);
			exchange.sendJson(200, { response: 'pong' });
			return;
		}
		const actor = this.authenticate(exchange);
		if (path === '/v1/ping') {
			requireGet(exchange);
			exchange.sendJson(200, {
				response: 'pong',
				actor: {
					id: actor.id,
					name: actor.name,
					email: actor.email,
					type: 'firehydrant_bot',
				},
				organization: { name: this.account.organizationName, id: this.account.organizationId },
			});
			return;
		}
		if (path === EXPORT_LIST_PATH || path.startsWith(`${EXPORT_LIST_PATH}/`)) {
			if (actor.id !== this.account.botActor.id) {
				throw new ErrorStatus(
					403,
					'You do not have permission to manage integrations; the Owner role is required.',
					'forbidden',
				);
			}
			requireGet(exchange);
			if (path === EXPORT_LIST_PATH || path === `${EXPORT_LIST_PATH}/`) {
				this.listExports(exchange);
				return;
			}
			const id = decodeURIComponent(path.slice(EXPORT_LIST_PATH.length + 1));
			const entry = this.entries.find((candidate) => candidate.id === id);
			if (!entry)
				throw new ErrorStatus(404, `Couldn't find ExportRequest with 'id'=${id}`, 'not_found');
			exchange.sendJson(200, this.exportJson(entry));
			return;
		}
		throw new ErrorStatus(404, `Not Found: ${path}`, 'not_found');
	}

	private authenticate(exchange: SandboxExchange): GeneratedAccount['botActor'] {
		const header = exchange.header('authorization');
		if (header === undefined || header.trim() === '') {
			throw new ErrorStatus(
				401,
				'Unauthorized: no API token given in the Authorization header',
				'unauthorized',
			);
		}
		const token = header.trim().replace(/^Bearer\s+/i, '');
		if (token === this.account.apiToken) return this.account.botActor;
		if (token === this.account.limitedToken) return this.account.limitedActor;
		// Quoted back as some APIs do, so tests can check that the token sent never reaches a message.
		throw new ErrorStatus(401, `Unauthorized: the API token ${token} is not valid`, 'unauthorized');
	}

	private listExports(exchange: SandboxExchange): void {
		const params = exchange.searchParams;
		let newerThan = -Infinity;
		const newerThanRaw = params.get('newer_than');
		if (newerThanRaw !== null && newerThanRaw !== '') {
			newerThan = parseTimestamp(newerThanRaw);
			if (Number.isNaN(newerThan))
				throw new ErrorStatus(400, `newer_than is invalid: ${newerThanRaw}`, 'invalid_parameter');
		}
		const status = params.get('status');
		if (
			status !== null &&
			status !== '' &&
			!(EXPORT_STATUSES as readonly string[]).includes(status)
		) {
			throw new ErrorStatus(
				400,
				`status does not have a valid value: ${status}`,
				'invalid_parameter',
			);
		}
		const perPage = Math.min(
			MAX_PER_PAGE,
			positiveIntegerOr(params.get('per_page'), DEFAULT_PER_PAGE),
		);
		const page = positiveIntegerOr(params.get('page'), 1);
		const matching = this.sortedEntries().filter(
			(entry) =>
				entry.createdAt > newerThan &&
				(status === null || status === '' || entry.status === status),
		);
		const onPage = matching.slice((page - 1) * perPage, page * perPage);
		exchange.sendJson(200, {
			data: onPage.map((entry) => this.exportJson(entry)),
			pagination: pagination(
				matching.length,
				page,
				perPage,
				onPage.length,
				this.rest.circularPagination,
			),
		});
	}

	/** Field order as in the vendor doc's example; every read mints a fresh url. */
	private exportJson(entry: ExportEntry): Record<string, string | null> {
		return {
			id: entry.id,
			created_at: iso(entry.createdAt),
			window_starts_at: iso(entry.windowStartsAt),
			window_ends_at: iso(entry.windowEndsAt),
			source: entry.source,
			status: entry.status,
			url: entry.status === 'completed' ? this.mintUrl(entry) : null,
		};
	}

	private objectPath(entry: ExportEntry): string {
		const short = shortSourceOf(entry.source) ?? 'export';
		const day = iso(entry.createdAt).slice(0, 10).replace(/-/g, '');
		return `${STORAGE_PREFIX}${BUCKET}/${this.account.accountId}/${entry.id}/${short}-${day}.csv`;
	}

	private mintUrl(entry: ExportEntry): string {
		const path = this.objectPath(entry);
		let expiresAtMs = Date.now() + this.urlLifetimeMs;
		if (this.urlsBornExpired > 0) {
			this.urlsBornExpired--;
			expiresAtMs = Date.now() - 1000;
		}
		const expiresSeconds = Math.ceil(expiresAtMs / 1000);
		const nonce = ++this.mintCounter;
		const mac = this.mac(path, String(expiresSeconds), expiresAtMs, nonce);
		const signature = Buffer.from(`${expiresAtMs}.${nonce}.${mac}`, 'utf8').toString('base64');
		const query = `GoogleAccessId=${encodeURIComponent(GOOGLE_ACCESS_ID)}&Expires=${expiresSeconds}&Signature=${encodeURIComponent(signature)}`;
		return `${this.serverBaseUrl}${path}?${query}`;
	}

	private mac(path: string, expiresSeconds: string, expiresAtMs: number, nonce: number): string {
		return createHmac('sha256', this.account.signingSecret)
			.update(`GET\n${path}\n${expiresSeconds}\n${expiresAtMs}\n${nonce}`)
			.digest('base64');
	}

	private serveDownload(exchange: SandboxExchange): void {
		const params = exchange.searchParams;
		const accessId = params.get('GoogleAccessId');
		const expires = params.get('Expires');
		const signature = params.get('Signature');
		if (accessId === null || expires === null || signature === null) {
			sendStorageError(
				exchange,
				403,
				'AccessDenied',
				'Access denied.',
				'Anonymous caller does not have storage.objects.get access to the Google Cloud Storage object.',
			);
			return;
		}
		const [expiresAtText, nonceText, mac] = Buffer.from(signature, 'base64')
			.toString('utf8')
			.split('.');
		const expiresAtMs = Number(expiresAtText);
		const nonce = Number(nonceText);
		const expectedMac =
			mac !== undefined && Number.isFinite(expiresAtMs) && Number.isInteger(nonce)
				? this.mac(exchange.path, expires, expiresAtMs, nonce)
				: '';
		if (
			accessId !== GOOGLE_ACCESS_ID ||
			!sameText(mac ?? '', expectedMac) ||
			(exchange.method !== 'GET' && exchange.method !== 'HEAD')
		) {
			sendStorageError(
				exchange,
				403,
				'SignatureDoesNotMatch',
				'The request signature we calculated does not match the signature you provided. Check your Google secret key and signing method.',
			);
			return;
		}
		// `>=`: a lifetime of 0 ms yields urls that are expired on arrival, deterministically.
		if (Date.now() >= expiresAtMs) {
			sendStorageError(
				exchange,
				400,
				'ExpiredToken',
				'Request has expired',
				`Expiration time: ${new Date(expiresAtMs).toUTCString()}`,
			);
			return;
		}
		const entry = this.entries.find((candidate) => this.objectPath(candidate) === exchange.path);
		if (!entry || this.isExpunged(entry)) {
			sendStorageError(exchange, 404, 'NoSuchKey', 'The specified key does not exist.');
			return;
		}
		this.sendObject(exchange, entry);
	}

	private sendObject(exchange: SandboxExchange, entry: ExportEntry): void {
		const body = entry.body;
		let start = 0;
		let end = body.length; // exclusive
		let status = 200;
		const headers: HeaderValues = {
			'Content-Type': 'text/csv',
			'Accept-Ranges': 'bytes',
			'Last-Modified': new Date(entry.createdAt).toUTCString(),
			'Cache-Control': 'private, max-age=0',
		};
		const range = exchange.header('range');
		if (range !== undefined) {
			const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
			const first = match?.[1] ? Number(match[1]) : undefined;
			const last = match?.[2] ? Number(match[2]) : undefined;
			if (
				match &&
				first !== undefined &&
				first < body.length &&
				(last === undefined || last >= first)
			) {
				start = first;
				end = last === undefined ? body.length : Math.min(body.length, last + 1);
			} else if (match && first === undefined && last !== undefined && last > 0) {
				start = Math.max(0, body.length - last);
			} else {
				exchange.begin(416, { 'Content-Range': `bytes */${body.length}`, 'Content-Length': 0 });
				exchange.response.end();
				return;
			}
			status = 206;
			headers['Content-Range'] = `bytes ${start}-${end - 1}/${body.length}`;
		}
		headers['Content-Length'] = end - start;
		const cut = this.cutFaults.get(entry.id);
		if (cut && exchange.method === 'GET') {
			cut.remaining--;
			if (cut.remaining <= 0) this.cutFaults.delete(entry.id);
			const sent = Math.min(end - start, cut.afterBytes ?? Math.floor((end - start) / 2));
			exchange.begin(status, headers);
			// Headers promised the full length; the socket dies after `sent` bytes, so the client
			// sees a premature close rather than a short but complete body.
			for (const view of body.range(start, start + sent)) exchange.response.write(view);
			exchange.response.write(Buffer.alloc(0), () => exchange.response.socket?.destroy());
			return;
		}
		exchange.begin(status, headers);
		if (exchange.method !== 'HEAD') {
			// Views share memory with the stored body: nothing is copied per request.
			for (const view of body.range(start, end)) exchange.response.write(view);
		}
		exchange.response.end();
	}

	private takeApiFault(): ApiFault | undefined {
		const head = this.apiFaults[0];
		if (!head) return undefined;
		head.remaining--;
		if (head.remaining <= 0) this.apiFaults.shift();
		return head;
	}

	private answerFault(exchange: SandboxExchange, fault: ApiFault): void {
		if (fault.kind === 'resetConnection') {
			exchange.request.socket.destroy();
			return;
		}
		if (fault.kind === 'rateLimit') {
			const { retryAfterSeconds, header, resetAs } = fault.options;
			const value =
				header !== 'Retry-After' && resetAs === 'epochSeconds'
					? Math.ceil(Date.now() / 1000) + retryAfterSeconds
					: retryAfterSeconds;
			exchange.sendJson(
				429,
				{ error: 'rate limit exceeded' },
				{
					[header]: String(value),
					'RateLimit-Limit': String(RATE_LIMIT_PER_WINDOW),
					'RateLimit-Remaining': '0',
				},
			);
			return;
		}
		if (fault.status === 500) {
			exchange.sendJson(500, errorBody('Internal Server Error', 'internal_server_error'));
			return;
		}
		const reason =
			fault.status === 502
				? 'Bad Gateway'
				: fault.status === 504
					? 'Gateway Timeout'
					: 'Service Unavailable';
		exchange.sendBody(
			fault.status,
			'text/html; charset=utf-8',
			`<html><head><title>${fault.status} ${reason}</title></head><body><center><h1>${fault.status} ${reason}</h1></center></body></html>\n`,
		);
	}

	private queueFault(fault: ApiFault): void {
		if (fault.remaining > 0) this.apiFaults.push(fault);
	}

	// ---- control API ------------------------------------------------------------------------

	async handleControl(exchange: SandboxExchange, subPath: string): Promise<void> {
		const method = exchange.method;
		if ((subPath === '' || subPath === '/') && method === 'GET') {
			exchange.sendJson(200, this.describe());
			return;
		}
		if (subPath === '/totals' && method === 'GET') {
			exchange.sendJson(200, this.totals());
			return;
		}
		if (subPath === '/expected-rows' && method === 'GET') {
			const source = exchange.searchParams.get('source');
			if (!source) throw new ControlInputError('source is required, e.g. ?source=incident_event');
			const ids = exchange.searchParams.get('exportRequestIds');
			const options = ids ? { exportRequestIds: ids.split(',').filter(Boolean) } : {};
			exchange.sendJson(
				200,
				this.guard(() => this.expectedRows(source, options)),
			);
			return;
		}
		if (subPath === '/export-requests' && method === 'GET') {
			exchange.sendJson(200, this.exportRequests.map(recordJson));
			return;
		}
		if (subPath === '/export-requests' && method === 'POST') {
			const input = asObject(await exchange.readJson());
			const body =
				typeof input.bodyBase64 === 'string' ? Buffer.from(input.bodyBase64, 'base64') : input.body;
			if (typeof body !== 'string' && !Buffer.isBuffer(body))
				throw new ControlInputError('body (string) or bodyBase64 is required');
			const record = this.guard(() =>
				this.addExportRequest({
					source: String(input.source ?? ''),
					body,
					status: input.status === undefined ? undefined : (String(input.status) as ExportStatus),
					createdAt: optionalDate(input.createdAt, 'createdAt'),
					windowStartsAt: optionalDate(input.windowStartsAt, 'windowStartsAt'),
					windowEndsAt: optionalDate(input.windowEndsAt, 'windowEndsAt'),
				}),
			);
			exchange.sendJson(201, recordJson(record));
			return;
		}
		const rawMatch = /^\/export-requests\/([^/]+)\/raw$/.exec(subPath);
		if (rawMatch && method === 'GET') {
			const body = this.guard(() => this.rawCsv(decodeURIComponent(rawMatch[1])));
			exchange.sendBody(200, 'text/csv', body);
			return;
		}
		if (subPath === '/expunge' && method === 'POST') {
			const input = asObject(await exchange.readJson());
			this.guard(() => this.expunge(String(input.exportRequestId ?? '')));
			exchange.sendJson(200, { ok: true });
			return;
		}
		if (subPath === '/url-lifetime' && method === 'POST') {
			const input = asObject(await exchange.readJson());
			this.guard(() => this.setUrlLifetime(Number(input.ms)));
			exchange.sendJson(200, { ok: true, ms: this.urlLifetimeMs });
			return;
		}
		if (subPath === '/faults' && method === 'POST') {
			const input = asObject(await exchange.readJson());
			this.guard(() => this.applyFaultCommand(input));
			exchange.sendJson(200, { ok: true });
			return;
		}
		if (subPath.startsWith('/rest/')) {
			await this.handleRestControl(exchange, subPath.slice('/rest'.length));
			return;
		}
		if (subPath === '/reset' && method === 'POST') {
			this.reset();
			exchange.sendJson(200, { ok: true });
			return;
		}
		exchange.sendJson(404, { error: 'unknown control path', path: exchange.path, method });
	}

	private async handleRestControl(exchange: SandboxExchange, subPath: string): Promise<void> {
		if (exchange.method === 'GET' && subPath === '/stats') {
			exchange.sendJson(200, {
				apiRequests: this.rest.apiRequests,
				rejectedByRateLimit: this.rest.rejectedByRateLimit,
			});
			return;
		}
		if (exchange.method === 'GET' && subPath === '/webhooks') {
			exchange.sendJson(200, [...this.rest.webhooks.values()]);
			return;
		}
		if (exchange.method !== 'POST')
			throw new ControlInputError(`POST expected for ${exchange.path}`);
		const input = asObject(await exchange.readJson());
		switch (subPath) {
			case '/rate-limit':
				this.guard(() =>
					this.rest.setRateLimit(input.enabled !== false, {
						limit: input.limit === undefined ? undefined : Number(input.limit),
						windowMs: input.windowMs === undefined ? undefined : Number(input.windowMs),
					}),
				);
				exchange.sendJson(200, { ok: true, rejected: this.rest.rejectedByRateLimit });
				return;
			case '/as-of':
				this.guard(() => this.rest.setAsOf(Date.parse(String(input.at))));
				exchange.sendJson(200, { ok: true });
				return;
			case '/edit-incident':
				this.guard(() =>
					this.rest.editIncident(String(input.id ?? ''), {
						name: input.name as string | undefined,
						severity: input.severity as string | undefined,
					}),
				);
				exchange.sendJson(200, { ok: true });
				return;
			case '/vanish-incident':
				this.guard(() => this.rest.vanishIncident(String(input.id ?? '')));
				exchange.sendJson(200, { ok: true });
				return;
			case '/deny':
				this.guard(() => this.rest.deny(String(input.pattern ?? '')));
				exchange.sendJson(200, { ok: true });
				return;
			case '/deliver': {
				const outcome = await this.deliverWebhook({
					incidentId: String(input.incidentId ?? ''),
					operation: input.operation as string | undefined,
					resourceType: input.resourceType as string | undefined,
					signature: input.signature as string | null | undefined,
					tamper: input.tamper === true,
					webhookId: input.webhookId as string | undefined,
				}).then(
					(results) => ({ results }),
					(error: unknown) => ({ failure: error instanceof Error ? error.message : String(error) }),
				);
				if ('failure' in outcome) throw new ControlInputError(outcome.failure);
				exchange.sendJson(200, outcome.results);
				return;
			}
			default:
				exchange.sendJson(404, { error: 'unknown control path', path: exchange.path });
		}
	}

	private applyFaultCommand(input: Record<string, unknown>): void {
		const count = Number(input.count ?? 1);
		switch (input.kind) {
			case 'rateLimit':
				this.faults.rateLimit(count, {
					retryAfterSeconds:
						input.retryAfterSeconds === undefined ? undefined : Number(input.retryAfterSeconds),
					header: input.header as RateLimitOptions['header'],
					resetAs: input.resetAs as RateLimitOptions['resetAs'],
				});
				return;
			case 'serverErrors':
				this.faults.serverErrors(
					count,
					input.status === undefined ? undefined : Number(input.status),
				);
				return;
			case 'cutDownload':
				this.faults.cutDownload(String(input.exportRequestId ?? ''), {
					times: input.times === undefined ? undefined : Number(input.times),
					afterBytes: input.afterBytes === undefined ? undefined : Number(input.afterBytes),
				});
				return;
			case 'expireNextUrls':
				this.faults.expireNextUrls(count);
				return;
			case 'circularPagination':
				this.faults.circularPagination();
				return;
			case 'duplicateListEntries':
				this.faults.duplicateListEntries();
				return;
			case 'resetConnections':
				this.faults.resetConnections(count);
				return;
			case 'reset':
				this.faults.reset();
				return;
			default:
				throw new ControlInputError(
					`unknown fault kind ${String(input.kind)}; use rateLimit, serverErrors, resetConnections, circularPagination, duplicateListEntries, cutDownload, expireNextUrls or reset`,
				);
		}
	}

	/** Turns the public methods' argument errors into 400 answers of the control API. */
	private guard<T>(action: () => T): T {
		let failure: unknown;
		try {
			return action();
		} catch (error) {
			failure = error;
		}
		throw new ControlInputError(failure instanceof Error ? failure.message : String(failure));
	}

	describe(): Record<string, unknown> {
		return {
			baseUrl: this.serverBaseUrl,
			apiToken: this.apiToken,
			limitedToken: this.limitedToken,
			seed: this.seed,
			now: iso(this.account.now),
			urlLifetimeMs: this.urlLifetimeMs,
			incidents: this.account.incidentCount,
			events: this.account.eventCount,
			exportRequests: this.entries.length,
		};
	}

	// ---- internals --------------------------------------------------------------------------

	private restoreGeneratedEntries(): void {
		this.sequence = 0;
		this.entries = this.account.exports.map((generated) => ({
			id: generated.id,
			source: generated.source,
			status: 'completed' as const,
			createdAt: generated.createdAt,
			windowStartsAt: generated.windowStartsAt,
			windowEndsAt: generated.windowEndsAt,
			body: generated.body,
			generated,
			sequence: this.sequence++,
		}));
	}

	private sortedEntries(): ExportEntry[] {
		return this.entries
			.slice()
			.sort((a, b) => a.createdAt - b.createdAt || a.sequence - b.sequence);
	}

	private entryOrThrow(id: string): ExportEntry {
		const entry = this.entries.find((candidate) => candidate.id === id);
		if (!entry) throw new Error(`unknown export request id: ${id}`);
		return entry;
	}

	private isExpunged(entry: ExportEntry): boolean {
		return (
			this.explicitlyExpunged.has(entry.id) || entry.createdAt < this.account.now - EXPUNGE_AFTER_MS
		);
	}

	/** Completed, not expunged, of that source, and (custom ones) parseable: what a client can ingest. */
	private defaultEntries(short: string): ExportEntry[] {
		return this.sortedEntries().filter(
			(entry) =>
				entry.status === 'completed' &&
				!this.isExpunged(entry) &&
				shortSourceOf(entry.source) === short &&
				(entry.generated !== null || !('error' in this.parseCustom(entry))),
		);
	}

	private idsOf(entry: ExportEntry): string[] {
		if (entry.generated) {
			const table = this.account.tables[entry.generated.short];
			return Array.from(entry.generated.recordIndexes, (recordIndex) => table.idOf(recordIndex));
		}
		const parsed = this.parseCustom(entry);
		return 'error' in parsed ? [] : parsed.rows.map((row) => row.id);
	}

	private forEachCandidate(
		entry: ExportEntry,
		explicit: boolean,
		visit: (id: string, candidate: Candidate) => void,
	): void {
		const generated = entry.generated;
		if (generated) {
			const table = this.account.tables[generated.short];
			for (let row = 0; row < generated.recordIndexes.length; row++) {
				const recordIndex = generated.recordIndexes[row];
				const versionIndex = generated.versionIndexes[row];
				visit(table.idOf(recordIndex), {
					updatedAt: table.versionsOf(recordIndex)[versionIndex],
					row: () => {
						const cells = table.render(recordIndex, versionIndex);
						const out: Record<string, string> = {};
						table.columns.forEach((column, index) => (out[column] = cells[index] ?? ''));
						return out;
					},
				});
			}
			return;
		}
		const parsed = this.parseCustom(entry);
		if ('error' in parsed) {
			if (explicit)
				throw new Error(
					`export ${entry.id}: its body is not CSV the sandbox can derive ground truth from: ${parsed.error}`,
				);
			return;
		}
		for (const row of parsed.rows) {
			const updatedAt = Date.parse(row.updated_at ?? '');
			visit(row.id, {
				updatedAt: Number.isNaN(updatedAt) ? -Infinity : updatedAt,
				row: () => ({ ...row }),
			});
		}
	}

	/**
	 * Ground truth for hand-made bodies: strict CSV (RFC 4180 quoting, LF or CRLF, a leading BOM
	 * skipped), a header with an `id` column, every row as long as the header.
	 */
	private parseCustom(entry: ExportEntry): ParsedCustomBody {
		const known = this.customParses.get(entry);
		if (known) return known;
		let parsed: ParsedCustomBody;
		try {
			const records = parseCsv(entry.body.toBuffer(), {
				bom: true,
				skip_empty_lines: true,
			}) as string[][];
			const [header, ...rows] = records;
			if (!header || !header.includes('id')) throw new Error('no header row with an id column');
			if (new Set(header).size !== header.length) throw new Error('duplicate column names');
			parsed = {
				columns: header,
				rows: rows.map((cells) => {
					const out: Record<string, string> = {};
					header.forEach((column, index) => (out[column] = cells[index]));
					return out;
				}),
			};
		} catch (error) {
			parsed = { error: error instanceof Error ? error.message : String(error) };
		}
		this.customParses.set(entry, parsed);
		return parsed;
	}
}

function toRecord(entry: ExportEntry): ExportRequestRecord {
	return {
		id: entry.id,
		source: entry.source,
		status: entry.status,
		createdAt: new Date(entry.createdAt),
		windowStartsAt: new Date(entry.windowStartsAt),
		windowEndsAt: new Date(entry.windowEndsAt),
	};
}

function recordJson(record: ExportRequestRecord): Record<string, string> {
	return {
		id: record.id,
		source: record.source,
		status: record.status,
		createdAt: record.createdAt.toISOString(),
		windowStartsAt: record.windowStartsAt.toISOString(),
		windowEndsAt: record.windowEndsAt.toISOString(),
	};
}

function errorBody(
	detail: string,
	code: string,
): { detail: string; messages: string[]; meta: Record<string, never>; code: string } {
	return { detail, messages: [detail], meta: {}, code };
}

function requireGet(exchange: SandboxExchange): void {
	if (exchange.method !== 'GET' && exchange.method !== 'HEAD') {
		throw new ErrorStatus(
			405,
			`405 Not Allowed: ${exchange.method} ${exchange.path}`,
			'method_not_allowed',
		);
	}
}

function sendStorageError(
	exchange: SandboxExchange,
	status: number,
	code: string,
	message: string,
	details?: string,
): void {
	const body =
		"<?xml version='1.0' encoding='UTF-8'?>" +
		`<Error><Code>${code}</Code><Message>${message}</Message>${details ? `<Details>${details}</Details>` : ''}</Error>`;
	exchange.sendBody(status, 'application/xml; charset=UTF-8', body);
}

function sameText(given: string, expected: string): boolean {
	const givenBytes = Buffer.from(given);
	const expectedBytes = Buffer.from(expected);
	return (
		expected.length > 0 &&
		givenBytes.length === expectedBytes.length &&
		timingSafeEqual(givenBytes, expectedBytes)
	);
}

/** ISO 8601 date-time; without a zone it is UTC (JavaScript would read it as local time). */
export function parseTimestamp(value: string): number {
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

function checkedCount(count: number): number {
	if (!Number.isInteger(count) || count < 0)
		throw new Error(`count must be a non-negative integer, got ${count}`);
	return count;
}

function checkedLifetime(ms: number): number {
	if (!Number.isFinite(ms) || ms < 0)
		throw new Error(`url lifetime must be a non-negative number of ms, got ${ms}`);
	return ms;
}

function asObject(value: unknown): Record<string, unknown> {
	if (value === null || typeof value !== 'object' || Array.isArray(value))
		throw new ControlInputError('expected a JSON object body');
	return value as Record<string, unknown>;
}

function optionalDate(value: unknown, name: string): Date | undefined {
	if (value === undefined || value === null) return undefined;
	const date = new Date(String(value));
	if (Number.isNaN(date.getTime())) throw new ControlInputError(`${name} is not a valid date`);
	return date;
}
