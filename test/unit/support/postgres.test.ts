/**
 * The loopback PostgreSQL the template tests and the demo write to: it starts as a real server,
 * keeps data across a pause (the "warehouse is down" case of the template tests), and leaves
 * nothing behind.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';

import { startPostgres, type PostgresServer } from '../../support/postgres';

jest.setTimeout(120_000);

let server: PostgresServer | undefined;

afterAll(async () => {
	await server?.stop();
});

test('a real server: tables, a refused connection while paused, data kept across the pause', async () => {
	server = await startPostgres({ database: 'warehouse' });
	expect(server.host).toBe('127.0.0.1');
	await server.query('CREATE TABLE incidents (incident_key text PRIMARY KEY, title text)');
	await server.query('INSERT INTO incidents VALUES ($1, $2), ($3, $4)', [
		'firehydrant:1',
		'DB down',
		'incident_io:2',
		'API slow',
	]);
	await server.query(
		"INSERT INTO incidents VALUES ('firehydrant:1', 'again') ON CONFLICT (incident_key) DO UPDATE SET title = excluded.title",
	);
	expect(
		await server.query('SELECT incident_key, title FROM incidents ORDER BY incident_key'),
	).toEqual([
		{ incident_key: 'firehydrant:1', title: 'again' },
		{ incident_key: 'incident_io:2', title: 'API slow' },
	]);
	const [{ version }] = await server.query<{ version: string }>('SELECT version()');
	expect(version).toMatch(/^PostgreSQL \d+/);

	await server.pause();
	await expect(server.query('SELECT 1')).rejects.toThrow(/ECONNREFUSED/);

	await server.start();
	expect(await server.query('SELECT count(*)::int AS n FROM incidents')).toEqual([{ n: 2 }]);
});

test('stop removes the cluster folder', async () => {
	const before = new Set(
		fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('incident-data-pg-')),
	);
	const other = await startPostgres();
	const created = fs
		.readdirSync(os.tmpdir())
		.filter((name) => name.startsWith('incident-data-pg-') && !before.has(name));
	expect(created).toHaveLength(1);
	expect(await other.query('SELECT current_database() AS db')).toEqual([{ db: 'incidents' }]);
	await other.stop();
	expect(fs.existsSync(`${os.tmpdir()}/${created[0]}`)).toBe(false);
});
