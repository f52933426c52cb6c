'use strict';
/**
 * Three layers, each its own jest project:
 *  - unit:   pure code, no network beyond loopback fixtures;
 *  - engine: workflows run in-process by n8n-core's WorkflowExecute against the loopback sandbox;
 *  - e2e:    the packed tarball in a real n8n 2.41.1 (CLI import + execute), against the sandbox;
 *  - scale:  n8n in queue mode (main, webhook process, two workers, Redis, Postgres), real processes;
 *            slow, so only `npm run test:scale` (and `npm test` with SCALE=1) runs it.
 * ts-jest only transpiles (isolatedModules in tsconfig.json); `npm run build:tools` (tsc) type-checks.
 */
const transform = {
	'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
};
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
	projects: [
		{ ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
		{ ...common, displayName: 'engine', testMatch: ['<rootDir>/test/engine/**/*.test.ts'] },
		{ ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
		{ ...common, displayName: 'scale', testMatch: ['<rootDir>/test/scale/**/*.test.ts'] },
	],
};
