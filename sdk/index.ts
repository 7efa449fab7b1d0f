/** @conveyor/sdk: what a plugin imports. The test harness is `@conveyor/sdk/testing`, the bundler `@conveyor/sdk/bundler`. */
export * from './records.ts';
export * from './schema.ts';
export * from './schema-builder.ts';
export * from './config.ts';
export * from './password.ts';
export * from './capabilities.ts';
export * from './connector.ts';
export * from './base64.ts';
export * from './errors.ts';
export * from './metrics.ts';
export * from './transform.ts';
