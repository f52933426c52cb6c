import { CsvWriter, type ChunkedBytes, type CsvCell } from '../csv';
import { Random } from '../prng';
import {
	COLUMNS,
	EVENT_DETAILS_SCHEMAS,
	EVENT_TYPES,
	SHORT_SOURCES,
	fullSourceName,
	type EventType,
	type ShortSource,
} from './sources';
import {
	COMPONENTS,
	CONDITIONS,
	FIRST_NAMES,
	GENERAL_UPDATES,
	INCIDENT_NAME_TEMPLATES,
	LAST_NAMES,
	MILESTONES,
	NOTE_TEMPLATES,
	PRIORITIES,
	REGIONS,
	RETROSPECTIVE_QUESTIONS,
	ROLE_NAMES,
	RUNBOOKS,
	RUNBOOK_STEPS,
	SEVERITIES,
	SEVERITY_WEIGHTS,
	SUMMARY_TEMPLATES,
	TAGS,
	TASK_LISTS,
	TASK_SUMMARIES,
	TEAMS,
} from './vocabulary';

/**
 * Deterministic FireHydrant account history and the nightly CSV exports cut from it.
 *
 * Every record (incident, role assignment, event, impact, retrospective) has a list of version
 * times: each is a moment its row changed, and `updated_at` of the row as of then. Night k's export
 * of a source holds every record with at least one version inside the night's window
 * [windowStartsAt, windowEndsAt), rendered as it stood at windowEndsAt. Windows are 30 h long and
 * 24 h apart, so a record changed in the 6 h overlap, or changed on two nights, shows up in two
 * exports; when it changed in between, the two rows carry different `updated_at` values.
 *
 * Same seed, same options and same `now` give byte-identical exports.
 */

// Jest runs code in a vm context where each global lookup (Math included) goes through an
// interceptor, which made the hot loops below three times slower there than in plain Node;
// binding the functions once avoids that.
const { floor, ceil, round } = Math;

export interface FireHydrantSeedOptions {
	/** Number of incidents, default 30. Every one appears in at least one export. */
	incidents?: number;
	/** Average events per incident, default 6; the total is exactly round(incidents × this). */
	eventsPerIncident?: number;
	/** Nightly export batches, default 7; each night is one export request per source. */
	nights?: number;
	/** Lifetime of a signed download url, default 300 000 ms (5 minutes). */
	urlLifetimeMs?: number;
	/** Anchor for "now", default the real clock at start. */
	now?: Date;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** Each nightly window covers 30 h while nights are 24 h apart: 6 h of deliberate overlap. */
export const WINDOW_LENGTH = 30 * HOUR;

export interface Actor {
	id: string;
	name: string;
	email: string;
}

/** One source's records: how many, each one's id and version times, and a row per version. */
export interface SourceTable {
	readonly short: ShortSource;
	readonly columns: readonly string[];
	readonly size: number;
	idOf(recordIndex: number): string;
	versionsOf(recordIndex: number): readonly number[];
	/** Cells of the row as the record stood at its version `versionIndex`. */
	render(recordIndex: number, versionIndex: number): CsvCell[];
}

export interface GeneratedExport {
	id: string;
	source: string;
	short: ShortSource;
	createdAt: number;
	windowStartsAt: number;
	windowEndsAt: number;
	/** Row i of the CSV is record `recordIndexes[i]` of the table at version `versionIndexes[i]`. */
	recordIndexes: Uint32Array;
	versionIndexes: Uint32Array;
	body: ChunkedBytes;
}

export interface GeneratedAccount {
	seed: number;
	now: number;
	accountId: string;
	organizationId: string;
	organizationName: string;
	apiToken: string;
	limitedToken: string;
	signingSecret: string;
	botActor: Actor;
	limitedActor: Actor;
	tables: Record<ShortSource, SourceTable>;
	/** Oldest first; within a night in source order. */
	exports: GeneratedExport[];
	incidentCount: number;
	eventCount: number;
}

interface User {
	id: string;
	name: string;
}

interface Component {
	id: string;
	type: string;
	slug: string;
}

interface IncidentRecord {
	id: string;
	number: number;
	name: string;
	priority: string | null;
	severity: string;
	/** Severity after `severityChangedAt`, when it changed at all. */
	laterSeverity: string | null;
	severityChangedAt: number;
	startedAt: number;
	openedAt: number;
	/** Times of MILESTONES[1..] (detected … retrospective_completed); null when never reached. */
	milestoneTimes: Array<number | null>;
	startedBy: string;
	versions: number[];
}

interface RoleAssignmentRecord {
	id: string;
	incidentIndex: number;
	roleIndex: number;
	user: User;
	inactiveAt: number | null;
	versions: number[];
}

interface ImpactRecord {
	id: string;
	incidentIndex: number;
	component: Component;
	/** Condition as of each version. */
	conditions: string[];
	versions: number[];
}

interface RetrospectiveRecord {
	id: string;
	incidentIndex: number;
	name: string;
	summary: string;
	tags: string[];
	additionalDetails: string;
	questions: Array<{ title: string; body: string; question_type_id: string }>;
	versions: number[];
}

interface EventRecord {
	id: string;
	incidentIndex: number;
	createdByName: string;
	type: EventType;
	detailsJson: string;
	/** Details after the edit (the second version), for edited notes and updates. */
	editedDetailsJson: string | null;
	versions: number[];
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, value) => String(value).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, value) => String(value).padStart(3, '0'));

