import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

/**
 * The request body exactly as it arrived. Signatures are computed over these bytes: a body parsed
 * and serialised again (key order, spacing, unicode escapes) no longer matches its signature.
 */
export function rawBodyOf(context: IWebhookFunctions): Buffer | undefined {
	const request = context.getRequestObject() as unknown as { rawBody?: Buffer | string };
	if (request.rawBody === undefined) return undefined;
	return Buffer.isBuffer(request.rawBody) ? request.rawBody : Buffer.from(request.rawBody, 'utf8');
}

/**
 * Answers a delivery without starting the workflow: a refused one (401 bad signature, 400 bad
 * body) or one acknowledged and ignored (200 replay or filtered out), with a short message.
 */
export function answerWithoutRun(context: IWebhookFunctions, status: number, message: string): IWebhookResponseData {
	context.getResponseObject().status(status).json({ message });
	return { noWebhookResponse: true };
}
