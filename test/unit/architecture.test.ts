/**
 * The import rules ARCHITECTURE.md states, checked on the product code as it is: no cycles, no
 * upward edge (lib/ knows no vendor, transport knows no domain or action, a domain knows no
 * action), no vendor reaching into another, and no operation file imported from outside its node.
 * Imports are read as text (relative `import … from './x'` and `export … from './x'`), which is
 * all this tree uses.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const VENDORS = ['DatadogDora', 'FireHydrant', 'IncidentIo', 'OpsLevel'];

function productFiles(): string[] {
	const files: string[] = ['index.ts'];
	const walk = (folder: string) => {
		for (const name of readdirSync(path.join(ROOT, folder))) {
			const relative = `${folder}/${name}`;
			if (statSync(path.join(ROOT, relative)).isDirectory()) walk(relative);
			else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) files.push(relative);
		}
	};
	for (const folder of ['credentials', 'lib', 'nodes']) walk(folder);
	return files.sort();
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+'(\.[^']*)'/g;

function importsOf(file: string): string[] {
	const text = readFileSync(path.join(ROOT, file), 'utf8');
	const targets: string[] = [];
	for (const match of text.matchAll(IMPORT)) {
		const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), match[1]));
		const resolved = [`${base}.ts`, `${base}/index.ts`, base].find(
			(candidate) =>
				existsSync(path.join(ROOT, candidate)) && statSync(path.join(ROOT, candidate)).isFile(),
		);
		if (!resolved) throw new Error(`${file}: cannot resolve import '${match[1]}'`);
		targets.push(resolved);
	}
	return targets;
}

const files = productFiles();
const graph = new Map(files.map((file) => [file, importsOf(file)]));
const edges = [...graph].flatMap(([from, targets]) => targets.map((to) => ({ from, to })));

/** `nodes/FireHydrant/rest/rows.ts` → { folder: 'FireHydrant', layer: 'domain' }. */
function place(file: string): {
	folder: string;
	layer:
		| 'node'
		| 'actions'
		| 'methods'
		| 'transport'
		| 'domain'
		| 'constants'
		| 'lib'
		| 'credentials'
		| 'index';
} {
	if (file === 'index.ts') return { folder: '', layer: 'index' };
	const [top, folder, second] = file.split('/');
	if (top === 'lib') return { folder: 'lib', layer: 'lib' };
	if (top === 'credentials') return { folder: 'credentials', layer: 'credentials' };
	if (second?.endsWith('.node.ts')) return { folder, layer: 'node' };
	// A vendor's constants (paths, limits, messages) sit below every layer of it, transport included.
	if (second === 'constants.ts') return { folder, layer: 'constants' };
	if (second === 'actions' || second === 'methods' || second === 'transport')
		return { folder, layer: second };
	return { folder, layer: 'domain' };
}

describe('the import graph of the product code', () => {
	it('reads every product folder (a rename that empties it would make the rules below pass vacuously)', () => {
		expect(files).toEqual(
			expect.arrayContaining([
				'index.ts',
				'lib/pages.ts',
				'nodes/FireHydrant/FireHydrant.node.ts',
				'nodes/OpsLevel/transport/index.ts',
			]),
		);
		expect(edges.length).toBeGreaterThan(200);
	});

	it('has no cycle', () => {
		const state = new Map<string, 'open' | 'done'>();
		const cycles: string[] = [];
		const visit = (file: string, trail: string[]) => {
			if (state.get(file) === 'done') return;
			if (state.get(file) === 'open') {
				cycles.push([...trail.slice(trail.indexOf(file)), file].join(' → '));
				return;
			}
			state.set(file, 'open');
			for (const target of graph.get(file) ?? []) visit(target, [...trail, file]);
			state.set(file, 'done');
		};
		for (const file of files) visit(file, []);
		expect(cycles).toEqual([]);
	});

	it('lib/ imports only lib/, and credentials import only lib/ and a transport', () => {
		const wrong = edges.filter(({ from, to }) => {
			if (from.startsWith('lib/')) return !to.startsWith('lib/');
			if (from.startsWith('credentials/'))
				return !(to.startsWith('lib/') || place(to).layer === 'transport');
			return false;
		});
		expect(wrong).toEqual([]);
	});

	it('no vendor imports another vendor, the Incident Schema node or the Incident Data Sync node', () => {
		const wrong = edges.filter(({ from, to }) => {
			const source = place(from);
			return (
				VENDORS.includes(source.folder) &&
				to.startsWith('nodes/') &&
				place(to).folder !== source.folder
			);
		});
		expect(wrong).toEqual([]);
	});

	it('the vendor-neutral nodes read a vendor only through its domain layer (never its actions, transport or node)', () => {
		const wrong = edges.filter(({ from, to }) => {
			const source = place(from);
			const target = place(to);
			return (
				!VENDORS.includes(source.folder) &&
				VENDORS.includes(target.folder) &&
				source.layer !== 'index' &&
				target.layer !== 'domain'
			);
		});
		expect(wrong).toEqual([]);
	});

	it('no arrow runs up inside a node: constants → nothing, transport → constants, domain → no actions, methods or node', () => {
		const below: Record<string, string[]> = {
			constants: ['lib'],
			transport: ['transport', 'constants', 'lib'],
			domain: ['domain', 'transport', 'constants', 'lib'],
			methods: ['methods', 'domain', 'transport', 'constants', 'lib'],
			actions: ['actions', 'methods', 'domain', 'transport', 'constants', 'lib'],
		};
		const wrong = edges.filter(({ from, to }) => {
			const source = place(from);
			const target = place(to);
			const allowed = below[source.layer];
			return (
				allowed !== undefined && target.folder === source.folder && !allowed.includes(target.layer)
			);
		});
		expect(wrong).toEqual([]);
	});

	it('an operation file is imported only by its resource file, its router or its own node', () => {
		const wrong = edges.filter(({ from, to }) => {
			if (!to.endsWith('.operation.ts')) return false;
			const sameNode = place(from).folder === place(to).folder;
			const isOwner =
				from.endsWith('.resource.ts') ||
				from.endsWith('/actions/router.ts') ||
				place(from).layer === 'node';
			return !(sameNode && isOwner && !from.endsWith('Trigger.node.ts'));
		});
		expect(wrong).toEqual([]);
	});
});
