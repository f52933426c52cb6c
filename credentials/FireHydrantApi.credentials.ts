import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/**
 * A FireHydrant API token works only against its own region, so the region picks the host; a
 * custom base URL serves proxies and test stand-ins.
 */
export class FireHydrantApi implements ICredentialType {
	name = 'fireHydrantApi';

	displayName = 'FireHydrant API';

	icon: Icon = {
		light: 'file:../nodes/FireHydrant/firehydrant.svg',
		dark: 'file:../nodes/FireHydrant/firehydrant.dark.svg',
	};

	documentationUrl = 'https://docs.firehydrant.com/docs/api-keys';

	properties: INodeProperties[] = [
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'A bot token from FireHydrant: Settings → API keys. Data exports need a token of an Owner.',
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			options: [
				{ name: 'US (api.firehydrant.io)', value: 'us' },
				{ name: 'EU (api.eu.firehydrant.io)', value: 'eu' },
				{ name: 'Custom Base URL', value: 'custom' },
			],
			default: 'us',
			description:
				'The region your FireHydrant account lives in. A token works only in its own region.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://api.firehydrant.io',
			required: true,
			displayOptions: { show: { region: ['custom'] } },
			description: 'The API host without a path, e.g. a proxy in front of FireHydrant',
		},
		{
			displayName: 'Webhook Signing Secret',
			name: 'webhookSigningSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Only for the FireHydrant Trigger: the secret FireHydrant signs webhook deliveries with. The trigger sends it to FireHydrant when it registers its URL; use a long random value. Changing it and publishing the workflow again registers the webhook anew.',
		},
	];

	// FireHydrant's SDK sends a Bearer token and its docs show the bare token; both are accepted,
	// and a token pasted with its "Bearer " prefix must not end up as "Bearer Bearer …".
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization:
					'={{"Bearer " + String($credentials.apiToken).trim().replace(/^Bearer\\s+/i, "")}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{$credentials.region === "custom" ? String($credentials.baseUrl).trim().replace(/\\/+$/, "") : ($credentials.region === "eu" ? "https://api.eu.firehydrant.io" : "https://api.firehydrant.io")}}',
			url: '/v1/ping',
			method: 'GET',
		},
	};
}
