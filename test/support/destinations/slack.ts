/**
 * The Slack Web API (slack.com/api/*) a workspace's bot sees, in memory: channels with messages
 * and threads, chat.postMessage with thread_ts replies, the read methods a person (or the editor's
 * pickers) would use, bot-token auth, and a rate-limit switch answering 429 with Retry-After.
 * Like Slack, method errors are HTTP 200 with `{ ok: false, error }`; only rate limits are 429.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import {
	bearerToken,
	escapeHtml,
	htmlPage,
	isRecord,
	logWhenDone,
	parseForm,
	parseJsonObject,
	readBody,
	RequestLog,
	requestTable,
	sendJson,
	takeFault,
	type QueuedFault,
} from './http';

export const SLACK_TEAM_ID = 'T0EMULATED';
export const SLACK_BOT_USER_ID = 'U0EMULBOT';
export const SLACK_BOT_ID = 'B0EMULBOT';
const MAX_TEXT_LENGTH = 40_000;

export interface SlackMessage {
	ts: string;
	channel: string;
	text: string;
	/** Set on replies: the ts of the thread's parent. */
	thread_ts?: string;
	reply_broadcast?: boolean;
	blocks?: unknown[];
	attachments?: unknown[];
	username?: string;
	user: string;
	bot_id: string;
}

export interface SlackThreadedMessage extends SlackMessage {
	replies: SlackMessage[];
}

interface Channel {
	id: string;
	name: string;
	isMember: boolean;
	messages: SlackMessage[];
}

type Args = Record<string, unknown>;

export class SlackEmulator {
	readonly requests = new RequestLog();
	private readonly tokens = new Set<string>();
	private readonly channels = new Map<string, Channel>();
	private readonly faults: QueuedFault[] = [];
	private lastTs = 0;

	/** A bot token (`xoxb-...`) the API accepts. */
	addBotToken(): string {
		const token = `xoxb-${Date.now()}-emulated-${randomBytes(12).toString('hex')}`;
		this.tokens.add(token);
		return token;
	}

	/** A public channel; the bot is a member unless told otherwise. Returns its id. */
	createChannel(name: string, options: { botIsMember?: boolean } = {}): string {
		const bare = name.replace(/^#/, '');
		const existing = this.findChannel(bare);
		if (existing) return existing.id;
		const id = `C${randomBytes(5).toString('hex').toUpperCase()}`;
		this.channels.set(id, { id, name: bare, isMember: options.botIsMember ?? true, messages: [] });
		return id;
	}

	/** The channel's top-level messages, oldest first, each with its thread replies. */
	messages(channel: string): SlackThreadedMessage[] {
		const found = this.findChannel(channel);
		if (!found) throw new Error(`no Slack channel ${channel}`);
		return found.messages
			.filter((message) => message.thread_ts === undefined || message.thread_ts === message.ts)
			.map((message) => ({
				...message,
				replies: found.messages.filter(
					(reply) => reply.thread_ts === message.ts && reply.ts !== message.ts,
				),
			}));
	}

	/**
	 * The next `requests` API calls answer 429 with `Retry-After: retryAfterSeconds`; with `channel`,
	 * only calls naming that channel (as a test of one workflow among several needs).
	 */
	rateLimit(options: { requests: number; retryAfterSeconds: number; channel?: string }): void {
		const channel =
			options.channel === undefined ? undefined : this.findChannel(options.channel)?.id;
		if (options.channel !== undefined && !channel)
			throw new Error(`no Slack channel ${options.channel}`);
		this.faults.push({
			remaining: options.requests,
			status: 429,
			retryAfterSeconds: options.retryAfterSeconds,
			channel,
		});
	}

	readonly handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
		logWhenDone(this.requests, 'slack.com', request, response);
		const url = new URL(request.url ?? '/', 'https://slack.com');
		const method = /^\/api\/([\w.]+)$/.exec(url.pathname)?.[1];
		if (!method) {
			sendJson(response, 404, { ok: false, error: 'unknown_method' });
			return;
		}
		const args: Args = Object.fromEntries(url.searchParams);
		let invalidJson = false;
		if (request.method === 'POST') {
			const text = await readBody(request);
			const type = String(request.headers['content-type'] ?? '');
			const body = type.includes('application/json') ? parseJsonObject(text) : parseForm(text);
			if (body) Object.assign(args, body);
			else invalidJson = true;
		}
		// Rate limits apply before anything else, as Slack's do.
		const channel = this.findChannel(String(args.channel ?? ''))?.id;
		const fault = takeFault(
			this.faults,
			(candidate) => candidate.channel === undefined || candidate.channel === channel,
		);
		if (fault) {
			sendJson(
				response,
				429,
				{ ok: false, error: 'ratelimited' },
				{ 'retry-after': String(fault.retryAfterSeconds ?? 30) },
			);
			return;
		}
		if (invalidJson) {
			sendJson(response, 200, { ok: false, error: 'invalid_json' });
			return;
		}
		const token = bearerToken(request) ?? (typeof args.token === 'string' ? args.token : undefined);
		if (!token) {
			sendJson(response, 200, { ok: false, error: 'not_authed' });
			return;
		}
		if (!this.tokens.has(token)) {
			sendJson(response, 200, { ok: false, error: 'invalid_auth' });
			return;
		}
		sendJson(response, ...this.call(method, args));
	};

