/** The OpsLevel sandbox: a generated export on a real S3 protocol server, and a fault proxy. */
export * from './generator';
export * from './proxy';
export * from './s3';
