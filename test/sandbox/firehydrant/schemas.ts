import type { JsonSchema } from '../spec';
import { EXPORT_STATUSES } from './sources';

/**
 * The data-export endpoints are not in FireHydrant's OpenAPI spec. These schemas write down what
 * the vendor doc shows (shared/vendor/docs/firehydrant-csv-data-export.txt) and borrow the spec's
 * PaginationEntity for the list envelope, so validate them with a SchemaValidator whose root is the
 * FireHydrant spec. Closed objects: the sandbox must not invent fields.
 */

const TIMESTAMP: JsonSchema = { type: 'string', format: 'date-time' };

export const EXPORT_REQUEST_SCHEMA: JsonSchema = {
	type: 'object',
	required: ['id', 'created_at', 'window_starts_at', 'window_ends_at', 'source', 'status', 'url'],
	additionalProperties: false,
	properties: {
		id: { type: 'string', format: 'uuid' },
		created_at: TIMESTAMP,
		window_starts_at: TIMESTAMP,
		window_ends_at: TIMESTAMP,
		source: { type: 'string', minLength: 1 },
		status: { type: 'string', enum: [...EXPORT_STATUSES] },
		// The doc shows a url on completed exports; what others carry is not documented.
		url: { type: 'string', nullable: true, pattern: '^https?://' },
	},
};

/** The spec's PaginationEntity, with every field present (the list endpoints always send all). */
export const PAGINATION_SCHEMA: JsonSchema = {
	allOf: [
		{ $ref: '#/components/schemas/PaginationEntity' },
		{ type: 'object', required: ['count', 'page', 'items', 'pages', 'last', 'prev', 'next'] },
	],
};

export const EXPORT_REQUEST_LIST_SCHEMA: JsonSchema = {
	type: 'object',
	required: ['data', 'pagination'],
	additionalProperties: false,
	properties: {
		data: { type: 'array', items: EXPORT_REQUEST_SCHEMA },
		pagination: PAGINATION_SCHEMA,
	},
};
