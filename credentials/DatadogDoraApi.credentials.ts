import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

/**
 * Datadog keys work only on the site their organisation lives on, so the site picks the host; a
 * custom URL serves proxies and test stand-ins. Sending DORA events needs only the API key;
 * reading, listing, deleting and patching need an Application key as well.
 */
export class DatadogDoraApi implements ICredentialType {
	// n8n's own Datadog credential is named datadogApi; this one is DORA-specific.
	name = 'datadogDoraApi';

	displayName = 'Datadog DORA Metrics API';

	icon: Icon = {
		light: 'file:../nodes/DatadogDora/datadogDora.svg',
		dark: 'file:../nodes/DatadogDora/datadogDora.dark.svg',
	};

	documentationUrl = 'https://docs.datadoghq.com/account_management/api-app-keys/';

	properties: INodeProperties[] = [
		{
			displayName: 'Site',
			name: 'site',
			type: 'options',
			options: [
				{ name: 'AP1 (ap1.datadoghq.com)', value: 'ap1.datadoghq.com' },
				{ name: 'AP2 (ap2.datadoghq.com)', value: 'ap2.datadoghq.com' },
				{ name: 'Custom URL', value: 'custom' },
				{ name: 'EU (datadoghq.eu)', value: 'datadoghq.eu' },
				{ name: 'UK1 (uk1.datadoghq.com)', value: 'uk1.datadoghq.com' },
				{ name: 'US1 (datadoghq.com)', value: 'datadoghq.com' },
				{ name: 'US1-FED (ddog-gov.com) — DORA Metrics Not Offered', value: 'ddog-gov.com' },
				{ name: 'US3 (us3.datadoghq.com)', value: 'us3.datadoghq.com' },
				{ name: 'US5 (us5.datadoghq.com)', value: 'us5.datadoghq.com' },
			],
			default: 'datadoghq.com',
			description:
				'The Datadog site of your organisation: the host you log in to. Keys work only on their own site.',
		},
		{
			displayName:
				'Datadog does not offer DORA Metrics on US1-FED: every DORA request will fail there.',
			name: 'govNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { site: ['ddog-gov.com'] } },
		},
		{
			displayName: 'Custom URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://api.datadoghq.com',
			required: true,
			displayOptions: { show: { site: ['custom'] } },
			description:
				'The API base URL, e.g. a proxy in front of Datadog; requests go to this URL + /api/v2/dora/…',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Organization Settings → API Keys. Enough for sending events.',
		},
		{
			displayName: 'Application Key',
			name: 'applicationKeySecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Organization Settings → Application Keys. Needed to get, list, delete and patch events (permissions dora_metrics_read / dora_metrics_write); not needed to send.',
		},
	];

	// A function rather than generic headers: an empty Application key must not be sent as an
	// empty DD-APPLICATION-KEY header.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const headers: Record<string, string> = {
			'DD-API-KEY': String(credentials.apiKey ?? '').trim(),
		};
		const appKey = String(credentials.applicationKeySecret ?? '').trim();
		if (appKey) headers['DD-APPLICATION-KEY'] = appKey;
		return { ...requestOptions, headers: { ...(requestOptions.headers ?? {}), ...headers } };
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{$credentials.site === "custom" ? String($credentials.baseUrl).trim().replace(/\\/+$/, "") : "https://api." + $credentials.site}}',
			url: '/api/v1/validate',
			method: 'GET',
		},
	};
}
