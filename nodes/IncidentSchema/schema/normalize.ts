import type { IDataObject } from 'n8n-workflow';

import { NewestWins } from '../../../lib/dedupe';
import type { IncidentEntity } from '../../FireHydrant/rest/entities';
import type { IncidentRecord } from '../../IncidentIo/flatten';
import type { IncidentRow, IncidentSource } from './columns';
import { fromDoraFailure } from './datadog';
import { DETECTION_FIELDS, detectShape, sourceOfShape, type ItemShape } from './detect';
import { finishRow, incidentKey, textOf, type IncidentDraft } from './draft';
import {
	exportSourceOf,
	fromExportRow,
	fromRestEntity,
	fromTriggerItem,
	noChildren,
	type FireHydrantChildren,
} from './firehydrant';
import { fromFlatRow, fromRawIncident, isIdOnly } from './incidentio';
import { severityRank } from './severity';

export type SourceChoice = 'detect' | IncidentSource;

export interface NormalizeOptions {
	source: SourceChoice;
	includeRaw: boolean;
	/** Severity names, most severe first; overrides every source's own order. */
	severityOrder: string[];
}

export interface NormalizedItem {
	json: IncidentRow & { raw?: IDataObject };
	/** Every input item the row was built from (the kept version, older versions, joined rows). */
	itemIndexes: number[];
}

export interface RejectedItem {
	itemIndex: number;
	message: string;
	description: string;
}

export interface NormalizeResult {
	items: NormalizedItem[];
	rejected: RejectedItem[];
	hints: string[];
}

const SOURCE_LABEL: Record<IncidentSource, string> = {
	firehydrant: 'FireHydrant',
	incident_io: 'incident.io',
	datadog: 'Datadog DORA Metrics',
};

interface Candidate {
	draft: IncidentDraft;
	itemIndex: number;
	raw: IDataObject;
	/** An export incident row or simplified REST incident, joined with export child rows later. */
	exportRow?: IDataObject;
	restEntity?: IncidentEntity;
	triggerItem?: IDataObject;
}

const CHILD_LIST: Record<string, keyof FireHydrantChildren> = {
	incident_role_assignment: 'roleAssignments',
	incident_event: 'events',
	incident_impact: 'impacts',
	retrospective: 'retrospectives',
};

function plural(count: number, one: string, many: string): string {
	return `${count} ${count === 1 ? one : many}`;
}

/**
 * Input items → one row per incident. Pure: what would fail an item is returned as `rejected`
 * (the operation throws or, under Continue On Fail, passes it on), what is skipped is counted in
 * `hints`.
 */
