/**
 * The incident.io module of the sandbox.
 */

export {
	IncidentIoModule,
	INCIDENT_IO_PREFIX,
	SCOPES,
	DEFAULT_RATE_LIMITS,
	V3_WORK_ITEM_PAGE_SIZE,
} from './module';
export type { IncidentIoRateLimits, RateWindow } from './module';
export {
	generateDataset,
	ALL_CATEGORIES,
	ALL_MODES,
	HIDDEN_CATEGORIES,
	DEFAULT_MODES,
} from './data';
export type { IncidentIoSeedOptions, IncidentIoDataset, Json } from './data';
export { deliverWebhook, signDelivery, signingSecretFor, webhookEnvelope } from './webhooks';
