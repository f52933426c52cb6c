import { parseJsonCell } from '../../../lib/json-cells';

describe('parseJsonCell', () => {
	it('parses objects, arrays and scalars', () => {
		expect(parseJsonCell('{"team":"payments","tags":["p1","eu"]}')).toEqual({ ok: true, value: { team: 'payments', tags: ['p1', 'eu'] } });
		expect(parseJsonCell('[1,2,3]')).toEqual({ ok: true, value: [1, 2, 3] });
		expect(parseJsonCell('42')).toEqual({ ok: true, value: 42 });
		expect(parseJsonCell('"text"')).toEqual({ ok: true, value: 'text' });
		expect(parseJsonCell('null')).toEqual({ ok: true, value: null });
	});

	it('treats an empty or blank cell as null', () => {
		expect(parseJsonCell('')).toEqual({ ok: true, value: null });
		expect(parseJsonCell('  \t ')).toEqual({ ok: true, value: null });
	});

	it('ignores surrounding whitespace and a byte-order mark', () => {
		expect(parseJsonCell('\uFEFF  {"a":1}\n')).toEqual({ ok: true, value: { a: 1 } });
	});

	it('reports invalid JSON without throwing', () => {
		const result = parseJsonCell('{"a":1,}');
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.error).toMatch(/^not valid JSON: /);
		expect(parseJsonCell('payments, eu').ok).toBe(false);
	});

	it('keeps a long parser message short', () => {
		const result = parseJsonCell(`{"a":"${'x'.repeat(10_000)}`);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.error.length).toBeLessThanOrEqual(220);
	});

	it('keeps a "__proto__" key as data', () => {
		const result = parseJsonCell('{"__proto__":{"polluted":true}}');
		expect(result.ok).toBe(true);
		if (result.ok) {
			expect(({} as Record<string, unknown>).polluted).toBeUndefined();
			expect(Object.keys(result.value as object)).toEqual(['__proto__']);
		}
	});
});
