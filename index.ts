/**
 * n8n loads nodes and credentials from the `n8n` block of package.json; this entry point exports
 * the same classes and the vendor-neutral library for use outside n8n (scripts, other packages).
 */
export { DatadogDoraApi } from './credentials/DatadogDoraApi.credentials';
export { DatadogDora } from './nodes/DatadogDora/DatadogDora.node';
export { deriveEventId, toUnixNanos, isoFromDatadog } from './nodes/DatadogDora/events';
export { walkWindow } from './nodes/DatadogDora/list';
export { mapWithLimit } from './lib/concurrency';
export { FireHydrantApi } from './credentials/FireHydrantApi.credentials';
export { FireHydrant } from './nodes/FireHydrant/FireHydrant.node';
export { FireHydrantExportTrigger } from './nodes/FireHydrantExportTrigger/FireHydrantExportTrigger.node';
export { FireHydrantTrigger } from './nodes/FireHydrantTrigger/FireHydrantTrigger.node';
export { IncidentDataSync } from './nodes/IncidentDataSync/IncidentDataSync.node';
export { IncidentIoApi } from './credentials/IncidentIoApi.credentials';
export { IncidentIo } from './nodes/IncidentIo/IncidentIo.node';
export { IncidentIoTrigger } from './nodes/IncidentIo/IncidentIoTrigger.node';
export { flattenIncident } from './nodes/IncidentIo/flatten';
export { IncidentSchema } from './nodes/IncidentSchema/IncidentSchema.node';
export { OpsLevelS3Api } from './credentials/OpsLevelS3Api.credentials';
export { OpsLevel } from './nodes/OpsLevel/OpsLevel.node';
export { OpsLevelTrigger } from './nodes/OpsLevel/OpsLevelTrigger.node';
export { OpsLevelBucket, bucketSettings, s3ClientConfig } from './nodes/OpsLevel/transport';
export { parseDropKey, pushTimestamp, comparePushOrder } from './nodes/OpsLevel/drops/keys';
export { currentState, collectChanges, groupPushes } from './nodes/OpsLevel/drops/pushes';
export { shapeRecord as shapeOpsLevelRecord, isTombstone } from './nodes/OpsLevel/drops/rows';
export { verifySvixSignature, svixSignature } from './lib/signatures';

export * from './lib';
export { PollPosition, SyncRun } from './lib/incremental';
export { vendorRequest, vendorApiError, type VendorApi, type RequestContext } from './lib/transport';
export { shapeExportRow, DEFAULT_ROW_SHAPE, type RowShapeOptions } from './nodes/FireHydrant/exports/rows';
export { identifySource } from './nodes/FireHydrant/exports/sources';
export { fireHydrantBaseUrl, fireHydrantErrorMessage } from './nodes/FireHydrant/transport';
