import path from 'node:path';

import { demoHomeOptions, parseDemoArgs, workflowEditorUrl } from '../../../scripts/demo-options';

describe('demo modes', () => {
	it("gives --once a throwaway n8n folder of its own, never the running demo's", () => {
		const once = parseDemoArgs(['--once']);
		expect(once.once).toBe(true);
		// No folder: createN8nHome makes a fresh temp folder, removed when the run ends.
		expect(demoHomeOptions(once, '/cache/incident-data')).toEqual({});
	});

	it('keeps the interactive demo in one reused folder in the cache', () => {
		expect(demoHomeOptions(parseDemoArgs([]), '/cache/incident-data')).toEqual({
			folder: path.join('/cache/incident-data', 'demo'),
		});
		expect(demoHomeOptions(parseDemoArgs(['--port', '5690']), '/cache/incident-data')).toEqual({
			folder: '/cache/incident-data/demo',
		});
	});

	it('reads --screenshots <folder> in both spellings and gives it a throwaway n8n folder', () => {
		expect(parseDemoArgs(['--screenshots', 'docs/templates']).screenshots).toBe('docs/templates');
		expect(parseDemoArgs(['--screenshots=out']).screenshots).toBe('out');
		expect(
			demoHomeOptions(parseDemoArgs(['--screenshots', 'out']), '/cache/incident-data'),
		).toEqual({});
		expect(() => parseDemoArgs(['--screenshots'])).toThrow('--screenshots needs a folder');
	});

	it('reads --port in both spellings and refuses what is not a port', () => {
		expect(parseDemoArgs(['--port', '5690'])).toEqual({ once: false, port: 5690, help: false });
		expect(parseDemoArgs(['--port=5691', '--once'])).toEqual({
			once: true,
			port: 5691,
			help: false,
		});
		expect(parseDemoArgs([])).toEqual({ once: false, port: 5678, help: false });
		expect(() => parseDemoArgs(['--port', '70000'])).toThrow(
			'--port needs a port number, got 70000',
		);
		expect(() => parseDemoArgs(['--onse'])).toThrow('unknown argument --onse (try --help)');
	});
});

describe('demo template links', () => {
	it('prints the direct editor URL of a template, which skips the Assistant page n8n opens on', () => {
		expect(workflowEditorUrl('http://localhost:5678', 'fhExportToDataTable')).toBe(
			'http://localhost:5678/workflow/fhExportToDataTable',
		);
		expect(workflowEditorUrl('http://localhost:5678/', 'a b')).toBe(
			'http://localhost:5678/workflow/a%20b',
		);
	});
});
