/**
 * The OpsLevel export bucket. S3 is not plain HTTP for n8n's helpers (SigV4, the AWS credential
 * chain), so calls go through @aws-sdk/client-s3 with its standard retry mode (throttling, 5xx and
 * network errors, bounded attempts with backoff); its errors are mapped here, in the shared
 * transport's style, into redacted NodeApiErrors that say what to fix.
 */
import {
	GetObjectCommand,
	ListObjectsV2Command,
	S3Client,
	S3ServiceException,
	type ListObjectsV2CommandOutput,
	type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INode,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { Readable } from 'node:stream';

import { walkPages } from '../../../lib/pages';
import { vendorApiError, type VendorApi } from '../../../lib/transport';
import {
	CONNECT_TIMEOUT_MS,
	DEFAULT_IDLE_TIMEOUT_SECONDS,
	ERROR_MESSAGES,
	MAX_LIST_PAGE,
	OPSLEVEL_CREDENTIAL_TYPE,
	PERMISSION,
	S3_MAX_ATTEMPTS,
} from '../constants';

export interface OpsLevelBucketSettings {
	bucket: string;
	region: string;
	rootPrefix: string;
	authentication: 'accessKeys' | 'host';
	accessKeyId?: string;
	secretAccessKey?: string;
	sessionToken?: string;
	roleArn?: string;
	externalId?: string;
	customEndpoint?: boolean;
	endpoint?: string;
	forcePathStyle?: boolean;
	/** Seconds a request or download may receive nothing before it fails. */
	timeoutSeconds: number;
}

/** Trims and gives the prefix a trailing slash, so `exports` and `exports/` mean the same folder. */
export function normalizeRootPrefix(rootPrefix: string | undefined): string {
	const trimmed = (rootPrefix ?? '').trim();
	if (trimmed === '') return '';
	return trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

function text(value: unknown): string {
	return typeof value === 'string'
		? value.trim()
		: value === undefined || value === null
			? ''
			: String(value).trim();
}

/** The credential's timeout; a missing or unusable value (older credentials) gives the default. */
function timeoutSecondsOf(value: unknown): number {
	const seconds = Number(value);
	return Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_IDLE_TIMEOUT_SECONDS;
}

/** The credential's fields, validated; a missing field is named. */
export function bucketSettings(data: ICredentialDataDecryptedObject): OpsLevelBucketSettings {
	const settings: OpsLevelBucketSettings = {
		bucket: text(data.bucket),
		region: text(data.region),
		rootPrefix: normalizeRootPrefix(text(data.rootPrefix)),
		authentication: data.authentication === 'host' ? 'host' : 'accessKeys',
		accessKeyId: text(data.accessKeyId),
		secretAccessKey: text(data.secretAccessKey),
		sessionToken: text(data.sessionToken),
		roleArn: text(data.roleArn),
		externalId: text(data.externalId),
		customEndpoint: data.customEndpoint === true,
		endpoint: text(data.endpoint),
		forcePathStyle: data.forcePathStyle !== false,
		timeoutSeconds: timeoutSecondsOf(data.timeoutSeconds),
	};
	if (!settings.bucket) throw new Error(ERROR_MESSAGES.noBucket);
	if (!settings.region) throw new Error(ERROR_MESSAGES.noRegion);
	if (
		settings.authentication === 'accessKeys' &&
		(!settings.accessKeyId || !settings.secretAccessKey)
	) {
		throw new Error(ERROR_MESSAGES.missingKeys);
	}
	return settings;
}

/** Temporary credentials of an assumed role, renewed five minutes before they expire. */
function assumeRoleProvider(
	settings: OpsLevelBucketSettings,
	base: AwsCredentialIdentity | undefined,
): AwsCredentialIdentityProvider {
	const sts = new STSClient({
		region: settings.region,
		credentials: base,
		maxAttempts: S3_MAX_ATTEMPTS,
		requestHandler: {
			connectionTimeout: Math.min(CONNECT_TIMEOUT_MS, settings.timeoutSeconds * 1000),
			socketTimeout: settings.timeoutSeconds * 1000,
		},
		// S3-compatible stores that offer roles (MinIO) serve STS at their S3 endpoint.
		endpoint: settings.customEndpoint && settings.endpoint ? settings.endpoint : undefined,
	});
	let cached: AwsCredentialIdentity | undefined;
	return async () => {
		if (cached?.expiration && cached.expiration.getTime() - Date.now() > 5 * 60_000) return cached;
		const answer = await sts.send(
			new AssumeRoleCommand({
				RoleArn: settings.roleArn,
				RoleSessionName: 'n8n-opslevel-export',
				ExternalId: settings.externalId || undefined,
			}),
		);
		const issued = answer.Credentials;
		if (!issued?.AccessKeyId || !issued.SecretAccessKey) {
			throw new Error(`AWS STS returned no credentials for role ${settings.roleArn}`);
		}
		cached = {
			accessKeyId: issued.AccessKeyId,
			secretAccessKey: issued.SecretAccessKey,
			sessionToken: issued.SessionToken,
			expiration: issued.Expiration,
		};
		return cached;
	};
}

export function s3ClientConfig(settings: OpsLevelBucketSettings): S3ClientConfig {
	const keys: AwsCredentialIdentity | undefined =
		settings.authentication === 'accessKeys'
			? {
					accessKeyId: settings.accessKeyId ?? '',
					secretAccessKey: settings.secretAccessKey ?? '',
					sessionToken: settings.sessionToken || undefined,
				}
			: undefined; // undefined: the SDK's default chain (environment, shared config, instance or container role)
	const config: S3ClientConfig = {
		region: settings.region,
		maxAttempts: S3_MAX_ATTEMPTS,
		retryMode: 'standard',
		// A redirect to another region is reported (with the region to set) rather than followed silently.
		followRegionRedirects: false,
		// S3-compatible stores often lack the newer CRC checksums; compute and check them only where S3 requires it.
		requestChecksumCalculation: 'WHEN_REQUIRED',
		responseChecksumValidation: 'WHEN_REQUIRED',
		credentials: settings.roleArn ? assumeRoleProvider(settings, keys) : keys,
		// Without these the SDK waits for ever on a silent endpoint or a download that stalls. The
		// socket timeout is an idle timeout: it also ends a GetObject body that stops sending.
		requestHandler: {
			connectionTimeout: Math.min(CONNECT_TIMEOUT_MS, settings.timeoutSeconds * 1000),
			socketTimeout: settings.timeoutSeconds * 1000,
		},
	};
	if (settings.customEndpoint && settings.endpoint) {
		config.endpoint = settings.endpoint;
		config.forcePathStyle = settings.forcePathStyle;
	}
	return config;
}

interface S3ErrorShape {
	name?: string;
	Code?: string;
	Region?: string;
	message?: string;
	$metadata?: { httpStatusCode?: number };
	$response?: { headers?: Record<string, string | undefined> };
}

type Action = 'list' | 'get';

/** A request or download the SDK ended for lack of data (its idle or connection timeout). */
export function isTimeout(error: unknown): boolean {
	const seen = new Set<unknown>();
	for (
		let current = error;
		typeof current === 'object' && current !== null && !seen.has(current);

	) {
		seen.add(current);
		const { name, code, cause } = current as { name?: unknown; code?: unknown; cause?: unknown };
		if (name === 'TimeoutError' || code === 'ETIMEDOUT' || code === 'ERR_SOCKET_CONNECTION_TIMEOUT')
			return true;
		current = cause;
	}
	return false;
}

const API: Pick<VendorApi, 'displayName'> = { displayName: 'OpsLevel export bucket (S3)' };

export class OpsLevelBucket {
	readonly client: S3Client;

	constructor(
		readonly settings: OpsLevelBucketSettings,
		readonly node: INode,
		client?: S3Client,
	) {
		this.client = client ?? new S3Client(s3ClientConfig(settings));
	}

	get bucket(): string {
		return this.settings.bucket;
	}

	get rootPrefix(): string {
		return this.settings.rootPrefix;
	}

	/** Secrets of the credential, kept out of every message. */
	private get secrets(): string[] {
		return [this.settings.secretAccessKey, this.settings.sessionToken].filter(
			(value): value is string => !!value,
		);
	}

	/**
	 * An S3 failure as a NodeApiError naming the bucket, the object and what to change (a permission,
	 * the region, the keys).
	 */
	toError(
		error: unknown,
		action: Action,
		target: string,
		itemIndex?: number,
	): NodeApiError | NodeOperationError {
		if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
		const shape = (typeof error === 'object' && error !== null ? error : {}) as S3ErrorShape;
		const status = shape.$metadata?.httpStatusCode;
		const code = shape.Code ?? shape.name ?? '';
		const bucket = this.bucket;
		const resource =
			action === 'list' ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${this.rootPrefix}*`;
		const permission = action === 'list' ? PERMISSION.list : PERMISSION.get;
		const region = shape.Region ?? shape.$response?.headers?.['x-amz-bucket-region'];
		let hint: string | undefined;
		if (
			code === 'AccessDenied' ||
			code === 'AllAccessDisabled' ||
			(status === 403 && code !== 'InvalidAccessKeyId' && code !== 'SignatureDoesNotMatch')
		) {
			hint = ERROR_MESSAGES.accessDenied(bucket, permission, resource);
		} else if (
			code === 'InvalidAccessKeyId' ||
			code === 'SignatureDoesNotMatch' ||
			code === 'InvalidClientTokenId'
		) {
			hint = ERROR_MESSAGES.badKeys;
		} else if (code === 'ExpiredToken' || code === 'TokenRefreshRequired') {
			hint = ERROR_MESSAGES.expiredToken;
		} else if (code === 'NoSuchBucket') {
			hint = ERROR_MESSAGES.noSuchBucket(bucket);
		} else if (code === 'NoSuchKey') {
			hint = ERROR_MESSAGES.noSuchKey(target);
		} else if (
			code === 'PermanentRedirect' ||
			code === 'AuthorizationHeaderMalformed' ||
			code === 'IllegalLocationConstraintException' ||
			status === 301
		) {
			hint = ERROR_MESSAGES.wrongRegion(bucket, region);
		}
		const isServiceAnswer = status !== undefined || error instanceof S3ServiceException;
		const vendorMessage = isServiceAnswer
			? [
					code,
					shape.message && shape.message !== code && shape.message !== 'UnknownError'
						? shape.message
						: '',
				]
					.filter(Boolean)
					.join(': ')
			: undefined;
		const api: VendorApi = {
			displayName: API.displayName,
			errorMessage: () => vendorMessage || undefined,
			hint: () => hint,
		};
		return vendorApiError(this.node, api, {
			status: isServiceAnswer ? (status ?? 0) : undefined,
			url: `s3://${bucket}/${target}`,
			method: action === 'list' ? 'ListObjectsV2' : 'GetObject',
			reason: isTimeout(error)
				? ERROR_MESSAGES.timedOut(this.settings.timeoutSeconds)
				: error instanceof Error
					? error.message
					: String(error),
			itemIndex,
			secrets: this.secrets,
		});
	}

	/** One page of keys under a prefix. */
	async listPage(
		prefix: string,
		options: {
			startAfter?: string;
			token?: string;
			maxKeys?: number;
			delimiter?: string;
			itemIndex?: number;
		},
	): Promise<ListObjectsV2CommandOutput> {
		try {
			return await this.client.send(
				new ListObjectsV2Command({
					Bucket: this.bucket,
					Prefix: prefix,
					StartAfter: options.token ? undefined : options.startAfter,
					ContinuationToken: options.token,
					MaxKeys: options.maxKeys ?? MAX_LIST_PAGE,
					Delimiter: options.delimiter,
				}),
			);
		} catch (error) {
			throw this.toError(error, 'list', prefix, options.itemIndex);
		}
	}

	/**
	 * The pages of one listing, followed by continuation token through the shared walker: a token
	 * handed out twice, or more pages than one run may read, ends the run with an error.
	 */
	private listingPages<T>(
		prefix: string,
		options: { startAfter?: string; delimiter?: string; itemIndex?: number },
		itemsOf: (page: ListObjectsV2CommandOutput) => T[],
	): AsyncGenerator<T[]> {
		return walkPages<T, string>({
			node: this.node,
			itemIndex: options.itemIndex,
			vendor: API.displayName,
			list: `ListObjectsV2 s3://${this.bucket}/${prefix}`,
			style: 'continuation token',
			maxPageSize: MAX_LIST_PAGE,
			emptyPageEnds: false,
			fetchPage: async ({ position }) => {
				const page = await this.listPage(prefix, { ...options, token: position });
				return {
					items: itemsOf(page),
					next: page.IsTruncated ? page.NextContinuationToken : undefined,
				};
			},
		});
	}

	/** Every object under a prefix, lazily. */
	async *listKeys(prefix: string, options: { startAfter?: string; itemIndex?: number } = {}) {
		for await (const page of this.listingPages(
			prefix,
			options,
			(answer) => answer.Contents ?? [],
		)) {
			for (const object of page) {
				if (object.Key !== undefined) yield object;
			}
		}
	}

	/** The names of the folders directly under a prefix (a delimiter listing), lazily. */
	async *listFolders(prefix: string, options: { itemIndex?: number } = {}): AsyncGenerator<string> {
		for await (const page of this.listingPages(
			prefix,
			{ delimiter: '/', itemIndex: options.itemIndex },
			(answer) => answer.CommonPrefixes ?? [],
		)) {
			for (const common of page) {
				const name = (common.Prefix ?? '').split('/').filter(Boolean).pop();
				if (name) yield name;
			}
		}
	}

	/**
	 * The body of one object as a stream, undefined when the object is empty (zero bytes). The
	 * socket timeout bounds it: a download that stops sending fails instead of waiting for ever.
	 * The caller reads it to the end or destroys it.
	 */
	async openObject(key: string, itemIndex?: number): Promise<Readable | undefined> {
		try {
			const answer = await this.client.send(
				new GetObjectCommand({ Bucket: this.bucket, Key: key }),
			);
			if (answer.ContentLength === 0 || !answer.Body) {
				(answer.Body as Readable | undefined)?.resume?.();
				return undefined;
			}
			return answer.Body as Readable;
		} catch (error) {
			throw this.toError(error, 'get', key, itemIndex);
		}
	}

	/** Whether anything lies under a prefix (one key listed): the credential test. */
	async probe(prefix: string): Promise<{ found: boolean }> {
		const page = await this.listPage(prefix, { maxKeys: 1 });
		return { found: (page.KeyCount ?? page.Contents?.length ?? 0) > 0 };
	}

	destroy(): void {
		this.client.destroy();
	}
}

/** The bucket of the node's credential; a credential missing a field names it. */
export async function openBucket(
	context: IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions,
): Promise<OpsLevelBucket> {
	const data = await context.getCredentials(OPSLEVEL_CREDENTIAL_TYPE);
	try {
		return new OpsLevelBucket(bucketSettings(data), context.getNode());
	} catch (error) {
		throw new NodeOperationError(
			context.getNode(),
			error instanceof Error ? error.message : String(error),
			{
				description:
					'Open the OpsLevel Export Bucket credential and fill in the field named above.',
			},
		);
	}
}
