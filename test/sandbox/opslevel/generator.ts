/**
 * A realistic OpsLevel data export, generated: one full push and daily incrementals (updates,
 * inserts, deletions as tombstone rows) of services, teams, users, repositories, checks and
 * check_results, gzipped CSV as OpsLevel writes it (`NULL` cells, `YYYY-MM-DD HH:MM:SS` times),
 * plus the ground truth of every table's final state, computed from the generator's own model (not
 * by reading the CSV back). Deterministic for a seed.
 *
 * Columns of services, teams and check_results are the vendor doc's; users, repositories and checks
 * are modelled on OpsLevel's API objects.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export type CellModel = string | number | null;
/** A row of the model: text cells, and `*_at` cells as epoch milliseconds. */
export type ModelRow = Record<string, CellModel>;
/** A row as the OpsLevel node emits it with default options: null for NULL/empty, ISO 8601 times. */
export type ExpectedRow = Record<string, string | null>;

export interface GeneratedDrop {
	key: string;
	pushType: 'full' | 'incremental';
	table: string;
	date: string;
	timestamp: string;
	body: Buffer;
	/** Data rows in the file (tombstones included). */
	rows: number;
}

export interface TableTruth {
	columns: string[];
	/** Live rows after the last push, by id ascending. */
	rows: ExpectedRow[];
	count: number;
	checksum: string;
	/** Ids deleted by some incremental (and not re-created). */
	deletedIds: string[];
}

export interface GeneratedExport {
	drops: GeneratedDrop[];
	truth: Record<string, TableTruth>;
	tables: string[];
}

export interface GenerateOptions {
	seed?: number;
	/** Rows of services in the full push; the other tables scale from it. Default 200. */
	size?: number;
	tables?: readonly string[];
	/** Daily incrementals after the full push. Default 6. */
	incrementals?: number;
	/** Share of a table's live rows changed per incremental. Default 0.05. */
	changeRate?: number;
	/** Date folder of the full push. Default 2020-07-14. */
	startDate?: string;
	rootPrefix?: string;
	/** Gzip level; 1 for big benchmark exports. Default 6. */
	gzipLevel?: number;
}

export const ALL_TABLES = [
	'services',
	'teams',
	'users',
	'repositories',
	'checks',
	'check_results',
] as const;

/** From this incremental on, services carry a column the earlier pushes did not have. */
export const LATE_COLUMN = {
	table: 'services',
	column: 'maturity_level',
	fromIncremental: 4,
} as const;

/** An id no push ever created, deleted by a tombstone of the second incremental. */
export const NEVER_SEEN_ID = '9999999';

const FULL_TIMESTAMP = '22:00:00';
const INCREMENTAL_TIMESTAMP = '03:15:00';

const BASE_COLUMNS: Record<string, string[]> = {
	services: [
		'id',
		'name',
		'alias',
		'product',
		'description',
		'owner_id',
		'language',
		'framework',
		'tier_index',
		'lifecycle_index',
		'html_url',
		'created_at',
		'updated_at',
		'deleted_at',
	],
	teams: [
		'id',
		'name',
		'alias',
		'manager_id',
		'responsibilities',
		'html_url',
		'created_at',
		'updated_at',
		'deleted_at',
	],
	users: ['id', 'name', 'email', 'role', 'html_url', 'created_at', 'updated_at', 'deleted_at'],
	repositories: [
		'id',
		'name',
		'display_name',
		'url',
		'default_branch',
		'forked',
		'archived',
		'service_id',
		'created_at',
		'updated_at',
		'deleted_at',
	],
	checks: [
		'id',
		'name',
		'type',
		'category',
		'level',
		'owner_id',
		'enabled',
		'notes',
		'created_at',
		'updated_at',
		'deleted_at',
	],
	check_results: [
		'id',
		'status',
		'message',
		'check_id',
		'service_id',
		'is_applied',
		'created_at',
		'updated_at',
		'deleted_at',
	],
};

