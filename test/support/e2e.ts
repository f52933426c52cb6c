/**
 * What every e2e test file of this project repeats: the pack installed into a fresh n8n home with
 * its credentials and workflows, a server for the tests that need one, and the teardown.
 */
import {
	createN8nHome,
	disposeN8nHarness,
	importCredentials,
	importWorkflows,
	packProject,
	removeN8nHome,
	startN8n,
	type CredentialImport,
	type N8nHome,
	type N8nServer,
} from './n8n';

/** Packs the built project and installs it into a throwaway n8n home, with credentials and workflows imported. */
export async function installProjectHome(
	projectRoot: string,
	setup: { credentials?: CredentialImport[]; workflows?: Array<Record<string, unknown>> } = {},
): Promise<N8nHome> {
	const home = await createN8nHome({ tarball: await packProject(projectRoot) });
	if (setup.credentials?.length) await importCredentials(home, setup.credentials);
	if (setup.workflows?.length) await importWorkflows(home, setup.workflows);
	return home;
}

/** Removes the home and every temporary file and process of the n8n tooling (afterAll). */
export function removeProjectHome(home: N8nHome | undefined): void {
	if (home) removeN8nHome(home);
	disposeN8nHarness();
}

/**
 * Starts n8n for the enclosing describe block and stops it after; the returned getter gives the
 * running server inside its tests. Data Tables, published triggers and webhooks need a server
 * (`n8n execute` starts none of them).
 */
export function useRunningN8n(getHome: () => N8nHome): () => N8nServer {
	let server: N8nServer | undefined;
	beforeAll(async () => {
		server = await startN8n(getHome());
	});
	afterAll(async () => {
		await server?.stop();
	});
	return () => {
		if (!server)
			throw new Error('n8n is not running: useRunningN8n() serves tests inside its describe block');
		return server;
	};
}
