import type { ConfigKeyInfo } from './config/config-def.ts';
import { toConfigKeyInfo } from './config/config-def.ts';
import type { ConverterRegistry } from './converters/registry.ts';
import { createConverterRegistry } from './converters/registry.ts';
import type { PredicateRegistry, TransformRegistry } from './transforms/builtins.ts';
import { createPredicateRegistry, createTransformRegistry } from './transforms/builtins.ts';

export type ConnectPluginType = 'converter' | 'header_converter' | 'transformation' | 'predicate';

/** One entry of GET /connector-plugins?connectorsOnly=false. */
export interface PluginInfo {
  readonly class: string;
  readonly type: ConnectPluginType;
  readonly version: string;
}

export interface PluginRegistries {
  readonly converters: ConverterRegistry;
  readonly transforms: TransformRegistry;
  readonly predicates: PredicateRegistry;
}

export function createPluginRegistries(): PluginRegistries {
  return { converters: createConverterRegistry(), transforms: createTransformRegistry(), predicates: createPredicateRegistry() };
}

const byClass = (a: PluginInfo, b: PluginInfo): number => (a.class < b.class ? -1 : a.class > b.class ? 1 : 0);

/**
 * Converters, header converters, transformations and predicates in Kafka Connect's listing shape. A class that
 * is both a converter and a header converter appears once under each type, as in Kafka Connect.
 */
export function listConnectPlugins(registries: PluginRegistries = createPluginRegistries()): PluginInfo[] {
  const converters = registries.converters.list();
  const group = (type: ConnectPluginType, items: readonly { className: string; version: string }[]): PluginInfo[] =>
    items.map((p) => ({ class: p.className, type, version: p.version })).sort(byClass);
  return [
    ...group('converter', converters.filter((c) => c.createConverter !== undefined)),
    ...group('header_converter', converters.filter((c) => c.createHeaderConverter !== undefined)),
    ...group('transformation', registries.transforms.list()),
    ...group('predicate', registries.predicates.list()),
  ];
}

/** The config definition of one plugin (by class name or alias) for GET /connector-plugins/{plugin}/config. */
export function describePluginConfig(name: string, registries: PluginRegistries = createPluginRegistries()): ConfigKeyInfo[] | undefined {
  const plugin = registries.converters.find(name) ?? registries.transforms.find(name) ?? registries.predicates.find(name);
  return plugin?.configDef.map(toConfigKeyInfo);
}
