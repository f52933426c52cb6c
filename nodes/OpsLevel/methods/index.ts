/** The methods of the OpsLevel node and its trigger: the table picker and the credential test. */
import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	ILoadOptionsFunctions,
	INodeCredentialTestResult,
	INodePropertyOptions,
} from 'n8n-workflow';

import { KNOWN_TABLES } from '../constants';
import { listTables } from '../drops/read';
import { openBucket } from '../transport';
import { testBucketCredential } from './credentialTest';

/** Tables in the bucket first, then the documented ones not seen there yet. */
export async function getTables(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const bucket = await openBucket(this);
	try {
		const found = await listTables(bucket);
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

export const methods = {
	loadOptions: { getTables },
	credentialTest: { opsLevelS3ApiTest },
};
