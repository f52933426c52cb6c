/**
 * A large FireHydrant `incident_event` report with older versions mixed in, as overlapping nightly
 * windows deliver them: shared by the n8n side-by-side bench and the queue-mode scale tests, so
 * both read the same shape of report.
 */
import { parse as parseCsv } from 'csv-parse/sync';

import { csvLine } from '../sandbox/csv';
import { Random } from '../sandbox/prng';

export interface ReportWithOlderVersions {
	/** The CSV text: the header, the original rows and the older versions, interleaved. */
	body: string;
	/** Every id's newest `updated_at` (the version a correct reader keeps). */
	newest: Map<string, string>;
	/** Data rows in the body. */
	rows: number;
}

/**
 * The generated report (`csv`), plus `extraRows` older versions of random rows' ids (an earlier
 * `updated_at` and other `event_details`) at random places, before or after the newest version.
 */
export function withOlderVersions(
	csv: string,
	extraRows: number,
	seed = 7,
): ReportWithOlderVersions {
	const [header, ...records] = parseCsv(csv, { bom: true }) as string[][];
	const idIndex = header.indexOf('id');
	const updatedIndex = header.indexOf('updated_at');
	const detailsIndex = header.indexOf('event_details');
	const random = new Random(seed);
	const rows: string[][] = [...records];
	for (let count = 0; count < extraRows; count++) {
		const original = records[random.int(0, records.length - 1)];
		const older = [...original];
		older[updatedIndex] = new Date(
			Date.parse(original[updatedIndex]) - random.int(1, 48) * 3600_000,
		).toISOString();
		older[detailsIndex] = JSON.stringify({ description: `an earlier version (${count})` });
		rows.splice(random.int(0, rows.length), 0, older);
	}
	const newest = new Map<string, string>();
	for (const row of rows) {
		const seen = newest.get(row[idIndex]);
		if (seen === undefined || Date.parse(row[updatedIndex]) > Date.parse(seen))
			newest.set(row[idIndex], row[updatedIndex]);
	}
	return { body: [header, ...rows].map((row) => csvLine(row)).join(''), newest, rows: rows.length };
}
