import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import YAML from 'yaml';

/**
 * A small validator for the JSON Schema subset that OpenAPI 3.0 specs (and the FireHydrant
 * export doc's event schemas) use, to check the sandbox's answers against vendor specs.
 *
 * Honest about its limits: a keyword it does not implement makes it throw
 * (UnsupportedSchemaError) instead of passing silently. Implemented: $ref (local JSON pointers,
 * siblings ignored as OpenAPI 3.0 says), type (a name or a list of names, JSON Schema style),
 * nullable, enum, const, properties, required, additionalProperties, items, allOf, anyOf, oneOf,
 * not, minimum/maximum (and exclusive forms), minLength/maxLength, pattern, minItems/maxItems,
 * uniqueItems, minProperties/maxProperties, and the formats date-time, date, uuid, int32, int64.
 * Other formats (float, double, binary, email, uri …) are annotations here. Annotation keywords
 * (description, example, default, readOnly, discriminator, x-* …) are ignored.
 */

export type JsonSchema = { [keyword: string]: unknown };

export interface ValidationIssue {
	/** JSON pointer into the validated value, '' for the value itself. */
	path: string;
	message: string;
}

export interface ValidateOptions {
	/**
	 * Treat objects that declare `properties` and say nothing about additionalProperties as closed,
	 * so a response with fields the spec does not declare is reported (specs usually leave them
	 * open; the sandbox should not invent fields).
	 */
	forbidUndeclaredProperties?: boolean;
}

export class UnsupportedSchemaError extends Error {}

const ANNOTATIONS = new Set([
	'description',
	'title',
	'example',
	'examples',
	'default',
	'$comment',
	'readOnly',
	'writeOnly',
	'deprecated',
	'externalDocs',
	'xml',
	'discriminator',
	'$schema',
	'$id',
]);

const IMPLEMENTED = new Set([
	'$ref',
	'type',
	'nullable',
	'enum',
	'const',
	'properties',
	'required',
	'additionalProperties',
	'items',
	'allOf',
	'anyOf',
	'oneOf',
	'not',
	'minimum',
	'maximum',
	'exclusiveMinimum',
	'exclusiveMaximum',
	'minLength',
	'maxLength',
	'pattern',
	'minItems',
	'maxItems',
	'uniqueItems',
	'minProperties',
	'maxProperties',
	'format',
]);

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function typeOf(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
	switch (type) {
		case 'null':
			return value === null;
		case 'boolean':
			return typeof value === 'boolean';
		case 'string':
			return typeof value === 'string';
		case 'number':
			return typeof value === 'number' && Number.isFinite(value);
		case 'integer':
			return typeof value === 'number' && Number.isInteger(value);
		case 'array':
			return Array.isArray(value);
		case 'object':
			return isPlainObject(value);
		default:
			throw new UnsupportedSchemaError(`unknown type ${type}`);
	}
}

function deepEqual(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (Array.isArray(a) && Array.isArray(b))
		return a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
	if (isPlainObject(a) && isPlainObject(b)) {
		const keys = Object.keys(a);
		return (
			keys.length === Object.keys(b).length &&
			keys.every((key) => key in b && deepEqual(a[key], b[key]))
		);
	}
	return false;
}

