/**
 * How a plugin presents itself to Kafka Connect clients: its class, the version it reports and its task class. The
 * plugins shipped with Conveyor name their class briefly (`FileStreamSource`) with the qualified Java class among their
 * aliases; Kafka Connect lists qualified classes, so that is the one shown for them. A third-party bundle is shown by
 * the class its author declared.
 */
import { resolve, sep } from 'node:path';
import { BUILTIN_PLUGINS_ROOT } from './builtin.ts';
import type { PluginVersion } from './plugin-version.ts';

/** The Apache Kafka Connect release whose REST answers and built-in plugins Conveyor matches. */
export const KAFKA_CONNECT_VERSION = '4.1.1';

const APACHE_PREFIX = 'org.apache.kafka.';

/** Task classes that do not follow the `…Connector` → `…Task` naming. */
const TASK_CLASSES: Readonly<Record<string, string>> = Object.freeze({
  'io.debezium.connector.mysql.MySqlConnector': 'io.debezium.connector.mysql.MySqlConnectorTask',
});

function isBuiltin(plugin: PluginVersion): boolean {
  return resolve(plugin.dir).startsWith(BUILTIN_PLUGINS_ROOT + sep);
}

/** The class Kafka Connect would list: a built-in's qualified alias when its class is a short name. */
export function connectClass(plugin: PluginVersion): string {
  const { className, aliases } = plugin.manifest;
  if (className.includes('.') || !isBuiltin(plugin)) return className;
  return aliases.find((a) => a.includes('.')) ?? className;
}

/** Apache Kafka's own plugins (Conveyor's ports of them) report the Kafka Connect release they match. */
export function reportedVersion(className: string, version: string): string {
  return className.startsWith(APACHE_PREFIX) ? KAFKA_CONNECT_VERSION : version;
}

/** The version a connector plugin reports in listings, statuses and `connector.plugin.version`. */
export function connectVersion(plugin: PluginVersion): string {
  return isBuiltin(plugin) ? reportedVersion(connectClass(plugin), plugin.manifest.version) : plugin.manifest.version;
}

/** `task.class` in a task's config, as Kafka Connect stores it: `…SourceConnector` → `…SourceTask`. */
export function connectTaskClass(plugin: PluginVersion): string {
  const cls = connectClass(plugin);
  return TASK_CLASSES[cls] ?? (cls.endsWith('Connector') ? `${cls.slice(0, -'Connector'.length)}Task` : `${cls}Task`);
}

/** Whether `version` names this plugin version: its manifest's version or the one it reports. */
export function hasVersion(plugin: PluginVersion, version: string): boolean {
  return plugin.manifest.version === version || connectVersion(plugin) === version;
}

/** The version a connector config pins: Kafka Connect's `connector.plugin.version`, or Conveyor's `plugin.version`. */
export function pinnedVersion(config: Readonly<Record<string, string>>): string | undefined {
  return config['connector.plugin.version'] ?? config['plugin.version'];
}
