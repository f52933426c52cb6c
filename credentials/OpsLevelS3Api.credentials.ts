import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The customer's own S3 bucket that OpsLevel pushes its data export into. Reading needs
 * s3:ListBucket on the bucket and s3:GetObject on its objects. Requests are signed by the AWS SDK,
 * not by n8n's HTTP helpers, so the credential test is the OpsLevel node's `opsLevelS3ApiTest`.
 */
export class OpsLevelS3Api implements ICredentialType {
	name = 'opsLevelS3Api';

	displayName = 'OpsLevel Export Bucket';

	icon: Icon = {
		light: 'file:../nodes/OpsLevel/opslevel.svg',
		dark: 'file:../nodes/OpsLevel/opslevel.dark.svg',
	};

	documentationUrl = 'https://docs.opslevel.com/docs/data-export';

	properties: INodeProperties[] = [
		{
			displayName: 'Bucket',
			name: 'bucket',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'acme-opslevel-export',
			description: 'The destination bucket you gave OpsLevel',
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'string',
			default: 'us-east-1',
			required: true,
			description: 'The AWS region of the bucket, e.g. us-east-1 or eu-west-1',
		},
		{
			displayName: 'Root Prefix',
			name: 'rootPrefix',
			type: 'string',
			default: '',
			placeholder: 'opslevel/',
			description:
				'Folder in the bucket above v1/, if OpsLevel writes below one; empty when keys start with v1/',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				{ name: 'Access Keys', value: 'accessKeys' },
				{
					name: 'AWS Credentials of the N8n Host',
					value: 'host',
					description:
						'Environment variables, shared config/credentials files, or the instance or container role',
				},
			],
			default: 'accessKeys',
		},
		{
			displayName: 'Access Key ID',
			name: 'accessKeyId',
			type: 'string',
			default: '',
			required: true,
			displayOptions: { show: { authentication: ['accessKeys'] } },
		},
		{
			displayName: 'Secret Access Key',
			name: 'secretAccessKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authentication: ['accessKeys'] } },
		},
		{
			displayName: 'Session Token',
			name: 'sessionToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Only for temporary keys',
			displayOptions: { show: { authentication: ['accessKeys'] } },
		},
		{
			displayName: 'Role ARN to Assume',
			name: 'roleArn',
			type: 'string',
			default: '',
			placeholder: 'arn:aws:iam::123456789012:role/opslevel-export-reader',
			description:
				'Optional: a role that can read the bucket, assumed (AWS STS AssumeRole) with the credentials above. With a custom endpoint, STS is called at that endpoint (as MinIO serves it).',
		},
		{
			displayName: 'External ID',
			name: 'externalId',
			type: 'string',
			default: '',
			description: "The external ID the role's trust policy requires, if any",
			displayOptions: { hide: { roleArn: [''] } },
		},
		{
			displayName: 'Custom Endpoint',
			name: 'customEndpoint',
			type: 'boolean',
			default: false,
			description:
				'Whether the bucket is on an S3-compatible store (MinIO, Ceph, R2…) instead of AWS S3',
		},
		{
			displayName: 'Endpoint',
			name: 'endpoint',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://minio.example.com:9000',
			displayOptions: { show: { customEndpoint: [true] } },
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 600 },
			default: 60,
			description: 'How long a request or a download may receive nothing before it fails',
			hint: 'Connecting must succeed within 10 seconds (or this timeout, if shorter). A request, or a download that stalls, ends with an error after this many seconds without data; each call is tried up to 4 times.',
		},
		{
			displayName: 'Force Path-Style Addressing',
			name: 'forcePathStyle',
			type: 'boolean',
			default: true,
			description:
				'Whether to address the bucket as endpoint/bucket instead of bucket.endpoint (most S3-compatible stores need this)',
			displayOptions: { show: { customEndpoint: [true] } },
		},
	];
}
