import type {
	IDataObject,
	INode,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { SeenKeys } from './dedupe';
import { toNodeError } from './errors';
import { vendorErrorStatus } from './transport';

/**
 * One receive pipeline for every vendor webhook trigger:
 *
 *   verify → parse → replay check → filter → emit
 *
 * A trigger describes its vendor (how a delivery is signed, what its envelope looks like, what
 * makes a delivery unique, which ones the user wants, what to emit); `receiveWebhook` runs the
 * steps in this order and answers every refusal the same way.
 */

/** Why a delivery is answered without starting the workflow. */
export interface Refusal {
	status: number;
	message: string;
	/** Extra JSON fields of the answer (`duplicate`, `ignored`, …). */
	details?: IDataObject;
	/** Written to n8n's log as a warning (never a secret). */
	log?: string;
}

export type ParseResult<TDelivery> =
	| { ok: true; delivery: TDelivery }
	| { ok: false; refusal: Refusal };

export interface WebhookReceiver<TDelivery> {
	/** Checks the signature over the raw bytes; a refusal (401) answers without running. */
	verify(context: IWebhookFunctions, rawBody: Buffer): Promise<Refusal | undefined>;
	/** The vendor's envelope from the verified bytes; a refusal (400) when it is not one. */
	parse(rawBody: Buffer, context: IWebhookFunctions): ParseResult<TDelivery>;
	/** What makes this delivery unique (the same for a resend of it); undefined: no replay check. */
	replayKey(delivery: TDelivery, rawBody: Buffer, context: IWebhookFunctions): string | undefined;
	/** Undefined when the node wants the delivery; otherwise what was filtered out. */
	filteredOut(delivery: TDelivery, context: IWebhookFunctions): string | undefined;
	/** The items the workflow starts with. Throwing answers 500, and the vendor's retry is let through. */
	emit(delivery: TDelivery, context: IWebhookFunctions): Promise<INodeExecutionData[]>;
	/** Where the static-data memory of delivery keys lives, and how many keys it holds. */
	memory: { staticKey: string; maxEntries: number };
}

/**
 * The request body exactly as it arrived. Signatures are computed over these bytes: a body parsed
 * and serialised again (key order, spacing, unicode escapes) no longer matches its signature.
 */
export function rawBodyOf(context: IWebhookFunctions): Buffer | undefined {
	const request = context.getRequestObject() as unknown as { rawBody?: Buffer | string };
	if (request.rawBody === undefined) return undefined;
	return Buffer.isBuffer(request.rawBody) ? request.rawBody : Buffer.from(request.rawBody, 'utf8');
}

/** A request header as one text (the first value of a repeated header). */
export function headerOf(context: IWebhookFunctions, name: string): string | undefined {
	const value = (context.getHeaderData() as Record<string, string | string[] | undefined>)[name];
	const first = Array.isArray(value) ? value[0] : value;
	return typeof first === 'string' ? first : undefined;
}

/**
 * Answers a delivery without starting the workflow: a refused one (401 bad signature, 400 bad
 * body, 409 the same delivery is still being processed) or one acknowledged and ignored (200
 * replay or filtered out), with a short message.
 */
export function answerWithoutRun(
	context: IWebhookFunctions,
	status: number,
	message: string,
	details: IDataObject = {},
): IWebhookResponseData {
	context
		.getResponseObject()
		.status(status)
		.json({ message, ...details });
	return { noWebhookResponse: true };
}

/** Delivery keys remembered in this process per trigger (workflow + node). */
export const PROCESS_MEMORY_KEYS_PER_TRIGGER = 2000;
/** Triggers whose keys this process remembers at once; the least recently used is forgotten first. */
export const PROCESS_MEMORY_TRIGGERS = 100;

type ClaimState = 'pending' | 'done';

/**
 * The in-process memory of deliveries, per trigger. n8n loads a workflow's static data fresh for
 * every webhook request and saves it only when that request ends, so two identical deliveries
 * arriving together both read a static data without the other's key, and a resend arriving while
 * the first one's save is still under way does too. This memory closes that gap: a key is claimed
 * synchronously (no await between the look-up and the claim), so of two concurrent requests in
 * one process exactly one passes. The static-data memory is for restarts; n8n 2.41.1 does not
 * always persist it (README, "Replays in a real n8n"), so this memory is what holds within a process.
 *
 * Bounded twice: keys per trigger (oldest forgotten first) and triggers per process (least
 * recently used forgotten first); what it forgets, the static data still remembers.
 */
export class DeliveryMemory {
	private readonly triggers = new Map<string, Map<string, ClaimState>>();

	constructor(
		private readonly keysPerTrigger = PROCESS_MEMORY_KEYS_PER_TRIGGER,
		private readonly maxTriggers = PROCESS_MEMORY_TRIGGERS,
	) {}

	/**
	 * Claims a key for this trigger: 'claimed' when nobody had it (the caller processes the
	 * delivery), 'pending' while another request for it is still being processed, 'done' once one
	 * was accepted.
	 */
	claim(trigger: string, key: string): 'claimed' | ClaimState {
		const keys = this.keysOf(trigger);
		const state = keys.get(key);
		if (state !== undefined) return state;
		keys.set(key, 'pending');
		while (keys.size > this.keysPerTrigger) {
			const oldest = keys.keys().next();
			if (oldest.done) break;
			keys.delete(oldest.value);
		}
		return 'claimed';
	}

	/** The delivery was accepted: later requests with its key are replays. */
	settle(trigger: string, key: string): void {
		const keys = this.triggers.get(trigger);
		if (keys?.has(key)) keys.set(key, 'done');
	}

	/** The delivery was not accepted (failed or filtered out): a retry of it may pass. */
	release(trigger: string, key: string): void {
		this.triggers.get(trigger)?.delete(key);
	}

	private keysOf(trigger: string): Map<string, ClaimState> {
		let keys = this.triggers.get(trigger);
		if (keys !== undefined) {
			// Re-inserted so the Map's order stays least recently used first.
			this.triggers.delete(trigger);
		} else {
			keys = new Map();
		}
		this.triggers.set(trigger, keys);
		while (this.triggers.size > this.maxTriggers) {
			const oldest = this.triggers.keys().next();
			if (oldest.done) break;
			this.triggers.delete(oldest.value);
		}
		return keys;
	}
}

/** This process's memory, shared by every trigger of this package. */
export const deliveryMemory = new DeliveryMemory();

/**
 * Which trigger a delivery belongs to: the workflow and the node (by id, which a rename keeps),
 * and whether it came to the production URL or the editor's test URL. While a user listens for a
 * test event of a published workflow, the vendor sends the same delivery to both URLs: one must
 * not swallow the other.
 */
export function triggerScope(context: IWebhookFunctions): string {
	const node = context.getNode();
	const url = context.getMode() === 'manual' ? 'test' : 'production';
	return `${context.getWorkflow().id ?? ''}:${node.id || node.name}:${url}`;
}

/**
 * Runs the pipeline for one request. Replays are answered 200 `{duplicate: true}`, a delivery whose
 * twin is still being processed 409 (so the vendor retries later, and nothing is lost if the twin
 * fails), filtered ones 200 `{ignored}`; an accepted delivery is remembered in both memories.
 */
export async function receiveWebhook<TDelivery>(
	context: IWebhookFunctions,
	receiver: WebhookReceiver<TDelivery>,
	options: { ignoreReplays?: boolean } = {},
): Promise<IWebhookResponseData> {
	const rawBody = rawBodyOf(context) ?? Buffer.alloc(0);
	const refusal = await receiver.verify(context, rawBody);
	if (refusal) return refuse(context, refusal);
	const parsed = receiver.parse(rawBody, context);
	if (!parsed.ok) return refuse(context, parsed.refusal);
	const { delivery } = parsed;

	const key =
		options.ignoreReplays === false ? undefined : receiver.replayKey(delivery, rawBody, context);
	const scope = triggerScope(context);
	// Static data remembers production deliveries only: a test delivery is not the production one.
	const staticData =
		context.getMode() === 'manual' ? undefined : context.getWorkflowStaticData('node');
	// From here to the claim there is no await: two concurrent requests cannot both pass.
	if (key !== undefined) {
		const remembered = SeenKeys.from(
			staticData?.[receiver.memory.staticKey] as string[] | undefined,
			receiver.memory.maxEntries,
		);
		if (remembered.has(key)) {
			return answerWithoutRun(context, 200, 'Already received; not run again', { duplicate: true });
		}
		const claim = deliveryMemory.claim(scope, key);
		if (claim === 'done')
			return answerWithoutRun(context, 200, 'Already received; not run again', { duplicate: true });
		if (claim === 'pending') {
			context.getResponseObject().setHeader('Retry-After', '5');
			return answerWithoutRun(context, 409, 'The same delivery is being processed; retry later', {
				duplicate: true,
			});
		}
	}

	const filtered = receiver.filteredOut(delivery, context);
	if (filtered !== undefined) {
		// Not remembered: a filtered delivery costs no memory, and its replay is filtered again.
		if (key !== undefined) deliveryMemory.release(scope, key);
		return answerWithoutRun(context, 200, 'Received; filtered out', { ignored: filtered });
	}

	let items: INodeExecutionData[];
	try {
		items = await receiver.emit(delivery, context);
	} catch (error) {
		// Not accepted: the vendor's retry of this delivery must get through.
		if (key !== undefined) deliveryMemory.release(scope, key);
		throw toNodeError(context.getNode(), error);
	}
	if (key !== undefined) deliveryMemory.settle(scope, key);
	if (key !== undefined && staticData !== undefined) {
		const remembered = SeenKeys.from(
			staticData[receiver.memory.staticKey] as string[] | undefined,
			receiver.memory.maxEntries,
		);
		remembered.add(key);
		staticData[receiver.memory.staticKey] = remembered.toJSON();
	}
	return { workflowData: [items] };
}

function refuse(context: IWebhookFunctions, refusal: Refusal): IWebhookResponseData {
	if (refusal.log) context.logger.warn(refusal.log);
	return answerWithoutRun(context, refusal.status, refusal.message, refusal.details);
}

/** A record fetched for a delivery, or why there is none. */
export type FetchedRecord =
	| { record: IDataObject; reason?: undefined }
	| { record: null; reason: string };

/**
 * Fetches the current record for a delivery. A record that is gone (404, deleted since the event)
 * or that the credential may not read (403, e.g. a private incident without the private scope) is
 * no reason to lose the delivery: the record is null and the reason says which and what to do.
 * Anything else (401, 5xx after retries, network) is thrown, so the vendor retries later.
 */
export async function fetchRecordForDelivery(
	node: INode,
	fetch: () => Promise<IDataObject>,
	reasons: { notFound: string; forbidden: string },
): Promise<FetchedRecord> {
	try {
		return { record: await fetch() };
	} catch (error) {
		const status = vendorErrorStatus(error);
		if (status === 404) return { record: null, reason: reasons.notFound };
		if (status === 403) return { record: null, reason: reasons.forbidden };
		throw toNodeError(node, error);
	}
}
