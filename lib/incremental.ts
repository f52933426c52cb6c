/**
 * One incremental-sync contract for every "changed since the last run" operation of this pack.
 *
 * A sync position (a time, a push order, whatever the vendor's changes are ordered by) is kept in
 * the workflow's GLOBAL static data under one key, {@link SYNC_STATE_KEY}, one entry per source
 * node and per set of parameters that define what the node reads (resource, filters, the item's
 * own parameters), so two input items with different filters never share, or leak, a position.
 *
 * Each entry holds a committed position and at most one pending one:
 *   { node, committed, revision, pending: { executionId, value, basedOn } }
 * A run reads the committed position, fetches, and stages what it read up to as pending. Who
 * promotes the pending position depends on "Advance Position":
 * - when the workflow completes: the Incident Data Sync node's Commit operation, placed after the
 *   destination, promotes the positions staged in ITS execution. A destination that fails stops the
 *   workflow before the commit, so the rows are offered again by the next run. n8n saves static
 *   data after every non-manual run whatever its outcome, which is why the node itself cannot wait.
 * - when this node succeeds: promoted at once, as the nodes did before this contract existed.
 * Promotion is compare-and-set on `revision`: a pending position based on a committed one that has
 * since changed (an overlapping execution committed first) is not promoted, so a position never
 * moves backwards and never skips what the other execution did not deliver.
 *
 * Manual (editor) runs never stage or commit anything: n8n does not save their static data, and a
 * test run must not decide what production runs see.
 */
import { createHash } from 'node:crypto';
import type { IDataObject, IExecuteFunctions, NodeTypeAndVersion } from 'n8n-workflow';

/** The one key in global static data holding every sync position of the workflow. */
export const SYNC_STATE_KEY = 'incidentDataSync';

/** Node type of the Incident Data Sync node (the package prefix as n8n writes it in workflows). */
export const SYNC_NODE_TYPE = 'n8n-nodes-incident-data.incidentDataSync';

/** Its operation that promotes pending positions. */
export const COMMIT_OPERATION = 'commit';

export type AdvancePosition = 'auto' | 'workflowCompletes' | 'nodeSucceeds';

export interface PendingPosition {
	/** The execution that staged it: only the Commit node of that execution promotes it. */
	executionId: string;
	value: unknown;
	/** The `revision` of the committed position the run started from. */
	basedOn: number;
	stagedAt: string;
}

export interface PositionEntry {
	/** Name of the source node (what Commit's "Source Nodes" and Reset match). */
	node: string;
	/** What the position is for, readable: resource, operation, filters. */
	scope: IDataObject;
	/** Undefined: no committed position yet, the next run starts from the beginning (or Start Date). */
	committed?: unknown;
	committedAt?: string;
	/** Bumped on every commit and reset; what compare-and-set compares. */
	revision: number;
	pending?: PendingPosition;
}

export type PositionMap = Record<string, PositionEntry>;

/**
 * A JSON round trip, not structuredClone: n8n wraps static data in proxies, which structuredClone
 * refuses, and what is stored must survive n8n's JSON round trip anyway.
 */
function jsonCopy<T>(value: T): T {
	return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** JSON with object keys sorted, so the same parameters always give the same key. */
function stableJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
	if (value !== null && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>)
			.filter(([, entry]) => entry !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${stableJson(entry)}`).join(',')}}`;
	}
	return JSON.stringify(value ?? null);
}

/** Entry key: the node name plus a short hash of what the node reads. */
export function positionKey(nodeName: string, scope: IDataObject): string {
	const hash = createHash('sha256').update(stableJson(scope)).digest('base64url').slice(0, 12);
	return `${nodeName}#${hash}`;
}

/** The position map inside global static data, created on first write only. */
export function positionMap(globalData: IDataObject, create: boolean): PositionMap | undefined {
	const existing = globalData[SYNC_STATE_KEY];
	if (existing !== null && typeof existing === 'object' && !Array.isArray(existing))
		return existing as unknown as PositionMap;
	if (!create) return undefined;
	globalData[SYNC_STATE_KEY] = {};
	return globalData[SYNC_STATE_KEY] as unknown as PositionMap;
}