function pointerSegment(segment: string | number): string {
	return `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

export class SchemaValidator {
	/** `root` is the document local `$ref`s point into (an OpenAPI document, or the schema itself). */
	constructor(private readonly root: unknown) {}

	/** The schema a local reference such as `#/components/schemas/PongEntity` points at. */
	resolve(ref: string): JsonSchema {
		if (!ref.startsWith('#'))
			throw new UnsupportedSchemaError(`only local $ref is supported, got ${ref}`);
		let node: unknown = this.root;
		const pointer = decodeURIComponent(ref.slice(1));
		if (pointer !== '') {
			for (const raw of pointer.split('/').slice(1)) {
				const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
				if (!isPlainObject(node) && !Array.isArray(node))
					throw new Error(`$ref ${ref} does not resolve`);
				node = (node as Record<string, unknown>)[segment];
				if (node === undefined) throw new Error(`$ref ${ref} does not resolve (no ${segment})`);
			}
		}
		if (!isPlainObject(node)) throw new Error(`$ref ${ref} does not point at a schema`);
		return node;
	}

	validate(schema: JsonSchema, value: unknown, options: ValidateOptions = {}): ValidationIssue[] {
		const issues: ValidationIssue[] = [];
		this.check(schema, value, '', issues, options, 0);
		return issues;
	}

	/** Throws with every issue listed; for tests that want one line. */
	assertValid(schema: JsonSchema, value: unknown, options: ValidateOptions = {}): void {
		const issues = this.validate(schema, value, options);
		if (issues.length > 0) {
			throw new Error(
				`value does not match the schema:\n${issues.map((issue) => `  ${issue.path || '(root)'}: ${issue.message}`).join('\n')}`,
			);
		}
	}

	private check(
		schema: JsonSchema,
		value: unknown,
		at: string,
		issues: ValidationIssue[],
		options: ValidateOptions,
		depth: number,
	): void {
		if (depth > 200)
			throw new UnsupportedSchemaError(`schema nesting deeper than 200 at ${at}: recursive $ref?`);
		if (typeof schema.$ref === 'string') {
			this.check(this.resolve(schema.$ref), value, at, issues, options, depth + 1);
			return;
		}
		for (const keyword of Object.keys(schema)) {
			if (!IMPLEMENTED.has(keyword) && !ANNOTATIONS.has(keyword) && !keyword.startsWith('x-')) {
				throw new UnsupportedSchemaError(
					`keyword "${keyword}" is not implemented (at ${at || 'root'})`,
				);
			}
		}
		const report = (message: string, where = at): void => {
			issues.push({ path: where, message });
		};

		if (value === null && schema.nullable === true) return;
		if (schema.type !== undefined) {
			const types = Array.isArray(schema.type)
				? (schema.type as string[])
				: [schema.type as string];
			if (!types.some((type) => matchesType(value, type))) {
				report(
					`expected ${types.join(' or ')}${schema.nullable === true ? ' or null' : ''}, got ${typeOf(value)}`,
				);
				return;
			}
		}
		if (Array.isArray(schema.enum) && !schema.enum.some((allowed) => deepEqual(allowed, value))) {
			report(`expected one of ${JSON.stringify(schema.enum)}, got ${JSON.stringify(value)}`);
		}
		if ('const' in schema && !deepEqual(schema.const, value))
			report(`expected ${JSON.stringify(schema.const)}`);

		this.checkCombinators(schema, value, at, issues, options, depth);
		if (typeof value === 'string') this.checkString(schema, value, report);
		if (typeof value === 'number') this.checkNumber(schema, value, report);
		if (Array.isArray(value)) this.checkArray(schema, value, at, issues, options, depth, report);
		if (isPlainObject(value)) this.checkObject(schema, value, at, issues, options, depth, report);
	}

	private checkCombinators(
		schema: JsonSchema,
		value: unknown,
		at: string,
		issues: ValidationIssue[],
		options: ValidateOptions,
		depth: number,
	): void {
		if (Array.isArray(schema.allOf)) {
			for (const part of schema.allOf as JsonSchema[])
				this.check(part, value, at, issues, options, depth + 1);
		}
		const passing = (parts: JsonSchema[]): number =>
			parts.filter((part) => {
				const partIssues: ValidationIssue[] = [];
				this.check(part, value, at, partIssues, options, depth + 1);
				return partIssues.length === 0;
			}).length;
		if (Array.isArray(schema.anyOf) && passing(schema.anyOf as JsonSchema[]) === 0) {
			issues.push({ path: at, message: 'matches none of anyOf' });
		}
		if (Array.isArray(schema.oneOf)) {
			const matched = passing(schema.oneOf as JsonSchema[]);
			if (matched !== 1)
				issues.push({ path: at, message: `matches ${matched} of oneOf, expected exactly 1` });
		}
		if (isPlainObject(schema.not)) {
			const notIssues: ValidationIssue[] = [];
			this.check(schema.not, value, at, notIssues, options, depth + 1);
			if (notIssues.length === 0)
				issues.push({ path: at, message: 'matches the schema under "not"' });
		}
	}

	private checkString(schema: JsonSchema, value: string, report: (message: string) => void): void {
		const length = [...value].length;
		if (typeof schema.minLength === 'number' && length < schema.minLength)
			report(`shorter than ${schema.minLength}`);
		if (typeof schema.maxLength === 'number' && length > schema.maxLength)
			report(`longer than ${schema.maxLength}`);
		if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value))
			report(`does not match /${schema.pattern}/`);
		switch (schema.format) {
			case 'date-time':
				if (!DATE_TIME.test(value) || Number.isNaN(Date.parse(value)))
					report(`not an RFC 3339 date-time: ${JSON.stringify(value)}`);
				break;
			case 'date':
				if (!DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
					report(`not a date: ${JSON.stringify(value)}`);
				break;
			case 'uuid':
				if (!UUID.test(value)) report(`not a uuid: ${JSON.stringify(value)}`);
				break;
			default:
				break;
		}
	}

	private checkNumber(schema: JsonSchema, value: number, report: (message: string) => void): void {
		if (schema.format === 'int32' && (value < -2147483648 || value > 2147483647))
			report('outside int32');
		if (schema.format === 'int64' && !Number.isSafeInteger(value)) report('not a safe int64');
		// OpenAPI 3.0 has boolean exclusiveMinimum/Maximum; JSON Schema 2019+ numeric ones.
		if (typeof schema.minimum === 'number') {
			const exclusive = schema.exclusiveMinimum === true;
			if (exclusive ? value <= schema.minimum : value < schema.minimum)
				report(`below minimum ${schema.minimum}`);
		}
		if (typeof schema.maximum === 'number') {
			const exclusive = schema.exclusiveMaximum === true;
			if (exclusive ? value >= schema.maximum : value > schema.maximum)
				report(`above maximum ${schema.maximum}`);
		}
		if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum)
			report(`not above ${schema.exclusiveMinimum}`);
		if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum)
			report(`not below ${schema.exclusiveMaximum}`);
	}

	private checkArray(
		schema: JsonSchema,
		value: unknown[],
		at: string,
		issues: ValidationIssue[],
		options: ValidateOptions,
		depth: number,
		report: (message: string) => void,
	): void {
		if (typeof schema.minItems === 'number' && value.length < schema.minItems)
			report(`fewer than ${schema.minItems} items`);
		if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
			report(`more than ${schema.maxItems} items`);
		if (
			schema.uniqueItems === true &&
			value.some((item, index) => value.findIndex((other) => deepEqual(other, item)) !== index)
		) {
			report('items are not unique');
		}
		if (isPlainObject(schema.items)) {
			const itemSchema = schema.items;
			value.forEach((item, index) =>
				this.check(itemSchema, item, at + pointerSegment(index), issues, options, depth + 1),
			);
		} else if (schema.items !== undefined) {
			throw new UnsupportedSchemaError(
				`items must be one schema (tuple form not implemented) at ${at || 'root'}`,
			);
		}
	}

	private checkObject(
		schema: JsonSchema,
		value: Record<string, unknown>,
		at: string,
		issues: ValidationIssue[],
		options: ValidateOptions,
		depth: number,
		report: (message: string, where?: string) => void,
	): void {
		const properties = isPlainObject(schema.properties)
			? (schema.properties as Record<string, JsonSchema>)
			: {};
		if (Array.isArray(schema.required)) {
			for (const name of schema.required as string[])
				if (!(name in value)) report(`missing required property "${name}"`);
		}
		const keys = Object.keys(value);
		if (typeof schema.minProperties === 'number' && keys.length < schema.minProperties)
			report(`fewer than ${schema.minProperties} properties`);
		if (typeof schema.maxProperties === 'number' && keys.length > schema.maxProperties)
			report(`more than ${schema.maxProperties} properties`);
		for (const key of keys) {
			const where = at + pointerSegment(key);
			if (Object.prototype.hasOwnProperty.call(properties, key)) {
				this.check(properties[key], value[key], where, issues, options, depth + 1);
				continue;
			}
			const additional = schema.additionalProperties;
			if (additional === false) {
				report('property not allowed (additionalProperties: false)', where);
			} else if (isPlainObject(additional)) {
				this.check(additional, value[key], where, issues, options, depth + 1);
			} else if (
				additional === undefined &&
				options.forbidUndeclaredProperties &&
				isPlainObject(schema.properties)
			) {
				report('property not declared by the schema', where);
			}
		}
	}
}

