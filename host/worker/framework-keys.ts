/**
 * The framework keys of one connector as Kafka Connect validates them: ConnectorConfig's common keys with the
 * worker's converters and the plugin's version filled in, and, for each transform and predicate alias, its `type`,
 * `plugin.version` and the plugin's own keys under a "Transforms: <alias>" / "Predicates: <alias>" group.
 */
import type { ConfigKey } from '../connect/config/config-def.ts';
import { connectorConfigDef } from '../connect/config/connector-config-def.ts';
import type { KeyContext } from '../connect/config/config-validate.ts';
import type { PluginRegistries } from '../connect/plugins.ts';
import type { TransformRegistry } from '../connect/transforms/builtins.ts';
import { connectClass, connectVersion, reportedVersion } from '../plugins/connect-identity.ts';
import { connectorType } from '../plugins/plugin-version.ts';
import type { PluginVersion } from '../plugins/plugin-version.ts';

export interface FrameworkEnv {
  /** The worker's properties (its key.converter, value.converter, header.converter). */
  readonly workerProps: Readonly<Record<string, string>>;
  /** Every installed plugin version (for connector.plugin.version's recommended values). */
  readonly plugins: () => readonly PluginVersion[];
  readonly registries: PluginRegistries;
  /** The transforms a connector may name: the built-in SMTs plus the transform bundles it may use. */
  readonly transformsFor?: (config: Readonly<Record<string, string>>) => TransformRegistry;
}

export interface FrameworkKey {
  readonly key: ConfigKey;
  readonly ctx: KeyContext;
}

const DEFAULT_HEADER_CONVERTER = 'org.apache.kafka.connect.storage.SimpleHeaderConverter';

function converterKeys(env: FrameworkEnv, config: Readonly<Record<string, string>>): Record<string, KeyContext> {
  const converters = env.registries.converters;
  const all = converters.list();
  const classes = (header: boolean): string[] => all.filter((c) => (header ? c.createHeaderConverter : c.createConverter) !== undefined).map((c) => c.className).sort();
  const out: Record<string, KeyContext> = {};
  for (const prefix of ['key', 'value', 'header'] as const) {
    const workerDefault = env.workerProps[`${prefix}.converter`] ?? (prefix === 'header' ? DEFAULT_HEADER_CONVERTER : null);
    const found = converters.find(config[`${prefix}.converter`] ?? workerDefault ?? '');
    const version = found === undefined ? null : reportedVersion(found.className, found.version);
    out[`${prefix}.converter`] = { default: workerDefault, recommended: classes(prefix === 'header'), classExists: (n) => converters.find(n) !== undefined };
    out[`${prefix}.converter.plugin.version`] = { default: version, recommended: version === null ? [] : [version] };
  }
  return out;
}

/** ConnectorConfig's keys with what this worker and plugin make of them. */
function commonKeys(plugin: PluginVersion, config: Readonly<Record<string, string>>, env: FrameworkEnv): FrameworkKey[] {
  const cls = connectClass(plugin);
  const versions = [...new Set(env.plugins().filter((p) => connectClass(p) === cls).map(connectVersion))];
  const contexts: Record<string, KeyContext> = {
    ...converterKeys(env, config),
    'connector.plugin.version': { default: connectVersion(plugin), recommended: versions },
  };
  return connectorConfigDef(connectorType(plugin)).map((key) => ({ key, ctx: contexts[key.name] ?? {} }));
}

function aliases(config: Readonly<Record<string, string>>, key: string): string[] {
  return [...new Set((config[key] ?? '').split(',').map((s) => s.trim()).filter(Boolean))];
}

interface AliasKind {
  readonly list: 'transforms' | 'predicates';
  readonly group: string;
  readonly noun: string;
  readonly title: string;
  readonly find: (cls: string) => { className: string; version: string; configDef: readonly ConfigKey[] } | undefined;
  readonly classes: () => string[];
}

/** The keys Kafka Connect adds for one transform or predicate alias. */
function aliasKeys(kind: AliasKind, alias: string, config: Readonly<Record<string, string>>): FrameworkKey[] {
  const prefix = `${kind.list}.${alias}.`;
  const group = `${kind.group}: ${alias}`;
  const found = kind.find(config[`${prefix}type`] ?? '');
  const version = found === undefined ? null : reportedVersion(found.className, found.version);
  const head: FrameworkKey[] = [
    { key: { name: `${prefix}type`, type: 'CLASS', importance: 'HIGH', documentation: `Class for the '${alias}' ${kind.noun}.`, group, orderInGroup: 0, width: 'LONG', displayName: `${kind.title} type for ${alias}` }, ctx: { recommended: kind.classes(), classExists: (n) => kind.find(n) !== undefined } },
    { key: { name: `${prefix}plugin.version`, type: 'STRING', default: null, importance: 'HIGH', documentation: `Version of the '${alias}' ${kind.noun}.`, group, orderInGroup: 1, width: 'LONG', displayName: `${kind.title} version for ${alias}` }, ctx: { default: version, recommended: version === null ? [] : [version] } },
  ];
  if (found === undefined) return head;
  const own = found.configDef.map((k, i): FrameworkKey => ({ key: { ...k, name: `${prefix}${k.name}`, group, orderInGroup: i + 2, displayName: k.displayName ?? k.name }, ctx: {} }));
  const n = own.length + 2;
  const conditional: FrameworkKey[] = kind.list === 'predicates' ? [] : [
    { key: { name: `${prefix}negate`, type: 'BOOLEAN', default: false, importance: 'MEDIUM', documentation: 'Whether the configured predicate should be negated.', group, orderInGroup: n, displayName: 'negate' }, ctx: {} },
    { key: { name: `${prefix}predicate`, type: 'STRING', default: null, importance: 'MEDIUM', documentation: 'The alias of a predicate used to determine whether to apply this transformation.', group, orderInGroup: n + 1, displayName: 'predicate' }, ctx: {} },
  ];
  return [...head, ...own, ...conditional];
}

/** Every framework key of this connector config, in Kafka Connect's order. */
export function frameworkKeys(plugin: PluginVersion, config: Readonly<Record<string, string>>, env: FrameworkEnv): FrameworkKey[] {
  const { predicates } = env.registries;
  const transforms = env.transformsFor?.(config) ?? env.registries.transforms;
  const sorted = (items: readonly { className: string }[]): string[] => items.map((p) => p.className).sort();
  const kinds: AliasKind[] = [
    { list: 'transforms', group: 'Transforms', noun: 'transformation', title: 'Transformation', find: (c) => transforms.find(c), classes: () => sorted(transforms.list()) },
    { list: 'predicates', group: 'Predicates', noun: 'predicate', title: 'Predicate', find: (c) => predicates.find(c), classes: () => sorted(predicates.list()) },
  ];
  return [...commonKeys(plugin, config, env), ...kinds.flatMap((k) => aliases(config, k.list).flatMap((a) => aliasKeys(k, a, config)))];
}

/** GET /connector-plugins/{p}/config's framework part: ConnectorConfig's keys, the plugin's version as default. */
export function commonDefinitions(plugin: PluginVersion): { key: ConfigKey; default?: string | null }[] {
  return connectorConfigDef(connectorType(plugin)).map((key) => (key.name === 'connector.plugin.version' ? { key, default: connectVersion(plugin) } : { key }));
}
