import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Request/response pairs recorded against the real Datadog API by Datadog's own TypeScript client
 * tests (DataDog/datadog-api-client-typescript, cassettes/v2/DORA-Metrics_482886860/), reduced to
 * method, url, JSON body and status; copied from the vendor notes. The contract both the node and
 * this sandbox are held to.
 */
export interface RecordedExchange {
	recording: string;
	recorded_at: string;
	request: { method: string; url: string; body: unknown };
	response: { status: number; content_type: string; body: unknown };
}

export const RECORDED_EXCHANGES: RecordedExchange[] = JSON.parse(
	fs.readFileSync(path.join(__dirname, 'recorded-exchanges.json'), 'utf8'),
) as RecordedExchange[];

export function recorded(name: string): RecordedExchange {
	const found = RECORDED_EXCHANGES.find((exchange) => exchange.recording.startsWith(name));
	if (!found) throw new Error(`no recorded exchange starts with "${name}"`);
	return found;
}

/** The recorded URL's path, e.g. `/api/v2/dora/failures`. */
export function recordedPath(exchange: RecordedExchange): string {
	return new URL(exchange.request.url).pathname;
}
