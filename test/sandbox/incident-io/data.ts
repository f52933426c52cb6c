import { Random } from '../prng';

/**
 * Deterministic incident.io data: an organisation's configuration (severities, statuses in all
 * eight categories, types, roles, timestamps, custom fields of every type, catalog), users, and
 * incidents in every mode and status category with actions, follow-ups and updates. Records are
 * shaped like the vendor's OpenAPI schemas (checked by the sandbox tests).
 */

export type Json = Record<string, unknown>;

export interface IncidentIoSeedOptions {
	/** Incidents to generate; default 60. */
	incidents?: number;
	actionsPerIncident?: number;
	followUpsPerIncident?: number;
	updatesPerIncident?: number;
	/** The sandbox's "now"; default the real time at start. */
	now?: Date;
}

export const ALL_CATEGORIES = [
	'triage',
	'live',
	'learning',
	'paused',
	'closed',
	'declined',
	'canceled',
	'merged',
] as const;
export const HIDDEN_CATEGORIES = ['declined', 'canceled', 'merged'];
export const ALL_MODES = ['standard', 'retrospective', 'test', 'tutorial', 'stream'] as const;
export const DEFAULT_MODES = ['standard', 'retrospective'];

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export interface IncidentIoDataset {
	now: number;
	severities: Json[];
	statuses: Json[];
	types: Json[];
	roles: Json[];
	timestamps: Json[];
	customFields: Json[];
	/** Live options by custom field id (deleted ones are not listed). */
	customFieldOptions: Json[];
	catalogTypes: Json[];
	catalogEntries: Json[];
	users: Json[];
	incidents: Json[];
	actions: Json[];
	followUps: Json[];
	incidentUpdates: Json[];
	/** Ids of options that incidents still reference but that were deleted. */
	deletedOptionIds: string[];
	/** Reference of the incident whose numeric custom field holds text. */
	nonNumericIncidentRef: string;
}

/** Sortable 26-character ids (ULID-like): a sequence part, then random, so id order = creation order. */
export function makeIdFactory(random: Random): (sequence: number) => string {
	return (sequence: number) => {
		let head = '';
		let value = sequence;
		for (let index = 0; index < 10; index++) {
			head = CROCKFORD[value % 32] + head;
			value = Math.floor(value / 32);
		}
		let tail = '';
		for (let index = 0; index < 16; index++) tail += CROCKFORD[random.int(0, 31)];
		return `01${head.slice(2)}${tail}`;
	};
}

/** Alternates the two shapes the API uses: with microseconds and without a fraction. */
export function apiTime(ms: number, withMicros: boolean): string {
	const iso = new Date(Math.floor(ms)).toISOString();
	return withMicros
		? iso.replace(
				/\.(\d{3})Z$/,
				(_match, millis: string) =>
					`.${millis}${String(Math.floor(ms * 1000) % 1000).padStart(3, '0')}Z`,
			)
		: iso.replace(/\.\d{3}Z$/, 'Z');
}

const WORDS = [
	'database',
	'checkout',
	'login',
	'search',
	'billing',
	'queue',
	'cache',
	'DNS',
	'API',
	'payments',
	'email',
	'webhooks',
];
const PROBLEMS = [
	'is slow',
	'is down',
	'returns errors',
	'is degraded',
	'times out',
	'drops requests',
];
const FIRST = [
	'Lisa',
	'Ada',
	'Sam',
	'Priya',
	'Tom',
	'Mei',
	'Jonas',
	'Fatima',
	'Leo',
	'Nora',
	'Kofi',
	'Ines',
];
const LAST = [
	'Curtis',
	'Lovelace',
	'Okafor',
	'Shah',
	'Berg',
	'Chen',
	'Weber',
	'Haddad',
	'Rossi',
	'Kim',
	'Mensah',
	'Silva',
];

