/** OpsLevel S3 data export facts the nodes rely on (see the vendor notes); user-facing texts live here too. */

export const OPSLEVEL_CREDENTIAL_TYPE = 'opsLevelS3Api';

/** Every drop lives under `<root prefix>v1/:push_type/:table_name/:date/:timestamp/`. */
export const EXPORT_VERSION_PREFIX = 'v1/';

export const PUSH_TYPES = ['full', 'incremental'] as const;
export type PushType = (typeof PUSH_TYPES)[number];

/**
 * Tables the vendor documents by example. OpsLevel exports "essentially all the data", so more tables
 * exist: the pickers also list what is actually in the bucket, and any table name is accepted.
 */
export const KNOWN_TABLES = [
	'services',
	'teams',
	'users',
	'repositories',
	'checks',
	'check_results',
] as const;

/** Largest page ListObjectsV2 returns. */
export const MAX_LIST_PAGE = 1000;

/** Attempts per S3 call (the SDK's standard retry mode: throttling, 5xx and network errors, with backoff). */
export const S3_MAX_ATTEMPTS = 4;

/**
 * Bounds on every S3 request, so a silent endpoint or a download that stops sending cannot hold a
 * run for ever. Connecting must succeed within 10 s (or the credential's timeout, if shorter);
 * after that, a request or a download that receives nothing for the credential's timeout
 * (default 60 s) ends with an error. Each call is tried up to S3_MAX_ATTEMPTS times.
 */
export const CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_IDLE_TIMEOUT_SECONDS = 60;

/** Rows a manual trigger test shows. */
export const SAMPLE_ROWS = 20;

/** Permissions the reader needs, named in access errors. */
export const PERMISSION = {
	list: 's3:ListBucket',
	get: 's3:GetObject',
} as const;

export const ERROR_MESSAGES = {
	noBucket: 'Enter the bucket name in the OpsLevel Export Bucket credential.',
	noRegion:
		"Enter the bucket's AWS region (e.g. us-east-1) in the OpsLevel Export Bucket credential.",
	missingKeys:
		'Enter both the Access Key ID and the Secret Access Key in the OpsLevel Export Bucket credential, or choose "AWS Credentials of the n8n Host".',
	accessDenied: (bucket: string, permission: string, resource: string) =>
		`Grant ${permission} on ${resource} to the credential's AWS identity (IAM policy of the user or role, and the bucket policy of "${bucket}").`,
	noSuchBucket: (bucket: string) =>
		`The bucket "${bucket}" does not exist (or not in this account/endpoint). Check the bucket name in the credential.`,
	wrongRegion: (bucket: string, region: string | undefined) =>
		region
			? `The bucket "${bucket}" is in region ${region}. Set Region in the credential to ${region}.`
			: `The bucket "${bucket}" is in another region. Set Region in the credential to the bucket's region (see the bucket's Properties in the S3 console).`,
	badKeys:
		'AWS rejected the access keys. Check the Access Key ID and Secret Access Key (and the Session Token, if temporary keys are used) in the credential.',
	expiredToken:
		'The temporary AWS credentials have expired. Enter fresh keys and session token in the credential.',
	noSuchKey: (key: string) =>
		`No object "${key}" in the bucket. Pick a key listed by Push → Get Many.`,
	noFullPush: (table: string) =>
		`There is no full push of table "${table}" in the bucket yet. OpsLevel sends full pushes weekly; check the table name and the credential's Root Prefix.`,
	noIncrementalPush: (table: string) =>
		`There is no incremental push of table "${table}" in the bucket. Check the table name and the credential's Root Prefix.`,
	noTable: 'Choose a table, or enter its name (e.g. services).',
	noKey: 'Enter the object key, e.g. v1/full/services/2020-07-14/22:00:00/services.csv.gz.',
	notADrop: (key: string) =>
		`"${key}" is not an OpsLevel drop: keys look like <root prefix>v1/<full|incremental>/<table>/<YYYY-MM-DD>/<HH:MM:SS>/<table>.csv.gz. Check the key and the credential's Root Prefix.`,
	corruptGzip: (key: string) =>
		`The object "${key}" is not a valid gzip file, so its rows cannot be read. Ask OpsLevel support to re-send this push, or remove the object from the bucket.`,
	badCsv: (key: string, detail: string) => `The object "${key}" is not well-formed CSV: ${detail}.`,
	stalledDownload: (key: string, seconds: number) =>
		`The download of "${key}" stopped: nothing arrived for ${seconds} s, so the run ended instead of waiting for ever`,
	timedOut: (seconds: number) =>
		`No answer within ${seconds} s (the Timeout of the OpsLevel Export Bucket credential), after every retry. Check the endpoint and this machine's network; raise the Timeout only for a slow store`,
	missingId: (key: string, line: number) =>
		`Row at line ${line} of "${key}" has no id, so it cannot be applied to the table's state. Ask OpsLevel support about this push.`,
	invalidDate: (field: string, value: unknown) =>
		`"${field}" must be a date such as 2024-05-01; got ${JSON.stringify(value)}.`,
} as const;
