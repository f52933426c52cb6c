/**
 * The Microsoft Graph (Teams channel messages) and Entra token emulators through the proxy: the
 * post n8n's Teams node makes, replies, the reads the editor's pickers make, token refresh, errors.
 */
import * as path from 'node:path';

import { proxiedRequest, type ProxiedResponse } from '../../support/destinations/client';
import { startDestinations, type Destinations } from '../../support/destinations';

const CA_FILE = path.resolve(__dirname, '..', '..', 'fixtures', 'tls', 'ca.crt');

let destinations: Destinations;
let app: { clientId: string; clientSecret: string };
let team: { teamId: string; channelIds: Record<string, string> };

beforeAll(async () => {
	destinations = await startDestinations();
	app = destinations.microsoft.addApp();
	team = destinations.microsoft.createTeam('Operations', ['Incidents', 'General']);
});

afterAll(async () => {
	await destinations?.close();
});

async function graph(
	accessToken: string,
	method: string,
	apiPath: string,
	body?: unknown,
): Promise<ProxiedResponse> {
	return await proxiedRequest(destinations.proxy.url, {
		method,
		url: `https://graph.microsoft.com${apiPath}`,
		headers: {
			...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
			'content-type': 'application/json',
		},
		body: body === undefined ? undefined : JSON.stringify(body),
		caFile: CA_FILE,
	});
}

async function tokenRequest(form: Record<string, string>): Promise<ProxiedResponse> {
	return await proxiedRequest(destinations.proxy.url, {
		method: 'POST',
		url: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams(form).toString(),
		caFile: CA_FILE,
	});
}

const messagesPath = (version: string) =>
	`/${version}/teams/${team.teamId}/channels/${encodeURIComponent(team.channelIds.Incidents)}/messages`;

