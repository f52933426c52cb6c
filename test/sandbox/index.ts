import { DatadogModule } from './datadog/module';
import type { DatadogSandbox, DatadogSeedOptions } from './datadog/types';
import { FireHydrantModule } from './firehydrant/module';
import type { FireHydrantSandbox, FireHydrantSeedOptions } from './firehydrant/types';
import type { IncidentIoSeedOptions } from './incident-io/data';
import { IncidentIoModule } from './incident-io/module';
import { SandboxServer, type RecordedRequest } from './server';

/**
 * A local stand-in for the vendor APIs this package talks to, on one loopback HTTP server.
 * Started and stopped by tests, the demo and the benchmark; seeded and deterministic.
 *
 *   const sandbox = await startSandbox({ seed: 7, fireHydrant: { incidents: 50 } });
 *   // FireHydrant answers at sandbox.baseUrl (/v1/...), exports download from /storage/...
 *   // a sandbox in another process is steered through sandbox.baseUrl + '/__sandbox/...'
 *   await sandbox.close();
 *
 * Vendors are modules (test/sandbox/<vendor>/); FireHydrant is served at the root. Vendors added
 * later whose paths collide with FireHydrant's (`/v1/...`) claim a prefix of their own.
 */

export type { RecordedRequest, RequestKind } from './server';
export type {
	AddExportRequestInput,
	CutDownloadOptions,
	ExpectedRowsOptions,
	ExportRequestRecord,
	ExportStatus,
	FireHydrantFaults,
	FireHydrantSandbox,
	FireHydrantSeedOptions,
	FireHydrantTotals,
	RateLimitHeader,
	RateLimitOptions,
} from './firehydrant/types';

export interface SandboxOptions {
	/** Default 127.0.0.1. */
	host?: string;
	/** Default 0: a free port. */
	port?: number;
	/** Default 1. */
	seed?: number;
	fireHydrant?: FireHydrantSeedOptions;
	incidentIo?: IncidentIoSeedOptions;
	datadog?: DatadogSeedOptions;
}

export interface Sandbox {
	/** `http://127.0.0.1:<port>`, no trailing slash. */
	baseUrl: string;
	fireHydrant: FireHydrantSandbox;
	/** incident.io, served under `<baseUrl>/incident-io`. */
	incidentIo: IncidentIoModule;
	/** Datadog DORA Metrics, served under `<baseUrl>/datadog`. */
	datadog: DatadogSandbox;
	/** Every request in arrival order (API, downloads and control), live. */
	requests: RecordedRequest[];
	/** Back to the start state: faults, custom data, settings, and an empty request log. */
	reset(): void;
	close(): Promise<void>;
}

export const DEFAULT_SEED = 1;

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const seed = options.seed ?? DEFAULT_SEED;
	if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
	const fireHydrant = new FireHydrantModule(seed, options.fireHydrant);
	// FireHydrant owns the root; every other vendor is served under a prefix of its own.
	const datadog = new DatadogModule(seed, options.datadog);
	const incidentIo = new IncidentIoModule(seed, options.incidentIo);
	const server = new SandboxServer([fireHydrant, datadog, incidentIo]);
	const baseUrl = await server.listen(options.host ?? '127.0.0.1', options.port ?? 0);
	fireHydrant.attach(baseUrl);
	datadog.attach(baseUrl);
	incidentIo.attach(baseUrl);
	return {
		baseUrl,
		fireHydrant,
		datadog,
		incidentIo,
		requests: server.requests,
		reset: () => server.reset(),
		close: () => server.close(),
	};
}
