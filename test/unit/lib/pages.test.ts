import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	collectPages,
	walkPages,
	type PagePosition,
	type PageRequest,
	type PageStyle,
	type PageWalk,
} from '../../../lib/pages';

const node: INode = {
	id: 'n',
	name: 'Vendor',
	type: 'test.vendor',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** A list of `total` numbered records served by cursor (the last id of the page), recording every request. */
function cursorList(total: number) {
	const requests: Array<PageRequest<string>> = [];
	const records = Array.from({ length: total }, (_, index) => index + 1);
	return {
		requests,
		fetchPage: async (request: PageRequest<string>) => {
			requests.push(request);
			const start = request.position === undefined ? 0 : Number(request.position);
			const items = records.slice(start, start + request.pageSize);
			const end = start + items.length;
			return { items, next: end < total ? String(end) : undefined };
		},
	};
}

type WalkParts<T, P extends PagePosition> = Omit<
	PageWalk<T, P>,
	'node' | 'vendor' | 'list' | 'style' | 'maxPageSize'
>;

function walk<T, P extends PagePosition>(style: PageStyle, parts: WalkParts<T, P>): PageWalk<T, P> {
	return { node, vendor: 'Vendor', list: 'GET /things', style, maxPageSize: 10, ...parts };
}

describe('walkPages', () => {
	it('reads every page until the API gives no next position', async () => {
		const list = cursorList(25);
		expect(await collectPages(walk('cursor', { fetchPage: list.fetchPage }))).toEqual(
			Array.from({ length: 25 }, (_, index) => index + 1),
		);
		expect(list.requests.map((request) => [request.position, request.pageSize])).toEqual([
			[undefined, 10],
			['10', 10],
			['20', 10],
		]);
	});

	it('pushes Limit down: cursor pages ask only for what is still needed, and nothing once it is in hand', async () => {
		const list = cursorList(100);
		expect(
			await collectPages(walk('cursor', { fetchPage: list.fetchPage, limit: 13 })),
		).toHaveLength(13);
		expect(list.requests.map((request) => request.pageSize)).toEqual([10, 3]);
	});

	it('keeps the first page size for page numbers (a smaller per_page would shift the offsets) and trims the last page', async () => {
		const sizes: number[] = [];
		const records = await collectPages(
			walk('page number', {
				start: 1,
				limit: 13,
				fetchPage: async ({ position, pageSize }: PageRequest<number>) => {
					sizes.push(pageSize);
					const page = Number(position);
					return {
						items: Array.from({ length: pageSize }, (_, index) => (page - 1) * pageSize + index),
						next: page + 1,
					};
				},
			}),
		);
		expect(records).toEqual(Array.from({ length: 13 }, (_, index) => index));
		expect(sizes).toEqual([10, 10]);
	});

	it('stops with an error naming the list and the position when a cursor comes back (A, B, A)', async () => {
		const cursors = ['A', 'B', 'A', 'B'];
		let calls = 0;
		const walking = collectPages(
			walk('cursor', {
				fetchPage: async () => ({ items: [calls], next: cursors[calls++] }),
			}),
		);
		await expect(walking).rejects.toThrow(NodeOperationError);
		await expect(walking).rejects.toThrow(
			'Vendor sent the cursor "A" of GET /things a second time, after 3 page(s)',
		);
		expect(calls).toBe(3);
	});

	it('treats the start position as seen: page 1 pointing at page 1 is a repeat', async () => {
		let calls = 0;
		const walking = collectPages(
			walk('page number', { start: 1, fetchPage: async () => ({ items: [calls++], next: 1 }) }),
		);
		await expect(walking).rejects.toThrow(
			'Vendor sent the page number "1" of GET /things a second time, after 1 page(s)',
		);
		expect(calls).toBe(1);
	});

	it('caps the pages of one run and says how to narrow the list', async () => {
		let calls = 0;
		const walking = collectPages(
			walk('continuation token', {
				maxPages: 5,
				fetchPage: async () => ({ items: [calls], next: `token-${calls++}` }),
			}),
		);
		await expect(walking).rejects.toThrow('Vendor GET /things had more than 5 pages');
		expect(calls).toBe(5);
	});

	it('ends on an empty page, on undefined (a missing list), and when the caller stops consuming', async () => {
		expect(
			await collectPages(walk('cursor', { fetchPage: async () => ({ items: [], next: 'more' }) })),
		).toEqual([]);
		expect(await collectPages(walk('cursor', { fetchPage: async () => undefined }))).toEqual([]);
		const list = cursorList(100);
		for await (const page of walkPages(walk('cursor', { fetchPage: list.fetchPage }))) {
			expect(page).toHaveLength(10);
			break;
		}
		expect(list.requests).toHaveLength(1);
	});
});
