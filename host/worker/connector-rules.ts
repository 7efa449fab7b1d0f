/**
 * The REST-visible rules a standalone worker (worker.ts) and a distributed one (distributed/herder.ts) share: how a
 * name must match its config, how PATCH merges, what a status and a task config show, when offsets may change, and
 * the words of Kafka Connect's answers.
 */
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import { connectTaskClass, connectVersion } from '../plugins/connect-identity.ts';
import type { PluginVersion } from '../plugins/plugin-version.ts';
import type { ConnectorStatus } from './states.ts';

export interface TaskConfigView {
  id: { connector: string; task: number };
  config: Record<string, string>;
}

export function connectorNotFound(name: string): ConveyorError {
  return new ConveyorError(ErrorCode.notFound, `Connector ${name} not found`);
}

/** GET /connectors/{c}/status of an unknown connector. */
export function statusNotFound(name: string): ConveyorError {
  return new ConveyorError(ErrorCode.notFound, `No status found for connector ${name}`);
}

/** GET /connectors/{c}/tasks/{t}/status of an unknown connector or task. */
export function taskNotFound(name: string, task: number): ConveyorError {
  return new ConveyorError(ErrorCode.notFound, `No status found for task ${name}-${task}`);
}

/** PUT and PATCH of /connectors/{c}/config: a `name` in the body must be the one in the URL. */
export function requireNameMatches(name: string, config: Readonly<Record<string, string | null>>): void {
  const given = config['name'];
  if (given !== undefined && given !== null && given !== name) {
    throw new ConveyorError(ErrorCode.badRequest, `Connector name configuration (${given}) doesn't match connector name in the URL (${name})`);
  }
}

/** PATCH /connectors/{c}/config: merges over the current config; a null value removes the key. */
export function patchedConfig(name: string, current: Readonly<Record<string, string>>, patch: Readonly<Record<string, string | null>>): Record<string, string> {
  requireNameMatches(name, patch);
  const next: Record<string, string> = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  return next;
}

/** A status as Kafka Connect 4.1 shows it: the plugin's version on the connector and on each task. */
export function withVersions(status: ConnectorStatus, plugin: PluginVersion | undefined): ConnectorStatus {
  if (plugin === undefined) return status;
  const version = connectVersion(plugin);
  return { ...status, connector: { ...status.connector, version }, tasks: status.tasks.map((t) => ({ ...t, version })) };
}

/** GET /connectors/{c}/tasks: each task's config with `task.class`, as Kafka Connect stores it. */
export function taskConfigViews(name: string, configs: readonly Readonly<Record<string, string>>[], plugin: PluginVersion | undefined): TaskConfigView[] {
  const taskClass: Record<string, string> = plugin === undefined ? {} : { 'task.class': connectTaskClass(plugin) };
  return configs.map((config, task) => ({ id: { connector: name, task }, config: { ...config, ...taskClass } }));
}

/** The topics a connector config names: a sink's `topics`, a source's `topic`. */
export function configuredTopics(type: 'source' | 'sink', config: Readonly<Record<string, string>>): string[] {
  return ((type === 'sink' ? config['topics'] : config['topic']) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/** PATCH and DELETE /connectors/{c}/offsets need a stopped connector. */
export function requireStoppedForOffsets(name: string, stopped: boolean): void {
  if (!stopped) {
    throw new ConveyorError(ErrorCode.badRequest, `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`);
  }
}

export const OFFSETS_ALTERED = { message: 'The offsets for this connector have been altered successfully' } as const;
export const OFFSETS_RESET = { message: 'The offsets for this connector have been reset successfully' } as const;

/**
 * POST /connectors/{c}/restart's 202 answer (Kafka Connect's ConnectorStateInfo after a restart request): the
 * connector RESTARTING unless onlyFailed spares a healthy one, and with includeTasks each task that will restart.
 */
export function restartingSnapshot(status: ConnectorStatus, includeTasks: boolean, onlyFailed: boolean): ConnectorStatus {
  const connector = !onlyFailed || status.connector.state === 'FAILED';
  return {
    ...status,
    connector: connector ? { ...status.connector, state: 'RESTARTING' } : status.connector,
    tasks: status.tasks.map((t) => (includeTasks && (!onlyFailed || t.state === 'FAILED') ? { ...t, state: 'RESTARTING' } : t)),
  };
}
