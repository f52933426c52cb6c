'use strict';
/**
 * Prints jest's totals as one plain line ("N passed, N failed, N skipped"), the closing line CI
 * reads to know that tests ran, from the JSON report `jest --json --outputFile` wrote.
 */
const fs = require('node:fs');

const file = process.argv[2];
if (!file || !fs.existsSync(file)) {
	process.stderr.write(`test-summary: no jest report at ${file}\n`);
	process.exit(1);
}
const report = JSON.parse(fs.readFileSync(file, 'utf8'));
const skipped = report.numPendingTests + report.numTodoTests;
process.stdout.write(`${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped\n`);
process.exit(report.success && report.numTotalTests > 0 ? 0 : 1);
