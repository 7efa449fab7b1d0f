import { BUILTIN_PREDICATES } from '../predicates/predicates.ts';
import { castPlugins } from './cast.ts';
import { extractNewRecordStatePlugin } from './debezium/extract-new-record-state.ts';
import { extractFieldPlugins, hoistFieldPlugins } from './extract-hoist.ts';
import { flattenPlugins } from './flatten.ts';
import { dropHeadersPlugin, headerFromPlugins, insertHeaderPlugin } from './headers.ts';
import { insertFieldPlugins } from './insert-field.ts';
import { maskFieldPlugins } from './mask-field.ts';
import { setSchemaMetadataPlugins, valueToKeyPlugin } from './metadata.ts';
import { PluginRegistry } from './registry.ts';
import { replaceFieldPlugins } from './replace-field.ts';
import { filterPlugin, regexRouterPlugin, timestampRouterPlugin } from './routers.ts';
import { timestampConverterPlugins } from './timestamp-converter.ts';
import type { PredicatePlugin, TransformPlugin } from './types.ts';

/** Kafka Connect's standard transformations plus Debezium's unwrap (ExtractNewRecordState), sorted by class name. */
export const BUILTIN_TRANSFORMS: readonly TransformPlugin[] = [
  extractNewRecordStatePlugin,
  ...castPlugins,
  dropHeadersPlugin,
  ...extractFieldPlugins,
  filterPlugin,
  ...flattenPlugins,
  ...headerFromPlugins,
  ...hoistFieldPlugins,
  ...insertFieldPlugins,
  insertHeaderPlugin,
  ...maskFieldPlugins,
  regexRouterPlugin,
  ...replaceFieldPlugins,
  ...setSchemaMetadataPlugins,
  ...timestampConverterPlugins,
  timestampRouterPlugin,
  valueToKeyPlugin,
];

export { BUILTIN_PREDICATES };

export type TransformRegistry = PluginRegistry<TransformPlugin>;
export type PredicateRegistry = PluginRegistry<PredicatePlugin>;

export function createTransformRegistry(): TransformRegistry {
  return new PluginRegistry<TransformPlugin>('Transformation', BUILTIN_TRANSFORMS);
}

export function createPredicateRegistry(): PredicateRegistry {
  return new PluginRegistry<PredicatePlugin>('Predicate', BUILTIN_PREDICATES);
}
