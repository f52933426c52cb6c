import type { IDataObject } from 'n8n-workflow';

import { DORA_DEPLOYMENT_TYPE, DORA_FAILURE_TYPES } from './datadog';
import { FH_CHILD_SOURCES, exportSourceOf } from './firehydrant';

/**
 * Which tool and shape an item came from, told from its fields alone. Every rule names fields that
 * the emitting node always writes, so an item cannot match two rules.
 */
export type ItemShape =
	| 'firehydrant_export_incident'
	| 'firehydrant_export_child'
	| 'firehydrant_export_other'
	| 'firehydrant_rest_simplified'
	| 'firehydrant_rest_full'
	| 'firehydrant_trigger'
	| 'incident_io_raw'
	| 'incident_io_flat'
	| 'incident_io_trigger'
	| 'datadog_failure'
	| 'datadog_deployment';

/** The fields the rules look at; named in the error for an item that matches none. */
export const DETECTION_FIELDS =
	'_source (FireHydrant Export Data), opened_at + active_duration (FireHydrant Incident, simplified), milestones or current_milestone (FireHydrant Incident), resourceType + data.incident (FireHydrant Trigger), reference + incident_status or status_category (incident.io Incident), event_type + data (incident.io Trigger), type dora_failure / dora_deployment (Datadog DORA Metrics)';

const isObject = (value: unknown): value is IDataObject =>
	typeof value === 'object' && value !== null && !Array.isArray(value);
const has = (json: IDataObject, key: string) => Object.prototype.hasOwnProperty.call(json, key);

export function detectShape(json: IDataObject): ItemShape | undefined {
	const exportSource = exportSourceOf(json);
	if (exportSource !== undefined) {
		if (exportSource === 'incident') return 'firehydrant_export_incident';
		if ((FH_CHILD_SOURCES as readonly string[]).includes(exportSource))
			return 'firehydrant_export_child';
		return 'firehydrant_export_other';
	}
	if (typeof json.event_type === 'string' && isObject(json.data)) return 'incident_io_trigger';
	if (
		typeof json.resourceType === 'string' &&
		typeof json.operation === 'string' &&
		(isObject(json.data) || isObject(json.incident))
	) {
		return 'firehydrant_trigger';
	}
	const type = typeof json.type === 'string' ? json.type : undefined;
	if (type !== undefined && DORA_FAILURE_TYPES.includes(type) && has(json, 'id'))
		return 'datadog_failure';
	if (type === DORA_DEPLOYMENT_TYPE && has(json, 'id')) return 'datadog_deployment';
	if (typeof json.id === 'string' && typeof json.reference === 'string') {
		if (isObject(json.incident_status) || Array.isArray(json.custom_field_entries))
			return 'incident_io_raw';
		if (has(json, 'status_category')) return 'incident_io_flat';
	}
	if (
		typeof json.id === 'string' &&
		(Array.isArray(json.milestones) || typeof json.current_milestone === 'string')
	)
		return 'firehydrant_rest_full';
	if (typeof json.id === 'string' && has(json, 'opened_at') && has(json, 'active_duration'))
		return 'firehydrant_rest_simplified';
	return undefined;
}

/** The source a shape belongs to, for a fixed Source parameter. */
export function sourceOfShape(shape: ItemShape): 'firehydrant' | 'incident_io' | 'datadog' {
	if (shape.startsWith('firehydrant')) return 'firehydrant';
	if (shape.startsWith('incident_io')) return 'incident_io';
	return 'datadog';
}
