import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { FlattenWarning } from '../../flatten';

/**
 * Flatten is on by default for the AI-tool variant (an agent reads names better than nested ids)
 * and off for the workflow node, which keeps the API record unless asked.
 */
export function flattenProperties(operation: string): INodeProperties[] {
	const common = {
		displayName: 'Flatten',
		name: 'flatten',
		type: 'boolean' as const,
		description:
			'Whether to output one flat row per incident: custom_fields.&lt;Field Name&gt;, roles.&lt;shortform&gt;.name/.email, timestamps.&lt;Name&gt;, durations.&lt;Name&gt;_seconds, and severity, status and type by name. Off returns the API record.',
	};
	return [
		{
			...common,
			default: true,
			displayOptions: { show: { resource: ['incident'], operation: [operation], '@tool': [true] } },
		},
		{
			...common,
			default: false,
			displayOptions: {
				show: { resource: ['incident'], operation: [operation], '@tool': [false] },
			},
		},
	];
}

/** Flattening problems (a numeric field holding text) become execution hints, never lost data. */
export function addFlattenHints(context: IExecuteFunctions, warnings: FlattenWarning[]): void {
	if (warnings.length === 0) return;
	const shown = warnings
		.slice(0, 20)
		.map((warning) => ({ message: warning.message, location: 'outputPane' as const }));
	if (warnings.length > shown.length) {
		shown.push({
			message: `${warnings.length - shown.length} more values of numeric custom fields were not numbers.`,
			location: 'outputPane',
		});
	}
	context.addExecutionHints(...shown);
}
