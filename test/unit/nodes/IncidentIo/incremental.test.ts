import { selectChanges, syncWindow } from '../../../../nodes/IncidentIo/incremental';

const NOW = Date.parse('2024-05-10T12:00:00Z');

describe('incremental window', () => {
	it('runs everything on a first run without Start Date', () => {
		expect(syncWindow(undefined, undefined, 5, NOW)).toEqual({});
	});

	it('starts at Start Date on a first run, as whole UTC days', () => {
		const window = syncWindow(undefined, Date.parse('2024-05-01T23:30:00Z'), 5, NOW);
		expect(window).toEqual({
			fromMs: Date.parse('2024-05-01T23:30:00Z'),
			dateRange: '2024-05-01~2024-05-10',
		});
	});

	it('overlaps the cursor, crossing midnight when the overlap does', () => {
		const window = syncWindow({ since: '2024-05-10T00:02:00.000Z', seen: [] }, undefined, 5, NOW);
		expect(window.fromMs).toBe(Date.parse('2024-05-09T23:57:00Z'));
		expect(window.dateRange).toBe('2024-05-09~2024-05-10');
	});
});

describe('selectChanges', () => {
	const window = { fromMs: Date.parse('2024-05-10T10:00:00Z'), dateRange: '2024-05-10~2024-05-10' };

	it('keeps records updated in the window, newest per id, with and without microseconds', () => {
		const { changes } = selectChanges(
			[
				{ id: 'a', updated_at: '2024-05-10T09:59:59.999999Z' },
				{ id: 'b', updated_at: '2024-05-10T10:00:00Z' },
				{ id: 'c', updated_at: '2024-05-10T11:00:00.000001Z' },
				{ id: 'c', updated_at: '2024-05-10T11:30:00Z' },
			],
			window,
			undefined,
			NOW,
			5,
		);
		expect(changes).toEqual([
			{ id: 'b', updated_at: '2024-05-10T10:00:00Z' },
			{ id: 'c', updated_at: '2024-05-10T11:30:00Z' },
		]);
	});

	it('drops what the previous run emitted within the overlap, but not a newer version of it', () => {
		const recent = { id: 'r', updated_at: '2024-05-10T11:58:00Z' };
		const first = selectChanges([recent], window, undefined, NOW, 5);
		expect(first.next.seen).toEqual(['r@2024-05-10T11:58:00Z']);
		expect(first.next.since).toBe('2024-05-10T12:00:00.000Z');
		const nextWindow = syncWindow(first.next, undefined, 5, NOW + 60_000);
		const again = selectChanges(
			[recent, { id: 's', updated_at: '2024-05-10T12:00:30Z' }],
			nextWindow,
			first.next,
			NOW + 60_000,
			5,
		);
		expect(again.changes.map((record) => record.id)).toEqual(['s']);
		const changed = selectChanges(
			[{ id: 'r', updated_at: '2024-05-10T12:00:40Z' }],
			nextWindow,
			first.next,
			NOW + 60_000,
			5,
		);
		expect(changed.changes.map((record) => record.id)).toEqual(['r']);
	});

	it('keeps records whose updated_at is missing or unreadable and counts them', () => {
		const records = [
			{ id: 'm' },
			{ id: 'u', updated_at: 'last tuesday' },
			{ id: 'old', updated_at: '2024-05-09T00:00:00Z' },
		];
		const { changes, unreadable, next } = selectChanges(records, window, undefined, NOW, 5);
		expect(changes.map((record) => record.id)).toEqual(['m', 'u']);
		expect(unreadable).toBe(2);
		expect(next.seen).toEqual(['m@undefined', 'u@last tuesday']);
	});
});