describe('Microsoft Graph emulator', () => {
	it("posts a channel message as n8n's Teams node does (/beta), replies to it, and lists both", async () => {
		const { access_token: token } = destinations.microsoft.issueUserToken(app.clientId);
		const posted = await graph(token, 'POST', messagesPath('beta'), {
			body: { contentType: 'text', content: 'FH-101 is investigating' },
		});
		expect(posted.status).toBe(201);
		const message = posted.json as Record<string, unknown>;
		expect(message).toMatchObject({
			replyToId: null,
			messageType: 'message',
			body: { contentType: 'text', content: 'FH-101 is investigating' },
			channelIdentity: { teamId: team.teamId, channelId: team.channelIds.Incidents },
			from: { user: { displayName: 'Incident Bot' } },
		});
		expect(String(message.id)).toMatch(/^\d{13}$/);

		const reply = await graph(
			token,
			'POST',
			`${messagesPath('v1.0')}/${String(message.id)}/replies`,
			{ body: { contentType: 'html', content: '<b>resolved</b>' } },
		);
		expect(reply.status).toBe(201);
		expect(reply.json).toMatchObject({ replyToId: message.id });

		const state = destinations.microsoft.messages(team.teamId, team.channelIds.Incidents);
		expect(
			state.map((entry) => [
				entry.content,
				entry.apiVersion,
				entry.replies.map((child) => child.content),
			]),
		).toEqual([['FH-101 is investigating', '/beta', ['<b>resolved</b>']]]);
		const listed = await graph(token, 'GET', messagesPath('v1.0'));
		expect(
			(listed.json as { value: Array<{ id: string }> }).value.map((entry) => entry.id),
		).toEqual([message.id]);
	});

	it('serves the reads the editor pickers make: joined teams and their channels', async () => {
		const { access_token: token } = destinations.microsoft.issueUserToken(app.clientId);
		const teams = await graph(token, 'GET', '/v1.0/me/joinedTeams');
		expect((teams.json as { value: unknown[] }).value).toEqual([
			{ id: team.teamId, displayName: 'Operations', description: null },
		]);
		const channels = await graph(token, 'GET', `/v1.0/teams/${team.teamId}/channels`);
		expect(
			(channels.json as { value: Array<{ displayName: string }> }).value.map(
				(channel) => channel.displayName,
			),
		).toEqual(['Incidents', 'General']);
	});

	it('resolves the signed-in user by id or UPN, as the node does for mentions, and 404s others', async () => {
		const { access_token: token } = destinations.microsoft.issueUserToken(app.clientId);
		const byUpn = await graph(
			token,
			'GET',
			'/v1.0/users/incident-bot%40emulated.onmicrosoft.com?%24select=id%2CdisplayName%2CuserPrincipalName',
		);
		expect(byUpn.json).toMatchObject({
			id: 'a1b2c3d4-0000-4000-8000-00000000e2e0',
			displayName: 'Incident Bot',
		});
		expect(
			(await graph(token, 'GET', '/v1.0/users/a1b2c3d4-0000-4000-8000-00000000e2e0')).status,
		).toBe(200);
		const unknown = await graph(token, 'GET', '/v1.0/users/nobody%40emulated.onmicrosoft.com');
		expect(unknown.status).toBe(404);
		expect(unknown.json).toMatchObject({ error: { code: 'Request_ResourceNotFound' } });
	});

	it('rejects missing and expired tokens with 401, and the refresh grant issues a working one', async () => {
		expect((await graph('', 'GET', '/v1.0/me')).json).toMatchObject({
			error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' },
		});
		const expired = destinations.microsoft.issueUserToken(app.clientId, { expired: true });
		const rejected = await graph(expired.access_token, 'POST', messagesPath('beta'), {
			body: { content: 'x' },
		});
		expect(rejected.status).toBe(401);
		expect(rejected.json).toMatchObject({
			error: {
				code: 'InvalidAuthenticationToken',
				message: 'Lifetime validation failed, the token is expired.',
			},
		});

		const refreshed = await tokenRequest({
			grant_type: 'refresh_token',
			refresh_token: expired.refresh_token,
			client_id: app.clientId,
			client_secret: app.clientSecret,
		});
		expect(refreshed.status).toBe(200);
		const fresh = refreshed.json as {
			access_token: string;
			refresh_token: string;
			token_type: string;
		};
		expect(fresh.token_type).toBe('Bearer');
		expect(fresh.access_token).not.toBe(expired.access_token);
		expect((await graph(fresh.access_token, 'GET', '/v1.0/me')).status).toBe(200);
	});

	it('the token endpoint refuses a wrong secret, an unknown refresh token and an unknown grant', async () => {
		const tokens = destinations.microsoft.issueUserToken(app.clientId);
		const wrongSecret = await tokenRequest({
			grant_type: 'refresh_token',
			refresh_token: tokens.refresh_token,
			client_id: app.clientId,
			client_secret: 'nope',
		});
		expect(wrongSecret.status).toBe(401);
		expect(wrongSecret.json).toMatchObject({ error: 'invalid_client' });
		const unknownRefresh = await tokenRequest({
			grant_type: 'refresh_token',
			refresh_token: 'not-issued',
			client_id: app.clientId,
			client_secret: app.clientSecret,
		});
		expect(unknownRefresh.json).toMatchObject({ error: 'invalid_grant' });
		const password = await tokenRequest({
			grant_type: 'password',
			client_id: app.clientId,
			client_secret: app.clientSecret,
		});
		expect(password.json).toMatchObject({ error: 'unsupported_grant_type' });
	});

	it('answers 404 for an unknown team or channel, 400 for an empty body or a mention in text', async () => {
		const { access_token: token } = destinations.microsoft.issueUserToken(app.clientId);
		expect(
			(
				await graph(
					token,
					'POST',
					'/beta/teams/00000000-0000-0000-0000-000000000000/channels/x/messages',
					{ body: { content: 'x' } },
				)
			).status,
		).toBe(404);
		const noChannel = await graph(
			token,
			'POST',
			`/beta/teams/${team.teamId}/channels/19%3Amissing%40thread.tacv2/messages`,
			{ body: { content: 'x' } },
		);
		expect(noChannel.status).toBe(404);
		expect(noChannel.json).toMatchObject({
			error: { code: 'NotFound', message: 'Resource not found' },
		});
		expect(
			(
				await graph(token, 'POST', messagesPath('beta'), {
					body: { contentType: 'text', content: '' },
				})
			).status,
		).toBe(400);
		const mention = await graph(token, 'POST', messagesPath('beta'), {
			body: { contentType: 'text', content: '<at id="0">Ann</at> hi' },
		});
		expect(mention.json).toMatchObject({
			error: { message: 'Mentions are only allowed in Html messages.' },
		});
		expect(destinations.microsoft.messages(team.teamId, team.channelIds.General)).toEqual([]);
	});

	it('the throttle switch answers 429 TooManyRequests with Retry-After', async () => {
		const { access_token: token } = destinations.microsoft.issueUserToken(app.clientId);
		destinations.microsoft.throttle({ requests: 1, retryAfterSeconds: 9 });
		const throttled = await graph(
			token,
			'POST',
			`/beta/teams/${team.teamId}/channels/${encodeURIComponent(team.channelIds.General)}/messages`,
			{ body: { content: 'x' } },
		);
		expect(throttled.status).toBe(429);
		expect(throttled.headers['retry-after']).toBe('9');
		expect(throttled.json).toMatchObject({ error: { code: 'TooManyRequests' } });
		expect(destinations.microsoft.messages(team.teamId, team.channelIds.General)).toEqual([]);
	});
});
