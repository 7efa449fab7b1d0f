/** Kafka Connect's ConfigInfos (PUT /connector-plugins/{p}/config/validate) and ConfigKeyInfo for plugin configs. */
import type { ConfigKey, ConfigValueReport } from '../../sdk/config.ts';
import type { ConfigKey as ConnectConfigKey } from '../connect/config/config-def.ts';
import { toConfigKeyInfo } from '../connect/config/config-def.ts';

export interface ConfigKeyInfo {
  name: string;
  type: string;
  required: boolean;
  default_value: string | null;
  importance: string;
  documentation: string;
  group: string | null;
  order: number;
  width: string;
  display_name: string;
  dependents: string[];
}

export interface ConfigInfo {
  definition: ConfigKeyInfo;
  value: ConfigValueReport;
}

export interface ConfigInfos {
  name: string;
  error_count: number;
  groups: string[];
  configs: ConfigInfo[];
}

const TYPE_NAMES: Record<string, string> = { string: 'STRING', int: 'INT', long: 'LONG', double: 'DOUBLE', boolean: 'BOOLEAN', list: 'LIST', password: 'PASSWORD', class: 'CLASS' };

/** A plugin manifest's key (sdk ConfigKey) as Kafka Connect shows it. */
export function configKeyInfo(key: ConfigKey): ConfigKeyInfo {
  const def = key.default;
  return {
    name: key.name,
    type: TYPE_NAMES[key.type] ?? key.type.toUpperCase(),
    required: def === undefined,
    default_value: def === undefined || def === null ? null : Array.isArray(def) ? def.join(',') : String(def),
    importance: key.importance.toUpperCase(),
    documentation: key.documentation,
    group: key.group ?? null,
    order: key.orderInGroup ?? -1,
    width: 'NONE',
    display_name: key.displayName ?? key.name,
    dependents: [],
  };
}

/** A framework key (host ConfigKey, Kafka's types) as Kafka Connect shows it; `defaultValue` overrides its default. */
export function connectKeyInfo(key: ConnectConfigKey, defaultValue?: string | null): ConfigKeyInfo {
  const info = toConfigKeyInfo(key);
  return defaultValue === undefined ? info : { ...info, default_value: defaultValue };
}

/** Errors in the order Kafka Connect lists them: by config, then for keys outside the definitions. */
export function configErrors(infos: ConfigInfos): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const c of infos.configs) if (c.value.errors.length > 0) out[c.value.name] = [...(out[c.value.name] ?? []), ...c.value.errors];
  return out;
}

/** Builds ConfigInfos from definitions with their reports, adding framework errors for keys outside them. */
export function configInfos(className: string, entries: readonly ConfigInfo[], extraErrors: Record<string, string[]>): ConfigInfos {
  const configs = entries.map((c) => ({ definition: c.definition, value: { ...c.value, errors: [...c.value.errors, ...(extraErrors[c.value.name] ?? [])] } }));
  const known = new Set(entries.map((c) => c.value.name));
  for (const [name, errors] of Object.entries(extraErrors)) {
    if (known.has(name) || errors.length === 0) continue;
    configs.push({ definition: configKeyInfo({ name, type: 'string', importance: 'high', documentation: '', group: 'Common' }), value: { name, value: null, recommended_values: [], errors, visible: true } });
  }
  const groups = [...new Set(entries.map((c) => c.definition.group).filter((g): g is string => g !== null))];
  return { name: className, error_count: configs.reduce((n, c) => n + c.value.errors.length, 0), groups, configs };
}
