/** Kafka Connect's ConfigInfos (PUT /connector-plugins/{p}/config/validate) and ConfigKeyInfo for plugin configs. */
import type { ConfigKey, ConfigValueReport } from '../../sdk/config.ts';

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

export interface ConfigInfos {
  name: string;
  error_count: number;
  groups: string[];
  configs: { definition: ConfigKeyInfo; value: ConfigValueReport }[];
}

const TYPE_NAMES: Record<string, string> = { string: 'STRING', int: 'INT', long: 'LONG', double: 'DOUBLE', boolean: 'BOOLEAN', list: 'LIST', password: 'PASSWORD', class: 'CLASS' };

/** Framework keys every connector has, as Kafka Connect lists them in the Common group. */
export const COMMON_KEYS: readonly ConfigKey[] = [
  { name: 'name', type: 'string', importance: 'high', documentation: 'Globally unique name to use for this connector.', group: 'Common', orderInGroup: 1, displayName: 'Connector name' },
  { name: 'connector.class', type: 'string', importance: 'high', documentation: 'Name or alias of the class for this connector.', group: 'Common', orderInGroup: 2, displayName: 'Connector class' },
  { name: 'tasks.max', type: 'int', default: 1, importance: 'high', documentation: 'Maximum number of tasks to use for this connector.', group: 'Common', orderInGroup: 3, displayName: 'Tasks max' },
];

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

/** Builds ConfigInfos from the definitions, their reports, and framework errors for keys outside the definition. */
export function configInfos(className: string, keys: readonly ConfigKey[], reports: readonly ConfigValueReport[], extraErrors: Record<string, string[]>): ConfigInfos {
  const byName = new Map(reports.map((r) => [r.name, r]));
  const configs = keys.map((k) => {
    const report = byName.get(k.name) ?? { name: k.name, value: null, recommended_values: [], errors: [], visible: true };
    return { definition: configKeyInfo(k), value: { ...report, errors: [...report.errors, ...(extraErrors[k.name] ?? [])] } };
  });
  const known = new Set(keys.map((k) => k.name));
  for (const [name, errors] of Object.entries(extraErrors)) {
    if (known.has(name)) continue;
    configs.push({ definition: configKeyInfo({ name, type: 'string', importance: 'high', documentation: '', group: 'Common' }), value: { name, value: null, recommended_values: [], errors, visible: true } });
  }
  const groups = [...new Set(keys.map((k) => k.group).filter((g): g is string => g !== undefined))];
  return { name: className, error_count: configs.reduce((n, c) => n + c.value.errors.length, 0), groups, configs };
}
