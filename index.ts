/**
 * The package's public surface: its node and credential classes, nothing else. n8n itself loads
 * them from the `n8n` block of package.json; this entry point exists for tools that import the
 * package. Internals (lib/, each vendor's domain and transport layers) are not part of the API and
 * may change in any release.
 */
export { DatadogDoraApi } from './credentials/DatadogDoraApi.credentials';
export { FireHydrantApi } from './credentials/FireHydrantApi.credentials';
export { IncidentIoApi } from './credentials/IncidentIoApi.credentials';
export { OpsLevelS3Api } from './credentials/OpsLevelS3Api.credentials';

export { DatadogDora } from './nodes/DatadogDora/DatadogDora.node';
export { FireHydrant } from './nodes/FireHydrant/FireHydrant.node';
export { FireHydrantExportTrigger } from './nodes/FireHydrant/FireHydrantExportTrigger.node';
export { FireHydrantTrigger } from './nodes/FireHydrant/FireHydrantTrigger.node';
export { IncidentDataSync } from './nodes/IncidentDataSync/IncidentDataSync.node';
export { IncidentIo } from './nodes/IncidentIo/IncidentIo.node';
export { IncidentIoTrigger } from './nodes/IncidentIo/IncidentIoTrigger.node';
export { IncidentSchema } from './nodes/IncidentSchema/IncidentSchema.node';
export { OpsLevel } from './nodes/OpsLevel/OpsLevel.node';
export { OpsLevelTrigger } from './nodes/OpsLevel/OpsLevelTrigger.node';
