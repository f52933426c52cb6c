import { startSandbox, type Sandbox } from '../../sandbox';
import {
	EXPORT_REQUEST_LIST_SCHEMA,
	EXPORT_REQUEST_SCHEMA,
} from '../../sandbox/firehydrant/schemas';
import {
	SchemaValidator,
	UnsupportedSchemaError,
	loadOpenApi,
	responseSchema,
	validateResponse,
	vendorSpecPath,
	type JsonSchema,
	type OpenApiDocument,
} from '../../sandbox/spec';
import { authorized, request } from './http';

describe('schema validator', () => {
	const root = {
		components: {
			schemas: {
				Pet: {
					type: 'object',
					required: ['name'],
					properties: {
						name: { type: 'string', minLength: 1 },
						age: { type: 'integer', format: 'int32', nullable: true, minimum: 0 },
						born: { type: 'string', format: 'date-time' },
						kind: { type: 'string', enum: ['cat', 'dog'] },
						tags: { type: 'array', items: { type: 'string' }, uniqueItems: true },
						owner: { $ref: '#/components/schemas/Owner' },
					},
				},
				Owner: {
					type: 'object',
					properties: { id: { type: 'string', format: 'uuid' } },
					additionalProperties: false,
				},
				'Odd/Name~': { type: 'boolean' },
			},
		},
	};
	const validator = new SchemaValidator(root);
	const pet: JsonSchema = { $ref: '#/components/schemas/Pet' };
	const messages = (schema: JsonSchema, value: unknown) =>
		validator.validate(schema, value).map((issue) => `${issue.path}: ${issue.message}`);

	it('accepts a matching value, following $ref', () => {
		expect(
			messages(pet, {
				name: 'Tom',
				age: null,
				born: '2023-04-02T10:11:01.492Z',
				kind: 'cat',
				tags: ['a', 'b'],
				owner: { id: 'a9fc8336-b3d0-4bc0-8d74-29f3c7508576' },
				extra: 'allowed unless closed',
			}),
		).toEqual([]);
	});

	it('reports each problem with a JSON pointer', () => {
		expect(
			messages(pet, {
				age: -1.5,
				born: '2023-04-02 10:11:01',
				kind: 'cow',
				tags: ['a', 'a', 3],
				owner: { id: 'nope', more: 1 },
			}).sort(),
		).toEqual(
			[
				': missing required property "name"',
				'/age: expected integer or null, got number',
				'/born: not an RFC 3339 date-time: "2023-04-02 10:11:01"',
				'/kind: expected one of ["cat","dog"], got "cow"',
				'/tags: items are not unique',
				'/tags/2: expected string, got number',
				'/owner/id: not a uuid: "nope"',
				'/owner/more: property not allowed (additionalProperties: false)',
			].sort(),
		);
	});

	it('handles JSON-Schema type lists, allOf, anyOf, oneOf and not', () => {
		expect(messages({ type: ['string', 'null'] }, null)).toEqual([]);
		expect(messages({ type: ['string', 'null'] }, 3)).toEqual([
			': expected string or null, got number',
		]);
		expect(
			messages({ allOf: [{ type: 'object', required: ['a'] }, { required: ['b'] }] }, { a: 1 }),
		).toEqual([': missing required property "b"']);
		expect(messages({ anyOf: [{ type: 'string' }, { type: 'integer' }] }, 2)).toEqual([]);
		expect(messages({ anyOf: [{ type: 'string' }, { type: 'integer' }] }, 2.5)).toEqual([
			': matches none of anyOf',
		]);
		expect(messages({ oneOf: [{ type: 'number' }, { type: 'integer' }] }, 2)).toEqual([
			': matches 2 of oneOf, expected exactly 1',
		]);
		expect(messages({ not: { type: 'string' } }, 'x')).toEqual([
			': matches the schema under "not"',
		]);
		expect(messages({ $ref: '#/components/schemas/Odd~1Name~0' }, true)).toEqual([]);
	});

	it('closes declared objects on request, so invented fields are caught', () => {
		const owner = { $ref: '#/components/schemas/Pet' };
		expect(
			validator.validate(owner, { name: 'x', invented: 1 }, { forbidUndeclaredProperties: true }),
		).toEqual([{ path: '/invented', message: 'property not declared by the schema' }]);
	});

	it('refuses to pass silently over keywords it does not implement', () => {
		expect(() => validator.validate({ type: 'object', patternProperties: {} }, {})).toThrow(
			UnsupportedSchemaError,
		);
		expect(() => validator.validate({ $ref: 'other.yaml#/X' }, {})).toThrow(UnsupportedSchemaError);
		expect(() => validator.validate({ $ref: '#/components/schemas/Missing' }, {})).toThrow(
			/does not resolve/,
		);
		expect(() => validator.validate({ type: 'strange' }, 1)).toThrow(UnsupportedSchemaError);
	});
});