	private call(method: string, args: Args): [number, Record<string, unknown>] {
		switch (method) {
			case 'auth.test':
				return [
					200,
					{
						ok: true,
						url: 'https://emulated.slack.com/',
						team: 'Emulated workspace',
						user: 'n8n-bot',
						team_id: SLACK_TEAM_ID,
						user_id: SLACK_BOT_USER_ID,
						bot_id: SLACK_BOT_ID,
					},
				];
			case 'users.profile.get':
				return [
					200,
					{
						ok: true,
						profile: { real_name: 'n8n bot', display_name: 'n8n-bot', bot_id: SLACK_BOT_ID },
					},
				];
			case 'conversations.list':
				return [
					200,
					{
						ok: true,
						channels: [...this.channels.values()].map((channel) => ({
							id: channel.id,
							name: channel.name,
							is_channel: true,
							is_private: false,
							is_archived: false,
							is_member: channel.isMember,
						})),
						response_metadata: { next_cursor: '' },
					},
				];
			case 'conversations.history': {
				const channel = this.findChannel(String(args.channel ?? ''));
				if (!channel) return [200, { ok: false, error: 'channel_not_found' }];
				const messages = this.messages(channel.id)
					.reverse()
					.map(({ replies, ...message }) => ({
						type: 'message',
						...message,
						...(replies.length
							? { reply_count: replies.length, latest_reply: replies[replies.length - 1].ts }
							: {}),
					}));
				return [200, { ok: true, messages, has_more: false }];
			}
			case 'conversations.replies': {
				const channel = this.findChannel(String(args.channel ?? ''));
				if (!channel) return [200, { ok: false, error: 'channel_not_found' }];
				const parent = this.messages(channel.id).find(
					(message) => message.ts === String(args.ts ?? ''),
				);
				if (!parent) return [200, { ok: false, error: 'thread_not_found' }];
				const { replies, ...head } = parent;
				return [
					200,
					{
						ok: true,
						messages: [head, ...replies].map((message) => ({ type: 'message', ...message })),
						has_more: false,
					},
				];
			}
			case 'chat.postMessage':
				return [200, this.postMessage(args)];
			default:
				return [404, { ok: false, error: 'unknown_method' }];
		}
	}

	private postMessage(args: Args): Record<string, unknown> {
		const channel = this.findChannel(String(args.channel ?? ''));
		if (!channel) return { ok: false, error: 'channel_not_found' };
		if (!channel.isMember) return { ok: false, error: 'not_in_channel' };
		const text = typeof args.text === 'string' ? args.text : '';
		const blocks = parseList(args.blocks);
		const attachments = parseList(args.attachments);
		if (blocks === null || attachments === null) return { ok: false, error: 'invalid_blocks' };
		if (!text && !blocks?.length && !attachments?.length) return { ok: false, error: 'no_text' };
		if (text.length > MAX_TEXT_LENGTH) return { ok: false, error: 'msg_too_long' };
		let threadTs: string | undefined;
		if (args.thread_ts !== undefined && args.thread_ts !== '') {
			const target = channel.messages.find((message) => message.ts === String(args.thread_ts));
			if (!target) return { ok: false, error: 'thread_not_found' };
			// A reply to a reply joins the parent's thread.
			threadTs = target.thread_ts ?? target.ts;
		}
		const message: SlackMessage = {
			ts: this.nextTs(),
			channel: channel.id,
			text,
			user: SLACK_BOT_USER_ID,
			bot_id: SLACK_BOT_ID,
			...(threadTs ? { thread_ts: threadTs } : {}),
			...(threadTs && (args.reply_broadcast === true || args.reply_broadcast === 'true')
				? { reply_broadcast: true }
				: {}),
			...(blocks?.length ? { blocks } : {}),
			...(attachments?.length ? { attachments } : {}),
			...(typeof args.username === 'string' && args.username ? { username: args.username } : {}),
		};
		channel.messages.push(message);
		const { channel: channelId, ...shown } = message;
		return {
			ok: true,
			channel: channelId,
			ts: message.ts,
			message: { type: 'message', team: SLACK_TEAM_ID, ...shown },
		};
	}

	private findChannel(reference: string): Channel | undefined {
		const byId = this.channels.get(reference);
		if (byId) return byId;
		const name = reference.replace(/^#/, '');
		return [...this.channels.values()].find((channel) => channel.name === name);
	}

	/** Slack timestamps: seconds and microseconds, unique and increasing within the workspace. */
	private nextTs(): string {
		const micros = Math.max(Date.now() * 1000, this.lastTs + 1);
		this.lastTs = micros;
		return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
	}

	html(): string {
		const sections = [...this.channels.values()].map((channel) => {
			const messages = this.messages(channel.id)
				.map((message) => {
					const replies = message.replies
						.map(
							(reply) =>
								`<div class="msg reply"><span class="muted">${escapeHtml(reply.ts)}</span>\n${escapeHtml(reply.text)}</div>`,
						)
						.join('');
					return `<div class="msg"><span class="muted">${escapeHtml(message.ts)}</span>\n${escapeHtml(message.text || JSON.stringify(message.blocks ?? message.attachments ?? ''))}</div>${replies}`;
				})
				.join('');
			return `<h2>#${escapeHtml(channel.name)} <span class="muted">${escapeHtml(channel.id)}</span></h2>${messages || '<p class="muted">no messages</p>'}`;
		});
		return htmlPage('Slack emulator', [
			...(sections.length ? sections : ['<p>No channels.</p>']),
			requestTable(this.requests.list()),
		]);
	}
}

/** blocks/attachments arrive as arrays (JSON body) or JSON strings (form body); null: unparsable. */
function parseList(value: unknown): unknown[] | undefined | null {
	if (value === undefined || value === '') return undefined;
	if (Array.isArray(value)) return value;
	if (typeof value === 'string') {
		try {
			const parsed: unknown = JSON.parse(value);
			return Array.isArray(parsed) ? parsed : null;
		} catch {
			return null;
		}
	}
	return isRecord(value) ? null : undefined;
}
