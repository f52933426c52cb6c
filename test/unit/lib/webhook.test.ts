import { NodeApiError, NodeOperationError, type INode } from 'n8n-workflow';

import { DeliveryMemory, fetchRecordForDelivery } from '../../../lib/webhook';

describe('DeliveryMemory (the in-process replay memory)', () => {
	it('lets exactly one claim of a key through; the next sees it pending, then done once settled', () => {
		const memory = new DeliveryMemory();
		expect(memory.claim('wf1:node', 'k')).toBe('claimed');
		expect(memory.claim('wf1:node', 'k')).toBe('pending');
		memory.settle('wf1:node', 'k');
		expect(memory.claim('wf1:node', 'k')).toBe('done');
	});

	it('a released claim (failed or filtered delivery) may be claimed again', () => {
		const memory = new DeliveryMemory();
		memory.claim('wf1:node', 'k');
		memory.release('wf1:node', 'k');
		expect(memory.claim('wf1:node', 'k')).toBe('claimed');
	});

	it('keys are per trigger: the same key in another workflow or node is another delivery', () => {
		const memory = new DeliveryMemory();
		memory.claim('wf1:node', 'k');
		memory.settle('wf1:node', 'k');
		expect(memory.claim('wf2:node', 'k')).toBe('claimed');
		expect(memory.claim('wf1:other', 'k')).toBe('claimed');
	});

	it('holds at most its bound of keys per trigger, forgetting the oldest first', () => {
		const memory = new DeliveryMemory(3, 10);
		for (const key of ['a', 'b', 'c', 'd']) {
			memory.claim('t', key);
			memory.settle('t', key);
		}
		expect(memory.claim('t', 'd')).toBe('done');
		expect(memory.claim('t', 'b')).toBe('done');
		expect(memory.claim('t', 'a')).toBe('claimed');
	});

	it('holds at most its bound of triggers, forgetting the least recently used first', () => {
		const memory = new DeliveryMemory(10, 2);
		memory.claim('t1', 'k');
		memory.claim('t2', 'k');
		memory.claim('t1', 'other'); // t1 used last: t2 is the least recently used
		memory.claim('t3', 'k');
		expect(memory.claim('t1', 'k')).toBe('pending');
		expect(memory.claim('t2', 'k')).toBe('claimed');
	});
});

describe('fetchRecordForDelivery', () => {
	const node: INode = {
		id: 'n',
		name: 'Trigger',
		type: 't',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const vendorError = (status: number) =>
		new NodeApiError(node, { message: `status ${status}` }, { httpCode: String(status) });
	const reasons = { notFound: 'gone', forbidden: 'not allowed' };

	it('gives the record when the fetch succeeds', async () => {
		expect(await fetchRecordForDelivery(node, async () => ({ id: 'r' }), reasons)).toEqual({
			record: { id: 'r' },
		});
	});

	it('gives a null record and the reason on 404 and on 403', async () => {
		expect(
			await fetchRecordForDelivery(
				node,
				async () => await Promise.reject(vendorError(404)),
				reasons,
			),
		).toEqual({ record: null, reason: 'gone' });
		expect(
			await fetchRecordForDelivery(
				node,
				async () => await Promise.reject(vendorError(403)),
				reasons,
			),
		).toEqual({ record: null, reason: 'not allowed' });
	});

	it('throws anything else, so the vendor retries the delivery', async () => {
		const serverError = vendorError(500);
		await expect(
			fetchRecordForDelivery(node, async () => await Promise.reject(serverError), reasons),
		).rejects.toBe(serverError);
		await expect(
			fetchRecordForDelivery(
				node,
				async () => await Promise.reject(new Error('socket hang up')),
				reasons,
			),
		).rejects.toThrow(NodeOperationError);
	});
});
