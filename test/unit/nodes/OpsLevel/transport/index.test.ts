import { NodeApiError, type INode } from 'n8n-workflow';

import { S3_MAX_ATTEMPTS } from '../../../../../nodes/OpsLevel/constants';
import {
	bucketSettings,
	OpsLevelBucket,
	s3ClientConfig,
} from '../../../../../nodes/OpsLevel/transport';

const NODE: INode = {
	id: '1',
	name: 'OpsLevel',
	type: 'n8n-nodes-incident-data.opsLevel',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

const base = {
	bucket: 'acme-export',
	region: 'eu-west-1',
	authentication: 'accessKeys',
	accessKeyId: 'AKIAEXAMPLE',
	secretAccessKey: SECRET,
};

function s3Error(name: string, status: number, extra: Record<string, unknown> = {}) {
	return Object.assign(
		new Error(name === 'AccessDenied' ? 'Access Denied' : `${name} happened, key ${SECRET}`),
		{ name, $metadata: { httpStatusCode: status }, ...extra },
	);
}

describe('OpsLevel bucket settings', () => {
	it('names a missing field', () => {
		expect(() => bucketSettings({ ...base, bucket: ' ' })).toThrow('Enter the bucket name');
		expect(() => bucketSettings({ ...base, region: '' })).toThrow('region');
		expect(() => bucketSettings({ ...base, secretAccessKey: '' })).toThrow('Secret Access Key');
		expect(
			bucketSettings({ bucket: 'b', region: 'r', authentication: 'host' }).authentication,
		).toBe('host');
	});

	it('configures the SDK: bounded standard retries, no silent region redirects, path-style only for custom endpoints', () => {
		const aws = s3ClientConfig(bucketSettings(base));
		expect(aws).toMatchObject({
			region: 'eu-west-1',
			maxAttempts: S3_MAX_ATTEMPTS,
			retryMode: 'standard',
			followRegionRedirects: false,
		});
		expect(aws.endpoint).toBeUndefined();
		expect(aws.credentials).toEqual({
			accessKeyId: 'AKIAEXAMPLE',
			secretAccessKey: SECRET,
			sessionToken: undefined,
		});
		const host = s3ClientConfig(bucketSettings({ ...base, authentication: 'host' }));
		expect(host.credentials).toBeUndefined();
		const minio = s3ClientConfig(
			bucketSettings({
				...base,
				customEndpoint: true,
				endpoint: 'http://minio:9000',
				forcePathStyle: true,
			}),
		);
		expect(minio).toMatchObject({ endpoint: 'http://minio:9000', forcePathStyle: true });
		const role = s3ClientConfig(
			bucketSettings({
				...base,
				roleArn: 'arn:aws:iam::123456789012:role/reader',
				externalId: 'ext',
			}),
		);
		expect(typeof role.credentials).toBe('function');
	});
});

describe('OpsLevel S3 errors', () => {
	const bucket = new OpsLevelBucket(bucketSettings({ ...base, rootPrefix: 'opslevel' }), NODE);
	afterAll(() => bucket.destroy());

	it('access denied on listing names the bucket and s3:ListBucket', () => {
		const error = bucket.toError(
			s3Error('AccessDenied', 403),
			'list',
			'opslevel/v1/full/services/',
			2,
		) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'OpsLevel export bucket (S3) answered 403: AccessDenied: Access Denied',
		);
		expect(error.description).toContain('Grant s3:ListBucket on arn:aws:s3:::acme-export');
		expect(error.context.itemIndex).toBe(2);
	});

	it('access denied on reading names s3:GetObject on the export prefix', () => {
		const error = bucket.toError(s3Error('AccessDenied', 403), 'get', 'opslevel/v1/full/x.csv.gz');
		expect(error.description).toContain(
			'Grant s3:GetObject on arn:aws:s3:::acme-export/opslevel/*',
		);
	});

	it("a wrong region names the bucket's region", () => {
		const error = bucket.toError(
			s3Error('PermanentRedirect', 301, {
				$response: { headers: { 'x-amz-bucket-region': 'us-west-2' } },
			}),
			'list',
			'v1/',
		);
		expect(error.description).toContain(
			'is in region us-west-2. Set Region in the credential to us-west-2.',
		);
		const malformed = bucket.toError(
			s3Error('AuthorizationHeaderMalformed', 400, { Region: 'ap-south-1' }),
			'list',
			'v1/',
		);
		expect(malformed.description).toContain('Set Region in the credential to ap-south-1');
	});

	it('bad keys and expired tokens say what to re-enter, and never show the secret', () => {
		const bad = bucket.toError(s3Error('SignatureDoesNotMatch', 403), 'list', 'v1/');
		expect(bad.description).toContain('Check the Access Key ID and Secret Access Key');
		expect(`${bad.message} ${bad.description}`).not.toContain(SECRET);
		expect(bucket.toError(s3Error('ExpiredToken', 400), 'list', 'v1/').description).toContain(
			'expired',
		);
	});

	it('a network failure says the bucket could not be reached', () => {
		const error = bucket.toError(
			Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
			'list',
			'v1/',
		);
		expect(error.message).toBe('OpsLevel export bucket (S3) could not be reached');
	});
});
