/**
 * The Datadog DORA module of the sandbox.
 */

export { DatadogModule, DATADOG_PREFIX, unixToMs } from './module';
export type * from './types';
