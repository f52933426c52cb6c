/**
 * Every file in workflows/ keeps the template conventions (n8n's own): it imports as a workflow
 * (an id `n8n execute` accepts), carries no credential ids and no pinned data, runs in v1 order,
 * and has a sticky note that says what it does, how to set it up and names the Error Trigger
 * companion. The expected list of files is written here, so a template cannot vanish unnoticed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { readTemplate, WORKFLOWS_DIR } from '../../support/templates';

const TEMPLATES = [
	'alert-chat-on-new-incidents.json',
	'backfill-incident-history-into-postgres.json',
	'firehydrant-export-to-data-table.json',
	'load-firehydrant-exports-into-postgres.json',
	'post-firehydrant-webhook-updates-to-slack.json',
	'post-weekly-incident-digest.json',
	'send-resolved-incidents-to-datadog-dora.json',
	'sync-incident-io-to-google-sheets.json',
	'sync-opslevel-service-catalog-to-postgres.json',
];

test('workflows/ holds exactly the bundled templates', () => {
	expect(fs.readdirSync(WORKFLOWS_DIR).filter((name) => name.endsWith('.json')).sort()).toEqual(TEMPLATES);
	expect(fs.existsSync(path.join(WORKFLOWS_DIR, 'sql', 'incidents.sql'))).toBe(true);
});

describe.each(TEMPLATES)('%s', (file) => {
	const template = readTemplate(file);

	it('imports as a workflow that `n8n execute` runs with its static data (id of 1–21 characters)', () => {
		expect(template.id).toMatch(/^[A-Za-z0-9]{1,21}$/);
		expect(template.settings).toEqual(expect.objectContaining({ executionOrder: 'v1' }));
	});

	it('carries no credential ids and no pinned data', () => {
		expect(template.nodes.filter((node) => node.credentials !== undefined).map((node) => node.name)).toEqual([]);
		expect(template.pinData ?? {}).toEqual({});
	});

	it('has a sticky note saying what it does, how to set it up, and the Error Trigger companion', () => {
		const notes = template.nodes
			.filter((node) => node.type === 'n8n-nodes-base.stickyNote')
			.map((node) => String(node.parameters.content));
		const note = notes.find((content) => content.includes('### What it does'));
		expect(note).toBeDefined();
		expect(note).toMatch(/Set ?up/i);
		expect(note).toContain('Error Trigger');
	});

	it('names every node uniquely and connects only nodes it has', () => {
		const names = template.nodes.map((node) => node.name);
		expect(new Set(names).size).toBe(names.length);
		const connections = template.connections as Record<string, { main?: Array<Array<{ node: string }>> }>;
		for (const [from, outputs] of Object.entries(connections)) {
			expect(names).toContain(from);
			for (const target of (outputs.main ?? []).flat()) expect(names).toContain(target.node);
		}
	});
});
