'use strict';
/**
 * Prints jest's totals as one plain line ("N passed, N failed, N skipped"), the closing line CI
 * reads to know that tests ran, from the JSON report `jest --json --outputFile` writes.
 *
 *   node scripts/test-summary.js <report.json>                   summarise an existing report
 *   node scripts/test-summary.js <report.json> -- <command ...>  run the tests, then summarise
 *
 * With a command the line is printed whether the tests pass or fail (a shell `jest && summary`
 * would skip it exactly when it matters), and the exit status is the command's when it failed.
 * A report left by an earlier run is removed first, so its numbers are never shown for this one.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');

function readReport(file) {
	if (!fs.existsSync(file)) return null;
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return null;
	}
}

function main(argv) {
	const separator = argv.indexOf('--');
	const file = separator === -1 ? argv[0] : argv.slice(0, separator)[0];
	const command = separator === -1 ? [] : argv.slice(separator + 1);
	if (!file) {
		process.stderr.write('usage: node scripts/test-summary.js <report.json> [-- <command ...>]\n');
		return 2;
	}
	let commandStatus = 0;
	if (command.length > 0) {
		fs.rmSync(file, { force: true });
		// shell: true on Windows only, where `jest` is a .cmd shim that spawn cannot start directly.
		const result = spawnSync(command[0], command.slice(1), {
			stdio: 'inherit',
			shell: process.platform === 'win32',
		});
		if (result.error) {
			process.stderr.write(`test-summary: cannot run ${command[0]}: ${result.error.message}\n`);
			commandStatus = 1;
		} else {
			commandStatus = result.status ?? 1;
		}
	}
	const report = readReport(file);
	if (!report) {
		process.stderr.write(
			`test-summary: no jest report at ${file}${command.length > 0 ? ` (${command[0]} exited with ${commandStatus})` : ''}\n`,
		);
		return commandStatus || 1;
	}
	const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
	process.stdout.write(
		`${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped\n`,
	);
	if (commandStatus !== 0) return commandStatus;
	return report.success && report.numTotalTests > 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
