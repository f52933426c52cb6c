/**
 * `node dist-tools/scripts/bench/heap-diff.js <before.heapsnapshot> <after.heapsnapshot>`: what a
 * run left on the heap, from two V8 heap snapshots (the firehydrant bench writes them with
 * BENCH_HEAP_SNAPSHOT_DIR set). Objects are grouped as DevTools' "Summary" groups them (strings,
 * arrays, objects by constructor, hidden V8 structures, …), each group's shallow size is summed per
 * snapshot, and the groups that grew most are printed with their count and bytes per item of
 * growth: where the memory of the emitted rows goes.
 */
import * as fs from 'node:fs';

interface Snapshot {
	snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
	nodes: number[];
	strings: string[];
}

interface Group {
	count: number;
	bytes: number;
}

/** Shallow size and count per group (node type, plus the constructor name of objects). */
function groups(file: string): Map<string, Group> {
	const snapshot = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
	const fields = snapshot.snapshot.meta.node_fields;
	const typeNames = snapshot.snapshot.meta.node_types[0];
	const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) =>
		fields.indexOf(field),
	);
	const result = new Map<string, Group>();
	for (let offset = 0; offset < snapshot.nodes.length; offset += fields.length) {
		const type = typeNames[snapshot.nodes[offset + typeAt]];
		const name = snapshot.strings[snapshot.nodes[offset + nameAt]];
		// Strings are grouped by kind only (their name is their text); objects by constructor.
		const key =
			type === 'object' || type === 'closure' || type === 'hidden'
				? `${type} ${name.slice(0, 60)}`
				: type;
		const group = result.get(key) ?? { count: 0, bytes: 0 };
		group.count++;
		group.bytes += snapshot.nodes[offset + sizeAt];
		result.set(key, group);
	}
	return result;
}

function main(): void {
	const [beforeFile, afterFile, itemsText] = process.argv.slice(2);
	if (!beforeFile || !afterFile) {
		process.stderr.write('usage: heap-diff <before.heapsnapshot> <after.heapsnapshot> [items]\n');
		process.exitCode = 2;
		return;
	}
	const items = Number(itemsText ?? 0);
	const before = groups(beforeFile);
	const after = groups(afterFile);
	const growth = [...after].map(([key, group]) => {
		const earlier = before.get(key) ?? { count: 0, bytes: 0 };
		return { key, count: group.count - earlier.count, bytes: group.bytes - earlier.bytes };
	});
	growth.sort((a, b) => b.bytes - a.bytes);
	const total = growth.reduce((sum, group) => sum + group.bytes, 0);
	const perItem = (bytes: number) => (items > 0 ? ` ${(bytes / items).toFixed(1)} B/item` : '');
	process.stdout.write(`heap growth ${(total / 1048576).toFixed(1)} MB${perItem(total)}\n`);
	for (const group of growth.slice(0, 15)) {
		process.stdout.write(
			`${(group.bytes / 1048576).toFixed(1).padStart(7)} MB ${String(group.count).padStart(9)} ×  ${group.key}${perItem(group.bytes)}\n`,
		);
	}
}

main();
