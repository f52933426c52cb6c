/**
 * A real S3 protocol server for the OpsLevel tests, demo and benchmark: s3rver on loopback with a
 * temporary folder, a bucket, and helpers to upload generated drops. Its answers are real S3 XML
 * (ListObjectsV2 paging, NoSuchBucket, NoSuchKey); what s3rver cannot answer (access denied, a
 * bucket in another region) comes from the fault proxy (./proxy.ts) in front of it.
 *
 *   const s3 = await startS3Server();
 *   await s3.upload(generateExport({ size: 50 }).drops);
 *   // credential: { bucket: s3.bucket, region: 'us-east-1', customEndpoint: true, endpoint: s3.endpoint, ... }
 *   await s3.close();
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

/**
 * s3rver runs in a child process: its ListObjectsV2 continuation tokens are DES-encrypted, and Node
 * 24's OpenSSL only offers DES with the legacy provider, which must be enabled at process start.
 * The child also keeps s3rver's memory out of the benchmark's measurements, and exits when its
 * parent goes away (stdin closes).
 */
const CHILD_SCRIPT = `
const S3rver = require(process.env.S3RVER_MODULE);
const server = new S3rver({
	address: '127.0.0.1',
	port: Number(process.env.S3RVER_PORT || 0),
	silent: true,
	directory: process.env.S3RVER_DIRECTORY,
	configureBuckets: [{ name: process.env.S3RVER_BUCKET }],
});
server.run().then((address) => process.stdout.write(JSON.stringify({ port: address.port }) + '\\n'), (error) => {
	process.stderr.write(String(error && error.stack || error));
	process.exit(1);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

async function spawnS3rver(
	directory: string,
	bucket: string,
	port: number,
): Promise<{ port: number; child: ChildProcess }> {
	const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', CHILD_SCRIPT], {
		env: {
			...process.env,
			S3RVER_MODULE: require.resolve('s3rver'),
			S3RVER_DIRECTORY: directory,
			S3RVER_BUCKET: bucket,
			S3RVER_PORT: String(port),
		},
		stdio: ['pipe', 'pipe', 'inherit'],
	});
	const lines = readline.createInterface({ input: child.stdout! });
	const first = await new Promise<string>((resolve, reject) => {
		lines.once('line', resolve);
		child.once('exit', (code) => reject(new Error(`s3rver exited with code ${code}`)));
	});
	lines.close();
	return { port: (JSON.parse(first) as { port: number }).port, child };
}

export const TEST_ACCESS_KEY_ID = 'S3RVER';
export const TEST_SECRET_ACCESS_KEY = 'S3RVER-secret-not-real-123';
export const TEST_REGION = 'us-east-1';

export interface UploadObject {
	key: string;
	body: Buffer | string;
}

export interface S3Server {
	/** `http://127.0.0.1:<port>` */
	endpoint: string;
	bucket: string;
	directory: string;
	/** A client for the test itself (uploads, checks). */
	client: S3Client;
	upload(objects: ReadonlyArray<UploadObject>, concurrency?: number): Promise<void>;
	/** Credential data for the OpsLevel Export Bucket credential, pointing at this server (or at `endpoint`). */
	credentialData(overrides?: ICredentialDataDecryptedObject): ICredentialDataDecryptedObject;
	close(): Promise<void>;
}

export async function startS3Server(
	options: { bucket?: string; port?: number } = {},
): Promise<S3Server> {
	const bucket = options.bucket ?? 'opslevel-export';
	const directory = mkdtempSync(path.join(tmpdir(), 'opslevel-s3rver-'));
	const { port, child } = await spawnS3rver(directory, bucket, options.port ?? 0);
	const endpoint = `http://127.0.0.1:${port}`;
	const client = new S3Client({
		region: TEST_REGION,
		endpoint,
		forcePathStyle: true,
		credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY },
		requestChecksumCalculation: 'WHEN_REQUIRED',
		responseChecksumValidation: 'WHEN_REQUIRED',
	});

	return {
		endpoint,
		bucket,
		directory,
		client,
		async upload(objects, concurrency = 16) {
			let next = 0;
			const worker = async () => {
				while (next < objects.length) {
					const object = objects[next++];
					await client.send(
						new PutObjectCommand({ Bucket: bucket, Key: object.key, Body: object.body }),
					);
				}
			};
			await Promise.all(Array.from({ length: Math.min(concurrency, objects.length) }, worker));
		},
		credentialData(overrides = {}) {
			return {
				bucket,
				region: TEST_REGION,
				rootPrefix: '',
				authentication: 'accessKeys',
				accessKeyId: TEST_ACCESS_KEY_ID,
				secretAccessKey: TEST_SECRET_ACCESS_KEY,
				sessionToken: '',
				roleArn: '',
				externalId: '',
				customEndpoint: true,
				endpoint,
				forcePathStyle: true,
				...overrides,
			};
		},
		async close() {
			client.destroy();
			if (child.exitCode === null) {
				const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
				child.stdin?.end();
				await exited;
			}
			rmSync(directory, { recursive: true, force: true });
		},
	};
}
