/**
 * Vendor-neutral helpers shared by the FireHydrant, incident.io, OpsLevel and Datadog nodes.
 * Nothing here depends on n8n's runtime, so every piece can be unit-tested in isolation.
 */
export { REDACTED, MIN_LITERAL_SECRET_LENGTH, redactUrl, redactText, redactValue, isSensitiveKey } from './redact';
export {
	DEFAULT_RETRY_POLICY,
	RETRY_AFTER_FLOOR_MS,
	headerValue,
	retryAfterMs,
	backoffMs,
	retryDelayMs,
	isRetryableStatus,
	isTransientNetworkError,
} from './retry';
export type { RetryPolicy, HeaderBag } from './retry';
export { RequestPacer, PacerRegistry, pacerRegistry, getPacer } from './pacer';
export type { RequestPacerOptions } from './pacer';
export {
	CsvFormatError,
	parseCsvRows,
	uniqueColumnNames,
	DEFAULT_MAX_CSV_RECORD_SIZE,
	CSV_RAGGED_ROW,
} from './csv';
export type { CsvRow, CsvParseOptions } from './csv';
export { NewestWins, SeenKeys, instantOf } from './dedupe';
export { parseInstant, toIsoUtc } from './time';
export { isoDurationToSeconds } from './iso-duration';
export { parseJsonCell } from './json-cells';
export type { JsonCellResult } from './json-cells';
