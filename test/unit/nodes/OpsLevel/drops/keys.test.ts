import {
	comparePushOrder,
	parseDropKey,
	pushTimestamp,
	tablePrefix,
} from '../../../../../nodes/OpsLevel/drops/keys';
import { normalizeRootPrefix } from '../../../../../nodes/OpsLevel/transport';
import { groupPushes } from '../../../../../nodes/OpsLevel/drops/pushes';

describe('OpsLevel drop keys', () => {
	it('parses the vendor doc example key, colons included', () => {
		expect(
			parseDropKey('v1/full/services/2020-07-14/22:00:00/services.csv.gz', '', {
				size: 12,
				lastModified: new Date('2020-07-14T22:01:00Z'),
			}),
		).toEqual({
			pushType: 'full',
			table: 'services',
			date: '2020-07-14',
			timestamp: '22:00:00',
			key: 'v1/full/services/2020-07-14/22:00:00/services.csv.gz',
			size: 12,
			lastModified: '2020-07-14T22:01:00.000Z',
		});
	});

	it('honours the root prefix, with or without its trailing slash', () => {
		expect(normalizeRootPrefix(' exports ')).toBe('exports/');
		expect(normalizeRootPrefix('exports/')).toBe('exports/');
		expect(normalizeRootPrefix('')).toBe('');
		expect(
			parseDropKey('exports/v1/incremental/teams/2020-07-15/03:15:00/teams.csv.gz', 'exports/')
				?.table,
		).toBe('teams');
		expect(
			parseDropKey('v1/incremental/teams/2020-07-15/03:15:00/teams.csv.gz', 'exports/'),
		).toBeUndefined();
		expect(tablePrefix('exports/', 'full', 'checks')).toBe('exports/v1/full/checks/');
	});

	it('skips objects that are not drops instead of misreading them', () => {
		for (const key of [
			'v1/full/services/',
			'v1/full/services/2020-07-14/22:00:00/',
			'v1/weekly/services/2020-07-14/22:00:00/services.csv.gz',
			'v1/full/services/14-07-2020/22:00:00/services.csv.gz',
			'v2/full/services/2020-07-14/22:00:00/services.csv.gz',
			'README.txt',
		]) {
			expect(parseDropKey(key, '')).toBeUndefined();
		}
	});

	it('orders pushes by date then time, a full before an incremental of the same instant', () => {
		const drop = (key: string) => parseDropKey(key, '')!;
		const sorted = [
			drop('v1/incremental/services/2020-07-15/03:15:00/services.csv.gz'),
			drop('v1/incremental/services/2020-07-14/22:00:00/services.csv.gz'),
			drop('v1/full/services/2020-07-14/22:00:00/services.csv.gz'),
			drop('v1/incremental/services/2020-07-14/09:00:00/services.csv.gz'),
		].sort(comparePushOrder);
		expect(sorted.map((item) => `${item.pushType} ${item.date} ${item.timestamp}`)).toEqual([
			'incremental 2020-07-14 09:00:00',
			'full 2020-07-14 22:00:00',
			'incremental 2020-07-14 22:00:00',
			'incremental 2020-07-15 03:15:00',
		]);
	});

	it('groups several files of one push folder into one push', () => {
		const pushes = groupPushes([
			parseDropKey('v1/full/services/2020-07-14/22:00:00/services-part2.csv.gz', '')!,
			parseDropKey('v1/full/services/2020-07-14/22:00:00/services-part1.csv.gz', '')!,
			parseDropKey('v1/incremental/services/2020-07-15/03:15:00/services.csv.gz', '')!,
		]);
		expect(
			pushes.map((push) => [push.pushType, push.drops.map((drop) => drop.key.split('/').pop())]),
		).toEqual([
			['full', ['services-part1.csv.gz', 'services-part2.csv.gz']],
			['incremental', ['services.csv.gz']],
		]);
	});

	it('gives the push time as ISO 8601 UTC', () => {
		// UNVERIFIED (vendor notes): the timestamp folder's zone. Assumed: HH:MM:SS in UTC, like the cells.
		expect(pushTimestamp({ date: '2020-07-14', timestamp: '22:00:00' })).toBe(
			'2020-07-14T22:00:00.000Z',
		);
		expect(pushTimestamp({ date: '2020-07-14', timestamp: 'nightly' })).toBe('2020-07-14Tnightly');
	});
});
