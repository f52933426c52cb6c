import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/**
 * An incident.io API key. Keys are scoped: reading incidents and settings needs "View data, like
 * public incidents and organisation settings", private incidents "View all incident data", the
 * catalog "View catalog types and entries".
 */
export class IncidentIoApi implements ICredentialType {
	name = 'incidentIoApi';

	displayName = 'incident.io API';

	icon: Icon = {
		light: 'file:../nodes/IncidentIo/incidentio.svg',
		dark: 'file:../nodes/IncidentIo/incidentio.dark.svg',
	};

	documentationUrl = 'https://api-docs.incident.io/tag/Authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'An API key from incident.io: Settings → API keys. Give it "View data, like public incidents and organisation settings", "View catalog types and entries", and "View all incident data" for private incidents.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.incident.io',
			description:
				'The API host without a path; change it only for a proxy in front of incident.io',
		},
		{
			displayName: 'Webhook Signing Secret',
			name: 'webhookSigningSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'whsec_…',
			description:
				'Only for the incident.io Trigger: the signing secret of the webhook endpoint (Settings → Webhooks → your endpoint), starting with whsec_',
		},
	];

	// A key pasted with its "Bearer " prefix must not end up as "Bearer Bearer …".
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization:
					'={{"Bearer " + String($credentials.apiKey).trim().replace(/^Bearer\\s+/i, "")}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{String($credentials.baseUrl || "https://api.incident.io").trim().replace(/\\/+$/, "")}}',
			url: '/v1/identity',
			method: 'GET',
		},
	};
}
