import type { ICredentialsDecrypted, INode, INodeCredentialTestResult } from 'n8n-workflow';

import { exportPrefix } from '../drops/keys';
import { bucketSettings, OpsLevelBucket } from '../transport';

/** A stand-in node for errors raised outside a workflow (the credential test has none). */
const TEST_NODE: INode = {
	id: 'credential-test',
	name: 'OpsLevel credential test',
	type: 'n8n-nodes-incident-data.opsLevel',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/**
 * Lists one key under the export prefix: proves the keys (or role), region, bucket and
 * s3:ListBucket at once. An empty export prefix passes with a note, since OpsLevel may not have
 * pushed yet.
 */
export async function testBucketCredential(
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	let bucket: OpsLevelBucket;
	try {
		bucket = new OpsLevelBucket(bucketSettings(credential.data ?? {}), TEST_NODE);
	} catch (error) {
		return { status: 'Error', message: error instanceof Error ? error.message : String(error) };
	}
	try {
		const { found } = await bucket.probe(exportPrefix(bucket.rootPrefix));
		const where = `s3://${bucket.bucket}/${exportPrefix(bucket.rootPrefix)}`;
		return {
			status: 'OK',
			message: found
				? `Connection successful: found OpsLevel exports under ${where}`
				: `Connection successful; nothing under ${where} yet`,
		};
	} catch (error) {
		const failure = error as { message?: string; description?: string };
		return {
			status: 'Error',
			message: [failure.message, failure.description].filter(Boolean).join(' — '),
		};
	} finally {
		bucket.destroy();
	}
}
