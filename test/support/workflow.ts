/**
 * Building blocks of the workflows the e2e and scale tests import into a real n8n: the same
 * Webhook start and straight-line connections in every file, written once.
 */

/**
 * The Webhook node (n8n-nodes-base.webhook v2) that starts a test workflow: POST on `path`,
 * answering as soon as the request is received unless `response` says otherwise (e.g.
 * `{ responseMode: 'lastNode', responseData: 'allEntries' }` to answer with the last node's items).
 */
export function webhookNode(
	path: string,
	webhookId: string,
	response: Record<string, unknown> = { responseMode: 'onReceived' },
): Record<string, unknown> {
	return {
		id: 'w',
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId,
		parameters: { httpMethod: 'POST', path, ...response },
	};
}

/** The connections of nodes that run one after the other, in the order named. */
export function inLine(
	...names: string[]
): Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }>> }> {
	const connections: Record<
		string,
		{ main: Array<Array<{ node: string; type: 'main'; index: number }>> }
	> = {};
	for (let index = 0; index + 1 < names.length; index++) {
		connections[names[index]] = { main: [[{ node: names[index + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}
