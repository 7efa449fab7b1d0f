export * from './records.ts';
export * from './schema.ts';
export * from './config.ts';
export * from './capabilities.ts';
export * from './connector.ts';
export * from './base64.ts';
