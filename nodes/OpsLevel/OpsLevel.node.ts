import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as push from './actions/push/Push.resource';
import { router } from './actions/router';
import * as table from './actions/table/Table.resource';
import { openBucket } from './actions/validation';
import { KNOWN_TABLES } from './constants';
import { testBucketCredential } from './transport/credentialTest';

/** Tables in the bucket first, then the documented ones not seen there yet. */
export async function getTables(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const bucket = await openBucket(this);
	try {
		const found = await bucket.listTables();
		const names = [...found, ...KNOWN_TABLES.filter((name) => !found.includes(name))];
		return names.map((name) => ({
			name,
			value: name,
			description: found.includes(name) ? undefined : 'Not in the bucket yet',
		}));
	} finally {
		bucket.destroy();
	}
}

/** The credential test (S3 is not plain HTTP, so the credential cannot declare a test request). */
export async function opsLevelS3ApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	return await testBucketCredential(credential);
}

export class OpsLevel implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OpsLevel',
		name: 'opsLevel',
		icon: { light: 'file:opslevel.svg', dark: 'file:opslevel.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Read OpsLevel data exports from your S3 bucket: pushes, table rows, current state and changes',
		defaults: { name: 'OpsLevel' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'opsLevelS3Api', required: true, testedBy: 'opsLevelS3ApiTest' }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Push', value: 'push', description: 'The export files OpsLevel pushed (weekly full, daily incremental)' },
					{ name: 'Table', value: 'table', description: 'Rows of one exported table' },
				],
				default: 'table',
			},
			...push.description,
			...table.description,
		],
	};

	methods = {
		loadOptions: { getTables },
		credentialTest: { opsLevelS3ApiTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