/** mulberry32: small, fast, deterministic. */
function randomSource(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const WORDS = [
	'payment',
	'ledger',
	'search',
	'catalog',
	'notify',
	'billing',
	'auth',
	'gateway',
	'report',
	'inventory',
	'shipping',
	'profile',
	'pricing',
	'audit',
	'export',
];
const SUFFIXES = ['service', 'api', 'worker', 'processor', 'sync', 'store'];
const LANGUAGES: Array<[string, string]> = [
	['Ruby', 'Rails'],
	['Python', 'Flask'],
	['Go', 'gin'],
	['TypeScript', 'NestJS'],
	['Java', 'Spring'],
	['Elixir', 'Phoenix'],
];
const FIRST = [
	'Ada',
	'Grace',
	'Linus',
	'Margaret',
	'Ken',
	'Barbara',
	'Dennis',
	'Radia',
	'Guido',
	'Frances',
];
const LAST = [
	'Lovelace',
	'Hopper',
	'Torvalds',
	'Hamilton',
	'Thompson',
	'Liskov',
	'Ritchie',
	'Perlman',
	'van Rossum',
	'Allen',
];
const CHECK_TYPES = [
	'repo_file',
	'service_ownership',
	'tool_usage',
	'payload',
	'alert_source_usage',
	'has_documentation',
];

function pad(value: number): string {
	return String(value).padStart(2, '0');
}

function opsLevelTime(ms: number): string {
	const date = new Date(ms);
	return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}

function addDays(date: string, days: number): string {
	const ms = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
	return new Date(ms).toISOString().slice(0, 10);
}

class TableModel {
	readonly live = new Map<string, ModelRow>();
	readonly deleted = new Set<string>();
	columns: string[];
	nextId: number;

	constructor(
		readonly name: string,
		private readonly random: () => number,
		firstId: number,
		private readonly sizes: Record<string, number>,
	) {
		this.columns = [...BASE_COLUMNS[name]];
		this.nextId = firstId;
	}

	private pick<T>(list: readonly T[]): T {
		return list[Math.floor(this.random() * list.length)];
	}

	private maybeNull<T extends CellModel>(value: T, share = 0.2): T | null {
		return this.random() < share ? null : value;
	}

	/** A new record, created at `at` (ms). */
	create(at: number): ModelRow {
		const id = String(this.nextId++);
		const created = at - Math.floor(this.random() * 400 * 86_400_000);
		const row = this.fill({ id, created_at: created, updated_at: created, deleted_at: null });
		this.live.set(id, row);
		return row;
	}

	/** The record changed at `at`: new values, a new updated_at. */
	update(id: string, at: number): ModelRow {
		const before = this.live.get(id);
		if (!before) throw new Error(`generator: no live ${this.name} ${id}`);
		const row = this.fill({ id, created_at: before.created_at, updated_at: at, deleted_at: null });
		this.live.set(id, row);
		return row;
	}

	delete(id: string): void {
		this.live.delete(id);
		this.deleted.add(id);
	}

	private fill(base: ModelRow): ModelRow {
		const id = Number(base.id);
		const row: ModelRow = { ...base };
		const ref = (table: string) =>
			String(1 + Math.floor(this.random() * Math.max(1, this.sizes[table] ?? 1)));
		switch (this.name) {
			case 'services': {
				const alias = `${this.pick(WORDS)}_${this.pick(SUFFIXES)}_${id}`;
				const [language, framework] = this.pick(LANGUAGES);
				row.name = alias
					.split('_')
					.map((part) => part[0].toUpperCase() + part.slice(1))
					.join(' ');
				row.alias = alias;
				row.product = this.maybeNull(this.pick(['Payment', 'Platform', 'Checkout', 'Growth']), 0.3);
				// Commas, quotes and line breaks, as free text in OpsLevel has them.
				row.description = this.maybeNull(
					this.pick([
						'Responsible for reconciling various transactions',
						'Handles "hot" paths, retries, and fallbacks',
						'Owns the ledger.\nSee the runbook before deploying',
						'Batch jobs, nightly',
					]),
					0.3,
				);
				row.owner_id = this.maybeNull(ref('teams'), 0.1);
				row.language = language;
				row.framework = framework;
				row.tier_index = this.maybeNull(String(1 + Math.floor(this.random() * 4)), 0.3);
				row.lifecycle_index = this.maybeNull(String(1 + Math.floor(this.random() * 5)), 0.3);
				row.html_url = `https://app.opslevel.com/services/${alias}`;
				if (this.columns.includes(LATE_COLUMN.column))
					row[LATE_COLUMN.column] = this.pick(['Bronze', 'Silver', 'Gold']);
				break;
			}
			case 'teams': {
				const alias = `${this.pick(WORDS)}_team_${id}`;
				row.name = alias.replace(/_/g, ' ');
				row.alias = alias;
				row.manager_id = this.maybeNull(ref('users'), 0.4);
				row.responsibilities = this.maybeNull(
					`Owns ${this.pick(WORDS)}, ${this.pick(WORDS)} and on-call`,
					0.3,
				);
				row.html_url = `https://app.opslevel.com/teams/${alias}`;
				break;
			}
			case 'users': {
				const first = this.pick(FIRST);
				const last = this.pick(LAST);
				row.name = `${first} ${last}`;
				row.email = `${first}.${last.replace(/ /g, '')}.${id}@example.com`.toLowerCase();
				row.role = this.pick(['user', 'admin', 'team_member']);
				row.html_url = `https://app.opslevel.com/users/${id}`;
				break;
			}
			case 'repositories': {
				const name = `${this.pick(WORDS)}-${this.pick(SUFFIXES)}-${id}`;
				row.name = name;
				row.display_name = `acme/${name}`;
				row.url = `https://github.com/acme/${name}`;
				row.default_branch = this.pick(['main', 'master', 'trunk']);
				row.forked = this.random() < 0.1 ? '1' : '0';
				row.archived = this.random() < 0.05 ? '1' : '0';
				row.service_id = this.maybeNull(ref('services'), 0.2);
				break;
			}
			case 'checks': {
				row.name = `${this.pick(['Has', 'Uses', 'Defines'])} ${this.pick(WORDS)} ${this.pick(['owner', 'runbook', 'logs tool', 'README'])}`;
				row.type = this.pick(CHECK_TYPES);
				row.category = this.pick(['Security', 'Reliability', 'Observability', 'Ownership']);
				row.level = this.pick(['Bronze', 'Silver', 'Gold']);
				row.owner_id = this.maybeNull(ref('teams'), 0.3);
				row.enabled = this.random() < 0.9 ? '1' : '0';
				row.notes = this.maybeNull('Applies to tier 1, and tier 2 services', 0.5);
				break;
			}
			case 'check_results': {
				const passed = this.random() < 0.7;
				row.status = passed ? 'passed' : 'failed';
				row.message = passed
					? 'Success'
					: this.pick(['The service does not have a logs tool.', 'Missing README, see "docs"']);
				row.check_id = ref('checks');
				row.service_id = ref('services');
				row.is_applied = this.random() < 0.8 ? '1' : '0';
				break;
			}
			default:
				throw new Error(`generator: unknown table ${this.name}`);
		}
		return row;
	}

	randomLiveIds(count: number, exclude: Set<string>): string[] {
		const ids = [...this.live.keys()].filter((id) => !exclude.has(id));
		const chosen: string[] = [];
		for (let index = 0; index < count && ids.length > 0; index++) {
			const at = Math.floor(this.random() * ids.length);
			chosen.push(ids[at]);
			ids[at] = ids[ids.length - 1];
			ids.pop();
		}
		return chosen;
	}
}

function csvCell(value: string): string {
	return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A model row as OpsLevel writes it: NULL for missing values, blank deleted_at, zone-less times. */
function csvLine(row: ModelRow, columns: readonly string[]): string {
	return columns
		.map((column) => {
			const value = row[column];
			if (value === null || value === undefined) return column === 'deleted_at' ? '' : 'NULL';
			if (typeof value === 'number') return opsLevelTime(value);
			return csvCell(value);
		})
		.join(',');
}

/** A tombstone: id and deleted_at, every other column blank (the vendor doc's example row 85). */
function tombstoneLine(id: string, at: number, columns: readonly string[]): string {
	return columns
		.map((column) => (column === 'id' ? id : column === 'deleted_at' ? opsLevelTime(at) : ''))
		.join(',');
}

function expectedRow(row: ModelRow, columns: readonly string[]): ExpectedRow {
	const expected: ExpectedRow = {};
	for (const column of columns) {
		const value = row[column];
		expected[column] =
			value === null || value === undefined
				? null
				: typeof value === 'number'
					? new Date(Math.floor(value / 1000) * 1000).toISOString()
					: value;
	}
	return expected;
}

/** Digest of rows independent of row and key order: sha256 over the rows sorted by id with sorted keys. */
export function rowsChecksum(rows: ReadonlyArray<Record<string, unknown>>): string {
	const canonical = rows
		.map((row) => {
			const sorted: Record<string, unknown> = {};
			for (const key of Object.keys(row)
				.filter((name) => !name.startsWith('_'))
				.sort())
				sorted[key] = row[key];
			return { id: String(row.id), text: JSON.stringify(sorted) };
		})
		.sort((a, b) => a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	const hash = createHash('sha256');
	for (const { text } of canonical) hash.update(text).update('\n');
	return hash.digest('hex');
}

export function generateExport(options: GenerateOptions = {}): GeneratedExport {
	const random = randomSource(options.seed ?? 1);
	const size = Math.max(1, options.size ?? 200);
	const tables = [...(options.tables ?? ALL_TABLES)];
	const incrementals = options.incrementals ?? 6;
	const changeRate = options.changeRate ?? 0.05;
	const startDate = options.startDate ?? '2020-07-14';
	const root = options.rootPrefix ?? '';
	const gzip = (text: string) => gzipSync(text, { level: options.gzipLevel ?? 6 });
	const sizes: Record<string, number> = {
		services: size,
		teams: Math.max(3, Math.round(size / 20)),
		users: Math.max(5, Math.round(size / 4)),
		repositories: size,
		checks: Math.max(5, Math.min(60, Math.round(size / 10))),
		check_results: size * 2,
	};
	const models = new Map<string, TableModel>();
	tables.forEach((table) => models.set(table, new TableModel(table, random, 1, sizes)));

	const drops: GeneratedDrop[] = [];
	const push = (
		model: TableModel,
		pushType: 'full' | 'incremental',
		date: string,
		timestamp: string,
		lines: string[],
	) => {
		// teams are written with CRLF line ends, the other tables with LF.
		const eol = model.name === 'teams' ? '\r\n' : '\n';
		const text = lines.length === 0 ? '' : [model.columns.join(','), ...lines].join(eol) + eol;
		drops.push({
			key: `${root}v1/${pushType}/${model.name}/${date}/${timestamp}/${model.name}.csv.gz`,
			pushType,
			table: model.name,
			date,
			timestamp,
			body: gzip(text),
			rows: lines.length,
		});
	};

	const fullAt = Date.parse(`${startDate}T${FULL_TIMESTAMP}Z`);
	for (const model of models.values()) {
		const lines: string[] = [];
		for (let index = 0; index < sizes[model.name]; index++) {
			const row = model.create(fullAt - 3_600_000);
			// Some records were edited after creation.
			if (random() < 0.3)
				row.updated_at = (row.created_at as number) + Math.floor(random() * 30 * 86_400_000);
			if ((row.updated_at as number) > fullAt) row.updated_at = fullAt - 60_000;
			lines.push(csvLine(row, model.columns));
		}
		push(model, 'full', startDate, FULL_TIMESTAMP, lines);
	}

	for (let day = 1; day <= incrementals; day++) {
		const date = addDays(startDate, day);
		const at = Date.parse(`${date}T${INCREMENTAL_TIMESTAMP}Z`) - 30 * 60_000;
		for (const model of models.values()) {
			if (model.name === LATE_COLUMN.table && day === LATE_COLUMN.fromIncremental) {
				model.columns.splice(model.columns.indexOf('html_url'), 0, LATE_COLUMN.column);
			}
			const changes = Math.max(1, Math.ceil(model.live.size * changeRate));
			const deletions = Math.max(1, Math.round(changes * 0.2));
			const inserts = Math.max(1, Math.round(changes * 0.2));
			const updates = Math.max(0, changes - deletions - inserts);
			const touched = new Set<string>();
			const lines: string[] = [];
			for (const id of model.randomLiveIds(updates, touched)) {
				touched.add(id);
				lines.push(csvLine(model.update(id, at + Math.floor(random() * 600_000)), model.columns));
			}
			for (const id of model.randomLiveIds(deletions, touched)) {
				touched.add(id);
				model.delete(id);
				lines.push(tombstoneLine(id, at + Math.floor(random() * 600_000), model.columns));
			}
			if (day === 2) lines.push(tombstoneLine(NEVER_SEEN_ID, at, model.columns));
			for (let index = 0; index < inserts; index++) {
				const row = model.create(at);
				row.created_at = at;
				row.updated_at = at;
				lines.push(csvLine(row, model.columns));
			}
			push(model, 'incremental', date, INCREMENTAL_TIMESTAMP, lines);
		}
	}

	const truth: Record<string, TableTruth> = {};
	for (const model of models.values()) {
		const rows = [...model.live.values()]
			.map((row) => expectedRow(row, model.columns))
			.sort((a, b) => Number(a.id) - Number(b.id));
		truth[model.name] = {
			columns: [...model.columns],
			rows,
			count: rows.length,
			checksum: rowsChecksum(rows),
			deletedIds: [...model.deleted].filter((id) => !model.live.has(id)),
		};
	}
	return { drops, truth, tables };
}
