/** The webhook event types incident.io documents (x-webhooks of its OpenAPI spec). */
export const WEBHOOK_EVENT_TYPES = [
	'private_alert.alert_created_v1',
	'private_alert.alert_resolved_v1',
	'private_escalation.escalation_created_v1',
	'private_escalation.escalation_status_updated_v1',
	'private_incident.action_created_v1',
	'private_incident.action_updated_v1',
	'private_incident.follow_up_created_v1',
	'private_incident.follow_up_created_v2',
	'private_incident.follow_up_updated_v1',
	'private_incident.follow_up_updated_v2',
	'private_incident.incident_created_v2',
	'private_incident.incident_updated_v2',
	'private_incident.membership_granted_v1',
	'private_incident.membership_revoked_v1',
	'private_incident.postmortem_document_status_updated_v1',
	'public_alert.alert_created_v1',
	'public_alert.alert_resolved_v1',
	'public_escalation.escalation_created_v1',
	'public_escalation.escalation_status_updated_v1',
	'public_incident.action_created_v1',
	'public_incident.action_updated_v1',
	'public_incident.follow_up_created_v1',
	'public_incident.follow_up_created_v2',
	'public_incident.follow_up_updated_v1',
	'public_incident.follow_up_updated_v2',
	'public_incident.incident_created_v2',
	'public_incident.incident_status_updated_v2',
	'public_incident.incident_updated_v2',
	'public_incident.postmortem_document_status_updated_v1',
	'schedule.created_v1',
	'schedule.deleted_v1',
	'schedule.shift_change_v1',
	'schedule.updated_v1',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Which show endpoint returns the full record of an event's payload, when one does. */
export function fullRecordPath(
	eventType: string,
	id: string,
): { path: string; key: string } | undefined {
	const encoded = encodeURIComponent(id);
	if (/_incident\.incident_/.test(eventType))
		return { path: `/v2/incidents/${encoded}`, key: 'incident' };
	if (/_incident\.action_/.test(eventType))
		return { path: `/v2/actions/${encoded}`, key: 'action' };
	if (/_incident\.follow_up_/.test(eventType))
		return { path: `/v2/follow_ups/${encoded}`, key: 'follow_up' };
	return undefined;
}

/** "public_incident.incident_updated_v2" → "Public Incident: Incident Updated (v2)". */
export function eventLabel(eventType: string): string {
	const [scope, rest] = eventType.split('.');
	const words = (text: string) =>
		text
			.split('_')
			.map((word) => word.charAt(0).toUpperCase() + word.slice(1))
			.join(' ');
	const version = /_(v\d+)$/.exec(rest)?.[1] ?? '';
	return `${words(scope)}: ${words(rest.replace(/_v\d+$/, ''))}${version ? ` (${version})` : ''}`;
}
