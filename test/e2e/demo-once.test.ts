/**
 * `npm run demo -- --once` while `npm run demo` runs: the headless run must not touch the running
 * demo's n8n folder (it used to re-import the demo credential there with ITS sandbox's port, so the
 * running demo lost its sandbox once --once ended).
 *
 *   node scripts/toolchain.js --n8n sh -c 'npm run build:run && npm run build:tools && npx jest test/e2e/demo-once.test.ts --selectProjects e2e'
 *
 * The "running demo" here is its n8n folder in a cache of its own (the real n8n linked in), with
 * the demo credential pointing at a sandbox port; --once runs for real against that cache.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
	createN8nHome,
	disposeN8nHarness,
	importCredentials,
	packProject,
	resolveToolchain,
	runN8nCommand,
	type N8nHome,
} from '../support/n8n';

const ROOT = path.resolve(__dirname, '../..');
const RUNNING_DEMO_SANDBOX = 'http://127.0.0.1:45678';

jest.setTimeout(20 * 60_000);

describe('demo --once beside a running demo', () => {
	let cache: string;
	let runningDemo: N8nHome;

	beforeAll(async () => {
		cache = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-once-cache-'));
		fs.symlinkSync(
			resolveToolchain().n8nHome,
			path.join(cache, path.basename(resolveToolchain().n8nHome)),
		);
		runningDemo = await createN8nHome({
			tarball: await packProject(ROOT),
			folder: path.join(cache, 'demo'),
		});
		await importCredentials(runningDemo, [
			{
				id: 'incidentDataFireHydrant',
				name: 'FireHydrant account',
				type: 'fireHydrantApi',
				data: { apiToken: 'running-demo-token', region: 'custom', baseUrl: RUNNING_DEMO_SANDBOX },
			},
		]);
	});

	afterAll(() => {
		disposeN8nHarness();
		if (cache) fs.rmSync(cache, { recursive: true, force: true });
	});

	it("runs every template and leaves the running demo's credential pointing at its own sandbox", async () => {
		const demo = spawnSync(
			process.execPath,
			[path.join(ROOT, 'dist-tools', 'scripts', 'demo.js'), '--once'],
			{
				cwd: ROOT,
				encoding: 'utf8',
				env: {
					...process.env,
					INCIDENT_DATA_N8N_HOME: path.join(cache, path.basename(resolveToolchain().n8nHome)),
				},
				timeout: 15 * 60_000,
			},
		);
		// stderr shown only when the run failed, to say why.
		expect({ status: demo.status, stderr: demo.status === 0 ? '' : demo.stderr }).toEqual({
			status: 0,
			stderr: '',
		});
		expect(demo.stdout).toMatch(
			/^ok {3}FireHydrant export → deduplicated incidents → Data Table {2}\d+ items? from /m,
		);

		const exported = path.join(cache, 'credentials.json');
		const result = await runN8nCommand(
			runningDemo,
			['export:credentials', '--all', '--decrypted', `--output=${exported}`],
			{ label: 'export-credentials' },
		);
		expect(result.code).toBe(0);
		const credentials = JSON.parse(fs.readFileSync(exported, 'utf8')) as Array<{
			id: string;
			data: { baseUrl?: string; apiToken?: string };
		}>;
		const credential = credentials.find((candidate) => candidate.id === 'incidentDataFireHydrant');
		expect(credential?.data).toMatchObject({
			baseUrl: RUNNING_DEMO_SANDBOX,
			apiToken: 'running-demo-token',
		});
		expect(demo.stderr).not.toContain(path.join(cache, 'demo'));
	});
});
