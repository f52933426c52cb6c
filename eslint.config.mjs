// @n8n/node-cli's community-node rules without n8n Cloud support. This package ships runtime
// dependencies (csv-parse for streaming CSV, @aws-sdk/client-s3 for OpsLevel's S3 drops), which
// n8n Cloud verification forbids; that is the one rule turned off. Every other rule stays on.
import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

export default [
	{
		ignores: [
			'dist/**',
			'dist-tools/**',
			'node_modules/**',
			'coverage/**',
			'scripts/*.js',
			'jest.config.js',
			'.prettierrc.js',
		],
	},
	...configWithoutCloudSupport,
	{
		files: ['package.json'],
		rules: { '@n8n/community-nodes/no-runtime-dependencies': 'off' },
	},
	{
		// Tests, the sandbox, the demo and the benchmark are tooling that never ships in the package:
		// they start processes (n8n, the sandbox) and hold made-up tokens by design.
		files: ['test/**/*.ts', 'scripts/**/*.ts'],
		rules: {
			'no-console': 'off',
			'@n8n/community-nodes/no-dangerous-functions': 'off',
			'@n8n/community-nodes/no-hardcoded-secrets': 'off',
		},
	},
];
