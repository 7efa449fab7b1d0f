/** Worker configuration: validated against a schema that rejects unknown keys, defaults declared once, frozen. */
import { hostname } from 'node:os';
import type { PolicyBook } from '../capabilities/policy.ts';
import { createConfigResolver, providerSpecsFromJson, providerSpecsFromProperties } from '../connect/config/config-providers.ts';
import type { ConfigProviderSpec } from '../connect/config/config-providers.ts';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import { isLogLevel } from '../core/logger.ts';
import type { LogLevel } from '../core/logger.ts';
import { DEFAULT_LIMITS } from '../sandbox/protocol.ts';
import type { SandboxLimits } from '../sandbox/protocol.ts';

export interface WorkerConfig {
  workerId: string;
  restHost: string;
  restPort: number;
  /** Directories scanned and watched for plugin bundles. */
  pluginPath: readonly string[];
  /** Build and load the plugins shipped in this repository's plugins/ directory. */
  builtinPlugins: boolean;
  sandboxProcesses: number;
  limits: SandboxLimits;
  policies: PolicyBook;
  logLevel: LogLevel;
  pluginRescanMs: number;
  /** bootstrap.servers (Kafka Connect's default localhost:9092): tasks move records through Kafka (host/pipeline). */
  bootstrapServers: string;
  /** offset.storage.file.filename (standalone; this or offsetStorageTopic is required). */
  offsetStorageFile: string | null;
  /** offset.storage.topic (distributed mode: source offsets in a compacted Kafka topic shared by the workers). */
  offsetStorageTopic: string | null;
  /** Where connector configs and target states persist (StandaloneConfigStore); null keeps them in memory. */
  configStorageFile: string | null;
  /** Kafka Connect worker properties as given (converters and sub-keys, offset.flush.interval.ms, ...). */
  connectProperties: Readonly<Record<string, string>>;
  /** Config providers for `${provider:path:key}` references: `config.providers*` in connectProperties, and configProviders. */
  configProviders: readonly ConfigProviderSpec[];
}

const KEYS = ['workerId', 'restHost', 'restPort', 'pluginPath', 'builtinPlugins', 'sandboxProcesses', 'limits', 'policies', 'logLevel', 'pluginRescanMs', 'bootstrapServers', 'offsetStorageFile', 'offsetStorageTopic', 'configStorageFile', 'connectProperties', 'configProviders'];

/** Kafka Connect's default for bootstrap.servers. */
export const DEFAULT_BOOTSTRAP_SERVERS = 'localhost:9092';

function optString(input: Record<string, unknown>, key: string): string | null {
  const v = input[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || v.trim() === '') throw bad(`${key} must be a non-empty string`);
  return v.trim();
}

function bad(message: string): ConveyorError {
  return new ConveyorError(ErrorCode.configInvalid, `worker config: ${message}`);
}

export function workerConfig(input: Record<string, unknown> = {}): WorkerConfig {
  const unknown = Object.keys(input).filter((k) => !KEYS.includes(k));
  if (unknown.length > 0) throw bad(`unknown keys ${unknown.join(', ')}`);
  const port = input['restPort'] ?? 8083;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) throw bad('restPort must be an integer port (0 picks a free one)');
  const path = input['pluginPath'] ?? [];
  if (!Array.isArray(path) || path.some((p) => typeof p !== 'string')) throw bad('pluginPath must be an array of directories');
  const procs = input['sandboxProcesses'] ?? 2;
  if (typeof procs !== 'number' || !Number.isInteger(procs) || procs < 1 || procs > 64) throw bad('sandboxProcesses must be an integer in [1, 64]');
  const limits = (input['limits'] ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(limits)) {
    if (!(k in DEFAULT_LIMITS)) throw bad(`unknown limit ${k}`);
    if (typeof v !== 'number' || !(v > 0)) throw bad(`limit ${k} must be a positive number`);
  }
  const level = input['logLevel'] ?? 'info';
  if (!isLogLevel(level)) throw bad('logLevel must be trace|debug|info|warn|error');
  const policies = input['policies'] ?? {};
  if (typeof policies !== 'object' || policies === null) throw bad('policies must map connector names (or "*") to policies');
  const bootstrapServers = optString(input, 'bootstrapServers') ?? DEFAULT_BOOTSTRAP_SERVERS;
  const offsetStorageFile = optString(input, 'offsetStorageFile');
  const offsetStorageTopic = optString(input, 'offsetStorageTopic');
  if (offsetStorageFile === null && offsetStorageTopic === null) {
    throw bad('offset.storage.file.filename (offsetStorageFile) or offset.storage.topic (offsetStorageTopic) is required');
  }
  const props = input['connectProperties'] ?? {};
  if (typeof props !== 'object' || props === null || Object.values(props).some((v) => typeof v !== 'string')) throw bad('connectProperties must map keys to strings');
  const providers = [...providerSpecsFromProperties(props as Record<string, string>), ...providerSpecsFromJson(input['configProviders'])];
  createConfigResolver(providers);
  return Object.freeze({
    bootstrapServers,
    offsetStorageFile,
    offsetStorageTopic,
    configStorageFile: optString(input, 'configStorageFile'),
    connectProperties: Object.freeze({ ...(props as Record<string, string>) }),
    configProviders: Object.freeze(providers.map((p) => Object.freeze({ ...p, params: Object.freeze({ ...p.params }) }))),
    workerId: typeof input['workerId'] === 'string' ? input['workerId'] : `${hostname()}:${port}`,
    restHost: typeof input['restHost'] === 'string' ? input['restHost'] : '127.0.0.1',
    restPort: port,
    pluginPath: Object.freeze([...(path as string[])]),
    builtinPlugins: input['builtinPlugins'] !== false,
    sandboxProcesses: procs,
    limits: Object.freeze({ ...DEFAULT_LIMITS, ...(limits as Partial<SandboxLimits>) }),
    policies: policies as PolicyBook,
    logLevel: level,
    pluginRescanMs: typeof input['pluginRescanMs'] === 'number' ? input['pluginRescanMs'] : 2000,
  });
}
