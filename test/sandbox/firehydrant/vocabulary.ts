/**
 * Word lists the generator draws from. Several entries deliberately contain commas, double quotes,
 * apostrophes, non-ASCII letters and emoji, so that CSV quoting and UTF-8 handling are exercised by
 * ordinary data rather than only by hand-made fixtures.
 */

export const FIRST_NAMES = [
	'Ada',
	'Grace',
	'Linus',
	'Margaret',
	'Ken',
	'Barbara',
	'Dennis',
	'Radia',
	'Zoë',
	'José',
	'Siobhán',
	'Jean-Luc',
	'Aiko',
	'Chidi',
	'Priya',
	'Mateo',
	'Ingrid',
	'Tomasz',
	'Nadia',
	'Kwame',
] as const;

export const LAST_NAMES = [
	'Lovelace',
	'Hopper',
	'Torvalds',
	'Hamilton',
	'Thompson',
	'Liskov',
	'Ritchie',
	'Perlman',
	"O'Brien",
	'García',
	'Nakamura',
	'Okafor',
	'Raman',
	'Müller',
	'Kowalski',
	'Haddad',
	'Mensah',
	'van der Berg',
] as const;

export const ROLE_NAMES = [
	'Incident Commander',
	'Communications Lead',
	'Operations Lead',
	'Scribe',
	'Subject Matter Expert',
] as const;

export interface ComponentSeed {
	type: 'service' | 'functionality' | 'environment';
	name: string;
}

export const COMPONENTS: readonly ComponentSeed[] = [
	{ type: 'service', name: 'checkout-api' },
	{ type: 'service', name: 'payments-gateway' },
	{ type: 'service', name: 'search-indexer' },
	{ type: 'service', name: 'auth-service' },
	{ type: 'service', name: 'notifications-worker' },
	{ type: 'service', name: 'inventory-sync' },
	{ type: 'service', name: 'graphql-gateway' },
	{ type: 'service', name: 'billing-ledger' },
	{ type: 'functionality', name: 'Login' },
	{ type: 'functionality', name: 'Checkout' },
	{ type: 'functionality', name: 'Search' },
	{ type: 'functionality', name: 'Email Notifications' },
	{ type: 'functionality', name: 'Mobile Push' },
	{ type: 'environment', name: 'production' },
	{ type: 'environment', name: 'production-eu' },
	{ type: 'environment', name: 'staging' },
];

/** Worst first; the last one means "fine again". */
export const CONDITIONS = [
	'Unavailable',
	'Partially Unavailable',
	'Degraded',
	'Operational',
] as const;

export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4', 'SEV5'] as const;
export const SEVERITY_WEIGHTS = [1, 3, 5, 4, 2] as const;

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;

export const MILESTONES = [
	'started',
	'detected',
	'acknowledged',
	'investigating',
	'identified',
	'mitigated',
	'resolved',
	'retrospective_started',
	'retrospective_completed',
] as const;

export const REGIONS = ['EU', 'US-East', 'APAC', 'São Paulo'] as const;

export const TEAMS = [
	'Platform',
	'Payments, Billing & Invoicing',
	'Identity',
	'SRE "Night Owls"',
	'Mobile',
	'Data Infrastructure',
] as const;

export const RUNBOOKS = [
	'Database failover',
	'Roll back the last deploy',
	'Customer communication: major outage',
	'Scale out the checkout fleet',
] as const;

export const RUNBOOK_STEPS = [
	'Create Slack channel',
	'Page the on-call DBA',
	'Post to status page',
	'Open a Zoom bridge',
	'Freeze deploys',
] as const;

export const TASK_LISTS = ['SEV1 checklist', 'Customer comms', 'Post-incident cleanup'] as const;

export const TASK_SUMMARIES = [
	'Check replication lag',
	'Notify support, "top 20" accounts first',
	'Rotate the leaked credential',
	'Confirm rollback finished',
	'Draft status page update',
] as const;

export const TAGS = [
	'database',
	'customer-facing',
	'third-party',
	'deploy',
	'capacity',
	'security',
	'needs follow-up',
] as const;

export const RETROSPECTIVE_QUESTIONS = [
	{ key: 'went-well', titles: ['What went well?', 'What went well during the incident?'] },
	{ key: 'went-wrong', titles: ["What didn't go well?", 'What could have gone better?'] },
	{ key: 'lucky', titles: ['Where did we get lucky?'] },
	{ key: 'action-items', titles: ['Action items', 'Follow-ups, owners & due dates'] },
] as const;

/** `{service}` / `{functionality}` / `{region}` / `{number}` are filled in by the generator. */
export const INCIDENT_NAME_TEMPLATES = [
	'{service} returning elevated 5xx errors',
	'Checkout latency above SLO, p99 > 2s',
	'"{functionality}" unavailable for {region} customers',
	'Database failover on {service}, writes failing',
	'Customers report "payment declined", card network timeouts',
	'{service}: queue backlog growing ({number}k messages)',
	'Partial outage of {functionality} in {region}',
	'Certificate expired on {service} 🔥',
] as const;

export const NOTE_TEMPLATES = [
	'Rolled back deploy {sha}.\nError rate dropping, watching for 10 more minutes.',
	'Customer quote: "we can\'t log in, it just spins"\nEscalated to support, ticket #{number}.',
	'Root cause candidate: connection pool exhausted (max=50, in use=50)',
	'Paging the {service} on-call, no ack yet',
	'Dashboards:\n- error rate, by region\n- p99 latency, "checkout" only\nBoth back to baseline.',
	'Vendor status page says "investigating", no ETA',
	'Mitigation in place; keeping the incident open until {region} confirms',
] as const;

export const GENERAL_UPDATES = [
	'Status page updated: "We are investigating elevated error rates."',
	'Customers in {region} may see failed payments, retries are safe',
	'Fix deployed, monitoring',
	'Impact narrowed down to {service}, other services healthy',
] as const;

export const SUMMARY_TEMPLATES = [
	'A bad config push to {service} exhausted the connection pool.\nCheckout failed for about {number} minutes; retries recovered most orders.',
	'An expired certificate on {service} broke TLS for "legacy" clients, mostly in {region}.',
	'A third-party card network degraded; we failed over, but the failover itself paged twice.',
] as const;