describe('FireHydrant sandbox against the vendor spec', () => {
	let spec: OpenApiDocument;
	let sandbox: Sandbox;
	let validator: SchemaValidator;

	beforeAll(async () => {
		spec = loadOpenApi(vendorSpecPath('firehydrant-openapi.yaml'));
		validator = new SchemaValidator(spec);
		sandbox = await startSandbox({
			seed: 21,
			fireHydrant: { incidents: 10, eventsPerIncident: 3 },
		});
	});
	afterAll(async () => {
		// beforeAll may have failed before the sandbox started; its error is the one to report.
		await sandbox?.close();
	});

	const get = (path: string, token?: string) =>
		request(`${sandbox.baseUrl}${path}`, { headers: token ? authorized(token) : {} });

	it("serves /v1/ping as the spec's PongEntity, declaring no field the spec lacks", async () => {
		const result = await get('/v1/ping', sandbox.fireHydrant.apiToken);
		const issues = validateResponse(
			spec,
			{ path: '/v1/ping', method: 'GET', status: result.status, body: result.json },
			{ forbidUndeclaredProperties: true },
		);
		expect(issues).toEqual([]);
		expect(responseSchema(spec, '/v1/ping', 'get', 200)).toEqual({
			$ref: '#/components/schemas/PongEntity',
		});
	});

	it('serves /v1/noauth/ping as PongEntity', async () => {
		const result = await get('/v1/noauth/ping');
		expect(
			validateResponse(
				spec,
				{ path: '/v1/noauth/ping', method: 'GET', status: 200, body: result.json },
				{ forbidUndeclaredProperties: true },
			),
		).toEqual([]);
	});

	it("answers errors as the spec's ErrorEntity", async () => {
		const errorEntity = { $ref: '#/components/schemas/ErrorEntity' };
		const unauthorized = await get('/v1/ping', 'wrong');
		const forbidden = await get(
			'/v1/integrations/data_export/export_requests',
			sandbox.fireHydrant.limitedToken,
		);
		const missing = await get(
			'/v1/integrations/data_export/export_requests/unknown',
			sandbox.fireHydrant.apiToken,
		);
		for (const result of [unauthorized, forbidden, missing]) {
			expect(
				validator.validate(errorEntity, result.json, { forbidUndeclaredProperties: true }),
			).toEqual([]);
		}
	});

	it("answers the export request list as documented, with the spec's PaginationEntity", async () => {
		const path = '/v1/integrations/data_export/export_requests';
		// The data-export paths are not in the spec: the schema written from the vendor doc is used.
		expect(spec.paths[path]).toBeUndefined();
		sandbox.fireHydrant.addExportRequest({
			source: 'text/csv+incident-20250301',
			body: '',
			status: 'offline',
		});
		for (const query of ['', '?page=2&per_page=7', '?status=offline']) {
			const result = await get(`${path}${query}`, sandbox.fireHydrant.apiToken);
			validator.assertValid(EXPORT_REQUEST_LIST_SCHEMA, result.json, {
				forbidUndeclaredProperties: true,
			});
		}
		const one = await get(
			`${path}/${sandbox.fireHydrant.exportRequests[0].id}`,
			sandbox.fireHydrant.apiToken,
		);
		validator.assertValid(EXPORT_REQUEST_SCHEMA, one.json);
		// The pagination check has teeth: a missing field or a string page fails it.
		const broken = {
			data: [],
			pagination: { count: 1, page: '1', items: 0, pages: 1, last: 1, prev: null },
		};
		expect(
			validator
				.validate(EXPORT_REQUEST_LIST_SCHEMA, broken)
				.map((issue) => issue.path)
				.sort(),
		).toEqual(['/pagination', '/pagination/page']);
	});
});
