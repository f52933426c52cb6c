import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const SUMMARY = path.join(REPO_ROOT, 'scripts', 'test-summary.js');

/** A stand-in for jest: writes the given report (unless null) and exits with the given status. */
function fakeJest(
	reportFile: string,
	report: Record<string, unknown> | null,
	status: number,
): string[] {
	const write = report
		? `require('fs').writeFileSync(${JSON.stringify(reportFile)}, ${JSON.stringify(JSON.stringify(report))});`
		: '';
	return [process.execPath, '-e', `${write} process.exit(${status});`];
}

describe('test summary line', () => {
	let folder: string;
	let reportFile: string;
	beforeEach(() => {
		folder = mkdtempSync(path.join(tmpdir(), 'test-summary-'));
		reportFile = path.join(folder, 'report.json');
	});
	afterEach(() => rmSync(folder, { recursive: true, force: true }));

	const run = (args: string[]) =>
		spawnSync(process.execPath, [SUMMARY, ...args], { encoding: 'utf8' });

	it('prints "N passed, N failed, N skipped" when tests fail, and exits with the failing status', () => {
		const report = {
			numPassedTests: 3,
			numFailedTests: 1,
			numPendingTests: 2,
			numTodoTests: 1,
			numTotalTests: 7,
			success: false,
		};
		const result = run([reportFile, '--', ...fakeJest(reportFile, report, 1)]);
		expect(result.stdout).toBe('3 passed, 1 failed, 3 skipped\n');
		expect(result.status).toBe(1);
	});

	it('prints the line and exits 0 when every test passed', () => {
		const report = {
			numPassedTests: 5,
			numFailedTests: 0,
			numPendingTests: 0,
			numTodoTests: 0,
			numTotalTests: 5,
			success: true,
		};
		const result = run([reportFile, '--', ...fakeJest(reportFile, report, 0)]);
		expect(result.stdout).toBe('5 passed, 0 failed, 0 skipped\n');
		expect(result.status).toBe(0);
	});

	it('keeps a status other than 1 from the test command', () => {
		const report = {
			numPassedTests: 0,
			numFailedTests: 0,
			numPendingTests: 0,
			numTodoTests: 0,
			numTotalTests: 0,
			success: false,
		};
		const result = run([reportFile, '--', ...fakeJest(reportFile, report, 3)]);
		expect(result.stdout).toBe('0 passed, 0 failed, 0 skipped\n');
		expect(result.status).toBe(3);
	});

	it('never prints the numbers of an earlier run when this run wrote no report', () => {
		const stale = {
			numPassedTests: 9,
			numFailedTests: 0,
			numPendingTests: 0,
			numTodoTests: 0,
			numTotalTests: 9,
			success: true,
		};
		writeFileSync(reportFile, JSON.stringify(stale));
		const result = run([reportFile, '--', ...fakeJest(reportFile, null, 1)]);
		expect(result.stdout).toBe('');
		expect(result.stderr).toContain(`no jest report at ${reportFile}`);
		expect(result.status).toBe(1);
		expect(existsSync(reportFile)).toBe(false);
	});

	it('is how package.json runs jest in test:run, not chained after it with &&', () => {
		const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
			scripts: Record<string, string>;
		};
		const steps = manifest.scripts['test:run'].split('&&').map((step) => step.trim());
		// jest runs inside the summary step, never as a step of its own before it.
		const summary = steps.findIndex((step) =>
			step.startsWith(
				'node scripts/test-summary.js .jest-results.json -- jest --runInBand --json --outputFile=.jest-results.json',
			),
		);
		expect(summary).toBeGreaterThan(-1);
		expect(steps.slice(0, summary).filter((step) => /(^|\s)jest(\s|$)/.test(step))).toEqual([]);
	});
});
