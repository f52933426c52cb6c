import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	readChoices,
	readIdList,
	readInstant,
	readIsoInstant,
	readNumberInRange,
	requireText,
} from '../../../lib/validation';

const node: INode = {
	id: 'n',
	name: 'Reader',
	type: 'test.reader',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

function contextWith(parameters: Record<string, unknown>): IExecuteFunctions {
	return {
		getNode: () => node,
		getNodeParameter: (name: string, _itemIndex: number, fallback: unknown) =>
			name in parameters ? parameters[name] : fallback,
	} as unknown as IExecuteFunctions;
}

function errorOf(run: () => unknown): NodeOperationError {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(NodeOperationError);
		return error as NodeOperationError;
	}
	throw new Error('expected an error');
}

describe('requireText', () => {
	it('trims the value', () => {
		expect(
			requireText(contextWith({ table: '  teams ' }), 'table', 0, 'Table', 'Enter a table'),
		).toBe('teams');
	});

	it.each([[''], ['   '], [null], [undefined]])(
		'names the field, the item and the fix when the value is %p',
		(value) => {
			const error = errorOf(() =>
				requireText(contextWith({ key: value }), 'key', 3, 'Key', 'Enter the key of a drop'),
			);
			expect(error.message).toBe('"Key" is empty in item 3');
			expect(error.description).toBe('Enter the key of a drop');
			expect(error.context.itemIndex).toBe(3);
		},
	);
});

describe('readInstant', () => {
	const context = contextWith({});

	it('reads a date or a date and time as epoch milliseconds; empty is undefined', () => {
		expect(readInstant(context, 0, '2024-05-01', 'Start Date', 'fix')).toBe(Date.UTC(2024, 4, 1));
		expect(readInstant(context, 0, '2024-05-01T10:30:00Z', 'Start Date', 'fix')).toBe(
			Date.UTC(2024, 4, 1, 10, 30),
		);
		expect(readInstant(context, 0, '', 'Start Date', 'fix')).toBeUndefined();
		expect(readInstant(context, 0, null, 'Start Date', 'fix')).toBeUndefined();
	});

	it('refuses text that is no date, naming the field and the item', () => {
		const error = errorOf(() =>
			readInstant(context, 2, 'yesterday', 'Start Date', 'Enter a date such as 2024-05-01'),
		);
		expect(error.message).toBe('"Start Date" is not a date in item 2');
		expect(error.description).toBe('Enter a date such as 2024-05-01');
	});
});

describe('requireText without a fix of its own', () => {
	it('tells the user to enter or map the field', () => {
		const error = errorOf(() => requireText(contextWith({}), 'incidentId', 1, 'Incident ID'));
		expect(error.message).toBe('"Incident ID" is empty in item 1');
		expect(error.description).toBe(
			'Enter a value in "Incident ID", or map it from the input with an expression.',
		);
	});
});

describe('readIsoInstant', () => {
	const context = contextWith({});

	it('gives ISO 8601 UTC text for a date, a date and time with an offset, a Date and a DateTime-like value', () => {
		expect(readIsoInstant(context, 0, '2024-05-01', 'Newer Than')).toBe('2024-05-01T00:00:00.000Z');
		expect(readIsoInstant(context, 0, '2024-05-01T12:00:00+02:00', 'Newer Than')).toBe(
			'2024-05-01T10:00:00.000Z',
		);
		expect(readIsoInstant(context, 0, new Date(Date.UTC(2024, 4, 1, 8)), 'Newer Than')).toBe(
			'2024-05-01T08:00:00.000Z',
		);
		// What $now gives in an expression: a Luxon DateTime, read through its toISO().
		const luxonLike = {
			toISO: () => '2024-05-01T09:15:00.000+01:00',
			toString: () => 'not parsable',
		};
		expect(readIsoInstant(context, 0, luxonLike, 'Newer Than')).toBe('2024-05-01T08:15:00.000Z');
		expect(readIsoInstant(context, 0, '', 'Newer Than')).toBeUndefined();
	});

	it('refuses a value that is no date, naming the field, the item, an example and what it got', () => {
		const error = errorOf(() => readIsoInstant(context, 4, 'last tuesday', 'Updated After'));
		expect(error.message).toBe('"Updated After" is not a date in item 4');
		expect(error.description).toBe(
			'Enter a date such as 2024-05-01T00:00:00Z in "Updated After", or leave it empty; got "last tuesday".',
		);
		expect(error.context.itemIndex).toBe(4);
	});

	it('refuses a calendar date that does not exist rather than rolling it over', () => {
		expect(() => readIsoInstant(context, 0, '2024-02-30', 'Newer Than')).toThrow(
			'"Newer Than" is not a date in item 0',
		);
	});
});

describe('readIdList', () => {
	it('splits comma-separated text and trims, dropping blanks', () => {
		expect(readIdList(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
		expect(readIdList(['x ', '', ' y'])).toEqual(['x', 'y']);
		expect(readIdList(undefined)).toEqual([]);
		expect(readIdList(null)).toEqual([]);
	});

	it('keeps repeats unless asked for unique entries (first kept)', () => {
		expect(readIdList('a,b,a')).toEqual(['a', 'b', 'a']);
		expect(readIdList('b,a,b', { unique: true })).toEqual(['b', 'a']);
	});

	it('reads a number from an expression as one entry', () => {
		expect(readIdList(42, { unique: true })).toEqual(['42']);
	});
});

describe('readChoices', () => {
	const context = contextWith({});
	const allowed = ['live', 'closed'] as const;

	it('accepts known values as a list or comma-separated text', () => {
		expect(readChoices(context, 0, 'Status', ['live'], allowed)).toEqual(['live']);
		expect(readChoices(context, 0, 'Status', 'live, closed', allowed)).toEqual(['live', 'closed']);
		expect(readChoices(context, 0, 'Status', 7, allowed)).toEqual([]);
	});

	it('names the unknown value and every accepted one', () => {
		const error = errorOf(() => readChoices(context, 1, 'Status', ['live', 'gone'], allowed));
		expect(error.message).toBe('Unknown value in "Status" in item 1');
		expect(error.description).toBe(
			'"Status" has the unknown value "gone". Use one of: live, closed.',
		);
	});
});

describe('readNumberInRange', () => {
	const context = contextWith({});
	const range = {
		field: 'Settle Time (Minutes)',
		min: 0,
		max: 1440,
		fallback: 10,
		fix: 'Enter minutes from 0 to 1440',
	};

	it('gives the fallback for an empty value and the number otherwise, bounds included', () => {
		expect(readNumberInRange(context, 0, '', range)).toBe(10);
		expect(readNumberInRange(context, 0, undefined, range)).toBe(10);
		expect(readNumberInRange(context, 0, '0', range)).toBe(0);
		expect(readNumberInRange(context, 0, 1440, range)).toBe(1440);
	});

	it.each([[-1], [1441], ['ten'], [Number.NaN]])(
		'refuses %p, quoting it after the fix',
		(value) => {
			const error = errorOf(() => readNumberInRange(context, 4, value, range));
			expect(error.message).toBe('"Settle Time (Minutes)" is out of range in item 4');
			expect(error.description).toBe(`Enter minutes from 0 to 1440; got ${JSON.stringify(value)}.`);
		},
	);

	it('leaves the item out where there is none (a trigger poll)', () => {
		expect(errorOf(() => readNumberInRange(context, undefined, 2000, range)).message).toBe(
			'"Settle Time (Minutes)" is out of range',
		);
	});
});
