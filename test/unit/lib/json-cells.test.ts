import { JsonCellMemo, parseJsonCell } from '../../../lib/json-cells';

describe('parseJsonCell', () => {
	it('parses objects, arrays and scalars', () => {
		expect(parseJsonCell('{"team":"payments","tags":["p1","eu"]}')).toEqual({
			ok: true,
			value: { team: 'payments', tags: ['p1', 'eu'] },
		});
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

describe('JsonCellMemo', () => {
	it('parses each distinct text once and hands out the same value for it', () => {
		const memo = new JsonCellMemo();
		const first = memo.parse('{"type":"object","properties":{"a":{"type":["string"]}}}');
		const again = memo.parse('{"type":"object","properties":{"a":{"type":["string"]}}}');
		expect(first).toEqual({
			ok: true,
			value: { type: 'object', properties: { a: { type: ['string'] } } },
		});
		expect(again.ok && first.ok && again.value === first.value).toBe(true);
		expect(memo.parse('{"type":"array"}')).toEqual({ ok: true, value: { type: 'array' } });
	});

	it('remembers invalid texts too, and nothing past its bounds', () => {
		const memo = new JsonCellMemo(2, 10);
		expect(memo.parse('{"a":').ok).toBe(false);
		expect(memo.parse('{"a":').ok).toBe(false);
		const long = `{"text":"${'x'.repeat(20)}"}`;
		const longValues = [memo.parse(long), memo.parse(long)].map((result) =>
			result.ok ? result.value : undefined,
		);
		expect(longValues[0]).toEqual({ text: 'x'.repeat(20) });
		expect(longValues[0]).not.toBe(longValues[1]);
		memo.parse('[1]');
		const pastCount = [memo.parse('[2]'), memo.parse('[2]')].map((result) =>
			result.ok ? result.value : undefined,
		);
		expect(pastCount[0]).toEqual([2]);
		expect(pastCount[0]).not.toBe(pastCount[1]);
	});
});

describe('JsonCellMemo on a column whose texts do not repeat', () => {
	it('stops sharing once a sample of 1,000 texts is mostly distinct, and still parses every text', () => {
		const memo = new JsonCellMemo();
		for (let index = 0; index < 1000; index++)
			expect(memo.parse(`{"n":${index}}`)).toEqual({ ok: true, value: { n: index } });
		const twice = [memo.parse('{"late":true}'), memo.parse('{"late":true}')].map((result) =>
			result.ok ? result.value : undefined,
		);
		expect(twice[0]).toEqual({ late: true });
		expect(twice[0]).not.toBe(twice[1]);
		expect(memo.parse('{"a":').ok).toBe(false);
	});

	it('keeps sharing when the sample is mostly repeats', () => {
		const memo = new JsonCellMemo();
		for (let index = 0; index < 1000; index++)
			memo.parse(index % 10 === 0 ? `{"n":${index}}` : '{"schema":1}');
		const twice = [memo.parse('{"late":true}'), memo.parse('{"late":true}')].map((result) =>
			result.ok ? result.value : undefined,
		);
		expect(twice[0]).toBe(twice[1]);
	});
});

describe('parseJsonCell on bracketed and unbracketed cells', () => {
	it('parses a bracketed cell as is, and strips a mark or whitespace only around others', () => {
		expect(parseJsonCell('[{"a":[1]}]')).toEqual({ ok: true, value: [{ a: [1] }] });
		expect(parseJsonCell('{"a":1} ')).toEqual({ ok: true, value: { a: 1 } });
		expect(parseJsonCell('\uFEFF[1]')).toEqual({ ok: true, value: [1] });
		expect(parseJsonCell('{"a":1]').ok).toBe(false);
	});
});
