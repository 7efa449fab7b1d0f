import { withPrefix } from '../config/config-def.ts';
import { configError } from '../errors.ts';
import type { ConverterRegistry } from './registry.ts';
import { createConverterRegistry } from './registry.ts';
import type { Converter, HeaderConverter } from './types.ts';
import { CONVERTER_TYPE_KEY } from './types.ts';

export interface ConnectorConverters {
  readonly key: Converter;
  readonly value: Converter;
  readonly header: HeaderConverter;
  /** The class names in use, for logs and status. */
  readonly classes: { readonly key: string; readonly value: string; readonly header: string };
}

export type FlatConfig = Readonly<Record<string, unknown>>;

/** Used when neither the connector nor the worker names a converter. */
export const DEFAULT_CONVERTERS = {
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'header.converter': 'org.apache.kafka.connect.storage.SimpleHeaderConverter',
} as const;

type Role = keyof typeof DEFAULT_CONVERTERS;

/**
 * Where a converter comes from, as Kafka's Worker decides: the connector's `<role>` with its `<role>.*`
 * sub-configs if the connector sets the class, otherwise the worker's class and the worker's sub-configs.
 */
function source(role: Role, connector: FlatConfig, worker: FlatConfig): { className: string; props: Record<string, unknown>; from: string } {
  const pick = (cfg: FlatConfig, from: string): { className: string; props: Record<string, unknown>; from: string } | undefined => {
    const cls = cfg[role];
    if (cls === undefined || cls === null || cls === '') return undefined;
    if (typeof cls !== 'string') throw configError(`${from} config "${role}" must be a class name string`);
    return { className: cls.trim(), props: withPrefix(cfg, `${role}.`), from };
  };
  return pick(connector, 'connector') ?? pick(worker, 'worker') ?? { className: DEFAULT_CONVERTERS[role], props: {}, from: 'default' };
}

function wrapConfigure(role: Role, className: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw configError(`Invalid "${role}" (${className}): ${msg}`, err);
  }
}

/**
 * Builds and configures the key, value and header converters for one connector. `worker` holds the worker
 * config's converter keys (the fallback).
 */
export function buildConverters(connector: FlatConfig, worker: FlatConfig = {}, registry: ConverterRegistry = createConverterRegistry()): ConnectorConverters {
  const make = (role: 'key.converter' | 'value.converter'): { conv: Converter; cls: string } => {
    const s = source(role, connector, worker);
    const plugin = registry.find(s.className);
    if (plugin?.createConverter === undefined) {
      throw configError(
        `Invalid value ${s.className} for configuration ${role}: Class ${s.className} could not be found` +
          (plugin === undefined ? '' : ' as a key/value converter (it is a header converter only)'),
      );
    }
    const conv = plugin.createConverter();
    const isKey = role === 'key.converter';
    wrapConfigure(role, plugin.className, () => conv.configure({ ...s.props, [CONVERTER_TYPE_KEY]: isKey ? 'key' : 'value' }, isKey));
    return { conv, cls: plugin.className };
  };
  const key = make('key.converter');
  const value = make('value.converter');
  const hs = source('header.converter', connector, worker);
  const hp = registry.find(hs.className);
  if (hp?.createHeaderConverter === undefined) {
    throw configError(`Invalid value ${hs.className} for configuration header.converter: Class ${hs.className} could not be found as a header converter`);
  }
  const header = hp.createHeaderConverter();
  wrapConfigure('header.converter', hp.className, () => header.configure({ ...hs.props, [CONVERTER_TYPE_KEY]: 'header' }));
  return { key: key.conv, value: value.conv, header, classes: { key: key.cls, value: value.cls, header: hp.className } };
}
