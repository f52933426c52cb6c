import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type {
	INodeProperties,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { DatadogDora } from '../../../nodes/DatadogDora/DatadogDora.node';
import { FireHydrant } from '../../../nodes/FireHydrant/FireHydrant.node';
import { FireHydrantExportTrigger } from '../../../nodes/FireHydrant/FireHydrantExportTrigger.node';
import { FireHydrantTrigger } from '../../../nodes/FireHydrant/FireHydrantTrigger.node';
import { IncidentIo } from '../../../nodes/IncidentIo/IncidentIo.node';
import { IncidentIoTrigger } from '../../../nodes/IncidentIo/IncidentIoTrigger.node';
import { OpsLevel } from '../../../nodes/OpsLevel/OpsLevel.node';
import { OpsLevelTrigger } from '../../../nodes/OpsLevel/OpsLevelTrigger.node';

/**
 * What a user reads in n8n 2.41.1's editor, computed here the way the editor computes it
 * (editor-ui's generateMergedNodesAndActions and its action generator), independently of the nodes:
 *  - a trigger whose type name minus "Trigger" is another node's type name is merged into that
 *    node's picker entry, which then shows the TRIGGER's description and the NODE's codex;
 *  - a resource's actions are listed under the heading "<resource name> Actions";
 *  - each action reads as the operation's `action` text.
 */
const NODES: INodeType[] = [
	new DatadogDora(),
	new FireHydrant(),
	new FireHydrantExportTrigger(),
	new FireHydrantTrigger(),
	new IncidentIo(),
	new IncidentIoTrigger(),
	new OpsLevel(),
	new OpsLevelTrigger(),
];
const NODES_DIR = path.resolve(__dirname, '../../../nodes');

function descriptionOf(name: string): INodeTypeDescription {
	const found = NODES.find((node) => node.description.name === name);
	if (!found) throw new Error(`no node ${name}`);
	return found.description;
}

/** The codex beside a node's class: in the node's own folder, or its vendor's folder for a trigger kept there. */
function codexAliases(file: string): string[] {
	const folder = readdirSync(NODES_DIR).find((candidate) =>
		existsSync(path.join(NODES_DIR, candidate, `${file}.node.json`)),
	);
	if (!folder) throw new Error(`no codex ${file}.node.json under nodes/`);
	const codex = JSON.parse(
		readFileSync(path.join(NODES_DIR, folder, `${file}.node.json`), 'utf8'),
	) as { alias?: string[] };
	return codex.alias ?? [];
}

/** The picker entries n8n merges: [action node, trigger]. */
function mergedPairs(): Array<[INodeTypeDescription, INodeTypeDescription]> {
	const pairs: Array<[INodeTypeDescription, INodeTypeDescription]> = [];
	for (const trigger of NODES.map((node) => node.description).filter((description) =>
		description.group.includes('trigger'),
	)) {
		const action = NODES.find(
			(node) => node.description.name === trigger.name.replace('Trigger', ''),
		);
		if (action) pairs.push([action.description, trigger]);
	}
	return pairs;
}

function operationActions(
	description: INodeTypeDescription,
	resource: string,
): INodePropertyOptions[] {
	const picker = description.properties.find(
		(property) =>
			property.name === 'operation' && property.displayOptions?.show?.resource?.includes(resource),
	) as INodeProperties;
	return picker.options as INodePropertyOptions[];
}

function resourceOptions(description: INodeTypeDescription): INodePropertyOptions[] {
	const resource = description.properties.find((property) => property.name === 'resource');
	return (resource?.options ?? []) as INodePropertyOptions[];
}

describe('node picker entries that merge a node with its trigger', () => {
	it('merges exactly FireHydrant, incident.io and OpsLevel with their webhook and polling triggers', () => {
		expect(mergedPairs().map(([action, trigger]) => `${action.name}+${trigger.name}`)).toEqual([
			'fireHydrant+fireHydrantTrigger',
			'incidentIo+incidentIoTrigger',
			'opsLevel+opsLevelTrigger',
		]);
	});

	// The merged entry shows the trigger's description: it must say what the actions do as well.
	it.each([
		[
			'fireHydrantTrigger',
			/\bread\b.*\bincidents\b.*\bexport rows\b/i,
			/\bstart a workflow\b.*\bwebhooks?\b/i,
		],
		[
			'incidentIoTrigger',
			/\bread\b.*\bincidents\b.*\bfollow-ups\b/i,
			/\bstart a workflow\b.*\bwebhooks?\b/i,
		],
		['opsLevelTrigger', /\bread\b.*\bdata exports\b/i, /\bstart a workflow\b.*\bexport push\b/i],
	])(
		'%s: the merged entry describes both the reading actions and the trigger',
		(name, reads, starts) => {
			const description = descriptionOf(name).description;
			expect(description).toMatch(reads);
			expect(description).toMatch(starts);
		},
	);

	it.each(['fireHydrant', 'incidentIo', 'opsLevel'])(
		'%s: the action node describes its reading only, no trigger',
		(name) => {
			const description = descriptionOf(name).description;
			expect(description).toMatch(/^Read /);
			expect(description).not.toMatch(/\b(starts?|trigger|webhook)\b/i);
		},
	);

	it.each([
		['FireHydrant', 'FireHydrantTrigger'],
		['IncidentIo', 'IncidentIoTrigger'],
		['OpsLevel', 'OpsLevelTrigger'],
	])(
		'%s: the merged entry (searched by the node codex) is found by every alias of the trigger too',
		(node, trigger) => {
			const nodeAliases = codexAliases(node);
			for (const alias of codexAliases(trigger)) expect(nodeAliases).toContain(alias);
		},
	);
});

describe('action texts and headings', () => {
	it('reads "Get a user", "Get an incident" … with the article the word is spoken with', () => {
		const incidentIo = descriptionOf('incidentIo');
		const getAction = (resource: string) =>
			operationActions(incidentIo, resource).find((option) => option.value === 'get')?.action;
		expect(getAction('user')).toBe('Get a user');
		expect(getAction('incident')).toBe('Get an incident');
		expect(getAction('action')).toBe('Get an action item');
		expect(getAction('followUp')).toBe('Get a follow-up');
		expect(getAction('severity')).toBe('Get a severity');
		expect(getAction('customFieldOption')).toBe('Get a custom field option');
		expect(getAction('catalogEntry')).toBe('Get a catalog entry');
	});

	it('never heads a resource\'s actions with a doubled word such as "Action Actions"', () => {
		for (const node of NODES) {
			for (const option of resourceOptions(node.description)) {
				const heading = `${option.name} Actions`.toLowerCase().split(' ');
				const [last, beforeLast] = [heading[heading.length - 1], heading[heading.length - 2]];
				expect(`${node.description.name}: ${beforeLast} ${last}`).not.toBe(
					`${node.description.name}: action actions`,
				);
			}
		}
	});

	it('names the incident.io resource "Action Item" while keeping its stored value "action"', () => {
		const option = resourceOptions(descriptionOf('incidentIo')).find(
			(candidate) => candidate.value === 'action',
		);
		expect(option?.name).toBe('Action Item');
		expect(
			operationActions(descriptionOf('incidentIo'), 'action').find(
				(candidate) => candidate.value === 'getMany',
			)?.action,
		).toBe('Get many action items');
	});
});

describe('Datadog DORA required fields', () => {
	const properties = descriptionOf('datadogDora').properties;
	const field = (name: string, resource: string) =>
		properties.find(
			(property) =>
				property.name === name &&
				property.displayOptions?.show?.resource?.includes(resource) &&
				property.displayOptions?.show?.operation?.includes('send'),
		);

	it.each(['failure', 'deployment'])(
		'marks Started At required for %s → Send, as the send refuses an empty one',
		(resource) => {
			expect(field('startedAt', resource)?.required).toBe(true);
		},
	);

	it('marks Finished At required for deployments only', () => {
		expect(field('finishedAt', 'deployment')?.required).toBe(true);
		expect(field('finishedAt', 'failure')?.required).toBe(false);
	});
});
