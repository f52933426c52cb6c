/**
 * The shared transport's retry decisions, through a fake n8n request helper that answers from a
 * script: which failures are retried for GETs, for POSTs that are not idempotent, and for POSTs
 * marked idempotent. Waits are injected, so nothing here sleeps.
 */
import type { IHttpRequestOptions, INode } from 'n8n-workflow';

import { vendorRequest, type RequestContext, type VendorApi } from '../../../lib/transport';

type Step = { status: number; body?: unknown } | { error: Error & { code?: string } };

const node: INode = {
	id: 'n',
	name: 'Vendor',
	type: 'test.vendor',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

const api: VendorApi = {
	displayName: 'Vendor',
	errorMessage: () => undefined,
	hint: () => undefined,
};

function networkError(code: string): Error & { code: string } {
	return Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code });
}

/** A context whose helper answers the scripted steps in order (the last one repeats) and counts calls. */
function scripted(steps: Step[]): { context: RequestContext; calls: () => number } {
	let calls = 0;
	const answer = async () => {
		const step = steps[Math.min(calls, steps.length - 1)];
		calls++;
		if ('error' in step) throw step.error;
		return { statusCode: step.status, headers: {}, body: step.body ?? {} };
	};
	const context: RequestContext = {
		getNode: () => node,
		helpers: {
			httpRequest: answer,
			httpRequestWithAuthentication: answer,
		},
	};
	return { context, calls: () => calls };
}

const noWait = async () => undefined;
const post: IHttpRequestOptions = {
	method: 'POST',
	url: 'https://vendor.test/v1/things',
	body: { a: 1 },
};
const get: IHttpRequestOptions = { method: 'GET', url: 'https://vendor.test/v1/things' };

describe('vendorRequest retries only what is safe to send again', () => {
	it('retries a GET after a 504 and a connection reset', async () => {
		const { context, calls } = scripted([
			{ status: 504 },
			{ error: networkError('ECONNRESET') },
			{ status: 200 },
		]);
		const response = await vendorRequest(context, api, get, { sleep: noWait });
		expect(response.statusCode).toBe(200);
		expect(calls()).toBe(3);
	});

	it('sends a non-idempotent POST once when it answers 504: the server may have acted', async () => {
		const { context, calls } = scripted([{ status: 504 }, { status: 201 }]);
		await expect(vendorRequest(context, api, post, { sleep: noWait })).rejects.toThrow(
			'Vendor answered 504',
		);
		expect(calls()).toBe(1);
	});

	it('sends a non-idempotent POST once when the connection resets or times out after connecting', async () => {
		for (const code of ['ECONNRESET', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']) {
			const { context, calls } = scripted([{ error: networkError(code) }, { status: 201 }]);
			await expect(vendorRequest(context, api, post, { sleep: noWait })).rejects.toThrow(
				'Vendor could not be reached',
			);
			expect({ code, calls: calls() }).toEqual({ code, calls: 1 });
		}
	});

	it('retries a non-idempotent POST whose connection was never established (refused, unreachable, DNS)', async () => {
		for (const code of ['ECONNREFUSED', 'EHOSTUNREACH', 'EAI_AGAIN']) {
			const { context, calls } = scripted([{ error: networkError(code) }, { status: 201 }]);
			const response = await vendorRequest(context, api, post, { sleep: noWait });
			expect({ code, status: response.statusCode, calls: calls() }).toEqual({
				code,
				status: 201,
				calls: 2,
			});
		}
	});

	it('retries a non-idempotent POST refused with 429: the rate limiter rejected it unprocessed', async () => {
		const { context, calls } = scripted([{ status: 429 }, { status: 201 }]);
		const response = await vendorRequest(context, api, post, { sleep: noWait });
		expect(response.statusCode).toBe(201);
		expect(calls()).toBe(2);
	});

	it('retries a POST marked idempotent like a GET (504, reset)', async () => {
		const { context, calls } = scripted([
			{ status: 504 },
			{ error: networkError('ECONNRESET') },
			{ status: 200 },
		]);
		const response = await vendorRequest(context, api, post, { sleep: noWait, idempotent: true });
		expect(response.statusCode).toBe(200);
		expect(calls()).toBe(3);
	});
});