export interface OpenApiDocument {
	openapi: string;
	paths: Record<string, Record<string, unknown>>;
	components?: { schemas?: Record<string, JsonSchema> };
	[key: string]: unknown;
}

/**
 * Where the vendor specs live: test/fixtures/specs in this repository (looked up from both
 * test/sandbox and dist-tools/test/sandbox), so a fresh clone needs nothing beside it.
 * $INCIDENT_DATA_VENDOR_SPECS names another folder instead, to check the sandbox against a newer
 * copy of a vendor's spec before replacing the fixture.
 */
export function vendorSpecPath(fileName: string): string {
	const override = process.env.INCIDENT_DATA_VENDOR_SPECS;
	const candidates = override
		? [path.resolve(override)]
		: [
				path.resolve(__dirname, '../fixtures/specs'),
				path.resolve(__dirname, '../../../test/fixtures/specs'),
			];
	for (const directory of candidates) {
		if (existsSync(path.join(directory, fileName))) return path.join(directory, fileName);
	}
	throw new Error(`vendor spec ${fileName} not found in ${candidates.join(' or ')}`);
}

/** Parses an OpenAPI document from YAML or JSON. */
export function loadOpenApi(filePath: string): OpenApiDocument {
	const text = readFileSync(filePath, 'utf8');
	const document = (
		filePath.endsWith('.json') ? JSON.parse(text) : YAML.parse(text, { maxAliasCount: -1 })
	) as unknown;
	if (
		!isPlainObject(document) ||
		typeof document.openapi !== 'string' ||
		!isPlainObject(document.paths)
	) {
		throw new Error(`${filePath} is not an OpenAPI 3 document`);
	}
	return document as OpenApiDocument;
}

