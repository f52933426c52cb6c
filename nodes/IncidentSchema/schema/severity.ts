import type { IncidentDraft } from './draft';

/** `SEV1`, `SEV-2`, `sev 3`, `Severity 1` → the number (FireHydrant's and common Datadog names). */
const NUMBERED = /^sev(?:erity)?[\s_-]*(\d+)$/i;

export interface SeverityContext {
	/** Names most severe first (the node's Severity Order option); wins over everything else. */
	severityOrder: string[];
	/** The highest incident.io severity rank in the input. */
	highestIncidentIoRank: number;
}

/**
 * Rank 1 = most severe. From, in order: the Severity Order option; incident.io's own rank (which
 * counts the other way: higher is more severe), turned around against the highest rank in the
 * input; a numbered name (`SEV1` → 1, FireHydrant's convention). Otherwise null.
 */
export function severityRank(draft: IncidentDraft, context: SeverityContext): number | null {
	const name = draft.severity_raw;
	if (name === null) return null;
	const position = context.severityOrder.findIndex(
		(entry) => entry.trim().toLowerCase() === name.trim().toLowerCase(),
	);
	if (position >= 0) return position + 1;
	if (draft.source === 'incident_io' && draft.native_severity_rank !== null)
		return context.highestIncidentIoRank - draft.native_severity_rank + 1;
	const numbered = NUMBERED.exec(name.trim());
	return numbered ? Number(numbered[1]) : null;
}
