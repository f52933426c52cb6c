import { positionKey, promotePending, type PositionEntry } from '../../../lib/incremental';

describe('positionKey', () => {
	it('is the same for the same parameters in any key order, and differs per node and per filter', () => {
		const a = positionKey('incident.io', {
			resource: 'incident',
			filters: { modes: ['test'], severityIds: 'x' },
		});
		const b = positionKey('incident.io', {
			filters: { severityIds: 'x', modes: ['test'] },
			resource: 'incident',
		});
		expect(a).toBe(b);
		expect(a.startsWith('incident.io#')).toBe(true);
		expect(
			positionKey('incident.io 2', {
				resource: 'incident',
				filters: { modes: ['test'], severityIds: 'x' },
			}),
		).not.toBe(a);
		expect(
			positionKey('incident.io', {
				resource: 'incident',
				filters: { modes: ['standard'], severityIds: 'x' },
			}),
		).not.toBe(a);
	});
});

describe('promotePending', () => {
	const now = new Date('2024-05-01T12:00:00Z');
	const staged = (basedOn: number, revision: number): PositionEntry => ({
		node: 'n',
		scope: {},
		committed: { since: 'old' },
		revision,
		pending: {
			executionId: 'e1',
			value: { since: 'new' },
			basedOn,
			stagedAt: '2024-05-01T11:59:00Z',
		},
	});

	it('commits a position staged by this execution on the revision it read', () => {
		const entry = staged(3, 3);
		expect(promotePending(entry, 'e1', now)).toBe('committed');
		expect(entry).toEqual({
			node: 'n',
			scope: {},
			committed: { since: 'new' },
			committedAt: '2024-05-01T12:00:00.000Z',
			revision: 4,
		});
	});

	it('refuses one based on a revision that has moved on, and keeps the committed position', () => {
		const entry = staged(3, 4);
		expect(promotePending(entry, 'e1', now)).toBe('superseded');
		expect(entry.committed).toEqual({ since: 'old' });
		expect(entry.revision).toBe(4);
		expect(entry.pending).toBeUndefined();
	});

	it('leaves a position staged by another execution untouched', () => {
		const entry = staged(3, 3);
		expect(promotePending(entry, 'e2', now)).toBe('none');
		expect(entry.pending?.executionId).toBe('e1');
		expect(entry.committed).toEqual({ since: 'old' });
	});
});