/**
 * The schema of one documented response. `status` falls back to the range (`2XX`) and then to
 * `default`, as OpenAPI specifies.
 */
export function responseSchema(
	document: OpenApiDocument,
	apiPath: string,
	method: string,
	status: number,
	contentType = 'application/json',
): JsonSchema {
	const pathItem = document.paths[apiPath];
	if (!pathItem) throw new Error(`the spec has no path ${apiPath}`);
	const operation = pathItem[method.toLowerCase()];
	if (!isPlainObject(operation) || !isPlainObject(operation.responses))
		throw new Error(`the spec has no ${method.toUpperCase()} ${apiPath}`);
	const responses = operation.responses;
	const response =
		responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
	if (!isPlainObject(response))
		throw new Error(
			`the spec documents no ${status} response for ${method.toUpperCase()} ${apiPath}`,
		);
	const content = isPlainObject(response.content) ? response.content : {};
	const media = content[contentType];
	if (!isPlainObject(media) || !isPlainObject(media.schema)) {
		throw new Error(
			`the spec documents no ${contentType} body for ${status} of ${method.toUpperCase()} ${apiPath}`,
		);
	}
	return media.schema;
}

/** Validates a response body against the spec's schema for that path, method and status. */
export function validateResponse(
	document: OpenApiDocument,
	response: { path: string; method: string; status: number; body: unknown; contentType?: string },
	options: ValidateOptions = {},
): ValidationIssue[] {
	const schema = responseSchema(
		document,
		response.path,
		response.method,
		response.status,
		response.contentType,
	);
	return new SchemaValidator(document).validate(schema, response.body, options);
}
