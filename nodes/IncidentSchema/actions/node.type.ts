/** The operations of the Incident Schema node (one implicit resource: incidents). */
export type IncidentSchemaOperation = 'normalize' | 'computeMetrics' | 'toDoraFailure';