export function generateDataset(
	seed: number,
	options: IncidentIoSeedOptions = {},
): IncidentIoDataset {
	const random = new Random(seed * 7919 + 11);
	const nextId = makeIdFactory(random);
	let sequence = 1000;
	const id = () => nextId(sequence++);
	const now = (options.now ?? new Date()).getTime();
	const configTime = apiTime(now - 400 * 86_400_000, true);
	const stamp = { created_at: configTime, updated_at: configTime };

	const severities = ['Minor', 'Major', 'Critical'].map((name, rank) => ({
		id: id(),
		name,
		description: `${name} impact`,
		rank: rank + 1,
		...stamp,
	}));
	const statuses = ALL_CATEGORIES.map((category, rank) => ({
		id: id(),
		name:
			category === 'live' ? 'Investigating' : category.charAt(0).toUpperCase() + category.slice(1),
		description: `Incidents in ${category}`,
		category,
		rank: rank + 1,
		...stamp,
	}));
	const types = ['Production Outage', 'Security', 'Data Quality'].map((name, index) => ({
		id: id(),
		name,
		description: `${name} incidents`,
		create_in_triage: index === 0 ? 'always' : 'optional',
		is_default: index === 0,
		private_incidents_only: name === 'Security',
		...stamp,
	}));
	const roles = [
		{ name: 'Incident Lead', shortform: 'lead', role_type: 'lead' },
		{ name: 'Reporter', shortform: 'reporter', role_type: 'reporter' },
		{ name: 'Communications Lead', shortform: 'comms', role_type: 'custom' },
	].map((role) => ({
		id: id(),
		description: `The ${role.name}`,
		instructions: `Act as ${role.name}`,
		...role,
		...stamp,
	}));
	const timestamps = ['Impact started', 'Reported at', 'Resolved at'].map((name, index) => ({
		id: id(),
		name,
		rank: index + 1,
	}));
	const durationMetrics = [
		{ id: id(), name: 'Time to resolve' },
		{ id: id(), name: 'Lasted' },
	];

	const users = Array.from({ length: 24 }, (_unused, index) => {
		const name = `${FIRST[index % FIRST.length]} ${LAST[(index * 5) % LAST.length]}`;
		return {
			id: id(),
			name,
			email: `${name.toLowerCase().replace(/\s+/g, '.')}@example.com`,
			role: random.pick(['viewer', 'responder', 'administrator', 'owner'] as const),
			slack_user_id: `U${String(100000 + index)}`,
			is_active: index % 6 !== 5,
			base_role: { id: id(), name: 'Responder', slug: 'responder', description: 'Can respond' },
			custom_roles: [],
			seats: { on_call: index % 2 ? 'full_access' : 'none', response: 'full_access' },
		};
	});
	const slimUser = (user: (typeof users)[number]) => ({
		id: user.id,
		name: user.name,
		email: user.email,
		role: user.role,
		slack_user_id: user.slack_user_id,
	});

	const serviceType = {
		id: id(),
		name: 'Service',
		type_name: 'Custom["Service"]',
		description: 'Services we run',
		annotations: {},
		categories: ['service'],
		color: 'blue',
		icon: 'server',
		engine_resource_type: 'CatalogEntry["Service"]',
		is_editable: true,
		ranked: false,
		use_name_as_identifier: true,
		schema: {
			version: 1,
			attributes: [{ id: id(), name: 'Tier', type: 'String', array: false, mode: 'api' }],
		},
		...stamp,
	};
	const catalogEntries = WORDS.map((word, rank) => ({
		id: id(),
		catalog_type_id: serviceType.id,
		name: `${word} service`,
		aliases: [word.toLowerCase()],
		external_id: `svc-${word.toLowerCase()}`,
		rank,
		attribute_values: {
			[String(serviceType.schema.attributes[0].id)]: {
				value: { literal: rank < 4 ? 'tier-1' : 'tier-2', label: rank < 4 ? 'Tier 1' : 'Tier 2' },
			},
		},
		...stamp,
	}));

	// Custom fields of every type, plus a select field backed by the catalog.
	const fieldSpecs = [
		{
			name: 'Affected Team',
			field_type: 'single_select',
			options: ['Product', 'Platform', 'Payments', 'Growth'],
		},
		{
			name: 'Affected Regions',
			field_type: 'multi_select',
			options: ['EU', 'US', 'APAC', 'LATAM'],
		},
		{ name: 'Customer Impact', field_type: 'text' },
		{ name: 'Status Page', field_type: 'link' },
		{ name: 'Customers Affected', field_type: 'numeric' },
		{ name: 'Affected Services', field_type: 'multi_select', catalog: true },
	] as const;
	const customFieldOptions: Json[] = [];
	const deletedOptions: Json[] = [];
	const customFields = fieldSpecs.map((spec) => {
		const fieldId = id();
		const options = ('options' in spec ? spec.options : []).map((value, index) => ({
			custom_field_id: fieldId,
			id: id(),
			sort_key: (index + 1) * 10,
			value,
		}));
		if ('options' in spec) {
			// The last option of each select field was deleted after incidents used it.
			deletedOptions.push(options[options.length - 1]);
			customFieldOptions.push(...options.slice(0, -1));
		}
		return {
			id: fieldId,
			name: spec.name,
			description: `${spec.name} of the incident`,
			field_type: spec.field_type,
			...('catalog' in spec ? { catalog_type_id: serviceType.id } : {}),
			...stamp,
			options,
		};
	});
	const liveOptions = (fieldId: string) =>
		customFieldOptions.filter((option) => option.custom_field_id === fieldId);

	const total = options.incidents ?? 60;
	const incidents: Json[] = [];
	const actions: Json[] = [];
	const followUps: Json[] = [];
	const incidentUpdates: Json[] = [];
	const apiKeyActor = { api_key: { id: id(), name: 'Sandbox key' } };
	let nonNumericIncidentRef = '';
	for (let index = 0; index < total; index++) {
		const incidentId = id();
		// Every mode and category appears at least once in the first 40 incidents.
		const mode =
			index < 40
				? ALL_MODES[index % ALL_MODES.length]
				: random.pickWeighted([...ALL_MODES], [70, 15, 8, 4, 3]);
		const status =
			index < 40 ? statuses[Math.floor(index / 5) % statuses.length] : random.pick(statuses);
		const createdMs = now - (total - index) * 3_600_000 * 4 - random.int(0, 3_000_000);
		const updatedMs = Math.min(createdMs + random.int(60_000, 48 * 3_600_000), now - 2 * 3_600_000);
		const micros = index % 2 === 0;
		const reference = `INC-${index + 1}`;
		const visibility = index % 7 === 3 ? 'private' : 'public';
		const type = random.pick(types);
		const entries = customFields.map((field) => {
			let values: Json[] = [];
			const fieldOptions = field.options;
			switch (field.field_type) {
				case 'single_select': {
					const chosen =
						index % 9 === 4
							? fieldOptions[fieldOptions.length - 1]
							: random.pick(liveOptions(field.id));
					values = [{ value_option: chosen }];
					break;
				}
				case 'multi_select':
					if (field.catalog_type_id) {
						values = random.sample(catalogEntries, random.int(1, 3)).map((entry) => ({
							value_catalog_entry: {
								id: entry.id,
								name: entry.name,
								aliases: entry.aliases,
								external_id: entry.external_id,
							},
						}));
					} else {
						values = random
							.sample(fieldOptions, random.int(1, 3))
							.map((option) => ({ value_option: option }));
					}
					break;
				case 'text':
					values = [{ value_text: `${random.int(1, 40)}% of requests failed` }];
					break;
				case 'link':
					values = [{ value_link: `https://status.example.com/incidents/${index + 1}` }];
					break;
				case 'numeric':
					if (index === 5) {
						// The API stores numbers as strings; a hand-imported incident holds text.
						values = [{ value_numeric: 'about 300' }];
						nonNumericIncidentRef = reference;
					} else {
						values = [
							{
								value_numeric: random.chance(0.5)
									? String(random.int(1, 5000))
									: `${random.int(1, 500)}.${random.int(10, 99)}`,
							},
						];
					}
					break;
			}
			return {
				custom_field: {
					id: field.id,
					name: field.name,
					description: field.description,
					field_type: field.field_type,
					options: liveOptions(field.id),
				},
				values,
			};
		});
		const lead = random.pick(users);
		const incident: Json = {
			id: incidentId,
			reference,
			name: `${random.pick(WORDS)} ${random.pick(PROBLEMS)}`,
			summary: `Customers saw problems with ${random.pick(WORDS)}.`,
			mode,
			visibility,
			created_at: apiTime(createdMs, micros),
			updated_at: apiTime(updatedMs, micros),
			creator: { user: slimUser(random.pick(users)) },
			custom_field_entries: entries,
			incident_role_assignments: [
				// Embedded roles carry `required`; the roles list does not.
				{ role: { ...roles[0], required: true }, assignee: slimUser(lead) },
				{ role: { ...roles[1], required: false }, assignee: slimUser(random.pick(users)) },
				{ role: { ...roles[2], required: false } },
			],
			incident_status: status,
			incident_type: type,
			severity: random.pick(severities),
			incident_timestamp_values: [
				{
					incident_timestamp: timestamps[0],
					value: { value: apiTime(createdMs - 600_000, !micros) },
				},
				{ incident_timestamp: timestamps[1], value: { value: apiTime(createdMs, micros) } },
				{
					incident_timestamp: timestamps[2],
					...(status.category === 'closed' ? { value: { value: apiTime(updatedMs, micros) } } : {}),
				},
			],
			duration_metrics: [
				{
					duration_metric: durationMetrics[0],
					status: status.category === 'closed' ? 'success' : 'timestamps_missing',
					...(status.category === 'closed'
						? { value_seconds: Math.round((updatedMs - createdMs) / 1000) }
						: {}),
				},
				{
					duration_metric: durationMetrics[1],
					status: 'success',
					value_seconds: Math.round((updatedMs - createdMs + 600_000) / 1000),
				},
			],
			permalink: `https://app.incident.io/sandbox/incidents/${index + 1}`,
			slack_channel_id: `C${String(200000 + index)}`,
			slack_channel_name: `inc-${index + 1}-${String(random.pick(WORDS)).toLowerCase()}`,
			slack_team_id: 'T0SANDBOX',
			has_debrief: random.chance(0.3),
			workload_minutes_total: random.int(10, 600) + 0.5,
			workload_minutes_working: random.int(0, 300),
			workload_minutes_late: random.int(0, 100) + 0.7,
			workload_minutes_sleeping: 0,
		};
		incidents.push(incident);
		for (let count = 0; count < (options.actionsPerIncident ?? 2); count++) {
			const actionMs = Math.min(createdMs + random.int(60_000, 3_600_000), updatedMs);
			actions.push({
				id: id(),
				incident_id: incidentId,
				description: `Check the ${random.pick(WORDS)} dashboards`,
				status: random.pick(['outstanding', 'completed', 'deleted', 'not_doing'] as const),
				assignee: slimUser(random.pick(users)),
				creator: apiKeyActor,
				created_at: apiTime(actionMs, count % 2 === 0),
				updated_at: apiTime(actionMs + 60_000, count % 2 === 1),
			});
		}
		for (let count = 0; count < (options.followUpsPerIncident ?? 1); count++) {
			const followUpMs = Math.min(updatedMs + random.int(60_000, 3_600_000), now - 3_600_000);
			followUps.push({
				id: id(),
				incident_id: incidentId,
				title: `Prevent ${random.pick(WORDS)} from failing again`,
				description: 'Raised in the debrief',
				status: random.pick(['outstanding', 'completed', 'not_doing'] as const),
				labels: random.chance(0.5) ? ['reliability'] : [],
				assignee: slimUser(random.pick(users)),
				creator: apiKeyActor,
				priority: {
					id: id(),
					name: random.pick(['Low', 'Medium', 'High']),
					rank: random.int(1, 3),
				},
				created_at: apiTime(followUpMs, true),
				updated_at: apiTime(followUpMs, false),
			});
		}
		for (let count = 0; count < (options.updatesPerIncident ?? 1); count++) {
			incidentUpdates.push({
				id: id(),
				incident_id: incidentId,
				message: `Update ${count + 1}: still looking`,
				new_incident_status: status,
				new_severity: incident.severity,
				updater: { user: slimUser(lead) },
				created_at: apiTime(createdMs + (count + 1) * 600_000, count % 2 === 0),
			});
		}
	}

	return {
		now,
		severities,
		statuses,
		types,
		roles,
		timestamps,
		customFields: customFields.map((field) => {
			// The list endpoint of custom fields carries no options; incidents embed them.
			const copy: Json = { ...field };
			delete copy.options;
			return copy;
		}),
		customFieldOptions,
		catalogTypes: [serviceType],
		catalogEntries,
		users,
		incidents,
		actions,
		followUps,
		incidentUpdates,
		deletedOptionIds: deletedOptions.map((option) => String(option.id)),
		nonNumericIncidentRef,
	};
}
