import { KNOWN_EXPORT_SOURCES, OTHER_SOURCES, type ExportSourceName } from '../constants';

const BY_SOURCE_STRING = new Map<string, ExportSourceName>(
	Object.entries(KNOWN_EXPORT_SOURCES).map(([name, source]) => [source, name as ExportSourceName]),
);

export interface SourceIdentity {
	/** What rows carry in `_source`: the short name of a known source, else the source string itself. */
	tag: string;
	known: boolean;
}

/**
 * Known sources get their short name. Anything else — a newer `-2025xxxx` version, a new table —
 * is tagged with its full source string so it is never confused with the format this node knows,
 * and never dropped.
 */
export function identifySource(source: string): SourceIdentity {
	const known = BY_SOURCE_STRING.get(source);
	return known ? { tag: known, known: true } : { tag: source, known: false };
}

export function isSourceSelected(source: string, selected: readonly string[]): boolean {
	const identity = identifySource(source);
	return identity.known ? selected.includes(identity.tag) : selected.includes(OTHER_SOURCES);
}
