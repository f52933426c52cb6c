import type { IDataObject } from 'n8n-workflow';

import { isoFromDatadog } from '../../DatadogDora/events';
import { emptyDraft, nameList, textOf, type IncidentDraft } from './draft';

/**
 * Datadog DORA events as the Datadog DORA node's Get / Get Many emit them: simplified
 * (`{id, type, started_at, …}`) or not (`{id, type, attributes: {…}}`).
 */

export const DORA_FAILURE_TYPES = ['dora_failure', 'dora_incident'];
export const DORA_DEPLOYMENT_TYPE = 'dora_deployment';

/** The event's attributes whichever way the node shaped it. */
export function doraAttributes(json: IDataObject): IDataObject {
	const nested = json.attributes;
	return nested && typeof nested === 'object' && !Array.isArray(nested)
		? (nested as IDataObject)
		: json;
}

function doraTime(value: unknown): unknown {
	if (value === undefined || value === null) return null;
	return isoFromDatadog(value);
}

/**
 * A failure is a span of time: `started_at` → started, `finished_at` → resolved (and the status
 * resolved, or active while it has none). DORA failures carry no separate detection, acknowledgement
 * or mitigation, and no created/updated times.
 */
export function fromDoraFailure(json: IDataObject): IncidentDraft {
	const attributes = doraAttributes(json);
	const draft = emptyDraft('datadog', String(json.id));
	draft.title = textOf(attributes.name);
	draft.severity_raw = textOf(attributes.severity);
	const services = attributes.services;
	draft.services = Array.isArray(services) ? nameList(services) : nameList([services]);
	draft.teams = nameList([attributes.team]);
	draft.environment = textOf(attributes.env);
	draft.times.started_at = doraTime(attributes.started_at);
	const finished = doraTime(attributes.finished_at);
	draft.times.resolved_at = finished;
	draft.status_category = textOf(finished) === null ? 'active' : 'resolved';
	return draft;
}
