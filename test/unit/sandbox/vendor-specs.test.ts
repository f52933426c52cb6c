import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { vendorSpecPath } from '../../sandbox/spec';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'specs');
/** The suites that validate the sandbox against a vendor spec. */
const SPEC_SUITES = [
	'test/unit/sandbox/spec.test.ts',
	'test/unit/sandbox/firehydrant-rest.test.ts',
	'test/unit/sandbox/incident-io-api.test.ts',
	'test/unit/sandbox/incident-io-v3.test.ts',
];

describe('vendor specs for the sandbox suites', () => {
	it('reads the vendor specs from test/fixtures/specs inside the repository, not from a folder beside it', () => {
		expect(vendorSpecPath('firehydrant-openapi.yaml')).toBe(
			path.join(REPO_ROOT, 'test/fixtures/specs/firehydrant-openapi.yaml'),
		);
		expect(vendorSpecPath('incident-io-openapi.json')).toBe(
			path.join(REPO_ROOT, 'test/fixtures/specs/incident-io-openapi.json'),
		);
	});

	it('names the source and sha256 of every spec fixture in its README', () => {
		const readme = readFileSync(path.join(FIXTURES, 'README.md'), 'utf8');
		const specs = readdirSync(FIXTURES).filter((name) => name !== 'README.md');
		expect(specs.sort()).toEqual(['firehydrant-openapi.yaml', 'incident-io-openapi.json']);
		for (const name of specs) {
			const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\``));
			expect(row).toBeDefined();
			expect(row).toMatch(/https:\/\//);
			const sha = spawnSync('sha256sum', [path.join(FIXTURES, name)], {
				encoding: 'utf8',
			}).stdout.split(' ')[0];
			expect(row).toContain(sha);
		}
		expect(readme).toMatch(/\*\*Licence\.\*\*/);
	});

	it('reports a missing spec as the failure of each suite, with no crash in its afterAll', () => {
		const emptyFolder = mkdtempSync(path.join(tmpdir(), 'no-specs-'));
		try {
			const result = spawnSync(
				process.execPath,
				[
					require.resolve('jest/bin/jest'),
					'--selectProjects',
					'unit',
					'--runInBand',
					'--ci',
					'--runTestsByPath',
					...SPEC_SUITES,
				],
				{
					cwd: REPO_ROOT,
					encoding: 'utf8',
					env: { ...process.env, INCIDENT_DATA_VENDOR_SPECS: emptyFolder, FORCE_COLOR: '0' },
					timeout: 300_000,
				},
			);
			const output = `${result.stdout}\n${result.stderr}`;
			expect(result.status).toBe(1);
			for (const name of ['firehydrant-openapi.yaml', 'incident-io-openapi.json']) {
				expect(output).toContain(`vendor spec ${name} not found in ${emptyFolder}`);
			}
			// What a crashing afterAll adds to the report, on top of the real failure.
			expect(output).not.toMatch(/Cannot read properties of undefined/);
			expect(output).not.toMatch(/TypeError/);
		} finally {
			rmSync(emptyFolder, { recursive: true, force: true });
		}
	});
});
