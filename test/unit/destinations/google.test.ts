/**
 * Google's service-account token exchange and the Sheets v4 API as emulated, spoken to with Node's
 * https client through the proxy: the request sequence n8n's Append or Update Row makes, Google's
 * grid limits, field masks and error shapes.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import * as path from 'node:path';

import { parseRange, columnLetters, columnIndex } from '../../support/destinations/a1';
import { proxiedRequest, type ProxiedResponse } from '../../support/destinations/client';
import { startDestinations, type Destinations } from '../../support/destinations';
import type { ServiceAccount } from '../../support/destinations/google';

const CA_FILE = path.resolve(__dirname, '..', '..', 'fixtures', 'tls', 'ca.crt');
const TOKEN_URL = 'https://oauth2.googleapis.com/token';
const SCOPES =
	'https://www.googleapis.com/auth/drive.file https://www.googleapis.com/auth/spreadsheets';

let destinations: Destinations;
let account: ServiceAccount;

beforeAll(async () => {
	destinations = await startDestinations();
	account = destinations.google.addServiceAccount();
});

afterAll(async () => {
	await destinations?.close();
});

/** A service-account JWT as Google documents it, signed here with Node's crypto. */
function assertion(privateKey: string, claims: Record<string, unknown> = {}): string {
	const now = Math.floor(Date.now() / 1000);
	const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
	const head = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ iss: account.email, scope: SCOPES, aud: TOKEN_URL, iat: now, exp: now + 3600, ...claims })}`;
	return `${head}.${sign('RSA-SHA256', Buffer.from(head), privateKey).toString('base64url')}`;
}

async function exchange(
	jwt: string,
	grantType = 'urn:ietf:params:oauth:grant-type:jwt-bearer',
): Promise<ProxiedResponse> {
	return await proxiedRequest(destinations.proxy.url, {
		method: 'POST',
		url: TOKEN_URL,
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ grant_type: grantType, assertion: jwt }).toString(),
		caFile: CA_FILE,
	});
}

async function token(): Promise<string> {
	const response = await exchange(assertion(account.privateKey));
	return String((response.json as { access_token: string }).access_token);
}

async function sheets(
	accessToken: string,
	method: string,
	apiPath: string,
	body?: unknown,
): Promise<ProxiedResponse> {
	return await proxiedRequest(destinations.proxy.url, {
		method,
		url: `https://sheets.googleapis.com${apiPath}`,
		headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
		caFile: CA_FILE,
	});
}

describe('service-account token exchange', () => {
	it('accepts an RS256 assertion signed by the account key and issues a bearer token', async () => {
		const response = await exchange(assertion(account.privateKey));
		expect(response.status).toBe(200);
		expect(response.json).toEqual({
			access_token: expect.stringMatching(/^ya29\./),
			expires_in: 3599,
			token_type: 'Bearer',
		});
	});

	it('refuses an assertion signed by another key', async () => {
		const other = generateKeyPairSync('rsa', {
			modulusLength: 2048,
			privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
			publicKeyEncoding: { type: 'spki', format: 'pem' },
		});
		const response = await exchange(assertion(other.privateKey));
		expect(response.status).toBe(400);
		expect(response.json).toEqual({
			error: 'invalid_grant',
			error_description: 'Invalid JWT Signature.',
		});
	});

	it('refuses a wrong audience, an expired assertion, an unknown account, a missing scope and another grant type', async () => {
		const now = Math.floor(Date.now() / 1000);
		expect(
			(await exchange(assertion(account.privateKey, { aud: 'https://example.org/token' }))).json,
		).toMatchObject({ error: 'invalid_grant' });
		expect(
			(await exchange(assertion(account.privateKey, { iat: now - 7200, exp: now - 3600 }))).json,
		).toMatchObject({
			error: 'invalid_grant',
			error_description: expect.stringContaining('short-lived token'),
		});
		expect(
			(
				await exchange(
					assertion(account.privateKey, { iss: 'someone@else.iam.gserviceaccount.com' }),
				)
			).json,
		).toEqual({
			error: 'invalid_grant',
			error_description: 'Invalid grant: account not found',
		});
		expect((await exchange(assertion(account.privateKey, { scope: '' }))).json).toMatchObject({
			error: 'invalid_scope',
		});
		const wrongGrant = await exchange(assertion(account.privateKey), 'client_credentials');
		expect(wrongGrant.status).toBe(400);
		expect(wrongGrant.json).toMatchObject({ error: 'unsupported_grant_type' });
	});
});

