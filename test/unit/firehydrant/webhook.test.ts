import { createHmac } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';

import { hmacSha256, timingSafeEqualText } from '../../../lib/signatures';
import {
	filterList,
	matchesFilter,
	parseDelivery,
	REMEMBERED_DELIVERIES,
	rememberDelivery,
	verifySignature,
	withIsoTimestamps,
} from '../../../nodes/FireHydrantTrigger/webhook';

describe('shared signature helpers', () => {
	it('hmacSha256 gives hex or base64 of the raw bytes', () => {
		const expected = createHmac('sha256', 'key').update('body').digest();
		expect(hmacSha256('key', 'body')).toBe(expected.toString('hex'));
		expect(hmacSha256(Buffer.from('key'), Buffer.from('body'), 'base64')).toBe(expected.toString('base64'));
	});

	it('timingSafeEqualText compares texts of any length without throwing', () => {
		expect(timingSafeEqualText('abc', 'abc')).toBe(true);
		expect(timingSafeEqualText('abc', 'abd')).toBe(false);
		expect(timingSafeEqualText('abc', 'abcd')).toBe(false);
		expect(timingSafeEqualText('', '')).toBe(true);
	});
});

describe('FireHydrant webhook deliveries', () => {
	const body = Buffer.from('{"data":{"incident":{"id":"i"}},"event":{"operation":"created","resource_type":"incidents"}}');
	const signature = createHmac('sha256', 'secret').update(body).digest('hex');

	it('accepts the hex HMAC-SHA256 of the raw body (any case), nothing else', () => {
		expect(verifySignature('secret', body, signature)).toBe(true);
		expect(verifySignature('secret', body, ` ${signature.toUpperCase()} `)).toBe(true);
		expect(verifySignature('other', body, signature)).toBe(false);
		expect(verifySignature('secret', Buffer.concat([body, Buffer.from(' ')]), signature)).toBe(false);
		expect(verifySignature('secret', body, undefined)).toBe(false);
		expect(verifySignature('secret', body, `sha256=${signature}`)).toBe(false);
		expect(verifySignature('', body, signature)).toBe(false);
	});

	it('parses the envelope and names what is wrong with a bad body', () => {
		expect(parseDelivery(body)).toMatchObject({ ok: true, resourceType: 'incidents', operation: 'created' });
		expect(parseDelivery(Buffer.from(''))).toEqual({ ok: false, reason: 'The delivery has an empty body.' });
		expect(parseDelivery(Buffer.from('<xml/>'))).toEqual({ ok: false, reason: 'The delivery body is not JSON.' });
		expect(parseDelivery(Buffer.from('[1]'))).toEqual({ ok: false, reason: 'The delivery body is not a JSON object.' });
		expect(parseDelivery(Buffer.from('{}'))).toMatchObject({ ok: true, resourceType: '', operation: '' });
	});

	it('adds ISO 8601 siblings for timestamps in three formats, keeping the originals', () => {
		const out = withIsoTimestamps({
			a: { created_at: '2023-07-25 13:34:49 UTC', started_at: '2023-07-25T15:34:49+02:00', ended_at: '2023-07-25 13:34:49' },
			list: [{ at: '2023-07-25 13:34:49 UTC' }],
			name: '2023 roadmap',
			at_iso: 'kept',
		}) as Record<string, Record<string, string>>;
		expect(out.a).toEqual({
			created_at: '2023-07-25 13:34:49 UTC',
			created_at_iso: '2023-07-25T13:34:49.000Z',
			started_at: '2023-07-25T15:34:49+02:00',
			started_at_iso: '2023-07-25T13:34:49.000Z',
			ended_at: '2023-07-25 13:34:49',
			ended_at_iso: '2023-07-25T13:34:49.000Z',
		});
		expect((out.list as unknown as Array<Record<string, string>>)[0].at_iso).toBe('2023-07-25T13:34:49.000Z');
		expect(out.name).toBe('2023 roadmap');
		expect(out.name_iso).toBeUndefined();
	});

	it('filters on comma-separated lists, case-insensitively; empty means any', () => {
		expect(matchesFilter(filterList(' Incidents , change_events'), 'incidents')).toBe(true);
		expect(matchesFilter(filterList('incidents'), 'runbooks')).toBe(false);
		expect(matchesFilter(filterList(''), 'anything')).toBe(true);
	});

	it('remembers deliveries to spot replays, within a bound', () => {
		const store: IDataObject = {};
		expect(rememberDelivery(store, 'ab')).toBe(true);
		expect(rememberDelivery(store, 'AB')).toBe(false);
		for (let index = 0; index < REMEMBERED_DELIVERIES + 5; index++) rememberDelivery(store, `sig-${index}`);
		expect((store.deliveries as string[]).length).toBe(REMEMBERED_DELIVERIES);
		expect(rememberDelivery(store, 'ab')).toBe(true);
	});
});
