/** Host-side validation of a connector config: framework keys plus the plugin's declarative config definition. */
import { validateConfig } from '../../sdk/config.ts';
import type { ConfigValueReport } from '../../sdk/config.ts';
import type { PluginVersion } from '../plugins/plugin-version.ts';

export function frameworkErrors(plugin: PluginVersion, config: Readonly<Record<string, string>>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (k: string, m: string): void => void (out[k] = [...(out[k] ?? []), m]);
  const tasksMax = config['tasks.max'];
  if (tasksMax !== undefined && !(Number.isInteger(Number(tasksMax)) && Number(tasksMax) >= 1)) add('tasks.max', `Invalid value ${tasksMax} for configuration tasks.max: Value must be at least 1`);
  if (plugin.manifest.type === 'sink' && (config['topics'] ?? '').trim() === '' && (config['topics.regex'] ?? '').trim() === '') add('topics', 'Must configure one of topics or topics.regex');
  return out;
}

export function pluginConfigReports(plugin: PluginVersion, config: Readonly<Record<string, string>>): ConfigValueReport[] {
  return validateConfig(plugin.manifest.config, config);
}

/** Kafka Connect's message for a config that fails validation. */
export function invalidConfigMessage(errors: Record<string, string[]>): string {
  const all = Object.values(errors).flat();
  return `Connector configuration is invalid and contains the following ${all.length} error(s):\n${all.join('\n')}\nYou can also find the above list of errors at the endpoint \`/connector-plugins/{connectorType}/config/validate\``;
}