/**
 * The position of a polling trigger, in the trigger's node-scope static data. Same contract as
 * {@link SyncRun} (a copy to work with, manual runs never move it, the position the poll read up
 * to, captured before its first request) except that it commits when the poll succeeds: n8n
 * carries a poll's static data into the execution it starts in ways that differ by deployment (in
 * memory in regular mode; reloaded from the database by a queue-mode worker while the poller keeps
 * its own copy, which its next save writes back; a separate cursor store committed with the
 * execution row when durable poll cursors are on), so a commit made at the end of that execution
 * could be lost or overwritten. A poll trigger therefore hands each change on once; workflows
 * whose destination may fail read with the action nodes' incremental operations on a Schedule
 * Trigger, with the Incident Data Sync node committing at the end.
 */
export class PollPosition<T extends object> {
	constructor(
		private readonly store: IDataObject,
		private readonly key: string,
		private readonly manual: boolean,
	) {}

	read(): T | undefined {
		const value = this.store[this.key];
		if (value === undefined || value === null || typeof value !== 'object') return undefined;
		return jsonCopy(value) as T;
	}

	/** Called once the whole poll succeeded; a manual (test) poll leaves the position alone. */
	commit(value: T): void {
		if (this.manual) return;
		this.store[this.key] = jsonCopy(value) as IDataObject;
	}
}

export type CommitOutcome = 'committed' | 'superseded' | 'none';

/**
 * Promotes the pending position of an entry staged by `executionId`, compare-and-set on the
 * revision it was based on. 'superseded' when another execution committed in between: the pending
 * position is dropped and the committed one kept, so the next run reads again from there.
 */
export function promotePending(
	entry: PositionEntry,
	executionId: string,
	now: Date,
): CommitOutcome {
	const pending = entry.pending;
	if (!pending || pending.executionId !== executionId) return 'none';
	delete entry.pending;
	if (pending.basedOn !== entry.revision) return 'superseded';
	entry.committed = pending.value;
	entry.committedAt = now.toISOString();
	entry.revision += 1;
	return 'committed';
}

/** Whether a Commit node of Incident Data Sync runs after `nodeName` (and is not disabled). */
export function hasCommitDownstream(context: IExecuteFunctions, nodeName: string): boolean {
	const children: NodeTypeAndVersion[] = context.getChildNodes(nodeName, {
		includeNodeParameters: true,
	});
	return children.some(
		(child) =>
			child.type === SYNC_NODE_TYPE &&
			!child.disabled &&
			(child.parameters?.operation ?? COMMIT_OPERATION) === COMMIT_OPERATION,
	);
}

/** The option every incremental operation offers. */
export const advancePositionOption = {
	displayName: 'Advance Position',
	name: 'advancePosition',
	type: 'options' as const,
	options: [
		{
			name: 'Automatic',
			value: 'auto',
			description:
				'When the workflow completes if an Incident Data Sync node (Commit Sync Position) runs after this node, else when this node succeeds',
		},
		{
			name: 'When the Workflow Completes (Incident Data Sync → Commit)',
			value: 'workflowCompletes',
			description:
				'The position moves only when the Incident Data Sync node’s Commit Sync Position runs in the same execution: a later node that fails gets the same rows again next run',
		},
		{
			name: 'When This Node Succeeds',
			value: 'nodeSucceeds',
			description:
				'The position moves as soon as this node has read every change, even if a later node fails',
		},
	],
	default: 'auto',
	description: 'When the sync position moves past the rows this run emitted',
};

export const SYNC_MESSAGES = {
	noCommitNode: (node: string) =>
		`"${node}" moved its sync position when it succeeded. If a later node fails, these rows are not offered again. To get them again until they are delivered, put an Incident Data Sync node (Commit Sync Position) at the end of the workflow.`,
	commitNodeMissing: (node: string) =>
		`"${node}" waits for an Incident Data Sync node (Commit Sync Position) to move its sync position, but none runs after it: every run reads the same changes again. Add the Commit node after the destination, or set "Advance Position" to "When This Node Succeeds".`,
	limitIgnored: (node: string) =>
		`"${node}" reads incrementally, so "Limit" was not applied: every change since the sync position is returned, because rows past a limit would be skipped for good once the position moves.`,
} as const;

