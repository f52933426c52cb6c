'use strict';
/**
 * tsc compiles only TypeScript; n8n also needs each node's icons (light and dark SVG) and its codex
 * file (`<Node>.node.json`) beside the compiled node, and JSON Schemas (`*.schema.json`) ship with it, under dist/ at the same relative path.
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const assetPattern = /\.(svg|png)$|\.node\.json$|\.schema\.json$/;

function copyAssets(folder) {
	let copied = 0;
	for (const entry of fs.readdirSync(path.join(root, folder), { withFileTypes: true })) {
		const relative = path.join(folder, entry.name);
		if (entry.isDirectory()) {
			copied += copyAssets(relative);
		} else if (assetPattern.test(entry.name)) {
			const target = path.join(root, 'dist', relative);
			fs.mkdirSync(path.dirname(target), { recursive: true });
			fs.copyFileSync(path.join(root, relative), target);
			copied++;
		}
	}
	return copied;
}

const count = ['nodes', 'credentials'].reduce((sum, folder) => sum + copyAssets(folder), 0);

// Every node and credential listed in package.json must exist after the build, with its icons.
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const missing = [...manifest.n8n.nodes, ...manifest.n8n.credentials].filter(
	(file) => !fs.existsSync(path.join(root, file)),
);
if (missing.length > 0) {
	process.stderr.write(
		`build: package.json lists files the build did not produce: ${missing.join(', ')}\n`,
	);
	process.exit(1);
}

// n8n resolves an icon's `file:` path relative to the compiled node; a node moved to another folder
// must still find its icons there.
const missingIcons = manifest.n8n.nodes.flatMap((file) => {
	const compiled = fs.readFileSync(path.join(root, file), 'utf8');
	return [...compiled.matchAll(/['"]file:([^'"]+)['"]/g)]
		.map((match) => path.join(path.dirname(file), match[1]))
		.filter((icon) => !fs.existsSync(path.join(root, icon)));
});
if (missingIcons.length > 0) {
	process.stderr.write(
		`build: node icons missing beside the compiled nodes: ${missingIcons.join(', ')}\n`,
	);
	process.exit(1);
}
process.stdout.write(`build: copied ${count} icon and codex files\n`);
