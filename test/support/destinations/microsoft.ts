/**
 * Microsoft Graph for Teams channel messages (graph.microsoft.com, under /v1.0 and /beta, which n8n's
 * Teams node uses for posting) and the Microsoft identity platform token endpoint
 * (login.microsoftonline.com/{tenant}/oauth2/v2.0/token: refresh_token and client_credentials
 * grants), in memory. A test hands n8n a delegated token without a browser by importing the OAuth2
 * credential with `oauthTokenData` from issueUserToken(); an expired or revoked access token makes
 * n8n refresh it here, as with Entra ID.
 */
import { randomBytes, randomUUID } from 'node:crypto';
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

export const GRAPH_USER = {
	id: 'a1b2c3d4-0000-4000-8000-00000000e2e0',
	displayName: 'Incident Bot',
	userPrincipalName: 'incident-bot@emulated.onmicrosoft.com',
};
const TOKEN_LIFETIME_SECONDS = 3599;

export interface TeamsMessage {
	id: string;
	replyToId: string | null;
	createdDateTime: string;
	contentType: 'text' | 'html';
	content: string;
	/** The Graph path prefix the message was posted under (`/v1.0` or `/beta`). */
	apiVersion: string;
}

export interface TeamsThreadedMessage extends TeamsMessage {
	replies: TeamsMessage[];
}

interface Channel {
	id: string;
	displayName: string;
	messages: TeamsMessage[];
}

interface Team {
	id: string;
	displayName: string;
	channels: Map<string, Channel>;
}

interface App {
	clientSecret: string;
}

class GraphError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
	) {
		super(message);
	}
}

export class MicrosoftEmulator {
	readonly requests = new RequestLog();
	private readonly apps = new Map<string, App>();
	private readonly accessTokens = new Map<string, { expiresAt: number }>();
	private readonly refreshTokens = new Map<string, string>();
	private readonly teams = new Map<string, Team>();
	private readonly faults: QueuedFault[] = [];
	private lastMessageId = 0;

	/** An Entra app registration (client id and secret) the token endpoint accepts. */
	addApp(): { clientId: string; clientSecret: string } {
		const clientId = randomUUID();
		const clientSecret = `emulated~${randomBytes(18).toString('base64url')}`;
		this.apps.set(clientId, { clientSecret });
		return { clientId, clientSecret };
	}

	/**
	 * A signed-in user's token pair for an app, as the authorization-code flow would leave it in
	 * n8n's `oauthTokenData`. `expired: true` gives an access token Graph already rejects, so the
	 * first call makes n8n refresh it.
	 */
	issueUserToken(
		clientId: string,
		options: { expired?: boolean } = {},
	): {
		access_token: string;
		refresh_token: string;
		token_type: 'Bearer';
		expires_in: number;
		scope: string;
	} {
		if (!this.apps.has(clientId)) throw new Error(`no app ${clientId}`);
		const accessToken = this.newAccessToken(options.expired ? -1 : TOKEN_LIFETIME_SECONDS);
		const refreshToken = `emulated-refresh-${randomBytes(24).toString('base64url')}`;
		this.refreshTokens.set(refreshToken, clientId);
		return {
			access_token: accessToken,
			refresh_token: refreshToken,
			token_type: 'Bearer',
			expires_in: TOKEN_LIFETIME_SECONDS,
			scope: 'ChannelMessage.Send ChannelMessage.Read.All Team.ReadBasic.All',
		};
	}

	/** A team with channels (by display name); returns the ids. */
	createTeam(
		displayName: string,
		channelNames: string[],
	): { teamId: string; channelIds: Record<string, string> } {
		const teamId = randomUUID();
		const channels = new Map<string, Channel>();
		const channelIds: Record<string, string> = {};
		for (const name of channelNames) {
			const id = `19:${randomBytes(16).toString('hex')}@thread.tacv2`;
			channels.set(id, { id, displayName: name, messages: [] });
			channelIds[name] = id;
		}
		this.teams.set(teamId, { id: teamId, displayName, channels });
		return { teamId, channelIds };
	}

	/** A channel's top-level messages, oldest first, each with its replies. */
	messages(teamId: string, channelId: string): TeamsThreadedMessage[] {
		const channel = this.teams.get(teamId)?.channels.get(channelId);
		if (!channel) throw new Error(`no channel ${channelId} in team ${teamId}`);
		return channel.messages
			.filter((message) => message.replyToId === null)
			.map((message) => ({
				...message,
				replies: channel.messages.filter((reply) => reply.replyToId === message.id),
			}));
	}