describe('issued tokens', () => {
	it('expired tokens are dropped when new ones are issued, so a long demo does not accumulate them', async () => {
		const local = await startDestinations();
		try {
			const own = local.google.addServiceAccount('pruning');
			const signedAt = (seconds: number) => {
				const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
				const head = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ iss: own.email, scope: SCOPES, aud: TOKEN_URL, iat: seconds, exp: seconds + 3600 })}`;
				return `${head}.${sign('RSA-SHA256', Buffer.from(head), own.privateKey).toString('base64url')}`;
			};
			const post = (jwt: string) =>
				proxiedRequest(local.proxy.url, {
					method: 'POST',
					url: TOKEN_URL,
					headers: { 'content-type': 'application/x-www-form-urlencoded' },
					body: new URLSearchParams({
						grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
						assertion: jwt,
					}).toString(),
					caFile: CA_FILE,
				});
			const start = Date.now();
			await post(signedAt(Math.floor(start / 1000)));
			await post(signedAt(Math.floor(start / 1000)));
			expect(local.google.stats().issuedTokens).toBe(2);
			// Two hours later both have expired: the next exchange leaves only its own token.
			const later = start + 2 * 3600_000;
			jest.spyOn(Date, 'now').mockReturnValue(later);
			await post(signedAt(Math.floor(later / 1000)));
			expect(local.google.stats()).toEqual({ tokenRequests: 3, issuedTokens: 1 });
		} finally {
			jest.restoreAllMocks();
			await local.close();
		}
	});
});

describe('Sheets v4', () => {
	it('refuses requests without a token issued by the exchange, as Google does', async () => {
		const id = destinations.google.createSpreadsheet({ sheets: ['Incidents'] });
		const response = await sheets('ya29.not-issued', 'GET', `/v4/spreadsheets/${id}`);
		expect(response.status).toBe(401);
		expect(response.json).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED' } });
	});

	it("runs n8n's Append or Update Row sequence: header, appendDimension, rows, then a cell update", async () => {
		const id = destinations.google.createSpreadsheet({
			title: 'Incident log',
			sheets: ['Incidents'],
			sharedWith: [account.email],
		});
		const bearer = await token();
		const described = await sheets(
			bearer,
			'GET',
			`/v4/spreadsheets/${id}?fields=sheets.properties`,
		);
		expect(described.json).toEqual({
			sheets: [
				{
					properties: {
						sheetId: 0,
						title: 'Incidents',
						index: 0,
						sheetType: 'GRID',
						gridProperties: { rowCount: 1000, columnCount: 26 },
					},
				},
			],
		});
		const empty = await sheets(
			bearer,
			'GET',
			`/v4/spreadsheets/${id}/values/${encodeURIComponent("'Incidents'")}?valueRenderOption=FORMATTED_VALUE&dateTimeRenderOption=FORMATTED_STRING`,
		);
		expect(empty.json).toEqual({ range: 'Incidents!A1:Z1000', majorDimension: 'ROWS' });

		const header = await sheets(
			bearer,
			'PUT',
			`/v4/spreadsheets/${id}/values/Incidents!1%3A1?valueInputOption=USER_ENTERED`,
			{
				range: 'Incidents!1:1',
				values: [['incident_key', 'status', 'minutes']],
			},
		);
		expect(header.json).toEqual({
			spreadsheetId: id,
			updatedRange: 'Incidents!A1:C1',
			updatedRows: 1,
			updatedColumns: 3,
			updatedCells: 3,
		});
		// n8n sends the sheetId as a string.
		const grown = await sheets(bearer, 'POST', `/v4/spreadsheets/${id}:batchUpdate`, {
			requests: [{ appendDimension: { sheetId: '0', dimension: 'ROWS', length: 1 } }],
		});
		expect(grown.json).toEqual({ spreadsheetId: id, replies: [{}] });
		const rows = await sheets(
			bearer,
			'PUT',
			`/v4/spreadsheets/${id}/values/Incidents!2%3A3?valueInputOption=USER_ENTERED`,
			{
				range: 'Incidents!2:3',
				values: [
					['FH-1', 'open', '42'],
					['FH-2', 'open', ''],
				],
			},
		);
		expect(rows.json).toMatchObject({ updatedRange: 'Incidents!A2:C3', updatedRows: 2 });

		const read = await sheets(
			bearer,
			'GET',
			`/v4/spreadsheets/${id}/values/${encodeURIComponent("'Incidents'")}?valueRenderOption=UNFORMATTED_VALUE`,
		);
		// USER_ENTERED turned '42' into a number; trailing empty cells are left out.
		expect((read.json as { values: unknown }).values).toEqual([
			['incident_key', 'status', 'minutes'],
			['FH-1', 'open', 42],
			['FH-2', 'open'],
		]);

		const updated = await sheets(bearer, 'POST', `/v4/spreadsheets/${id}/values:batchUpdate`, {
			valueInputOption: 'USER_ENTERED',
			data: [
				{ range: 'Incidents!B3', values: [['resolved']] },
				{ range: 'Incidents!C3', values: [['7']] },
			],
		});
		expect(updated.json).toMatchObject({
			spreadsheetId: id,
			totalUpdatedCells: 2,
			totalUpdatedSheets: 1,
		});
		expect(destinations.google.rows(id, 'Incidents')).toEqual([
			['incident_key', 'status', 'minutes'],
			['FH-1', 'open', '42'],
			['FH-2', 'resolved', '7'],
		]);
		expect(destinations.google.gridProperties(id, 'Incidents')).toEqual({
			rowCount: 1001,
			columnCount: 26,
		});
	});

	it('refuses writes beyond the grid and beyond the requested range, and append grows the grid', async () => {
		const id = destinations.google.createSpreadsheet({ sheets: ['Small'] });
		const bearer = await token();
		await sheets(bearer, 'POST', `/v4/spreadsheets/${id}:batchUpdate`, {
			requests: [{ appendDimension: { sheetId: 0, dimension: 'COLUMNS', length: 2 } }],
		});
		const beyond = await sheets(
			bearer,
			'PUT',
			`/v4/spreadsheets/${id}/values/Small!A1000?valueInputOption=RAW`,
			{ values: [['a'], ['b']] },
		);
		expect(beyond.status).toBe(400);
		expect(beyond.json).toMatchObject({
			error: {
				status: 'INVALID_ARGUMENT',
				message: 'Range (Small!A1001) exceeds grid limits. Max rows: 1000, max columns: 28',
			},
		});
		const outside = await sheets(
			bearer,
			'PUT',
			`/v4/spreadsheets/${id}/values/Small!2%3A2?valueInputOption=RAW`,
			{ values: [['a'], ['b']] },
		);
		expect(outside.json).toMatchObject({
			error: {
				message: 'Requested writing within range [Small!2:2], but tried writing to row [3]',
			},
		});
		destinations.google.setValues(id, 'Small!A998', [['x'], ['y'], ['z']]);
		const appended = await sheets(
			bearer,
			'POST',
			`/v4/spreadsheets/${id}/values/Small!A%3AB:append?valueInputOption=RAW`,
			{
				values: [
					['p', 1],
					['q', 2],
				],
			},
		);
		expect(appended.json).toMatchObject({
			tableRange: 'Small!A998:A1000',
			updates: { updatedRange: 'Small!A1001:B1002', updatedRows: 2 },
		});
		expect(destinations.google.gridProperties(id, 'Small')).toEqual({
			rowCount: 1002,
			columnCount: 28,
		});
		expect(destinations.google.rows(id, 'Small').slice(997)).toEqual([
			['x'],
			['y'],
			['z'],
			['p', '1'],
			['q', '2'],
		]);
	});

	it('answers 404 for a deleted spreadsheet, 403 when not shared, 400 for an unknown sheet', async () => {
		const bearer = await token();
		const gone = destinations.google.createSpreadsheet({ sheets: ['Incidents'] });
		destinations.google.deleteSpreadsheet(gone);
		const missing = await sheets(
			bearer,
			'GET',
			`/v4/spreadsheets/${gone}?fields=sheets.properties`,
		);
		expect(missing.status).toBe(404);
		expect(missing.json).toEqual({
			error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' },
		});
		const private_ = destinations.google.createSpreadsheet({
			sheets: ['Incidents'],
			sharedWith: ['someone-else@example.iam.gserviceaccount.com'],
		});
		const denied = await sheets(bearer, 'GET', `/v4/spreadsheets/${private_}`);
		expect(denied.status).toBe(403);
		expect(denied.json).toMatchObject({ error: { status: 'PERMISSION_DENIED' } });
		const open = destinations.google.createSpreadsheet({ sheets: ['Incidents'] });
		const badSheet = await sheets(
			bearer,
			'GET',
			`/v4/spreadsheets/${open}/values/${encodeURIComponent("'Nope'!A1")}`,
		);
		expect(badSheet.status).toBe(400);
		expect(badSheet.json).toMatchObject({ error: { message: "Unable to parse range: 'Nope'!A1" } });
	});

	it('the fault switch answers 429 RESOURCE_EXHAUSTED with Retry-After, then recovers', async () => {
		const id = destinations.google.createSpreadsheet({ sheets: ['Incidents'] });
		const bearer = await token();
		destinations.google.failNextSheetsRequests(1, 429, 20);
		const limited = await sheets(bearer, 'GET', `/v4/spreadsheets/${id}`);
		expect(limited.status).toBe(429);
		expect(limited.headers['retry-after']).toBe('20');
		expect(limited.json).toMatchObject({ error: { code: 429, status: 'RESOURCE_EXHAUSTED' } });
		expect((await sheets(bearer, 'GET', `/v4/spreadsheets/${id}`)).status).toBe(200);
	});

	it('field masks select nested fields', async () => {
		const id = destinations.google.createSpreadsheet({ title: 'Masked', sheets: ['A', 'B'] });
		const bearer = await token();
		const response = await sheets(
			bearer,
			'GET',
			`/v4/spreadsheets/${id}?fields=${encodeURIComponent('spreadsheetId,properties.title,sheets(properties(title))')}`,
		);
		expect(response.json).toEqual({
			spreadsheetId: id,
			properties: { title: 'Masked' },
			sheets: [{ properties: { title: 'A' } }, { properties: { title: 'B' } }],
		});
	});
});

describe('A1 notation', () => {
	it('reads sheet titles and bounds as the API does', () => {
		expect(parseRange("'Incidents'")).toEqual({
			sheetTitle: 'Incidents',
			bounds: { startRow: 0, startColumn: 0 },
			ambiguous: false,
		});
		expect(parseRange("'It''s here'!B2:C")).toEqual({
			sheetTitle: "It's here",
			bounds: { startRow: 1, startColumn: 1, endRow: undefined, endColumn: 2 },
			ambiguous: false,
		});
		expect(parseRange('Incidents!2:3')?.bounds).toEqual({
			startRow: 1,
			startColumn: 0,
			endRow: 2,
			endColumn: undefined,
		});
		expect(parseRange('Incidents!A:Z')?.bounds).toEqual({
			startRow: 0,
			startColumn: 0,
			endRow: undefined,
			endColumn: 25,
		});
		expect(parseRange('Incidents!B2')?.bounds).toEqual({
			startRow: 1,
			startColumn: 1,
			endRow: 1,
			endColumn: 1,
		});
		expect(parseRange('A1:C5')).toMatchObject({
			ambiguous: true,
			bounds: { startRow: 0, startColumn: 0, endRow: 4, endColumn: 2 },
		});
		expect(parseRange('Incidents!C3:A1')).toBeUndefined();
	});

	it('converts column letters both ways', () => {
		expect([0, 25, 26, 27, 701, 702].map(columnLetters)).toEqual([
			'A',
			'Z',
			'AA',
			'AB',
			'ZZ',
			'AAA',
		]);
		expect(['A', 'Z', 'AA', 'ZZ', 'AAA'].map(columnIndex)).toEqual([0, 25, 26, 701, 702]);
	});
});