/**
 * `2023-04-02T10:11:01.492Z`, same as Date#toISOString but without a Date per call: rendering
 * 100 000-row exports formats about a million timestamps, and the Date objects were most of the
 * garbage. Days to civil date after Howard Hinnant's `civil_from_days`.
 */
export function iso(ms: number): string {
	if (!(ms >= 0 && ms < 253_402_300_800_000)) return new Date(ms).toISOString(); // outside 1970–9999
	const days = floor(ms / DAY);
	let rest = ms - days * DAY;
	const hours = floor(rest / HOUR);
	rest -= hours * HOUR;
	const minutes = floor(rest / MINUTE);
	rest -= minutes * MINUTE;
	const seconds = floor(rest / 1000);
	const millis = rest - seconds * 1000;
	const shifted = days + 719_468;
	const era = floor(shifted / 146_097);
	const dayOfEra = shifted - era * 146_097;
	const yearOfEra = floor(
		(dayOfEra - floor(dayOfEra / 1460) + floor(dayOfEra / 36_524) - floor(dayOfEra / 146_096)) /
			365,
	);
	const dayOfYear = dayOfEra - (365 * yearOfEra + floor(yearOfEra / 4) - floor(yearOfEra / 100));
	const monthFromMarch = floor((5 * dayOfYear + 2) / 153);
	const day = dayOfYear - floor((153 * monthFromMarch + 2) / 5) + 1;
	const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
	const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
	return `${year}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}T${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${THREE_DIGITS[millis]}Z`;
}

/** ISO 8601 duration in whole seconds: `P1DT2H3M4S`, `PT45M`, `PT0S`. */
export function isoDuration(ms: number): string {
	let seconds = Math.max(0, floor(ms / 1000));
	const days = floor(seconds / 86_400);
	seconds -= days * 86_400;
	const hours = floor(seconds / 3600);
	seconds -= hours * 3600;
	const minutes = floor(seconds / 60);
	seconds -= minutes * 60;
	let time = '';
	if (hours) time += `${hours}H`;
	if (minutes) time += `${minutes}M`;
	if (seconds) time += `${seconds}S`;
	if (!days && !time) return 'PT0S';
	return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}