	/** The next `requests` Graph calls answer 429 TooManyRequests with Retry-After. */
	throttle(options: { requests: number; retryAfterSeconds: number }): void {
		this.faults.push({
			remaining: options.requests,
			status: 429,
			retryAfterSeconds: options.retryAfterSeconds,
		});
	}

	/** Makes every access token issued so far invalid (as a revoked session does); refresh still works. */
	revokeAccessTokens(): void {
		this.accessTokens.clear();
	}

	private newAccessToken(lifetimeSeconds: number): string {
		const token = `eyJ0eXAiOiJKV1QiLCJlbXVsYXRlZCI6dHJ1ZX0.${randomBytes(32).toString('base64url')}`;
		this.accessTokens.set(token, { expiresAt: Date.now() + lifetimeSeconds * 1000 });
		return token;
	}

	// -------------------------------------------------------------------------------------------
	// login.microsoftonline.com

	readonly handleLogin = async (
		request: IncomingMessage,
		response: ServerResponse,
	): Promise<void> => {
		logWhenDone(this.requests, 'login.microsoftonline.com', request, response);
		const url = new URL(request.url ?? '/', 'https://login.microsoftonline.com');
		if (!/^\/[^/]+\/oauth2\/v2\.0\/token$/.test(url.pathname) || request.method !== 'POST') {
			sendJson(response, 404, {
				error: 'not_found',
				error_description: `AADSTS90027: no ${request.method ?? ''} ${url.pathname} here`,
			});
			return;
		}
		const form = parseForm(await readBody(request));
		// Client credentials come in the body (n8n's Microsoft credential: authentication "body") or Basic auth.
		const basic = /^Basic\s+(.+)$/i.exec(String(request.headers.authorization ?? ''))?.[1];
		const [basicId, basicSecret] = basic
			? Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent)
			: [];
		const clientId = form.client_id ?? basicId;
		const clientSecret = form.client_secret ?? basicSecret;
		const app = clientId ? this.apps.get(clientId) : undefined;
		if (!app) {
			sendJson(response, 400, {
				error: 'unauthorized_client',
				error_description: `AADSTS700016: Application with identifier '${clientId ?? ''}' was not found in the directory.`,
			});
			return;
		}
		if (app.clientSecret !== clientSecret) {
			sendJson(response, 401, {
				error: 'invalid_client',
				error_description: 'AADSTS7000215: Invalid client secret provided.',
			});
			return;
		}
		if (form.grant_type === 'refresh_token') {
			const owner = this.refreshTokens.get(form.refresh_token ?? '');
			if (owner !== clientId) {
				sendJson(response, 400, {
					error: 'invalid_grant',
					error_description: 'AADSTS70000: Provided grant is invalid or malformed.',
				});
				return;
			}
			// Entra rotates refresh tokens: the old one stays valid here, as it does there for a while.
			const issued = this.issueUserToken(clientId);
			sendJson(response, 200, { ...issued, ext_expires_in: issued.expires_in });
			return;
		}
		if (form.grant_type === 'client_credentials') {
			sendJson(response, 200, {
				token_type: 'Bearer',
				expires_in: TOKEN_LIFETIME_SECONDS,
				ext_expires_in: TOKEN_LIFETIME_SECONDS,
				access_token: this.newAccessToken(TOKEN_LIFETIME_SECONDS),
			});
			return;
		}
		sendJson(response, 400, {
			error: 'unsupported_grant_type',
			error_description: `AADSTS70003: The app requested an unsupported grant type '${form.grant_type ?? ''}'.`,
		});
	};

	// -------------------------------------------------------------------------------------------
	// graph.microsoft.com

	readonly handleGraph = async (
		request: IncomingMessage,
		response: ServerResponse,
	): Promise<void> => {
		logWhenDone(this.requests, 'graph.microsoft.com', request, response);
		try {
			const token = bearerToken(request);
			if (!token) throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
			const issued = this.accessTokens.get(token);
			if (!issued)
				throw new GraphError(
					401,
					'InvalidAuthenticationToken',
					'IDX14100: JWT is not well formed.',
				);
			if (issued.expiresAt < Date.now())
				throw new GraphError(
					401,
					'InvalidAuthenticationToken',
					'Lifetime validation failed, the token is expired.',
				);
			const fault = takeFault(this.faults);
			if (fault) {
				sendJson(
					response,
					429,
					{
						error: {
							code: 'TooManyRequests',
							message: 'Too many requests, please retry later.',
							innerError: { date: new Date().toISOString(), 'request-id': randomUUID() },
						},
					},
					{ 'retry-after': String(fault.retryAfterSeconds ?? 10) },
				);
				return;
			}
			const url = new URL(request.url ?? '/', 'https://graph.microsoft.com');
			const body = request.method === 'POST' ? parseJsonObject(await readBody(request)) : {};
			if (!body) throw new GraphError(400, 'BadRequest', 'Unable to read JSON request payload.');
			const [status, answer] = this.route(request.method ?? 'GET', url, body);
			sendJson(response, status, answer);
		} catch (error) {
			// Anything but a GraphError is the emulator's own failure, answered as Graph's 500.
			const graphError =
				error instanceof GraphError
					? error
					: new GraphError(
							500,
							'InternalServerError',
							`emulator failure: ${error instanceof Error ? error.message : String(error)}`,
						);
			sendJson(response, graphError.status, {
				error: {
					code: graphError.code,
					message: graphError.message,
					innerError: { date: new Date().toISOString(), 'request-id': randomUUID() },
				},
			});
		}
	};

	private route(method: string, url: URL, body: Record<string, unknown>): [number, unknown] {
		const match = /^\/(v1\.0|beta)(\/.*)$/.exec(url.pathname);
		if (!match) throw new GraphError(400, 'BadRequest', 'Invalid version.');
		const apiVersion = `/${match[1]}`;
		const segments = match[2].split('/').filter(Boolean).map(decodeURIComponent);
		const base = `https://graph.microsoft.com${apiVersion}`;
		if (method === 'GET' && segments.join('/') === 'me')
			return [200, { '@odata.context': `${base}/$metadata#users/$entity`, ...GRAPH_USER }];
		if (method === 'GET' && segments.join('/') === 'me/joinedTeams') {
			return [
				200,
				{
					'@odata.context': `${base}/$metadata#teams`,
					value: [...this.teams.values()].map((team) => ({
						id: team.id,
						displayName: team.displayName,
						description: null,
					})),
				},
			];
		}
		if (method === 'GET' && segments[0] === 'users' && segments.length === 2) {
			// The Teams node resolves each mention with GET /v1.0/users/{id or UPN} first.
			const key = segments[1].toLowerCase();
			if (key !== GRAPH_USER.id && key !== GRAPH_USER.userPrincipalName)
				throw new GraphError(
					404,
					'Request_ResourceNotFound',
					`Resource '${segments[1]}' does not exist or one of its queried reference-property objects are not present.`,
				);
			return [200, { '@odata.context': `${base}/$metadata#users/$entity`, ...GRAPH_USER }];
		}
		if (segments[0] !== 'teams' || segments.length < 2)
			throw new GraphError(
				400,
				'BadRequest',
				`Resource not found for the segment '${segments[0] ?? ''}'.`,
			);
		const team = this.teams.get(segments[1]);
		if (!team) throw new GraphError(404, 'NotFound', `No team found with Group Id ${segments[1]}`);
		if (segments.length === 2 && method === 'GET')
			return [200, { id: team.id, displayName: team.displayName }];
		if (segments[2] !== 'channels')
			throw new GraphError(
				400,
				'BadRequest',
				`Resource not found for the segment '${segments[2] ?? ''}'.`,
			);
		if (segments.length === 3 && method === 'GET') {
			return [
				200,
				{
					'@odata.context': `${base}/$metadata#teams('${team.id}')/channels`,
					value: [...team.channels.values()].map((channel) => channelView(channel)),
				},
			];
		}
		const channel = team.channels.get(segments[3]);
		if (!channel) throw new GraphError(404, 'NotFound', 'Resource not found');
		if (segments.length === 4 && method === 'GET') return [200, channelView(channel)];
		if (segments[4] !== 'messages')
			throw new GraphError(
				400,
				'BadRequest',
				`Resource not found for the segment '${segments[4] ?? ''}'.`,
			);
		const identity = { teamId: team.id, channelId: channel.id };
		if (segments.length === 5) {
			if (method === 'GET')
				return [
					200,
					{
						value: channel.messages
							.filter((message) => message.replyToId === null)
							.reverse()
							.map((message) => messageView(message, identity)),
					},
				];
			if (method === 'POST')
				return [201, messageView(this.post(channel, body, null, apiVersion), identity)];
		}
		const parent = channel.messages.find(
			(message) => message.id === segments[5] && message.replyToId === null,
		);
		if (!parent) throw new GraphError(404, 'NotFound', 'Resource not found');
		if (segments.length === 6 && method === 'GET') return [200, messageView(parent, identity)];
		if (segments.length === 7 && segments[6] === 'replies') {
			if (method === 'GET')
				return [
					200,
					{
						value: channel.messages
							.filter((message) => message.replyToId === parent.id)
							.reverse()
							.map((message) => messageView(message, identity)),
					},
				];
			if (method === 'POST')
				return [201, messageView(this.post(channel, body, parent.id, apiVersion), identity)];
		}
		throw new GraphError(405, 'MethodNotAllowed', `${method} is not allowed on this resource.`);
	}

	private post(
		channel: Channel,
		body: Record<string, unknown>,
		replyToId: string | null,
		apiVersion: string,
	): TeamsMessage {
		const content = isRecord(body.body) ? body.body : undefined;
		if (!content || typeof content.content !== 'string' || content.content === '') {
			throw new GraphError(400, 'BadRequest', 'Message body cannot be empty.');
		}
		const contentType = content.contentType === undefined ? 'text' : content.contentType;
		if (contentType !== 'text' && contentType !== 'html')
			throw new GraphError(400, 'BadRequest', `Invalid contentType '${String(contentType)}'.`);
		if (contentType === 'text' && /<at\s+id=/i.test(content.content))
			throw new GraphError(400, 'BadRequest', 'Mentions are only allowed in Html messages.');
		// Teams message ids are the creation time in milliseconds, unique per channel.
		const id = String(Math.max(Date.now(), this.lastMessageId + 1));
		this.lastMessageId = Number(id);
		const message: TeamsMessage = {
			id,
			replyToId,
			createdDateTime: new Date(Number(id)).toISOString(),
			contentType,
			content: content.content,
			apiVersion,
		};
		channel.messages.push(message);
		return message;
	}

	html(): string {
		const sections = [...this.teams.values()].flatMap((team) =>
			[...team.channels.values()].map((channel) => {
				const messages = this.messages(team.id, channel.id)
					.map((message) => {
						const replies = message.replies
							.map(
								(reply) =>
									`<div class="msg reply"><span class="muted">${escapeHtml(reply.createdDateTime)}</span>\n${escapeHtml(reply.content)}</div>`,
							)
							.join('');
						return `<div class="msg"><span class="muted">${escapeHtml(message.createdDateTime)} (${escapeHtml(message.contentType)})</span>\n${escapeHtml(message.content)}</div>${replies}`;
					})
					.join('');
				return `<h2>${escapeHtml(team.displayName)} › ${escapeHtml(channel.displayName)}</h2><p class="muted">team ${escapeHtml(team.id)}, channel ${escapeHtml(channel.id)}</p>${messages || '<p class="muted">no messages</p>'}`;
			}),
		);
		return htmlPage('Microsoft Teams emulator', [
			...(sections.length ? sections : ['<p>No teams.</p>']),
			requestTable(this.requests.list()),
		]);
	}
}

function channelView(channel: Channel): Record<string, unknown> {
	return {
		id: channel.id,
		displayName: channel.displayName,
		description: null,
		membershipType: 'standard',
		createdDateTime: '2024-01-01T00:00:00Z',
	};
}

function messageView(
	message: TeamsMessage,
	identity: { teamId: string; channelId: string },
): Record<string, unknown> {
	return {
		id: message.id,
		replyToId: message.replyToId,
		etag: message.id,
		messageType: 'message',
		createdDateTime: message.createdDateTime,
		lastModifiedDateTime: message.createdDateTime,
		deletedDateTime: null,
		subject: null,
		summary: null,
		importance: 'normal',
		locale: 'en-us',
		webUrl: `https://teams.microsoft.com/l/message/${encodeURIComponent(identity.channelId)}/${message.id}`,
		from: {
			application: null,
			device: null,
			user: { id: GRAPH_USER.id, displayName: GRAPH_USER.displayName, userIdentityType: 'aadUser' },
		},
		body: { contentType: message.contentType, content: message.content },
		channelIdentity: identity,
		attachments: [],
		mentions: [],
		reactions: [],
	};
}
