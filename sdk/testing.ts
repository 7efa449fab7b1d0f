/**
 * Local test harness: runs a plugin definition's tasks against in-memory inputs, without a sandbox or a worker,
 * so plugin authors can unit test their code. Capabilities default to in-memory fakes; pass overrides for the rest.
 */
import type { Capabilities, LogFields } from './capabilities.ts';
import type { PluginDefinition, RawConfig } from './connector.ts';
import type { SinkRecord, SourceOffset, SourcePartition, SourceRecord, TopicPartitionOffsets } from './records.ts';
import { createPluginRuntime } from './runtime.ts';

export interface HarnessLogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  fields?: LogFields;
}

export interface HarnessOptions {
  config: RawConfig;
  connector?: string;
  taskId?: number;
  /** Committed source offsets the task sees through ctx.offsets, keyed by JSON.stringify(partition). */
  offsets?: Map<string, SourceOffset>;
  /** Replaces Date.now and sleep (e.g. a fake clock that advances instantly). */
  clock?: Capabilities['clock'];
  capabilities?: Partial<Omit<Capabilities, 'log' | 'clock' | 'offsets'>>;
}

export interface TaskHarness {
  readonly logs: HarnessLogEntry[];
  validate(config?: RawConfig): Promise<Record<string, string[]>>;
  taskConfigs(maxTasks: number): Promise<RawConfig[]>;
  start(): Promise<void>;
  poll(): Promise<SourceRecord[]>;
  /** Polls until at least `count` records arrived or `maxPolls` polls returned. */
  pollUntil(count: number, maxPolls?: number): Promise<SourceRecord[]>;
  put(records: SinkRecord[]): Promise<void>;
  preCommit(offsets: TopicPartitionOffsets): Promise<TopicPartitionOffsets>;
  stop(): Promise<void>;
}


function missing<T extends object>(name: string): T {
  return new Proxy({} as T, { get: (_t, prop) => () => Promise.reject(new Error(`capability ${name}.${String(prop)} is not provided in this test harness`)) });
}

export function createTaskHarness(def: PluginDefinition, options: HarnessOptions): TaskHarness {
  const logs: HarnessLogEntry[] = [];
  const offsets = options.offsets ?? new Map<string, SourceOffset>();
  const logAt = (level: HarnessLogEntry['level']) => (msg: string, fields?: LogFields) => void logs.push({ level, msg, ...(fields ? { fields } : {}) });
  const caps: Capabilities = {
    log: { debug: logAt('debug'), info: logAt('info'), warn: logAt('warn'), error: logAt('error') },
    clock: options.clock ?? { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
    offsets: { get: (p: SourcePartition) => Promise.resolve(offsets.get(JSON.stringify(p)) ?? null) },
    mysql: options.capabilities?.mysql ?? missing('mysql'),
    elasticsearch: options.capabilities?.elasticsearch ?? missing('elasticsearch'),
    http: options.capabilities?.http ?? missing('http'),
    files: options.capabilities?.files ?? missing('files'),
    errantRecordReporter: options.capabilities?.errantRecordReporter ?? missing('errantRecordReporter'),
  };
  const runtime = createPluginRuntime(def, caps);
  const connector = options.connector ?? 'test-connector';
  // Records cross the real sandbox as JSON; do the same so tests catch values that would not survive it.
  const roundTrip = <T>(v: unknown): T => JSON.parse(JSON.stringify(v ?? null)) as T;

  const harness: TaskHarness = {
    logs,
    validate: async (config) => roundTrip(await runtime.call('validate', config ?? options.config)),
    taskConfigs: async (maxTasks) => roundTrip(await runtime.call('taskConfigs', { raw: options.config, maxTasks, connector })),
    start: async () => {
      await runtime.call('start', { raw: options.config, connector, taskId: options.taskId ?? 0 });
    },
    poll: async () => roundTrip(await runtime.call('poll', null)),
    pollUntil: async (count, maxPolls = 1000) => {
      const out: SourceRecord[] = [];
      for (let i = 0; i < maxPolls && out.length < count; i++) out.push(...(await harness.poll()));
      return out;
    },
    put: async (records) => {
      await runtime.call('put', roundTrip(records));
    },
    preCommit: async (o) => roundTrip(await runtime.call('preCommit', o)),
    stop: async () => {
      await runtime.call('stop', null);
    },
  };
  return harness;
}

