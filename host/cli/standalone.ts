/**
 * connect-standalone's inputs: worker.properties (Kafka Connect worker keys) mapped onto WorkerConfig, and connector
 * files as .properties, JSON {name, config} or a flat JSON map.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { policiesFromProperties } from '../capabilities/policy.ts';
import type { CapabilityPolicy } from '../capabilities/policy.ts';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import { parseProperties } from './properties.ts';

/** Worker keys Conveyor adds to Kafka Connect's. */
export const CONVEYOR_WORKER_KEYS = {
  configFile: 'conveyor.config.storage.file.filename',
  workerId: 'conveyor.worker.id',
  logLevel: 'conveyor.log.level',
  sandboxProcesses: 'conveyor.sandbox.processes',
  fileDirs: 'conveyor.files.allowed.dirs',
} as const;

function bad(message: string): ConveyorError {
  return new ConveyorError(ErrorCode.configInvalid, message);
}

/** listeners=http(s)://host:port[,...]: the first listener is served (https with host/rest/tls.ts). */
export function parseListener(value: string): { host: string; port: number } {
  const first = value.split(',').map((s) => s.trim()).find((s) => s !== '');
  if (first === undefined) throw bad('listeners must name at least one http://host:port or https://host:port');
  let url: URL;
  try {
    url = new URL(first);
  } catch {
    throw bad(`listeners: ${first} is not a URL like http://host:port`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw bad(`listeners: only http and https are supported, got ${url.protocol}`);
  const host = url.hostname === '' ? '0.0.0.0' : url.hostname.replace(/^\[|\]$/g, '');
  return { host, port: url.port === '' ? (url.protocol === 'https:' ? 443 : 8083) : Number(url.port) };
}

/** WorkerConfig input (see workerConfig) from worker.properties. */
export function workerInputFromProperties(props: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = { connectProperties: props };
  const listeners = props['listeners'];
  if (listeners !== undefined && listeners.trim() !== '') {
    const { host, port } = parseListener(listeners);
    out['restHost'] = host;
    out['restPort'] = port;
  } else if (props['rest.port'] !== undefined) {
    out['restPort'] = Number(props['rest.port']);
    if (props['rest.host.name'] !== undefined) out['restHost'] = props['rest.host.name'];
  }
  if (props['plugin.path'] !== undefined) out['pluginPath'] = props['plugin.path'].split(',').map((s) => s.trim()).filter(Boolean);
  if (props['bootstrap.servers'] !== undefined) out['bootstrapServers'] = props['bootstrap.servers'];
  const offsets = props['offset.storage.file.filename'];
  if (offsets !== undefined) {
    out['offsetStorageFile'] = offsets;
    out['configStorageFile'] = props[CONVEYOR_WORKER_KEYS.configFile] ?? `${offsets}.connectors.json`;
  } else if (props[CONVEYOR_WORKER_KEYS.configFile] !== undefined) out['configStorageFile'] = props[CONVEYOR_WORKER_KEYS.configFile];
  if (props[CONVEYOR_WORKER_KEYS.workerId] !== undefined) out['workerId'] = props[CONVEYOR_WORKER_KEYS.workerId];
  if (props[CONVEYOR_WORKER_KEYS.logLevel] !== undefined) out['logLevel'] = props[CONVEYOR_WORKER_KEYS.logLevel];
  if (props[CONVEYOR_WORKER_KEYS.sandboxProcesses] !== undefined) out['sandboxProcesses'] = Number(props[CONVEYOR_WORKER_KEYS.sandboxProcesses]);
  let policies: Record<string, Partial<CapabilityPolicy>>;
  try {
    policies = policiesFromProperties(props);
  } catch (err) {
    throw bad((err as Error).message);
  }
  const dirs = props[CONVEYOR_WORKER_KEYS.fileDirs];
  if (dirs !== undefined) {
    const all = policies['*'] ?? {};
    policies['*'] = { ...all, fileDirs: [...(all.fileDirs ?? []), ...dirs.split(',').map((s) => s.trim()).filter(Boolean)] };
  }
  if (Object.keys(policies).length > 0) out['policies'] = policies;
  return out;
}

export async function readWorkerProperties(path: string): Promise<Record<string, string>> {
  return parseProperties(await readFile(path, 'utf8'));
}

export interface ConnectorFile {
  name: string;
  config: Record<string, string>;
}

function stringMap(value: unknown, file: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(`${file}: config must be a JSON object`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'object') throw bad(`${file}: value of ${k} must be a string`);
    out[k] = String(v);
  }
  return out;
}

/** A connector file: .json as {name, config} or a flat map with name; anything else as .properties. */
export function parseConnectorFile(text: string, file: string): ConnectorFile {
  let config: Record<string, string>;
  let name: string | undefined;
  if (extname(file).toLowerCase() === '.json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw bad(`${file} is not valid JSON: ${(e as Error).message}`);
    }
    const obj = parsed as { name?: unknown; config?: unknown } | null;
    if (obj !== null && typeof obj === 'object' && typeof obj.config === 'object' && obj.config !== null) {
      config = stringMap(obj.config, file);
      if (typeof obj.name === 'string') name = obj.name;
    } else config = stringMap(parsed, file);
  } else config = parseProperties(text);
  name ??= config['name'];
  if (name === undefined || name.trim() === '') throw bad(`${basename(file)}: connector config needs a name`);
  if (config['name'] !== undefined && config['name'] !== name) throw bad(`${file}: name ${name} differs from config name ${config['name']}`);
  return { name, config: { ...config, name } };
}

export async function readConnectorFile(path: string): Promise<ConnectorFile> {
  return parseConnectorFile(await readFile(path, 'utf8'), path);
}
