/**
 * Google's service-account token exchange (oauth2.googleapis.com) and the Sheets v4 API
 * (sheets.googleapis.com), in memory: spreadsheets with sheets (grids with row and column counts,
 * as Google keeps them), values get/update/append/clear/batchUpdate, spreadsheets.batchUpdate with
 * appendDimension/addSheet/deleteSheet, and the Drive file list the editor's document picker uses.
 * Errors have Google's shapes and statuses.
 */
import { generateKeyPairSync, randomBytes, verify } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { formatRange, parseRange, type GridBounds } from './a1';
import {
	bearerToken,
	escapeHtml,
	htmlPage,
	isRecord,
	parseForm,
	parseJsonObject,
	readBody,
	RequestLog,
	logWhenDone,
	requestTable,
	sendJson,
	takeFault,
	type QueuedFault,
} from './http';

export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const SHEETS_SCOPES = [
	'https://www.googleapis.com/auth/spreadsheets',
	'https://www.googleapis.com/auth/drive',
	'https://www.googleapis.com/auth/drive.file',
];
const DEFAULT_ROWS = 1000;
const DEFAULT_COLUMNS = 26;
/** Google's grid limit: 10 million cells per spreadsheet. */
const MAX_CELLS = 10_000_000;

export type CellValue = string | number | boolean;

export interface ServiceAccount {
	email: string;
	/** PKCS#8 PEM, as in the JSON key file Google hands out. */
	privateKey: string;
}

interface SheetState {
	sheetId: number;
	title: string;
	index: number;
	rowCount: number;
	columnCount: number;
	/** Rows of cells; missing rows and cells are empty. */
	cells: CellValue[][];
}

interface SpreadsheetState {
	spreadsheetId: string;
	title: string;
	sheets: SheetState[];
	/** Service-account e-mails it is shared with; undefined: anyone with a token may use it. */
	sharedWith?: Set<string>;
	nextSheetId: number;
}

interface IssuedToken {
	email: string;
	scopes: string[];
	expiresAt: number;
}

class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly googleStatus: string,
		message: string,
	) {
		super(message);
	}
}

const STATUS_NAMES: Record<number, string> = {
	429: 'RESOURCE_EXHAUSTED',
	500: 'INTERNAL',
	503: 'UNAVAILABLE',
};

export class GoogleEmulator {
	readonly requests = new RequestLog();
	private readonly accounts = new Map<string, string>();
	private readonly tokens = new Map<string, IssuedToken>();
	private readonly spreadsheets = new Map<string, SpreadsheetState>();
	private readonly sheetsFaults: QueuedFault[] = [];
	private tokenRequests = 0;

	/** A service account whose JWT assertions the token endpoint accepts (a fresh RSA key). */
	addServiceAccount(name = 'n8n-incident-data'): ServiceAccount {
		const { privateKey, publicKey } = generateKeyPairSync('rsa', {
			modulusLength: 2048,
			privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
			publicKeyEncoding: { type: 'spki', format: 'pem' },
		});
		const email = `${name}@incident-data-test.iam.gserviceaccount.com`;
		this.accounts.set(email, publicKey);
		return { email, privateKey };
	}

	/** A spreadsheet with the given (empty) sheets, Google's default 1000 x 26 grid each. */
	createSpreadsheet(
		options: {
			spreadsheetId?: string;
			title?: string;
			sheets?: string[];
			sharedWith?: string[];
		} = {},
	): string {
		const spreadsheetId = options.spreadsheetId ?? `1${randomBytes(21).toString('base64url')}`;
		const state: SpreadsheetState = {
			spreadsheetId,
			title: options.title ?? 'Untitled spreadsheet',
			sheets: [],
			sharedWith: options.sharedWith ? new Set(options.sharedWith) : undefined,
			nextSheetId: 0,
		};
		for (const title of options.sheets ?? ['Sheet1']) this.addSheet(state, title);
		this.spreadsheets.set(spreadsheetId, state);
		return spreadsheetId;
	}

	/** Deletes a spreadsheet: later requests for it get Google's 404. */
	deleteSpreadsheet(spreadsheetId: string): void {
		this.spreadsheets.delete(spreadsheetId);
	}

	/** Types values into a sheet as a person would (USER_ENTERED), starting at the top-left of `range`. */
	setValues(spreadsheetId: string, range: string, values: unknown[][]): void {
		const spreadsheet = this.spreadsheets.get(spreadsheetId);
		if (!spreadsheet) throw new Error(`no spreadsheet ${spreadsheetId}`);
		this.applyWrite(spreadsheet, this.planWrite(spreadsheet, range, { values }, 'USER_ENTERED'));
	}