export interface SyncRunOptions<T> {
	/** What defines the stream read: resource, operation, filters and the item's own parameters. */
	scope: IDataObject;
	/** A cursor of the node-scope static data older versions kept, read when no entry exists yet. */
	legacy?: { key: string; convert: (stored: unknown) => T | undefined };
	/** Default 'auto'. */
	advance?: AdvancePosition;
}

/**
 * One incremental run of one item: reads the committed position, and stages (or commits) the
 * position the run read up to. Create it before the first request: `startedAt` is the instant to
 * store for time-based cursors, so nothing changed during the run is skipped next time.
 */
export class SyncRun<T> {
	readonly startedAt: Date;
	readonly key: string;
	private readonly manual: boolean;
	private readonly basedOn: number;
	private readonly previous: T | undefined;

	constructor(
		private readonly context: IExecuteFunctions,
		private readonly options: SyncRunOptions<T>,
		now = new Date(),
	) {
		this.startedAt = now;
		const node = context.getNode().name;
		this.key = positionKey(node, options.scope);
		this.manual = context.getMode() === 'manual';
		const entry = positionMap(context.getWorkflowStaticData('global'), false)?.[this.key];
		this.basedOn = entry?.revision ?? 0;
		if (entry) {
			this.previous = jsonCopy(entry.committed) as T | undefined;
		} else if (options.legacy) {
			this.previous = options.legacy.convert(
				jsonCopy(context.getWorkflowStaticData('node')[options.legacy.key]),
			);
		}
	}

	/** The committed position (a copy), or undefined on a first run. */
	read(): T | undefined {
		return jsonCopy(this.previous);
	}

	/**
	 * Records the position this run read up to. A run that emitted nothing commits at once: nothing
	 * downstream can fail to deliver it. Returns how the position was handled.
	 */
	advance(next: T, emitted: number): 'manual' | 'pending' | 'committed' {
		if (this.manual) return 'manual';
		const context = this.context;
		const nodeName = context.getNode().name;
		const mode = this.options.advance ?? 'auto';
		const downstream = hasCommitDownstream(context, nodeName);
		const wait = mode === 'workflowCompletes' || (mode === 'auto' && downstream);
		if (mode === 'workflowCompletes' && !downstream && emitted > 0) {
			context.addExecutionHints({
				message: SYNC_MESSAGES.commitNodeMissing(nodeName),
				location: 'outputPane',
			});
		}
		if (mode === 'auto' && !downstream && emitted > 0) {
			context.addExecutionHints({
				message: SYNC_MESSAGES.noCommitNode(nodeName),
				location: 'outputPane',
			});
		}
		const map = positionMap(context.getWorkflowStaticData('global'), true) as PositionMap;
		const entry: PositionEntry = map[this.key] ?? {
			node: nodeName,
			scope: jsonCopy(this.options.scope),
			revision: this.basedOn,
		};
		if (
			entry.committed === undefined &&
			this.previous !== undefined &&
			entry.revision === this.basedOn
		) {
			// First write after an older version's node-scope cursor: carry it over as committed.
			entry.committed = jsonCopy(this.previous);
		}
		const executionId = context.getExecutionId();
		entry.pending = {
			executionId,
			value: jsonCopy(next),
			basedOn: this.basedOn,
			stagedAt: new Date().toISOString(),
		};
		// The entry now holds what the node-scope cursor held (as committed), so that copy can go.
		if (this.options.legacy) delete context.getWorkflowStaticData('node')[this.options.legacy.key];
		if (wait && emitted > 0) {
			map[this.key] = entry;
			return 'pending';
		}
		promotePending(entry, executionId, new Date());
		map[this.key] = entry;
		return 'committed';
	}

	/** Adds the hint that Limit is not applied with Incremental, when one was set. */
	limitIgnored(limit: number | undefined): void {
		if (limit === undefined) return;
		this.context.addExecutionHints({
			message: SYNC_MESSAGES.limitIgnored(this.context.getNode().name),
			location: 'outputPane',
		});
	}
}
