/**
 * Local test harness: runs a plugin definition's tasks against in-memory inputs, without a sandbox or a worker,
 * so plugin authors can unit test their code. Capabilities default to in-memory fakes; pass overrides for the rest.
 */
import type { Capabilities, LogFields } from './capabilities.ts';
import type { PluginDefinition, RawConfig } from './connector.ts';
import type { MetricLabels } from './metrics.ts';
import type { RecordMetadata, SinkRecord, SourceOffset, SourcePartition, SourceRecord, TopicPartition, TopicPartitionOffsets } from './records.ts';
import { createPluginRuntime } from './runtime.ts';
import type { SinkCallResult } from './runtime.ts';

/** One call the task made to ctx.log. */
export interface HarnessLogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  fields?: LogFields;
}

/** How a harness runs the task: its raw config (string properties, as a worker gets them) and fakes. */
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

/** One task of a plugin, driven by the test: each method makes the call a worker would make. */
export interface TaskHarness {
  /** Everything the task logged, in order. */
  readonly logs: HarnessLogEntry[];
  /** What the task reported through ctx.metrics, by seriesKey (an observation adds its value). */
  readonly metrics: Map<string, number>;
  /** The config's problems, key → messages (empty when valid): the declarative checks, then the plugin's validate. */
  validate(config?: RawConfig): Promise<Record<string, string[]>>;
  /** The connector's task configs for tasks.max = maxTasks. */
  taskConfigs(maxTasks: number): Promise<RawConfig[]>;
  /** Starts the task with the harness's config (typed and frozen into ctx.config, as in the sandbox). */
  start(): Promise<void>;
  /** One poll of a source task; records come back as they would cross the sandbox (JSON-safe). */
  poll(): Promise<SourceRecord[]>;
  /** Polls until at least `count` records arrived or `maxPolls` polls returned. */
  pollUntil(count: number, maxPolls?: number): Promise<SourceRecord[]>;
  /**
   * One put of a sink task. Resolves to what the worker would receive: the context's requests (requestCommit,
   * offset, timeout) and `retry` when put threw a RetriableError; null when there is nothing. A worker would call
   * put again with the same batch after a `retry`.
   */
  put(records: SinkRecord[]): Promise<SinkCallResult>;
  /** Assigns partitions to a sink task (its open hook), as a worker does at start and after a rebalance. */
  open(partitions: TopicPartition[]): Promise<SinkCallResult>;
  /** Takes partitions away from a sink task (its close hook), as a rebalance or a stop does. */
  close(partitions: TopicPartition[]): Promise<SinkCallResult>;
  /**
   * Acknowledges the oldest batch poll returned that is not acknowledged yet: the source task's commitRecord is
   * called for each of its records with `metadata[i]` (null when absent), as after Kafka acknowledged the batch.
   */
  commitRecords(metadata: readonly (RecordMetadata | null)[]): Promise<void>;
  /** The offsets the sink task reports durable (its preCommit, else flush then the offsets given). */
  preCommit(offsets: TopicPartitionOffsets): Promise<TopicPartitionOffsets>;
  /** Stops the task. */
  stop(): Promise<void>;
}


/** A series as the harness keys it: `name{label="value",...}` with labels sorted by name. */
export function seriesKey(name: string, labels?: MetricLabels): string {
  const pairs = Object.keys(labels ?? {}).sort().map((k) => `${k}="${String(labels?.[k])}"`);
  return pairs.length === 0 ? name : `${name}{${pairs.join(',')}}`;
}

function missing<T extends object>(name: string): T {
  return new Proxy({} as T, { get: (_t, prop) => () => Promise.reject(new Error(`capability ${name}.${String(prop)} is not provided in this test harness`)) });
}

/**
 * A harness for one task of `def`: log, clock and offsets are in-memory fakes; other capabilities are the ones
 * passed in `capabilities` (a call to any other rejects, naming it).
 */
export function createTaskHarness(def: PluginDefinition, options: HarnessOptions): TaskHarness {
  const logs: HarnessLogEntry[] = [];
  const metrics = new Map<string, number>();
  const offsets = options.offsets ?? new Map<string, SourceOffset>();
  const logAt = (level: HarnessLogEntry['level']) => (msg: string, fields?: LogFields) => void logs.push({ level, msg, ...(fields ? { fields } : {}) });
  const caps: Capabilities = {
    log: { debug: logAt('debug'), info: logAt('info'), warn: logAt('warn'), error: logAt('error') },
    clock: options.clock ?? { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
    offsets: { get: (p: SourcePartition) => Promise.resolve(offsets.get(JSON.stringify(p)) ?? null) },
    metrics: {
      set: (name, value, labels) => void metrics.set(seriesKey(name, labels), value),
      inc: (name, value = 1, labels) => void metrics.set(seriesKey(name, labels), (metrics.get(seriesKey(name, labels)) ?? 0) + value),
      observe: (name, value, labels) => void metrics.set(seriesKey(name, labels), (metrics.get(seriesKey(name, labels)) ?? 0) + value),
    },
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
    metrics,
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
    put: async (records) => roundTrip<SinkCallResult>(await runtime.call('put', roundTrip(records))),
    open: async (partitions) => roundTrip<SinkCallResult>(await runtime.call('open', roundTrip(partitions))),
    close: async (partitions) => roundTrip<SinkCallResult>(await runtime.call('close', roundTrip(partitions))),
    commitRecords: async (metadata) => {
      await runtime.call('commitRecords', roundTrip(metadata));
    },
    preCommit: async (o) => roundTrip(await runtime.call('preCommit', o)),
    stop: async () => {
      await runtime.call('stop', null);
    },
  };
  return harness;
}