	/** What a person sees in the sheet: its rows, trailing empty cells and rows left out, as text. */
	rows(spreadsheetId: string, sheetTitle: string): string[][] {
		const sheet = this.spreadsheets
			.get(spreadsheetId)
			?.sheets.find((candidate) => candidate.title === sheetTitle);
		if (!sheet) throw new Error(`no sheet "${sheetTitle}" in spreadsheet ${spreadsheetId}`);
		return trimGrid(sheet.cells.map((row) => row.map(formatted)));
	}

	/** The grid size Google would report for a sheet. */
	gridProperties(
		spreadsheetId: string,
		sheetTitle: string,
	): { rowCount: number; columnCount: number } {
		const sheet = this.spreadsheets
			.get(spreadsheetId)
			?.sheets.find((candidate) => candidate.title === sheetTitle);
		if (!sheet) throw new Error(`no sheet "${sheetTitle}" in spreadsheet ${spreadsheetId}`);
		return { rowCount: sheet.rowCount, columnCount: sheet.columnCount };
	}

	/** The next `count` Sheets API requests fail with `status` (429 carries Retry-After). */
	failNextSheetsRequests(count: number, status: 429 | 500 | 503, retryAfterSeconds?: number): void {
		this.sheetsFaults.push({ remaining: count, status, retryAfterSeconds });
	}

	stats(): { tokenRequests: number; issuedTokens: number } {
		return { tokenRequests: this.tokenRequests, issuedTokens: this.tokens.size };
	}

	// -------------------------------------------------------------------------------------------
	// oauth2.googleapis.com

	readonly handleOAuth = async (
		request: IncomingMessage,
		response: ServerResponse,
	): Promise<void> => {
		logWhenDone(this.requests, 'oauth2.googleapis.com', request, response);
		const url = new URL(request.url ?? '/', 'https://oauth2.googleapis.com');
		if (url.pathname !== '/token') {
			sendJson(response, 404, {
				error: 'not_found',
				error_description: `no ${url.pathname} on the token endpoint`,
			});
			return;
		}
		if (request.method !== 'POST') {
			sendJson(response, 405, { error: 'invalid_request', error_description: 'Use POST' });
			return;
		}
		this.tokenRequests += 1;
		const form = parseForm(await readBody(request));
		if (form.grant_type !== JWT_BEARER) {
			sendJson(response, 400, {
				error: 'unsupported_grant_type',
				error_description: `Invalid grant_type: ${form.grant_type ?? ''}`,
			});
			return;
		}
		const verdict = this.verifyAssertion(form.assertion ?? '');
		if ('error' in verdict) {
			sendJson(response, 400, verdict);
			return;
		}
		// n8n asks for a fresh token before every Sheets call: drop expired ones so a long demo stays small.
		for (const [issued, entry] of this.tokens)
			if (entry.expiresAt < Date.now()) this.tokens.delete(issued);
		const accessToken = `ya29.emulated-${randomBytes(24).toString('base64url')}`;
		this.tokens.set(accessToken, {
			email: verdict.email,
			scopes: verdict.scopes,
			expiresAt: Date.now() + 3599_000,
		});
		sendJson(response, 200, { access_token: accessToken, expires_in: 3599, token_type: 'Bearer' });
	};