function fill(template: string, values: Record<string, string>): string {
	return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

function sortedUnique(times: Array<number | null>): number[] {
	const present = times.filter((time): time is number => time !== null);
	present.sort((a, b) => a - b);
	return present.filter((time, index) => index === 0 || time !== present[index - 1]);
}

export interface Nights {
	windowStartsAt: number[];
	windowEndsAt: number[];
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
	const chosen = value ?? fallback;
	if (!Number.isInteger(chosen) || chosen < 0)
		throw new Error(`${name} must be a non-negative integer, got ${value}`);
	return chosen;
}

export function generateAccount(
	seed: number,
	options: FireHydrantSeedOptions = {},
): GeneratedAccount {
	const incidentTotal = positiveInteger(options.incidents, 30, 'incidents');
	const eventsPerIncident = options.eventsPerIncident ?? 6;
	if (!(eventsPerIncident >= 0))
		throw new Error(`eventsPerIncident must be >= 0, got ${eventsPerIncident}`);
	const nightTotal = positiveInteger(options.nights, 7, 'nights');
	if (nightTotal < 1) throw new Error('nights must be at least 1');
	const now = (options.now ?? new Date()).getTime();
	if (!Number.isFinite(now)) throw new Error('now is not a valid date');

	// Separate streams per concern, so that e.g. more incidents do not change export ids or tokens.
	const accountRandom = new Random(seed);
	const exportRandom = new Random(seed + 1);
	const recordRandom = new Random(seed + 2);

	const accountId = String(accountRandom.int(10_000, 99_999));
	const organizationId = accountRandom.uuid();
	const apiToken = `fhb-${accountRandom.hex(32)}`;
	const limitedToken = `fhb-${accountRandom.hex(32)}`;
	const signingSecret = accountRandom.hex(64);
	const botActor: Actor = {
		id: accountRandom.uuid(),
		name: 'n8n data export (bot)',
		email: 'n8n-export-bot@acme-rockets.example',
	};
	const limitedActor: Actor = {
		id: accountRandom.uuid(),
		name: 'Read-only dashboard (bot)',
		email: 'dashboard-bot@acme-rockets.example',
	};

	// Nights: exports are cut shortly after 02:00 UTC. The latest night is the last one whose
	// export surely exists by `now` (its created_at jitter stays below 15 minutes).
	const lastNightBase = floor((now - 2 * HOUR - 15 * MINUTE) / DAY) * DAY + 2 * HOUR;
	const windowEndLead = exportRandom.int(1, 45 * MINUTE);
	const nights: Nights = { windowStartsAt: [], windowEndsAt: [] };
	const exportHeads: Array<Omit<GeneratedExport, 'recordIndexes' | 'versionIndexes' | 'body'>> = [];
	for (let night = 0; night < nightTotal; night++) {
		const base = lastNightBase - (nightTotal - 1 - night) * DAY;
		const windowEndsAt = base - windowEndLead;
		const windowStartsAt = windowEndsAt - WINDOW_LENGTH;
		nights.windowStartsAt.push(windowStartsAt);
		nights.windowEndsAt.push(windowEndsAt);
		let createdAt = base + exportRandom.int(20_000, 5 * MINUTE);
		for (const short of SHORT_SOURCES) {
			createdAt += exportRandom.int(150, 90_000);
			exportHeads.push({
				id: exportRandom.uuid(),
				source: fullSourceName(short),
				short,
				createdAt,
				windowStartsAt,
				windowEndsAt,
			});
		}
	}
	const firstStart = nights.windowStartsAt[0];
	const lastEnd = nights.windowEndsAt[nightTotal - 1];

	const people = buildPeople(recordRandom);
	const roles = ROLE_NAMES.map((name) => ({ id: recordRandom.uuid(), name }));
	const components: Component[] = COMPONENTS.map((seedComponent) => ({
		id: recordRandom.uuid(),
		type: seedComponent.type,
		slug: seedComponent.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
	}));
	const teams = TEAMS.map((name) => ({ id: recordRandom.uuid(), name }));
	const runbooks = RUNBOOKS.map((name) => ({
		id: recordRandom.uuid(),
		name,
		steps: RUNBOOK_STEPS.map((step) => ({ id: recordRandom.uuid(), name: step })),
	}));
	const questionTypeIds = RETROSPECTIVE_QUESTIONS.map(() => recordRandom.uuid());

	const incidents: IncidentRecord[] = [];
	const roleAssignments: RoleAssignmentRecord[] = [];
	const impacts: ImpactRecord[] = [];
	const retrospectives: RetrospectiveRecord[] = [];
	const events: EventRecord[] = [];

	// Incidents open uniformly over the covered span, numbered in opening order.
	const openings: number[] = [];
	for (let index = 0; index < incidentTotal; index++) {
		openings.push(firstStart + floor(recordRandom.next() * (lastEnd - 10 * MINUTE - firstStart)));
	}
	openings.sort((a, b) => a - b);
	const eventCounts = exactEventCounts(recordRandom, incidentTotal, eventsPerIncident);
	const firstNumber = recordRandom.int(100, 4000);
	let eventSerial = 0;

	for (let incidentIndex = 0; incidentIndex < incidentTotal; incidentIndex++) {
		const openedAt = openings[incidentIndex];
		const incident = buildIncident(recordRandom, firstNumber + incidentIndex, openedAt, people);
		incidents.push(incident);
		const [
			detectedAt,
			acknowledgedAt,
			,
			,
			mitigatedAt,
			resolvedAt,
			retroStartedAt,
			retroCompletedAt,
		] = incident.milestoneTimes;
		const incidentRoleAssignments: RoleAssignmentRecord[] = [];
		const incidentImpacts: ImpactRecord[] = [];

		// Roles: a commander always, up to two more; some hand over to someone else later.
		const commanderAt = acknowledgedAt ?? detectedAt ?? openedAt + 60_000;
		const roleIndexes = [0, ...recordRandom.sample([1, 2, 3, 4], recordRandom.int(0, 2))];
		for (const roleIndex of roleIndexes) {
			const assignedAt = roleIndex === 0 ? commanderAt : openedAt + recordRandom.int(MINUTE, HOUR);
			const first = newRoleAssignment(
				recordRandom,
				incidentIndex,
				roleIndex,
				recordRandom.pick(people),
				assignedAt,
			);
			incidentRoleAssignments.push(first);
			if (recordRandom.chance(0.15)) {
				const handoverAt = assignedAt + recordRandom.int(30 * MINUTE, 8 * HOUR);
				first.inactiveAt = handoverAt;
				first.versions.push(handoverAt);
				const next = people.filter((person) => person.id !== first.user.id);
				incidentRoleAssignments.push(
					newRoleAssignment(
						recordRandom,
						incidentIndex,
						roleIndex,
						recordRandom.pick(next),
						handoverAt,
					),
				);
			}
		}
		roleAssignments.push(...incidentRoleAssignments);

		// Impacts: condition improves at mitigation and is back to normal at resolution.
		for (const component of recordRandom.sample(components, recordRandom.int(1, 3))) {
			const initialCondition = recordRandom.pick(CONDITIONS.slice(0, 3));
			const impact: ImpactRecord = {
				id: recordRandom.uuid(),
				incidentIndex,
				component,
				conditions: [initialCondition],
				versions: [openedAt + recordRandom.int(0, 15 * MINUTE)],
			};
			if (
				mitigatedAt !== null &&
				initialCondition !== 'Degraded' &&
				mitigatedAt > impact.versions[0]
			) {
				impact.conditions.push('Degraded');
				impact.versions.push(mitigatedAt);
			}
			if (resolvedAt !== null && resolvedAt > impact.versions[impact.versions.length - 1]) {
				impact.conditions.push('Operational');
				impact.versions.push(resolvedAt);
			}
			incidentImpacts.push(impact);
		}
		impacts.push(...incidentImpacts);

		if (retroStartedAt !== null) {
			retrospectives.push(
				buildRetrospective(
					recordRandom,
					incidentIndex,
					incident,
					retroStartedAt,
					retroCompletedAt,
					questionTypeIds,
				),
			);
		}

		// Events: spread over the incident's active life, all before the last window closes so the
		// distinct total is exactly what was asked for.
		const lifeEnd = Math.min(resolvedAt ?? openedAt + 8 * HOUR, lastEnd - 1);
		const eventTimes: number[] = [];
		for (let index = 0; index < eventCounts[incidentIndex]; index++) {
			eventTimes.push(openedAt + floor(recordRandom.next() * Math.max(1, lifeEnd - openedAt)));
		}
		eventTimes.sort((a, b) => a - b);
		const context: EventContext = {
			random: recordRandom,
			people,
			roleAssignments: incidentRoleAssignments,
			impacts: incidentImpacts,
			teams,
			runbooks,
			incident,
		};
		for (const createdAt of eventTimes) {
			// The first fourteen events of the account cover every type once, so that even a small
			// sandbox shows all of them.
			const type =
				eventSerial < EVENT_TYPES.length ? EVENT_TYPES[eventSerial] : pickEventType(recordRandom);
			eventSerial++;
			events.push(buildEvent(context, incidentIndex, type, createdAt));
		}
	}

	const tables = buildTables({
		accountId,
		organizationId,
		incidents,
		roleAssignments,
		impacts,
		retrospectives,
		events,
		roles,
	});
	const exportList = cutExports(exportHeads, tables, nights);
	return {
		seed,
		now,
		accountId,
		organizationId,
		organizationName: 'Acme Rockets, Inc.',
		apiToken,
		limitedToken,
		signingSecret,
		botActor,
		limitedActor,
		tables,
		exports: exportList,
		incidentCount: incidents.length,
		eventCount: events.length,
	};
}

function buildPeople(random: Random): User[] {
	const names = new Set<string>();
	const people: User[] = [];
	while (people.length < 24) {
		const name = `${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)}`;
		if (names.has(name)) continue;
		names.add(name);
		people.push({ id: random.uuid(), name });
	}
	return people;
}

/** Per-incident counts that vary (roughly 40 %–160 % of the average) but sum to exactly the total. */
function exactEventCounts(random: Random, incidents: number, average: number): number[] {
	const target = round(incidents * average);
	const counts: number[] = [];
	let sum = 0;
	for (let index = 0; index < incidents; index++) {
		const count = average === 0 ? 0 : Math.max(1, round(average * (0.4 + 1.2 * random.next())));
		counts.push(count);
		sum += count;
	}
	// Walk round-robin, one event at a time, until the sum matches; no incident goes below one
	// event unless the average itself is below one.
	const fewestPerIncident = average === 0 ? 0 : Math.min(1, floor(target / Math.max(1, incidents)));
	let index = 0;
	let stalled = 0;
	while (sum !== target && incidents > 0 && stalled <= incidents) {
		if (sum < target) {
			counts[index]++;
			sum++;
			stalled = 0;
		} else if (counts[index] > fewestPerIncident) {
			counts[index]--;
			sum--;
			stalled = 0;
		} else {
			stalled++;
		}
		index = (index + 1) % incidents;
	}
	return counts;
}

function buildIncident(
	random: Random,
	number: number,
	openedAt: number,
	people: User[],
): IncidentRecord {
	const serviceName = random.pick(
		COMPONENTS.filter((component) => component.type === 'service'),
	).name;
	const functionalityName = random.pick(
		COMPONENTS.filter((component) => component.type === 'functionality'),
	).name;
	const name = fill(random.pick(INCIDENT_NAME_TEMPLATES), {
		service: serviceName,
		functionality: functionalityName,
		region: random.pick(REGIONS),
		number: String(random.int(2, 900)),
	});
	// Milestones follow each other; a skipped one leaves its column empty and the chain goes on.
	const times: Array<number | null> = [];
	let cursor = openedAt;
	const step = (probability: number, min: number, max: number): number | null => {
		if (!random.chance(probability)) return null;
		cursor += random.int(min, max);
		return cursor;
	};
	times.push(step(1, 0, 90_000)); // detected
	times.push(step(0.9, 30_000, 10 * MINUTE)); // acknowledged
	times.push(step(0.85, MINUTE, 20 * MINUTE)); // investigating
	times.push(step(0.75, 5 * MINUTE, 3 * HOUR)); // identified
	times.push(step(0.95, 5 * MINUTE, 6 * HOUR)); // mitigated
	const resolved = step(1, 5 * MINUTE, 12 * HOUR);
	times.push(resolved);
	const retroStarted = step(0.55, 2 * HOUR, 3 * DAY);
	times.push(retroStarted);
	times.push(retroStarted === null ? null : step(0.7, HOUR, 4 * DAY));

	const severity = random.pickWeighted(SEVERITIES, SEVERITY_WEIGHTS);
	let laterSeverity: string | null = null;
	let severityChangedAt = Number.NaN;
	const acknowledged = times[1];
	const mitigated = times[4];
	if (
		acknowledged !== null &&
		mitigated !== null &&
		mitigated - acknowledged > 2 &&
		random.chance(0.3)
	) {
		const position = SEVERITIES.indexOf(severity);
		const moved = Math.min(
			SEVERITIES.length - 1,
			Math.max(0, position + (random.chance(0.6) ? -1 : 1)),
		);
		if (moved !== position) {
			laterSeverity = SEVERITIES[moved];
			severityChangedAt = acknowledged + 1 + floor(random.next() * (mitigated - acknowledged - 1));
		}
	}
	const startedAt = random.chance(0.2) ? openedAt : openedAt - random.int(MINUTE, 45 * MINUTE);
	const startedBy = random.chance(0.15)
		? random.pick(['PagerDuty', 'Datadog', 'Slack'])
		: random.pick(people).name;
	return {
		id: random.uuid(),
		number,
		name,
		priority: random.chance(0.2) ? null : random.pick(PRIORITIES),
		severity,
		laterSeverity,
		severityChangedAt,
		startedAt,
		openedAt,
		milestoneTimes: times,
		startedBy,
		versions: sortedUnique([openedAt, ...times, laterSeverity === null ? null : severityChangedAt]),
	};
}

function newRoleAssignment(
	random: Random,
	incidentIndex: number,
	roleIndex: number,
	user: User,
	assignedAt: number,
): RoleAssignmentRecord {
	return {
		id: random.uuid(),
		incidentIndex,
		roleIndex,
		user,
		inactiveAt: null,
		versions: [assignedAt],
	};
}

function buildRetrospective(
	random: Random,
	incidentIndex: number,
	incident: IncidentRecord,
	startedAt: number,
	completedAt: number | null,
	questionTypeIds: string[],
): RetrospectiveRecord {
	const createdAt = startedAt + random.int(1000, 60_000);
	const lastEditAt =
		completedAt !== null && completedAt > createdAt
			? completedAt
			: createdAt + random.int(6 * HOUR, 2 * DAY);
	const versions = [createdAt];
	const edits = random.int(1, 3);
	for (let edit = 1; edit < edits; edit++)
		versions.push(createdAt + floor(random.next() * (lastEditAt - createdAt)));
	versions.push(lastEditAt);
	const fillValues = {
		service: random.pick(COMPONENTS).name,
		region: random.pick(REGIONS),
		number: String(random.int(5, 240)),
	};
	return {
		id: random.uuid(),
		incidentIndex,
		name: `Retrospective: ${incident.name}`,
		summary: fill(random.pick(SUMMARY_TEMPLATES), fillValues),
		tags: random.sample(TAGS, random.int(1, 3)),
		additionalDetails: `Timeline reviewed with ${random.pick(TEAMS)}.\nSee "Action items" below, owners assigned.`,
		questions: RETROSPECTIVE_QUESTIONS.map((question, questionIndex) => ({
			title: random.pick(question.titles),
			body: fill(random.pick(NOTE_TEMPLATES), { ...fillValues, sha: random.hex(7) }),
			question_type_id: questionTypeIds[questionIndex],
		})),
		versions: sortedUnique(versions),
	};
}

interface EventContext {
	random: Random;
	people: User[];
	roleAssignments: RoleAssignmentRecord[];
	impacts: ImpactRecord[];
	teams: Array<{ id: string; name: string }>;
	runbooks: Array<{ id: string; name: string; steps: Array<{ id: string; name: string }> }>;
	incident: IncidentRecord;
}

const EVENT_TYPE_WEIGHTS: Record<EventType, number> = {
	IncidentStatus: 8,
	BulkMilestoneUpdate: 8,
	ImpactUpdate: 6,
	GeneralUpdate: 8,
	Note: 18,
	RoleUpdate: 8,
	ChatMessage: 20,
	AddTaskList: 3,
	RunbookAttachment: 3,
	RunbookStepExecutionUpdate: 5,
	TaskUpdate: 7,
	TeamAssignment: 3,
	TicketUpdate: 3,
	GenericResourceChange: 3,
};
const WEIGHTS_IN_TYPE_ORDER = EVENT_TYPES.map((type) => EVENT_TYPE_WEIGHTS[type]);

function pickEventType(random: Random): EventType {
	return random.pickWeighted(EVENT_TYPES, WEIGHTS_IN_TYPE_ORDER);
}

/** Index in MILESTONES of the latest milestone the incident had reached at `time`. */
function milestoneReached(incident: IncidentRecord, time: number): number {
	let reached = 0;
	incident.milestoneTimes.forEach((milestoneTime, index) => {
		if (milestoneTime !== null && milestoneTime <= time) reached = index + 1;
	});
	return reached;
}

function buildEvent(
	context: EventContext,
	incidentIndex: number,
	type: EventType,
	createdAt: number,
): EventRecord {
	const { random, people, incident } = context;
	const author = random.pick(people);
	const fillValues = {
		service: random.pick(COMPONENTS).name,
		region: random.pick(REGIONS),
		number: String(random.int(1000, 99_999)),
		sha: random.hex(7),
	};
	let createdByName = author.name;
	let details: Record<string, unknown>;
	let editedDetails: Record<string, unknown> | null = null;
	switch (type) {
		case 'IncidentStatus':
			details = { new_status: MILESTONES[Math.max(1, milestoneReached(incident, createdAt))] };
			break;
		case 'BulkMilestoneUpdate': {
			const position = Math.max(1, milestoneReached(incident, createdAt));
			details = {
				original_milestone: MILESTONES[position - 1],
				current_milestone: MILESTONES[position],
			};
			if (random.chance(0.3)) createdByName = 'FireHydrant';
			break;
		}
		case 'ImpactUpdate': {
			const impact = context.impacts.length > 0 ? random.pick(context.impacts) : null;
			const updateType = random.pick(['add', 'update', 'remove', 'noop']);
			details = {
				update_type: updateType,
				impacted_type: impact?.component.type ?? 'service',
				impacted_id: impact?.component.id ?? random.uuid(),
				old_condition_name: updateType === 'add' ? null : random.pick(CONDITIONS),
				new_condition_name: updateType === 'remove' ? null : random.pick(CONDITIONS),
			};
			break;
		}
		case 'GeneralUpdate':
			details = { description: fill(random.pick(GENERAL_UPDATES), fillValues) };
			if (random.chance(0.1))
				editedDetails = { description: `${details.description as string} (corrected)` };
			break;
		case 'Note':
			details = { body: fill(random.pick(NOTE_TEMPLATES), fillValues) };
			if (random.chance(0.12))
				editedDetails = {
					body: `${details.body as string}\n\nEdit: numbers above are from the "EU" dashboard, not global.`,
				};
			break;
		case 'RoleUpdate': {
			const assignment =
				context.roleAssignments.length > 0 ? random.pick(context.roleAssignments) : null;
			details = {
				role_assignment_id: assignment?.id ?? random.uuid(),
				incident_role_name: ROLE_NAMES[assignment?.roleIndex ?? 0],
				operation: random.chance(0.8) ? 'assigned' : 'unassigned',
				assigned_user_id: assignment?.user.id ?? author.id,
				assigned_user_name: assignment?.user.name ?? author.name,
			};
			break;
		}
		case 'ChatMessage':
			details = { chat_user_id: `U0${random.alphanumeric(9)}` };
			break;
		case 'AddTaskList':
			details = { task_list_id: random.uuid(), task_list_name: random.pick(TASK_LISTS) };
			break;
		case 'RunbookAttachment': {
			const runbook = random.pick(context.runbooks);
			details = { runbook_id: runbook.id, runbook_name: runbook.name };
			break;
		}
		case 'RunbookStepExecutionUpdate': {
			const runbook = random.pick(context.runbooks);
			const runbookStep = random.pick(runbook.steps);
			details = {
				description: `Step "${runbookStep.name}" ${random.pick(['started', 'completed', 'failed, retrying'])}`,
				step_execution_id: random.uuid(),
				step_id: runbookStep.id,
				step_name: runbookStep.name,
			};
			createdByName = 'FireHydrant';
			break;
		}
		case 'TaskUpdate':
			details = {
				task_id: random.uuid(),
				task_summary: random.pick(TASK_SUMMARIES),
				task_description: fill(
					'Owner: {service} on-call.\nDone when dashboards are green, "for real".',
					fillValues,
				),
				operation: random.pick(['created', 'updated', 'assigned']),
				new_state: random.pick(['open', 'in_progress', 'done', 'cancelled']),
			};
			break;
		case 'TeamAssignment': {
			const team = random.pick(context.teams);
			details = { team_id: team.id, team_name: team.name };
			break;
		}
		case 'TicketUpdate':
			details = {
				ticket_id: random.uuid(),
				ticket_type: random.pick(['incident', 'task', 'follow_up']),
				ticket_provider_id: random.chance(0.6) ? `INC-${random.int(100, 9999)}` : null,
			};
			break;
		case 'GenericResourceChange':
			details = {
				operation: random.pick(['create', 'update', 'destroy']),
				resource_type: random.pick(['StatusPage', 'Incident::Link', 'ChangeEvent']),
				resource_id: random.uuid(),
				fields: {
					summary: { from: incident.name, to: `${incident.name} (updated)` },
					visible: { from: false, to: true },
				},
			};
			break;
	}
	const versions = [createdAt];
	// Most events never change; edited ones get a later version (which may fall after the last
	// export window and then never shows up, as in real life).
	if (editedDetails !== null || random.chance(0.05))
		versions.push(createdAt + random.int(10 * MINUTE, 30 * HOUR));
	return {
		id: random.uuid(),
		incidentIndex,
		createdByName,
		type,
		detailsJson: JSON.stringify(details),
		editedDetailsJson: editedDetails === null ? null : JSON.stringify(editedDetails),
		versions,
	};
}

interface TableInputs {
	accountId: string;
	organizationId: string;
	incidents: IncidentRecord[];
	roleAssignments: RoleAssignmentRecord[];
	impacts: ImpactRecord[];
	retrospectives: RetrospectiveRecord[];
	events: EventRecord[];
	roles: Array<{ id: string; name: string }>;
}

function buildTables(inputs: TableInputs): Record<ShortSource, SourceTable> {
	const {
		accountId,
		organizationId,
		incidents,
		roleAssignments,
		impacts,
		retrospectives,
		events,
		roles,
	} = inputs;
	// Every row starts with the same five columns; the rest is appended to the same array.
	const row = (id: string, createdAt: number, updatedAt: number, ...rest: CsvCell[]): CsvCell[] => [
		id,
		accountId,
		organizationId,
		iso(createdAt),
		iso(updatedAt),
		...rest,
	];
	const at = (time: number | null, asOf: number): string | null =>
		time !== null && time <= asOf ? iso(time) : null;
	// Schema cells are identical for every event of a type: stringify once.
	const schemaJson = new Map<EventType, string>();
	for (const type of EVENT_TYPES) schemaJson.set(type, JSON.stringify(EVENT_DETAILS_SCHEMAS[type]));

	const incidentTable: SourceTable = {
		short: 'incident',
		columns: COLUMNS.incident,
		size: incidents.length,
		idOf: (index) => incidents[index].id,
		versionsOf: (index) => incidents[index].versions,
		render(index, versionIndex) {
			const incident = incidents[index];
			const asOf = incident.versions[versionIndex];
			const resolvedAt = incident.milestoneTimes[5];
			const activeUntil = resolvedAt !== null && resolvedAt <= asOf ? resolvedAt : asOf;
			const severity =
				incident.laterSeverity !== null && incident.severityChangedAt <= asOf
					? incident.laterSeverity
					: incident.severity;
			return row(
				incident.id,
				incident.openedAt,
				asOf,
				String(incident.number),
				incident.name,
				severity,
				incident.priority,
				iso(incident.startedAt),
				...incident.milestoneTimes.map((time) => at(time, asOf)),
				iso(incident.openedAt),
				incident.startedBy,
				isoDuration(activeUntil - incident.startedAt),
			);
		},
	};
	const roleTable: SourceTable = {
		short: 'incident_role_assignment',
		columns: COLUMNS.incident_role_assignment,
		size: roleAssignments.length,
		idOf: (index) => roleAssignments[index].id,
		versionsOf: (index) => roleAssignments[index].versions,
		render(index, versionIndex) {
			const assignment = roleAssignments[index];
			const asOf = assignment.versions[versionIndex];
			const role = roles[assignment.roleIndex];
			return row(
				assignment.id,
				assignment.versions[0],
				asOf,
				assignment.inactiveAt !== null && assignment.inactiveAt <= asOf ? 'inactive' : 'active',
				role.id,
				role.name,
				incidents[assignment.incidentIndex].id,
				assignment.user.id,
				assignment.user.name,
			);
		},
	};
	const eventTable: SourceTable = {
		short: 'incident_event',
		columns: COLUMNS.incident_event,
		size: events.length,
		idOf: (index) => events[index].id,
		versionsOf: (index) => events[index].versions,
		render(index, versionIndex) {
			const event = events[index];
			const details =
				versionIndex > 0 && event.editedDetailsJson !== null
					? event.editedDetailsJson
					: event.detailsJson;
			return row(
				event.id,
				event.versions[0],
				event.versions[versionIndex],
				incidents[event.incidentIndex].id,
				event.createdByName,
				event.type,
				schemaJson.get(event.type) ?? null,
				details,
			);
		},
	};
	const impactTable: SourceTable = {
		short: 'incident_impact',
		columns: COLUMNS.incident_impact,
		size: impacts.length,
		idOf: (index) => impacts[index].id,
		versionsOf: (index) => impacts[index].versions,
		render(index, versionIndex) {
			const impact = impacts[index];
			return row(
				impact.id,
				impact.versions[0],
				impact.versions[versionIndex],
				incidents[impact.incidentIndex].id,
				impact.component.id,
				impact.component.type,
				impact.component.slug,
				impact.conditions[versionIndex],
			);
		},
	};
	const retrospectiveTable: SourceTable = {
		short: 'retrospective',
		columns: COLUMNS.retrospective,
		size: retrospectives.length,
		idOf: (index) => retrospectives[index].id,
		versionsOf: (index) => retrospectives[index].versions,
		render(index, versionIndex) {
			// A retrospective fills up over its versions: first empty, then summary, tags and
			// answers arrive; additional details only in the final version.
			const retrospective = retrospectives[index];
			const lastVersion = retrospective.versions.length - 1;
			const progress = lastVersion === 0 ? 1 : versionIndex / lastVersion;
			const answered = round(retrospective.questions.length * progress);
			const tagCount = ceil(retrospective.tags.length * progress);
			return row(
				retrospective.id,
				retrospective.versions[0],
				retrospective.versions[versionIndex],
				retrospective.name,
				versionIndex === 0 && lastVersion > 0 ? '' : retrospective.summary,
				JSON.stringify(retrospective.tags.slice(0, tagCount)),
				incidents[retrospective.incidentIndex].id,
				versionIndex === lastVersion ? retrospective.additionalDetails : null,
				JSON.stringify(
					retrospective.questions.map((question, questionIndex) => ({
						...question,
						body: questionIndex < answered ? question.body : '',
					})),
				),
			);
		},
	};
	return {
		incident: incidentTable,
		incident_role_assignment: roleTable,
		incident_event: eventTable,
		incident_impact: impactTable,
		retrospective: retrospectiveTable,
	};
}

/** Nights whose window [start, end) contains `time`: at most two, since windows overlap by 6 h. */
function nightsContaining(time: number, nights: Nights, into: number[]): void {
	const count = nights.windowStartsAt.length;
	const firstStart = nights.windowStartsAt[0];
	let latest = floor((time - firstStart) / DAY);
	if (latest > count - 1) latest = count - 1;
	for (let night = latest > 0 ? latest - 1 : 0; night <= latest; night++) {
		if (time >= nights.windowStartsAt[night] && time < nights.windowEndsAt[night]) into.push(night);
	}
}

function cutExports(
	heads: Array<Omit<GeneratedExport, 'recordIndexes' | 'versionIndexes' | 'body'>>,
	tables: Record<ShortSource, SourceTable>,
	nights: Nights,
): GeneratedExport[] {
	const nightCount = nights.windowStartsAt.length;
	const rowsBySourceAndNight = new Map<
		ShortSource,
		Array<{ records: number[]; versions: number[] }>
	>();
	const touched: number[] = [];
	for (const short of SHORT_SOURCES) {
		const table = tables[short];
		const perNight = Array.from({ length: nightCount }, () => ({
			records: [] as number[],
			versions: [] as number[],
		}));
		for (let recordIndex = 0; recordIndex < table.size; recordIndex++) {
			const versions = table.versionsOf(recordIndex);
			touched.length = 0;
			for (const time of versions) nightsContaining(time, nights, touched);
			let previousNight = -1;
			touched.sort((a, b) => a - b);
			for (const night of touched) {
				if (night === previousNight) continue;
				previousNight = night;
				// The row shows the record as it stood when the window closed.
				let versionIndex = 0;
				while (
					versionIndex + 1 < versions.length &&
					versions[versionIndex + 1] < nights.windowEndsAt[night]
				)
					versionIndex++;
				perNight[night].records.push(recordIndex);
				perNight[night].versions.push(versionIndex);
			}
		}
		rowsBySourceAndNight.set(short, perNight);
	}
	return heads.map((head, position) => {
		const night = floor(position / SHORT_SOURCES.length);
		const rows = rowsBySourceAndNight.get(head.short)?.[night] ?? { records: [], versions: [] };
		const table = tables[head.short];
		const writer = new CsvWriter();
		writer.header(table.columns);
		for (let row = 0; row < rows.records.length; row++)
			writer.row(table.render(rows.records[row], rows.versions[row]));
		return {
			...head,
			recordIndexes: Uint32Array.from(rows.records),
			versionIndexes: Uint32Array.from(rows.versions),
			body: writer.finish(),
		};
	});
}
