import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import { outputItem, runForEachItem } from '../../../lib/item-loop';

const node: INode = {
	id: 'n',
	name: 'Vendor',
	type: 'test.vendor',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** Just the parts of n8n's execute context the item loop reads. */
function context(inputs: INodeExecutionData[], continueOnFail = false): IExecuteFunctions {
	return {
		getInputData: () => inputs,
		continueOnFail: () => continueOnFail,
		getNode: () => node,
	} as unknown as IExecuteFunctions;
}

describe('runForEachItem', () => {
	it('pairs every result with the input item it came from, in input order', async () => {
		const inputs = [{ json: { n: 'a' } }, { json: { n: 'b' } }, { json: { n: 'c' } }];
		const out = await runForEachItem(context(inputs), async (itemIndex) =>
			Array.from({ length: itemIndex + 1 }, (_, k) => ({ json: { from: itemIndex, k } })),
		);
		expect(out.map((item) => [item.json, item.pairedItem])).toEqual([
			[{ from: 0, k: 0 }, { item: 0 }],
			[{ from: 1, k: 0 }, { item: 1 }],
			[{ from: 1, k: 1 }, { item: 1 }],
			[{ from: 2, k: 0 }, { item: 2 }],
			[{ from: 2, k: 1 }, { item: 2 }],
			[{ from: 2, k: 2 }, { item: 2 }],
		]);
		// The results of one input share one pairedItem; different inputs never share one.
		expect(out[1].pairedItem).toBe(out[2].pairedItem);
		expect(out[0].pairedItem).not.toBe(out[1].pairedItem);
	});

	it('hands back the operation results of a single input item without copying them', async () => {
		const made: INodeExecutionData[] = [outputItem({ id: '1' }), outputItem({ id: '2' })];
		// outputItem leaves the pairedItem slot empty, in the object, for the loop to fill.
		expect(Object.keys(made[0])).toEqual(['json', 'pairedItem']);
		expect(made[0].pairedItem).toBeUndefined();
		const out = await runForEachItem(context([{ json: {} }]), async () => made);
		expect(out).toHaveLength(2);
		expect(out[0]).toBe(made[0]);
		expect(out[1].json).toEqual({ id: '2' });
		expect(out[1].pairedItem).toEqual({ item: 0 });
	});

	it('with Continue On Fail, a failing item becomes its input plus the error, paired with it', async () => {
		const inputs = [{ json: { id: 'ok' } }, { json: { id: 'bad' } }];
		const out = await runForEachItem(context(inputs, true), async (itemIndex) => {
			if (itemIndex === 1) throw new Error('boom');
			return [{ json: { done: true } }];
		});
		expect(out).toEqual([
			{ json: { done: true }, pairedItem: { item: 0 } },
			{ json: { id: 'bad', error: 'boom' }, pairedItem: { item: 1 } },
		]);
	});

	it('without Continue On Fail, the first failure stops the run', async () => {
		await expect(
			runForEachItem(context([{ json: {} }]), async () => {
				throw new Error('boom');
			}),
		).rejects.toThrow('boom');
	});
});
