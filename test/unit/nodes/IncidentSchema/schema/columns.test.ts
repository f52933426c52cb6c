/**
 * The incident schema is written down once per medium: the TypeScript type (with its column list),
 * the JSON Schema shipped in the package, and the Postgres DDL in workflows/sql. They must agree.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { COLUMNS } from '../../../../../nodes/IncidentSchema/schema/columns';
import { normalizeItems } from '../../../../../nodes/IncidentSchema/schema/normalize';

const root = join(__dirname, '..', '..', '..', '..', '..');
const jsonSchema = JSON.parse(
	readFileSync(join(root, 'nodes/IncidentSchema/incident.schema.json'), 'utf8'),
) as {
	required: string[];
	properties: Record<string, { type: string | string[] }>;
	additionalProperties: boolean;
};
const ddl = readFileSync(join(root, 'workflows/sql/incidents.sql'), 'utf8');

/** Column name → SQL type, from the CREATE TABLE body. */
function ddlColumns(): Map<string, string> {
	const body = /CREATE TABLE IF NOT EXISTS incidents \(([\s\S]*)\);/.exec(ddl)?.[1] ?? '';
	const columns = new Map<string, string>();
	for (const line of body.split('\n')) {
		const match = /^\s*([a-z_0-9]+)\s+([a-z[\]]+)/.exec(line);
		if (match) columns.set(match[1], match[2]);
	}
	return columns;
}

describe('incident schema', () => {
	it('the DDL, the JSON Schema and the TypeScript column list name the same columns in the same order', () => {
		expect([...ddlColumns().keys()]).toEqual(Object.keys(jsonSchema.properties));
		expect(Object.keys(jsonSchema.properties)).toEqual([...COLUMNS]);
		expect(jsonSchema.required).toEqual([...COLUMNS]);
		expect(jsonSchema.additionalProperties).toBe(false);
	});

	it('the DDL uses the types the issue asks for; incident_key is the primary key', () => {
		const types = ddlColumns();
		expect(ddl).toMatch(/incident_key\s+text PRIMARY KEY/);
		expect(types.get('services')).toBe('text[]');
		expect(types.get('teams')).toBe('text[]');
		expect(types.get('custom_fields')).toBe('jsonb');
		expect(types.get('severity_rank')).toBe('integer');
		expect(types.get('is_private')).toBe('boolean');
		expect(types.get('customer_impact')).toBe('boolean');
		for (const column of [
			'started_at',
			'detected_at',
			'acknowledged_at',
			'mitigated_at',
			'resolved_at',
			'closed_at',
			'created_at',
			'updated_at',
		]) {
			expect([column, types.get(column)]).toEqual([column, 'timestamptz']);
		}
		for (const column of ['time_to_acknowledge_s', 'time_to_mitigate_s', 'time_to_resolve_s'])
			expect([column, types.get(column)]).toEqual([column, 'integer']);
	});

	it("a normalized row has exactly the schema's columns, each of a type the JSON Schema allows", () => {
		const { items } = normalizeItems(
			[
				{
					id: 'dd-1',
					type: 'dora_failure',
					started_at: '2026-01-01T00:00:00Z',
					services: ['api'],
					name: 'API down',
				},
			],
			{ source: 'detect', includeRaw: false, severityOrder: [] },
		);
		const row = items[0].json as unknown as Record<string, unknown>;
		expect(Object.keys(row)).toEqual([...COLUMNS]);
		for (const [column, value] of Object.entries(row)) {
			const allowed = ([] as string[]).concat(jsonSchema.properties[column].type);
			const actual =
				value === null
					? 'null'
					: Array.isArray(value)
						? 'array'
						: Number.isInteger(value)
							? 'integer'
							: typeof value;
			expect([
				column,
				allowed.includes(actual) || (actual === 'integer' && allowed.includes('number')),
			]).toEqual([column, true]);
		}
	});
});
