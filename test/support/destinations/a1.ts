/**
 * A1 notation as the Sheets v4 API reads it: `'My Sheet'!A1:C5`, `Incidents!2:3`, `Incidents!B2`,
 * `Incidents!A:Z`, `'Incidents'` (a whole sheet), `A1:C5` (the first sheet).
 */

/** 0-based, inclusive; an undefined end is unbounded (to the edge of the grid). */
export interface GridBounds {
	startRow: number;
	startColumn: number;
	endRow?: number;
	endColumn?: number;
}

export interface ParsedRange {
	/** The sheet title, unquoted; undefined when the range names no sheet. */
	sheetTitle?: string;
	bounds: GridBounds;
	/** True when the text could also be a sheet title (no `!`, no quotes): `A1`, `Sheet1`. */
	ambiguous: boolean;
}

const CELL = /^([A-Za-z]{0,3})(\d{0,7})$/;

export function columnIndex(letters: string): number {
	let index = 0;
	for (const letter of letters.toUpperCase()) index = index * 26 + (letter.charCodeAt(0) - 64);
	return index - 1;
}

export function columnLetters(index: number): string {
	let letters = '';
	for (let rest = index + 1; rest > 0; rest = Math.floor((rest - 1) / 26)) {
		letters = String.fromCharCode(65 + ((rest - 1) % 26)) + letters;
	}
	return letters;
}

/** The grid part of a range (`A1:C5`), or undefined when it is not A1 notation. */
export function parseGridBounds(text: string): GridBounds | undefined {
	const [start, end, extra] = text.split(':');
	if (extra !== undefined || !start) return undefined;
	const first = CELL.exec(start);
	if (!first || (!first[1] && !first[2])) return undefined;
	const startColumn = first[1] ? columnIndex(first[1]) : 0;
	const startRow = first[2] ? Number(first[2]) - 1 : 0;
	if (startRow < 0) return undefined;
	if (end === undefined) {
		// A single cell (`B2`); a lone column (`B`) or row (`2`) spans the whole column or row.
		return {
			startRow,
			startColumn,
			endRow: first[2] ? startRow : undefined,
			endColumn: first[1] ? startColumn : undefined,
		};
	}
	const second = CELL.exec(end);
	if (!second || (!second[1] && !second[2])) return undefined;
	const endColumn = second[1] ? columnIndex(second[1]) : undefined;
	const endRow = second[2] ? Number(second[2]) - 1 : undefined;
	if (
		(endRow !== undefined && (endRow < 0 || endRow < startRow)) ||
		(endColumn !== undefined && endColumn < startColumn)
	)
		return undefined;
	return { startRow, startColumn, endRow, endColumn };
}

/** Splits a range into sheet title and bounds; undefined when it cannot be parsed. */
export function parseRange(text: string): ParsedRange | undefined {
	let sheetTitle: string | undefined;
	let rest: string | undefined;
	if (text.startsWith("'")) {
		let index = 1;
		let title = '';
		for (; index < text.length; index++) {
			if (text[index] === "'") {
				if (text[index + 1] === "'") {
					title += "'";
					index++;
					continue;
				}
				break;
			}
			title += text[index];
		}
		if (index >= text.length) return undefined;
		sheetTitle = title;
		const after = text.slice(index + 1);
		if (after === '') rest = undefined;
		else if (after.startsWith('!')) rest = after.slice(1);
		else return undefined;
	} else if (text.includes('!')) {
		const at = text.indexOf('!');
		sheetTitle = text.slice(0, at);
		rest = text.slice(at + 1);
	} else {
		const bounds = parseGridBounds(text);
		if (bounds) return { sheetTitle: text, bounds, ambiguous: true };
		return { sheetTitle: text, bounds: { startRow: 0, startColumn: 0 }, ambiguous: false };
	}
	if (rest === undefined || rest === '')
		return { sheetTitle, bounds: { startRow: 0, startColumn: 0 }, ambiguous: false };
	const bounds = parseGridBounds(rest);
	return bounds ? { sheetTitle, bounds, ambiguous: false } : undefined;
}

export function quoteSheetTitle(title: string): string {
	return /^[A-Za-z_][A-Za-z0-9_]*$/.test(title) ? title : `'${title.replaceAll("'", "''")}'`;
}

/** `Incidents!A2:C3` for 0-based inclusive bounds. */
export function formatRange(
	title: string,
	startRow: number,
	startColumn: number,
	endRow: number,
	endColumn: number,
): string {
	const start = `${columnLetters(startColumn)}${startRow + 1}`;
	const end = `${columnLetters(endColumn)}${endRow + 1}`;
	return `${quoteSheetTitle(title)}!${start === end ? start : `${start}:${end}`}`;
}
