import type { Readable } from 'node:stream';
import type { INode } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { CsvFormatError } from '../../../lib/csv';
import { toNodeError } from '../../../lib/errors';
import { redactUrl } from '../../../lib/redact';
import { DEFAULT_RETRY_POLICY, isTransientNetworkError, retryDelayMs } from '../../../lib/retry';
import { vendorApiError } from '../../../lib/transport';
import { ERROR_MESSAGES } from '../constants';
import { fireHydrantApi, type FireHydrantClient } from '../transport';
import { getExportRequest, type ExportRequest } from './exportRequests';

/** How often an expired signed URL is refreshed before giving up (a clock far off, say). */
const MAX_URL_REFRESHES = 2;

export type ExpungedPolicy = 'skip' | 'fail';

/**
 * Whether an error says the report is not valid CSV (its cause is the parser's CsvFormatError):
 * the same bytes fail every time, so retrying cannot help, and a caller may skip the report.
 */
export function isMalformedReport(error: unknown): error is NodeOperationError {
	return error instanceof NodeOperationError && error.cause instanceof CsvFormatError;
}

export interface DownloadPolicy {
	onExpunged: ExpungedPolicy;
	/** Told about every report that was skipped, so the node can show it as a hint. */
	warn(message: string): void;
	sleep?: (ms: number) => Promise<void>;
}

/** Thrown when a report was expunged and the policy says to skip it. */
class ExpungedReport extends Error {}

function describe(request: ExportRequest): string {
	return `export request ${request.id} (${request.source}, generated ${request.created_at})`;
}

function expungedMessage(request: ExportRequest): string {
	return `FireHydrant no longer has the report of ${describe(request)}: its download answers 404.`;
}

/**
 * Opens the report's CSV as a stream. An expired link (the storage host refuses it with 400/403)
 * is refreshed by reading the export request again; an expunged report (404) is skipped or fails
 * as the policy says.
 */
async function openReport(
	client: FireHydrantClient,
	node: INode,
	initial: ExportRequest,
	policy: DownloadPolicy,
): Promise<{ stream: Readable; request: ExportRequest }> {
	let request = initial;
	for (let refreshes = 0; ; refreshes++) {
		if (!request.url) {
			// Listing may omit the link; reading the single request mints one.
			request = await getExportRequest(client, request.id);
			if (!request.url) {
				throw new NodeOperationError(
					node,
					`FireHydrant returned no download url for ${describe(request)}.`,
					{
						description: `Its status is "${request.status}"; only completed export requests can be downloaded.`,
					},
				);
			}
		}
		const response = await client.download(request.url);
		if (response.statusCode < 400) return { stream: response.body, request };
		response.body.resume();
		if (response.statusCode === 404 || response.statusCode === 410) {
			if (policy.onExpunged === 'skip') throw new ExpungedReport(expungedMessage(request));
			throw new NodeOperationError(node, expungedMessage(request), {
				description: ERROR_MESSAGES.expunged,
			});
		}
		if (refreshes >= MAX_URL_REFRESHES) {
			throw vendorApiError(
				node,
				{ ...fireHydrantApi, hint: () => ERROR_MESSAGES.expiredUrl },
				{
					status: response.statusCode,
					url: request.url,
					method: 'GET',
					body: `The signed download link of ${describe(request)} was refused ${refreshes + 1} times.`,
				},
			);
		}
		request = await getExportRequest(client, request.id);
	}
}

/**
 * Runs `consume` over the report's bytes. A download cut mid-file is retried from the start with
 * backoff (the partial result is dropped by `consume`'s caller, which only keeps a finished run),
 * so a flaky connection never yields half a report.
 */
export async function withReportStream<T>(
	client: FireHydrantClient,
	node: INode,
	exportRequest: ExportRequest,
	policy: DownloadPolicy,
	consume: (stream: Readable, request: ExportRequest) => Promise<T>,
): Promise<{ status: 'read'; value: T } | { status: 'expunged' }> {
	const retry = DEFAULT_RETRY_POLICY;
	let request = exportRequest;
	for (let attempt = 1; ; attempt++) {
		let opened: { stream: Readable; request: ExportRequest };
		try {
			opened = await openReport(client, node, request, policy);
		} catch (error) {
			if (error instanceof ExpungedReport) {
				policy.warn(`${error.message} It was skipped.`);
				return { status: 'expunged' };
			}
			throw toNodeError(node, error);
		}
		request = opened.request;
		try {
			return { status: 'read', value: await consume(opened.stream, request) };
		} catch (error) {
			opened.stream.destroy();
			if (error instanceof CsvFormatError) {
				throw new NodeOperationError(node, error, {
					message: `The CSV of ${describe(request)} is malformed at line ${error.line}: ${error.reason}`,
					description:
						'The report could not be read as CSV, so no rows of it were emitted. FireHydrant generated it this way; contact FireHydrant support with the export request id, or exclude its source.',
				});
			}
			if (attempt < retry.maxAttempts && isTransientNetworkError(error)) {
				await (policy.sleep ?? sleep)(retryDelayMs(attempt, retry, {}, Date.now()));
				continue;
			}
			if (isTransientNetworkError(error)) {
				throw vendorApiError(node, fireHydrantApi, {
					url: redactUrl(request.url ?? ''),
					method: 'GET',
					reason: `the download of ${describe(request)} was cut ${attempt} times`,
				});
			}
			throw toNodeError(node, error);
		}
	}
}
