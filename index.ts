/**
 * n8n loads nodes and credentials from the `n8n` block of package.json; this entry point exports
 * the same classes and the vendor-neutral library for use outside n8n (scripts, other packages).
 */
export { FireHydrantApi } from './credentials/FireHydrantApi.credentials';
export { FireHydrant } from './nodes/FireHydrant/FireHydrant.node';
export { FireHydrantExportTrigger } from './nodes/FireHydrantExportTrigger/FireHydrantExportTrigger.node';

export * from './lib';
export { StaticDataCursor } from './lib/cursor';
export { vendorRequest, vendorApiError, type VendorApi, type RequestContext } from './lib/transport';
export { shapeExportRow, DEFAULT_ROW_SHAPE, type RowShapeOptions } from './nodes/FireHydrant/exports/rows';
export { identifySource } from './nodes/FireHydrant/exports/sources';
export { fireHydrantBaseUrl, fireHydrantErrorMessage } from './nodes/FireHydrant/transport';