export function normalizeItems(items: IDataObject[], options: NormalizeOptions): NormalizeResult {
	const rejected: RejectedItem[] = [];
	const hints: string[] = [];
	const candidates: Candidate[] = [];
	const childRows = new NewestWins<{ row: IDataObject; itemIndex: number }>();
	let otherExportRows = 0;
	let notIncidentEvents = 0;
	let idOnlyDeliveries = 0;
	let deployments = 0;
	let emptyTriggerItems = 0;
	const flattenWarnings: string[] = [];

	items.forEach((json, itemIndex) => {
		const shape: ItemShape | undefined = detectShape(json);
		if (
			shape === undefined ||
			(options.source !== 'detect' && sourceOfShape(shape) !== options.source)
		) {
			const expected =
				options.source === 'detect' ? 'any supported tool' : SOURCE_LABEL[options.source];
			rejected.push({
				itemIndex,
				message: `Item ${itemIndex} is not an incident from ${expected}`,
				description:
					shape === undefined
						? `Looked for: ${DETECTION_FIELDS}. Connect the output of one of this pack's FireHydrant, incident.io or Datadog DORA Metrics nodes, or set "Source" to the tool the item comes from.`
						: `It looks like an item from ${SOURCE_LABEL[sourceOfShape(shape)]}. Set "Source" to Detect or to ${SOURCE_LABEL[sourceOfShape(shape)]}.`,
			});
			return;
		}
		switch (shape) {
			case 'firehydrant_export_incident':
			case 'firehydrant_rest_simplified':
				candidates.push({
					draft: fromExportRow(json, noChildren()),
					itemIndex,
					raw: json,
					exportRow: json,
				});
				break;
			case 'firehydrant_export_child':
				childRows.offer(`${exportSourceOf(json)}:${String(json.id)}`, textOf(json.updated_at), {
					row: json,
					itemIndex,
				});
				break;
			case 'firehydrant_export_other':
				otherExportRows++;
				break;
			case 'firehydrant_rest_full':
				candidates.push({
					draft: fromRestEntity(json as IncidentEntity, noChildren()),
					itemIndex,
					raw: json,
					restEntity: json as IncidentEntity,
				});
				break;
			case 'firehydrant_trigger': {
				const draft = fromTriggerItem(json, noChildren());
				if (draft === undefined) emptyTriggerItems++;
				else candidates.push({ draft, itemIndex, raw: json, triggerItem: json });
				break;
			}
			case 'incident_io_raw': {
				const mapped = fromRawIncident(json as IncidentRecord);
				flattenWarnings.push(...mapped.warnings.map((warning) => warning.message));
				candidates.push({ draft: mapped.draft, itemIndex, raw: json });
				break;
			}
			case 'incident_io_flat':
				candidates.push({ draft: fromFlatRow(json), itemIndex, raw: json });
				break;
			case 'incident_io_trigger': {
				const data = json.data as IDataObject;
				if (!/_incident\.incident_/.test(String(json.event_type))) notIncidentEvents++;
				else if (isIdOnly(data)) idOnlyDeliveries++;
				else {
					const mapped = fromRawIncident(data as IncidentRecord);
					flattenWarnings.push(...mapped.warnings.map((warning) => warning.message));
					candidates.push({ draft: mapped.draft, itemIndex, raw: json });
				}
				break;
			}
			case 'datadog_failure':
				candidates.push({ draft: fromDoraFailure(json), itemIndex, raw: json });
				break;
			case 'datadog_deployment':
				deployments++;
				break;
		}
	});

	// Join each FireHydrant incident with its export rows (one version per row id).
	const children = new Map<string, { lists: FireHydrantChildren; itemIndexes: number[] }>();
	for (const { row, itemIndex } of childRows.values()) {
		const incidentId = textOf(row.incident_id);
		const source = exportSourceOf(row);
		if (incidentId === null || source === undefined) continue;
		const entry = children.get(incidentId) ?? { lists: noChildren(), itemIndexes: [] };
		entry.lists[CHILD_LIST[source]].push(row);
		entry.itemIndexes.push(itemIndex);
		children.set(incidentId, entry);
	}
	const joined = new Set<string>();
	for (const candidate of candidates) {
		if (candidate.draft.source !== 'firehydrant') continue;
		const entry = children.get(candidate.draft.source_id);
		if (!entry) continue;
		joined.add(candidate.draft.source_id);
		if (candidate.exportRow) candidate.draft = fromExportRow(candidate.exportRow, entry.lists);
		else if (candidate.restEntity)
			candidate.draft = fromRestEntity(candidate.restEntity, entry.lists);
		else if (candidate.triggerItem)
			candidate.draft = fromTriggerItem(candidate.triggerItem, entry.lists) ?? candidate.draft;
	}
	let orphans = 0;
	for (const [incidentId, entry] of children)
		if (!joined.has(incidentId)) orphans += entry.itemIndexes.length;

	// Severity ranks need every incident.io severity of the input (their rank counts upwards).
	let highestIncidentIoRank = 0;
	for (const { draft } of candidates) {
		if (draft.source === 'incident_io' && draft.native_severity_rank !== null)
			highestIncidentIoRank = Math.max(highestIncidentIoRank, draft.native_severity_rank);
	}

	const newest = new NewestWins<{ json: NormalizedItem['json']; itemIndex: number }>();
	const contributors = new Map<string, number[]>();
	const unparseable: string[] = [];
	for (const candidate of candidates) {
		const rank = severityRank(candidate.draft, {
			severityOrder: options.severityOrder,
			highestIncidentIoRank,
		});
		const { row, unparseable: columns } = finishRow(candidate.draft, rank);
		for (const column of columns) unparseable.push(`item ${candidate.itemIndex} ${column}`);
		const json: NormalizedItem['json'] = options.includeRaw ? { ...row, raw: candidate.raw } : row;
		const key = incidentKey(candidate.draft.source, candidate.draft.source_id);
		const indexes = contributors.get(key) ?? [];
		indexes.push(candidate.itemIndex);
		if (candidate.draft.source === 'firehydrant')
			indexes.push(...(children.get(candidate.draft.source_id)?.itemIndexes ?? []));
		contributors.set(key, indexes);
		newest.offer(key, row.updated_at, { json, itemIndex: candidate.itemIndex });
	}
	const output: NormalizedItem[] = [];
	for (const { json } of newest.values()) {
		output.push({
			json,
			itemIndexes: [...new Set(contributors.get(json.incident_key) ?? [])].sort((a, b) => a - b),
		});
	}

	if (unparseable.length > 0) {
		hints.push(
			`${plural(unparseable.length, 'timestamp', 'timestamps')} did not parse and ${unparseable.length === 1 ? 'was' : 'were'} left null (${unparseable.slice(0, 5).join(', ')}${unparseable.length > 5 ? ', …' : ''}). Timestamps must be ISO 8601 or "YYYY-MM-DD HH:MM:SS UTC".`,
		);
	}
	if (orphans > 0) {
		hints.push(
			`${plural(orphans, 'FireHydrant export row', 'FireHydrant export rows')} (role assignments, events, impacts, retrospectives) had no incident row in the input and ${orphans === 1 ? 'was' : 'were'} not used. Include the "incident" source in Export Data → Get Rows.`,
		);
	}
	if (otherExportRows > 0)
		hints.push(
			`${plural(otherExportRows, 'FireHydrant export row', 'FireHydrant export rows')} of an unknown source were skipped.`,
		);
	if (emptyTriggerItems > 0)
		hints.push(
			`${plural(emptyTriggerItems, 'FireHydrant Trigger item carries', 'FireHydrant Trigger items carry')} no incident and ${emptyTriggerItems === 1 ? 'was' : 'were'} skipped.`,
		);
	if (notIncidentEvents > 0)
		hints.push(
			`${plural(notIncidentEvents, 'incident.io delivery is', 'incident.io deliveries are')} not about an incident (actions, follow-ups, alerts…) and ${notIncidentEvents === 1 ? 'was' : 'were'} skipped.`,
		);
	if (idOnlyDeliveries > 0)
		hints.push(
			`${plural(idOnlyDeliveries, 'incident.io delivery carries', 'incident.io deliveries carry')} only an incident ID (private incidents) and ${idOnlyDeliveries === 1 ? 'was' : 'were'} skipped. Set the trigger's "Fetch Full Record" to fetch them.`,
		);
	if (deployments > 0)
		hints.push(
			`${plural(deployments, 'Datadog deployment event is', 'Datadog deployment events are')} not an incident and ${deployments === 1 ? 'was' : 'were'} skipped; Compute Metrics reads deployments for the change failure rate.`,
		);
	hints.push(...flattenWarnings);
	return { items: output, rejected, hints };
}
