import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { IncidentIoApi } from '../../../../credentials/IncidentIoApi.credentials';
import { IncidentIo } from '../../../../nodes/IncidentIo/IncidentIo.node';
import { IncidentIoTrigger } from '../../../../nodes/IncidentIo/IncidentIoTrigger.node';
import { WEBHOOK_EVENT_TYPES } from '../../../../nodes/IncidentIo/events';

const RESOURCES = [
	'incident',
	'action',
	'followUp',
	'incidentUpdate',
	'customField',
	'customFieldOption',
	'incidentRole',
	'incidentStatus',
	'incidentTimestamp',
	'incidentType',
	'severity',
	'user',
	'catalogType',
	'catalogEntry',
];

describe('incident.io node description', () => {
	const { description } = new IncidentIo();
	const properties = description.properties;

	it('is usable as a tool and offers every stream of the tap plus the catalog', () => {
		expect(description.usableAsTool).toBe(true);
		const resource = properties.find((property) => property.name === 'resource') as INodeProperties;
		expect(
			(resource.options as INodePropertyOptions[]).map((option) => option.value).sort(),
		).toEqual([...RESOURCES].sort());
	});

	it('gives every resource Get Many (and Get where the API can show one record), each with an action text', () => {
		for (const resource of RESOURCES) {
			const picker = properties.find(
				(property) =>
					property.name === 'operation' &&
					property.displayOptions?.show?.resource?.includes(resource),
			) as INodeProperties;
			const options = picker.options as INodePropertyOptions[];
			expect(options.map((option) => option.value)).toEqual(
				resource === 'incidentUpdate' ? ['getMany'] : ['get', 'getMany'],
			);
			expect(
				options.every((option) => typeof option.action === 'string' && option.action.length > 0),
			).toBe(true);
		}
	});

	it('flattens by default only in the tool variant', () => {
		const flatten = properties.filter((property) => property.name === 'flatten');
		const forTool = flatten.filter(
			(property) => property.displayOptions?.show?.['@tool']?.[0] === true,
		);
		const forWorkflows = flatten.filter(
			(property) => property.displayOptions?.show?.['@tool']?.[0] === false,
		);
		expect(forTool.every((property) => property.default === true)).toBe(true);
		expect(forWorkflows.every((property) => property.default === false)).toBe(true);
		expect(forTool.length).toBe(2);
	});
});

describe('incident.io credential and trigger', () => {
	it('tests the key against /v1/identity on https://api.incident.io by default', () => {
		const credential = new IncidentIoApi();
		expect(credential.test.request.url).toBe('/v1/identity');
		expect(credential.properties.find((property) => property.name === 'baseUrl')?.default).toBe(
			'https://api.incident.io',
		);
		expect(
			credential.properties.find((property) => property.name === 'apiKey')?.typeOptions?.password,
		).toBe(true);
	});

	it('offers every documented event type and says endpoints are registered in the dashboard', async () => {
		const trigger = new IncidentIoTrigger();
		const events = trigger.description.properties.find(
			(property) => property.name === 'events',
		) as INodeProperties;
		expect((events.options as INodePropertyOptions[]).map((option) => option.value)).toEqual([
			...WEBHOOK_EVENT_TYPES,
		]);
		const notice = trigger.description.properties.find((property) => property.type === 'notice');
		expect(notice?.displayName).toContain('Settings → Webhooks');
		expect(trigger.description.inputs).toEqual([]);
		const logs: string[] = [];
		const hooks = trigger.webhookMethods.default;
		const context = {
			logger: { info: (message: string) => logs.push(message) },
			getNodeWebhookUrl: () => 'https://n8n.example.com/webhook/x/webhook',
		};
		expect(await hooks.checkExists.call(context as never)).toBe(false);
		expect(await hooks.create.call(context as never)).toBe(true);
		expect(await hooks.delete.call(context as never)).toBe(true);
		expect(logs.join(' ')).toContain('no API to register');
		expect(logs.join(' ')).toContain('https://n8n.example.com/webhook/x/webhook');
	});
});
