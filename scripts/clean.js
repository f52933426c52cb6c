'use strict';
// Removes build output so a renamed or deleted source never lingers in the published package.
const fs = require('node:fs');
const path = require('node:path');

for (const folder of ['dist', 'dist-tools']) {
	fs.rmSync(path.join(__dirname, '..', folder), { recursive: true, force: true });
}