	/** Checks a service-account JWT as Google does: RS256 signature by a known key, audience, lifetime, scope. */
	private verifyAssertion(
		assertion: string,
	): { email: string; scopes: string[] } | { error: string; error_description: string } {
		const parts = assertion.split('.');
		if (parts.length !== 3)
			return { error: 'invalid_grant', error_description: 'Invalid JWT: malformed' };
		const header = parseJsonObject(Buffer.from(parts[0], 'base64url').toString('utf8'));
		const claims = parseJsonObject(Buffer.from(parts[1], 'base64url').toString('utf8'));
		if (!header || !claims || header.alg !== 'RS256')
			return { error: 'invalid_grant', error_description: 'Invalid JWT: unsupported header' };
		const email = typeof claims.iss === 'string' ? claims.iss : '';
		const publicKey = this.accounts.get(email);
		if (!publicKey)
			return { error: 'invalid_grant', error_description: 'Invalid grant: account not found' };
		const signed = verify(
			'RSA-SHA256',
			Buffer.from(`${parts[0]}.${parts[1]}`),
			publicKey,
			Buffer.from(parts[2], 'base64url'),
		);
		if (!signed) return { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' };
		if (claims.aud !== GOOGLE_TOKEN_URL)
			return { error: 'invalid_grant', error_description: 'Invalid JWT: Failed audience check.' };
		const now = Math.floor(Date.now() / 1000);
		const iat = Number(claims.iat);
		const exp = Number(claims.exp);
		// Google allows a few minutes of clock skew and at most one hour of lifetime.
		if (
			!Number.isFinite(iat) ||
			!Number.isFinite(exp) ||
			exp <= now ||
			iat > now + 300 ||
			exp - iat > 3600
		) {
			return {
				error: 'invalid_grant',
				error_description:
					'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
			};
		}
		const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
		if (scopes.length === 0)
			return {
				error: 'invalid_scope',
				error_description: 'Invalid OAuth scope or ID token audience provided.',
			};
		return { email, scopes };
	}

	// -------------------------------------------------------------------------------------------
	// sheets.googleapis.com and www.googleapis.com (Drive file list)

	readonly handleSheets = async (
		request: IncomingMessage,
		response: ServerResponse,
	): Promise<void> => {
		logWhenDone(this.requests, 'sheets.googleapis.com', request, response);
		try {
			const caller = this.authorize(request);
			const fault = takeFault(this.sheetsFaults);
			if (fault) {
				const headers: Record<string, string> =
					fault.retryAfterSeconds !== undefined
						? { 'retry-after': String(fault.retryAfterSeconds) }
						: {};
				const message =
					fault.status === 429
						? "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user'"
						: 'The service is currently unavailable.';
				sendJson(
					response,
					fault.status,
					{
						error: { code: fault.status, message, status: STATUS_NAMES[fault.status] ?? 'UNKNOWN' },
					},
					headers,
				);
				return;
			}
			const url = new URL(request.url ?? '/', 'https://sheets.googleapis.com');
			const body = request.method === 'GET' ? {} : parseJsonObject(await readBody(request));
			if (!body) throw new ApiError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
			sendJson(response, 200, this.route(request.method ?? 'GET', url, body, caller));
		} catch (error) {
			sendGoogleError(response, error);
		}
	};

	readonly handleDrive = (request: IncomingMessage, response: ServerResponse): void => {
		logWhenDone(this.requests, 'www.googleapis.com', request, response);
		try {
			const caller = this.authorize(request);
			const url = new URL(request.url ?? '/', 'https://www.googleapis.com');
			if (request.method !== 'GET' || url.pathname !== '/drive/v3/files')
				throw new ApiError(404, 'NOT_FOUND', 'Not Found');
			const files = [...this.spreadsheets.values()]
				.filter((sheet) => !sheet.sharedWith || sheet.sharedWith.has(caller.email))
				.map((sheet) => ({
					kind: 'drive#file',
					id: sheet.spreadsheetId,
					name: sheet.title,
					mimeType: 'application/vnd.google-apps.spreadsheet',
					webViewLink: `https://docs.google.com/spreadsheets/d/${sheet.spreadsheetId}/edit`,
				}));
			sendJson(response, 200, { kind: 'drive#fileList', incompleteSearch: false, files });
		} catch (error) {
			sendGoogleError(response, error);
		}
	};

	private authorize(request: IncomingMessage): IssuedToken {
		const token = bearerToken(request);
		const issued = token ? this.tokens.get(token) : undefined;
		if (!issued || issued.expiresAt < Date.now()) {
			throw new ApiError(
				401,
				'UNAUTHENTICATED',
				'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
			);
		}
		if (!issued.scopes.some((scope) => SHEETS_SCOPES.includes(scope))) {
			throw new ApiError(
				403,
				'PERMISSION_DENIED',
				'Request had insufficient authentication scopes.',
			);
		}
		return issued;
	}

	private route(
		method: string,
		url: URL,
		body: Record<string, unknown>,
		caller: IssuedToken,
	): unknown {
		// Ranges arrive percent-encoded or partly raw (`Incidents!1:1`); custom methods follow a colon.
		const pathname = decodePath(url.pathname);
		if (pathname === undefined)
			throw new ApiError(400, 'INVALID_ARGUMENT', 'Invalid percent-encoding in the request path.');
		const match = /^\/v4\/spreadsheets(?:\/([^/:]+))?(.*)$/s.exec(pathname);
		if (!match) throw new ApiError(404, 'NOT_FOUND', 'Requested entity was not found.');
		const [, spreadsheetId, rest] = match;
		if (!spreadsheetId) {
			if (method === 'POST' && rest === '') return this.create(body, caller);
			throw new ApiError(404, 'NOT_FOUND', 'Requested entity was not found.');
		}
		const spreadsheet = this.spreadsheets.get(spreadsheetId);
		if (!spreadsheet) throw new ApiError(404, 'NOT_FOUND', 'Requested entity was not found.');
		if (spreadsheet.sharedWith && !spreadsheet.sharedWith.has(caller.email)) {
			throw new ApiError(403, 'PERMISSION_DENIED', 'The caller does not have permission');
		}
		const input = valueInputOption(url, body);
		if (rest === '' && method === 'GET')
			return project(this.describe(spreadsheet), url.searchParams.get('fields'));
		if (rest === ':batchUpdate' && method === 'POST') return this.batchUpdate(spreadsheet, body);
		if (rest === '/values:batchUpdate' && method === 'POST') {
			const data = Array.isArray(body.data) ? body.data.filter(isRecord) : [];
			const option = typeof body.valueInputOption === 'string' ? body.valueInputOption : undefined;
			if (!option)
				throw new ApiError(
					400,
					'INVALID_ARGUMENT',
					"'valueInputOption' is required but not specified",
				);
			const planned = data.map((entry) =>
				this.planWrite(spreadsheet, String(entry.range ?? ''), entry, option),
			);
			const responses = planned.map((plan) => this.applyWrite(spreadsheet, plan));
			return {
				spreadsheetId,
				totalUpdatedRows: sum(responses, 'updatedRows'),
				totalUpdatedColumns: sum(responses, 'updatedColumns'),
				totalUpdatedCells: sum(responses, 'updatedCells'),
				totalUpdatedSheets: new Set(planned.map((plan) => plan.sheet.sheetId)).size,
				responses,
			};
		}
		const values = /^\/values\/(.+?)(:append|:clear)?$/s.exec(rest);
		if (!values) throw new ApiError(404, 'NOT_FOUND', 'Requested entity was not found.');
		const range = values[1];
		if (!values[2] && method === 'GET') return this.read(spreadsheet, range, url);
		if (!values[2] && method === 'PUT') {
			if (!input)
				throw new ApiError(
					400,
					'INVALID_ARGUMENT',
					"'valueInputOption' is required but not specified",
				);
			if (typeof body.range === 'string' && body.range !== range) {
				throw new ApiError(
					400,
					'INVALID_ARGUMENT',
					`Requested range [${body.range}] and the range in the URL [${range}] do not match`,
				);
			}
			return this.applyWrite(spreadsheet, this.planWrite(spreadsheet, range, body, input));
		}
		if (values[2] === ':append' && method === 'POST') {
			if (!input)
				throw new ApiError(
					400,
					'INVALID_ARGUMENT',
					"'valueInputOption' is required but not specified",
				);
			return this.append(spreadsheet, range, body, input);
		}
		if (values[2] === ':clear' && method === 'POST') return this.clear(spreadsheet, range);
		throw new ApiError(404, 'NOT_FOUND', 'Requested entity was not found.');
	}

	private create(body: Record<string, unknown>, caller: IssuedToken): unknown {
		const properties = isRecord(body.properties) ? body.properties : {};
		const sheets = Array.isArray(body.sheets) ? body.sheets.filter(isRecord) : [];
		const titles = sheets.map((sheet, index) =>
			isRecord(sheet.properties) && typeof sheet.properties.title === 'string'
				? sheet.properties.title
				: `Sheet${index + 1}`,
		);
		const id = this.createSpreadsheet({
			title: typeof properties.title === 'string' ? properties.title : undefined,
			sheets: titles.length ? titles : undefined,
			sharedWith: [caller.email],
		});
		return this.describe(this.spreadsheets.get(id) as SpreadsheetState);
	}

	private addSheet(
		spreadsheet: SpreadsheetState,
		title: string,
		rowCount = DEFAULT_ROWS,
		columnCount = DEFAULT_COLUMNS,
	): SheetState {
		if (spreadsheet.sheets.some((sheet) => sheet.title.toLowerCase() === title.toLowerCase())) {
			throw new ApiError(
				400,
				'INVALID_ARGUMENT',
				`Invalid requests[0].addSheet: A sheet with the name "${title}" already exists. Please enter another name.`,
			);
		}
		const sheet: SheetState = {
			sheetId: spreadsheet.nextSheetId,
			title,
			index: spreadsheet.sheets.length,
			rowCount,
			columnCount,
			cells: [],
		};
		// Google numbers the first sheet 0 and later ones with large random ids.
		spreadsheet.nextSheetId = 100_000_000 + spreadsheet.sheets.length * 7_919 + 1;
		spreadsheet.sheets.push(sheet);
		return sheet;
	}

	private describe(spreadsheet: SpreadsheetState): Record<string, unknown> {
		return {
			spreadsheetId: spreadsheet.spreadsheetId,
			properties: {
				title: spreadsheet.title,
				locale: 'en_US',
				autoRecalc: 'ON_CHANGE',
				timeZone: 'Etc/GMT',
			},
			sheets: spreadsheet.sheets.map((sheet) => ({ properties: sheetProperties(sheet) })),
			spreadsheetUrl: `https://docs.google.com/spreadsheets/d/${spreadsheet.spreadsheetId}/edit`,
		};
	}

	private resolve(
		spreadsheet: SpreadsheetState,
		range: string,
	): { sheet: SheetState; bounds: GridBounds } {
		const parsed = parseRange(range);
		if (!parsed) throw new ApiError(400, 'INVALID_ARGUMENT', `Unable to parse range: ${range}`);
		let sheet = spreadsheet.sheets.find((candidate) => candidate.title === parsed.sheetTitle);
		let bounds = parsed.bounds;
		if (!sheet && parsed.ambiguous) {
			// `A1:C5` without a sheet: the first sheet.
			sheet = spreadsheet.sheets[0];
		} else if (sheet && parsed.ambiguous) {
			bounds = { startRow: 0, startColumn: 0 };
		}
		if (!sheet) throw new ApiError(400, 'INVALID_ARGUMENT', `Unable to parse range: ${range}`);
		return { sheet, bounds };
	}

	private read(spreadsheet: SpreadsheetState, range: string, url: URL): unknown {
		const { sheet, bounds } = this.resolve(spreadsheet, range);
		const render = url.searchParams.get('valueRenderOption') ?? 'FORMATTED_VALUE';
		const major = url.searchParams.get('majorDimension') ?? 'ROWS';
		const endRow = Math.min(bounds.endRow ?? sheet.rowCount - 1, sheet.rowCount - 1);
		const endColumn = Math.min(bounds.endColumn ?? sheet.columnCount - 1, sheet.columnCount - 1);
		const grid: Array<Array<CellValue | ''>> = [];
		for (let row = bounds.startRow; row <= endRow; row++) {
			const cells: Array<CellValue | ''> = [];
			for (let column = bounds.startColumn; column <= endColumn; column++) {
				const value = sheet.cells[row]?.[column];
				cells.push(
					value === undefined ? '' : render === 'FORMATTED_VALUE' ? formatted(value) : value,
				);
			}
			grid.push(cells);
		}
		let values = trimGrid(grid);
		if (major === 'COLUMNS') values = trimGrid(transpose(grid));
		const answer: Record<string, unknown> = {
			range: formatRange(
				sheet.title,
				bounds.startRow,
				bounds.startColumn,
				Math.max(endRow, bounds.startRow),
				Math.max(endColumn, bounds.startColumn),
			),
			majorDimension: major,
		};
		// Google leaves `values` out when the range holds nothing.
		if (values.length > 0) answer.values = values;
		return answer;
	}

	private planWrite(
		spreadsheet: SpreadsheetState,
		range: string,
		body: Record<string, unknown>,
		input: string,
	): WritePlan {
		const { sheet, bounds } = this.resolve(spreadsheet, range);
		let values = Array.isArray(body.values)
			? body.values.map((row) => (Array.isArray(row) ? row : []))
			: [];
		if (body.majorDimension === 'COLUMNS') values = transpose(values);
		const height = values.length;
		const width = values.reduce((max, row) => Math.max(max, row.length), 0);
		const lastRow = bounds.startRow + height - 1;
		const lastColumn = bounds.startColumn + width - 1;
		// A single cell is only the top-left anchor of what is written; a wider range bounds it.
		const anchorOnly = bounds.endRow === bounds.startRow && bounds.endColumn === bounds.startColumn;
		if (!anchorOnly && bounds.endRow !== undefined && lastRow > bounds.endRow) {
			throw new ApiError(
				400,
				'INVALID_ARGUMENT',
				`Requested writing within range [${range}], but tried writing to row [${lastRow + 1}]`,
			);
		}
		if (!anchorOnly && bounds.endColumn !== undefined && lastColumn > bounds.endColumn) {
			throw new ApiError(
				400,
				'INVALID_ARGUMENT',
				`Requested writing within range [${range}], but tried writing to column [${lastColumn + 1}]`,
			);
		}
		if (height > 0 && (lastRow >= sheet.rowCount || lastColumn >= sheet.columnCount)) {
			throw new ApiError(
				400,
				'INVALID_ARGUMENT',
				`Range (${formatRange(sheet.title, lastRow, lastColumn, lastRow, lastColumn)}) exceeds grid limits. Max rows: ${sheet.rowCount}, max columns: ${sheet.columnCount}`,
			);
		}
		return { sheet, startRow: bounds.startRow, startColumn: bounds.startColumn, values, input };
	}

	private applyWrite(spreadsheet: SpreadsheetState, plan: WritePlan): Record<string, unknown> {
		const { sheet, startRow, startColumn, values, input } = plan;
		let width = 0;
		let cells = 0;
		values.forEach((row, rowOffset) => {
			const target = (sheet.cells[startRow + rowOffset] ??= []);
			row.forEach((value: unknown, columnOffset: number) => {
				// null leaves a cell as it is; '' clears it.
				if (value === null || value === undefined) return;
				target[startColumn + columnOffset] = parseInput(value, input);
				cells += 1;
			});
			width = Math.max(width, row.length);
		});
		fillHoles(sheet);
		const answer: Record<string, unknown> = { spreadsheetId: spreadsheet.spreadsheetId };
		if (values.length > 0 && width > 0) {
			Object.assign(answer, {
				updatedRange: formatRange(
					sheet.title,
					startRow,
					startColumn,
					startRow + values.length - 1,
					startColumn + width - 1,
				),
				updatedRows: values.length,
				updatedColumns: width,
				updatedCells: cells,
			});
		}
		return answer;
	}

	private append(
		spreadsheet: SpreadsheetState,
		range: string,
		body: Record<string, unknown>,
		input: string,
	): unknown {
		const { sheet, bounds } = this.resolve(spreadsheet, range);
		// The table is the rows with data from the range's first row on; new rows go below it.
		let lastDataRow = bounds.startRow - 1;
		for (let row = bounds.startRow; row < sheet.cells.length; row++) {
			if (
				(sheet.cells[row] ?? []).some(
					(value, column) => column >= bounds.startColumn && value !== '' && value !== undefined,
				)
			)
				lastDataRow = row;
		}
		// The table Google reports: the block of consecutive rows with data that ends there.
		const hasData = (row: number) =>
			(sheet.cells[row] ?? []).some(
				(value, column) => column >= bounds.startColumn && value !== '' && value !== undefined,
			);
		let firstTableRow = lastDataRow;
		while (firstTableRow > bounds.startRow && hasData(firstTableRow - 1)) firstTableRow--;
		let tableEndColumn = bounds.startColumn;
		for (let row = firstTableRow; row <= lastDataRow; row++) {
			(sheet.cells[row] ?? []).forEach((value, column) => {
				if (value !== '' && value !== undefined) tableEndColumn = Math.max(tableEndColumn, column);
			});
		}
		const values = Array.isArray(body.values)
			? body.values.map((row) => (Array.isArray(row) ? row : []))
			: [];
		const width = values.reduce((max, row) => Math.max(max, row.length), 0);
		const needed = lastDataRow + 1 + values.length;
		// Append adds rows to the grid as needed, unlike update.
		if (needed > sheet.rowCount) sheet.rowCount = needed;
		if (bounds.startColumn + width > sheet.columnCount)
			sheet.columnCount = bounds.startColumn + width;
		checkCellLimit(spreadsheet);
		const updates = this.applyWrite(spreadsheet, {
			sheet,
			startRow: lastDataRow + 1,
			startColumn: bounds.startColumn,
			values,
			input,
		});
		const answer: Record<string, unknown> = { spreadsheetId: spreadsheet.spreadsheetId, updates };
		if (lastDataRow >= bounds.startRow) {
			answer.tableRange = formatRange(
				sheet.title,
				firstTableRow,
				bounds.startColumn,
				lastDataRow,
				tableEndColumn,
			);
		}
		return answer;
	}

	private clear(spreadsheet: SpreadsheetState, range: string): unknown {
		const { sheet, bounds } = this.resolve(spreadsheet, range);
		const endRow = Math.min(bounds.endRow ?? sheet.rowCount - 1, sheet.rowCount - 1);
		const endColumn = Math.min(bounds.endColumn ?? sheet.columnCount - 1, sheet.columnCount - 1);
		for (let row = bounds.startRow; row <= endRow && row < sheet.cells.length; row++) {
			for (let column = bounds.startColumn; column <= endColumn; column++) {
				if (sheet.cells[row]?.[column] !== undefined) sheet.cells[row][column] = '';
			}
		}
		return {
			spreadsheetId: spreadsheet.spreadsheetId,
			clearedRange: formatRange(
				sheet.title,
				bounds.startRow,
				bounds.startColumn,
				endRow,
				endColumn,
			),
		};
	}

	/** spreadsheets.batchUpdate: every request is checked before any is applied, as Google's is atomic. */
	private batchUpdate(spreadsheet: SpreadsheetState, body: Record<string, unknown>): unknown {
		const requests = Array.isArray(body.requests) ? body.requests : [];
		const actions: Array<() => Record<string, unknown>> = requests.map((request, index) => {
			if (!isRecord(request))
				throw new ApiError(400, 'INVALID_ARGUMENT', `Invalid requests[${index}]: not an object`);
			if (isRecord(request.appendDimension)) {
				const { sheetId, dimension, length } = request.appendDimension;
				// n8n sends the sheetId as a string ("0"); Google accepts numeric strings for int32 fields.
				const sheet = spreadsheet.sheets.find(
					(candidate) => String(candidate.sheetId) === String(sheetId),
				);
				if (!sheet)
					throw new ApiError(
						400,
						'INVALID_ARGUMENT',
						`Invalid requests[${index}].appendDimension: No grid with id: ${String(sheetId)}`,
					);
				const count = Number(length);
				if (!Number.isInteger(count) || count < 1)
					throw new ApiError(
						400,
						'INVALID_ARGUMENT',
						`Invalid requests[${index}].appendDimension: length must be at least 1`,
					);
				if (dimension !== 'ROWS' && dimension !== 'COLUMNS')
					throw new ApiError(
						400,
						'INVALID_ARGUMENT',
						`Invalid requests[${index}].appendDimension: dimension must be ROWS or COLUMNS`,
					);
				return () => {
					if (dimension === 'ROWS') sheet.rowCount += count;
					else sheet.columnCount += count;
					checkCellLimit(spreadsheet);
					return {};
				};
			}
			if (isRecord(request.addSheet)) {
				const properties = isRecord(request.addSheet.properties) ? request.addSheet.properties : {};
				const title =
					typeof properties.title === 'string'
						? properties.title
						: `Sheet${spreadsheet.sheets.length + 1}`;
				return () => ({
					addSheet: { properties: sheetProperties(this.addSheet(spreadsheet, title)) },
				});
			}
			if (isRecord(request.deleteSheet)) {
				const sheetId = String(request.deleteSheet.sheetId);
				if (!spreadsheet.sheets.some((sheet) => String(sheet.sheetId) === sheetId)) {
					throw new ApiError(
						400,
						'INVALID_ARGUMENT',
						`Invalid requests[${index}].deleteSheet: No grid with id: ${sheetId}`,
					);
				}
				return () => {
					spreadsheet.sheets = spreadsheet.sheets.filter(
						(sheet) => String(sheet.sheetId) !== sheetId,
					);
					spreadsheet.sheets.forEach((sheet, position) => (sheet.index = position));
					return {};
				};
			}
			const kind = Object.keys(request)[0] ?? '(empty)';
			throw new ApiError(
				400,
				'INVALID_ARGUMENT',
				`Invalid requests[${index}]: ${kind} is not emulated (appendDimension, addSheet and deleteSheet are)`,
			);
		});
		return { spreadsheetId: spreadsheet.spreadsheetId, replies: actions.map((action) => action()) };
	}

	// -------------------------------------------------------------------------------------------
	// The read-only page

	html(): string {
		const sections = [...this.spreadsheets.values()].map((spreadsheet) => {
			const sheets = spreadsheet.sheets.map((sheet) => {
				const rows = trimGrid(sheet.cells.map((row) => row.map(formatted)));
				const width = rows.reduce((max, row) => Math.max(max, row.length), 0);
				const body = rows
					.map(
						(row, index) =>
							`<tr><th>${index + 1}</th>${Array.from({ length: width }, (_, column) => `<td>${escapeHtml(row[column] ?? '')}</td>`).join('')}</tr>`,
					)
					.join('');
				return `<h3>${escapeHtml(sheet.title)} <span class="muted">(sheetId ${sheet.sheetId}, grid ${sheet.rowCount} x ${sheet.columnCount})</span></h3><table>${body || '<tr><td class="muted">empty</td></tr>'}</table>`;
			});
			return `<h2>${escapeHtml(spreadsheet.title)} <span class="muted">${escapeHtml(spreadsheet.spreadsheetId)}</span></h2>${sheets.join('')}`;
		});
		return htmlPage('Google Sheets emulator', [
			...(sections.length ? sections : ['<p>No spreadsheets.</p>']),
			requestTable(this.requests.list()),
		]);
	}
}

/** Google's error envelope for API errors; anything else is the emulator's own failure (500). */
function sendGoogleError(response: ServerResponse, error: unknown): void {
	if (error instanceof ApiError) {
		sendJson(response, error.status, {
			error: { code: error.status, message: error.message, status: error.googleStatus },
		});
		return;
	}
	const message = error instanceof Error ? error.message : String(error);
	sendJson(response, 500, {
		error: { code: 500, message: `emulator failure: ${message}`, status: 'INTERNAL' },
	});
}

function decodePath(pathname: string): string | undefined {
	try {
		return decodeURIComponent(pathname);
	} catch {
		return undefined;
	}
}

interface WritePlan {
	sheet: SheetState;
	startRow: number;
	startColumn: number;
	values: unknown[][];
	input: string;
}

function valueInputOption(url: URL, body: Record<string, unknown>): string | undefined {
	const option =
		url.searchParams.get('valueInputOption') ??
		(typeof body.valueInputOption === 'string' ? body.valueInputOption : undefined);
	if (option !== undefined && option !== 'RAW' && option !== 'USER_ENTERED') {
		throw new ApiError(
			400,
			'INVALID_ARGUMENT',
			`Invalid value at 'value_input_option' (type.googleapis.com/google.apps.sheets.v4.ValueInputOption), "${option}"`,
		);
	}
	return option;
}

/** USER_ENTERED parses numbers and booleans as the Sheets UI would; RAW keeps strings as typed. */
function parseInput(value: unknown, input: string): CellValue {
	if (typeof value === 'number' || typeof value === 'boolean') return value;
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	if (input !== 'USER_ENTERED') return text;
	if (text.startsWith("'")) return text.slice(1);
	if (/^-?\d+(\.\d+)?$/.test(text.trim()) && Number.isFinite(Number(text))) return Number(text);
	if (/^(true|false)$/i.test(text.trim())) return text.trim().toLowerCase() === 'true';
	return text;
}

function formatted(value: CellValue | undefined): string {
	if (value === undefined) return '';
	if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
	return String(value);
}

function trimGrid<T>(grid: Array<Array<T | ''>>): Array<Array<T | ''>> {
	const rows = grid.map((row) => {
		let end = row.length;
		while (end > 0 && (row[end - 1] === '' || row[end - 1] === undefined)) end--;
		return Array.from({ length: end }, (_, index) => (row[index] === undefined ? '' : row[index]));
	});
	let last = rows.length;
	while (last > 0 && rows[last - 1].length === 0) last--;
	return rows.slice(0, last);
}

function transpose<T>(grid: T[][]): T[][] {
	const width = grid.reduce((max, row) => Math.max(max, row.length), 0);
	return Array.from({ length: width }, (_, column) => grid.map((row) => row[column]));
}

function fillHoles(sheet: SheetState): void {
	for (let row = 0; row < sheet.cells.length; row++) {
		sheet.cells[row] ??= [];
		const cells = sheet.cells[row];
		for (let column = 0; column < cells.length; column++)
			if (cells[column] === undefined) cells[column] = '';
	}
}

function checkCellLimit(spreadsheet: SpreadsheetState): void {
	const cells = spreadsheet.sheets.reduce(
		(total, sheet) => total + sheet.rowCount * sheet.columnCount,
		0,
	);
	if (cells > MAX_CELLS) {
		throw new ApiError(
			400,
			'INVALID_ARGUMENT',
			`This action would increase the number of cells in the workbook above the limit of ${MAX_CELLS} cells.`,
		);
	}
}

function sheetProperties(sheet: SheetState): Record<string, unknown> {
	return {
		sheetId: sheet.sheetId,
		title: sheet.title,
		index: sheet.index,
		sheetType: 'GRID',
		gridProperties: { rowCount: sheet.rowCount, columnCount: sheet.columnCount },
	};
}

function sum(responses: Array<Record<string, unknown>>, key: string): number {
	return responses.reduce(
		(total, entry) => total + (typeof entry[key] === 'number' ? entry[key] : 0),
		0,
	);
}

/**
 * Applies a Google field mask (`sheets.properties`, `spreadsheetId,sheets(properties(title))`) to
 * a response; no mask returns everything.
 */
export function project(value: unknown, fields: string | null): unknown {
	if (!fields) return value;
	return applyMask(value, parseMask(fields));
}

type Mask = Map<string, Mask | true>;

function parseMask(text: string): Mask {
	const mask: Mask = new Map();
	let index = 0;
	const parseList = (target: Mask): void => {
		while (index < text.length && text[index] !== ')') {
			let name = '';
			while (index < text.length && !',()'.includes(text[index])) name += text[index++];
			const path = name.trim().split('.').filter(Boolean);
			let node = target;
			for (let position = 0; position < path.length; position++) {
				const last = position === path.length - 1;
				const existing = node.get(path[position]);
				if (last && text[index] !== '(') {
					node.set(path[position], true);
				} else {
					const child: Mask = existing instanceof Map ? existing : new Map();
					if (existing !== true) node.set(path[position], child);
					node = child;
				}
			}
			if (text[index] === '(') {
				index++;
				parseList(node);
				index++;
			}
			if (text[index] === ',') index++;
		}
	};
	parseList(mask);
	return mask;
}

function applyMask(value: unknown, mask: Mask): unknown {
	if (Array.isArray(value)) return value.map((entry) => applyMask(entry, mask));
	if (!isRecord(value)) return value;
	const out: Record<string, unknown> = {};
	for (const [key, child] of mask) {
		if (!(key in value)) continue;
		out[key] = child === true ? value[key] : applyMask(value[key], child);
	}
	return out;
}
