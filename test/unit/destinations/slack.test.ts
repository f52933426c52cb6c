/**
 * The Slack Web API emulator through the proxy: chat.postMessage with thread replies, the channel
 * state a person would see, Slack's auth and method errors, and the 429 + Retry-After switch.
 */
import * as path from 'node:path';

import { proxiedRequest, type ProxiedResponse } from '../../support/destinations/client';
import { startDestinations, type Destinations } from '../../support/destinations';

const CA_FILE = path.resolve(__dirname, '..', '..', 'fixtures', 'tls', 'ca.crt');

let destinations: Destinations;
let token: string;

beforeAll(async () => {
	destinations = await startDestinations();
	token = destinations.slack.addBotToken();
});

afterAll(async () => {
	await destinations?.close();
});

async function slack(
	method: string,
	body: Record<string, unknown>,
	options: { token?: string; form?: boolean } = {},
): Promise<ProxiedResponse> {
	const headers: Record<string, string> = options.form
		? { 'content-type': 'application/x-www-form-urlencoded' }
		: { 'content-type': 'application/json; charset=utf-8' };
	const bearer = options.token ?? token;
	if (bearer) headers.authorization = `Bearer ${bearer}`;
	return await proxiedRequest(destinations.proxy.url, {
		method: 'POST',
		url: `https://slack.com/api/${method}`,
		headers,
		body: options.form
			? new URLSearchParams(body as Record<string, string>).toString()
			: JSON.stringify(body),
		caFile: CA_FILE,
	});
}

describe('Slack Web API emulator', () => {
	it('chat.postMessage posts to a channel by #name and returns the ts; a thread_ts reply joins that thread', async () => {
		const channelId = destinations.slack.createChannel('incidents');
		const posted = await slack('chat.postMessage', {
			channel: '#incidents',
			text: 'SEV1 FH-101: Checkout latency',
		});
		expect(posted.status).toBe(200);
		const parent = posted.json as {
			ok: boolean;
			channel: string;
			ts: string;
			message: Record<string, unknown>;
		};
		expect(parent).toMatchObject({
			ok: true,
			channel: channelId,
			message: {
				type: 'message',
				text: 'SEV1 FH-101: Checkout latency',
				user: 'U0EMULBOT',
				bot_id: 'B0EMULBOT',
			},
		});
		expect(parent.ts).toMatch(/^\d{10}\.\d{6}$/);

		const reply = await slack('chat.postMessage', {
			channel: channelId,
			text: 'Status: resolved',
			thread_ts: parent.ts,
		});
		const replyTs = (reply.json as { ts: string }).ts;
		expect(reply.json).toMatchObject({ ok: true, message: { thread_ts: parent.ts } });
		expect(Number(replyTs)).toBeGreaterThan(Number(parent.ts));
		// A reply to a reply lands in the parent's thread (form-encoded, as older clients send).
		await slack(
			'chat.postMessage',
			{ channel: 'incidents', text: 'Postmortem scheduled', thread_ts: replyTs },
			{ form: true },
		);

		const messages = destinations.slack.messages('#incidents');
		expect(messages).toHaveLength(1);
		expect(messages[0]).toMatchObject({ ts: parent.ts, text: 'SEV1 FH-101: Checkout latency' });
		expect(messages[0].replies.map((message) => [message.text, message.thread_ts])).toEqual([
			['Status: resolved', parent.ts],
			['Postmortem scheduled', parent.ts],
		]);

		const history = await slack('conversations.history', { channel: channelId });
		expect(history.json).toMatchObject({ ok: true, messages: [{ ts: parent.ts, reply_count: 2 }] });
		const thread = await slack('conversations.replies', { channel: channelId, ts: parent.ts });
		expect(
			(thread.json as { messages: Array<{ text: string }> }).messages.map(
				(message) => message.text,
			),
		).toEqual(['SEV1 FH-101: Checkout latency', 'Status: resolved', 'Postmortem scheduled']);
	});

	it('answers Slack errors with HTTP 200 and ok: false', async () => {
		destinations.slack.createChannel('private-ops', { botIsMember: false });
		expect((await slack('chat.postMessage', { channel: '#nowhere', text: 'x' })).json).toEqual({
			ok: false,
			error: 'channel_not_found',
		});
		expect((await slack('chat.postMessage', { channel: '#private-ops', text: 'x' })).json).toEqual({
			ok: false,
			error: 'not_in_channel',
		});
		destinations.slack.createChannel('empty-text');
		expect((await slack('chat.postMessage', { channel: '#empty-text', text: '' })).json).toEqual({
			ok: false,
			error: 'no_text',
		});
		expect(
			(
				await slack('chat.postMessage', {
					channel: '#empty-text',
					text: 'x',
					thread_ts: '1700000000.000001',
				})
			).json,
		).toEqual({ ok: false, error: 'thread_not_found' });
		const badToken = await slack(
			'chat.postMessage',
			{ channel: '#empty-text', text: 'x' },
			{ token: 'xoxb-not-issued' },
		);
		expect(badToken.status).toBe(200);
		expect(badToken.json).toEqual({ ok: false, error: 'invalid_auth' });
		expect((await slack('auth.test', {}, { token: '' })).json).toEqual({
			ok: false,
			error: 'not_authed',
		});
		expect(destinations.slack.messages('#empty-text')).toEqual([]);
	});

	it('the rate-limit switch answers 429 with Retry-After and posts nothing, then Slack recovers', async () => {
		destinations.slack.createChannel('limited');
		destinations.slack.rateLimit({ requests: 2, retryAfterSeconds: 17 });
		for (let attempt = 0; attempt < 2; attempt++) {
			const limited = await slack('chat.postMessage', { channel: '#limited', text: 'SEV2 FH-102' });
			expect(limited.status).toBe(429);
			expect(limited.headers['retry-after']).toBe('17');
			expect(limited.json).toEqual({ ok: false, error: 'ratelimited' });
		}
		expect(destinations.slack.messages('#limited')).toEqual([]);
		expect(
			(await slack('chat.postMessage', { channel: '#limited', text: 'SEV2 FH-102' })).json,
		).toMatchObject({ ok: true });
		expect(destinations.slack.messages('#limited').map((message) => message.text)).toEqual([
			'SEV2 FH-102',
		]);
	});

	it('a rate limit scoped to a channel leaves other channels alone', async () => {
		destinations.slack.createChannel('calm');
		destinations.slack.createChannel('busy');
		destinations.slack.rateLimit({ requests: 1, retryAfterSeconds: 5, channel: '#busy' });
		expect((await slack('chat.postMessage', { channel: '#calm', text: 'ok' })).status).toBe(200);
		expect((await slack('chat.postMessage', { channel: '#busy', text: 'later' })).status).toBe(429);
		expect((await slack('chat.postMessage', { channel: '#busy', text: 'later' })).status).toBe(200);
	});
});
