/**
 * How a plugin presents itself to Kafka Connect clients: its fully qualified class, the version it reports and its
 * task class. A bundle's manifest may name its class briefly (`FileStreamSource`) with the qualified name among its
 * aliases; Kafka Connect lists qualified classes, so that is the one shown.
 */
import { resolve, sep } from 'node:path';
import type { BundleManifest } from '../../sdk/bundler/manifest.ts';
import { BUILTIN_PLUGINS_ROOT } from './builtin.ts';
import type { PluginVersion } from './plugin-version.ts';

/** The Apache Kafka Connect release whose REST answers and built-in plugins Conveyor matches. */
export const KAFKA_CONNECT_VERSION = '4.1.1';

const APACHE_PREFIX = 'org.apache.kafka.';

/** Task classes that do not follow the `…Connector` → `…Task` naming. */
const TASK_CLASSES: Readonly<Record<string, string>> = Object.freeze({
  'io.debezium.connector.mysql.MySqlConnector': 'io.debezium.connector.mysql.MySqlConnectorTask',
});

/** The class Kafka Connect would list: the manifest's class when qualified, else its first qualified alias. */
export function connectClass(manifest: Pick<BundleManifest, 'className' | 'aliases'>): string {
  if (manifest.className.includes('.')) return manifest.className;
  return manifest.aliases.find((a) => a.includes('.')) ?? manifest.className;
}

function isBuiltin(plugin: PluginVersion): boolean {
  return resolve(plugin.dir).startsWith(BUILTIN_PLUGINS_ROOT + sep);
}

/** Apache Kafka's own plugins (Conveyor's ports of them) report the Kafka Connect release they match. */
export function reportedVersion(className: string, version: string): string {
  return className.startsWith(APACHE_PREFIX) ? KAFKA_CONNECT_VERSION : version;
}

/** The version a connector plugin reports in listings, statuses and `connector.plugin.version`. */
export function connectVersion(plugin: PluginVersion): string {
  return isBuiltin(plugin) ? reportedVersion(connectClass(plugin.manifest), plugin.manifest.version) : plugin.manifest.version;
}

/** `task.class` in a task's config, as Kafka Connect stores it: `…SourceConnector` → `…SourceTask`. */
export function connectTaskClass(manifest: Pick<BundleManifest, 'className' | 'aliases'>): string {
  const cls = connectClass(manifest);
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
