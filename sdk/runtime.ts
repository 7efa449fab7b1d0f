/**
 * Drives a plugin definition through its lifecycle. Runs inside the sandbox (bundled into the trusted bootstrap)
 * and in the local test harness, so it stays pure: no host modules, no Node built-ins.
 */
import type { Capabilities } from './capabilities.ts';
import { parseConfig, validateConfig } from './config.ts';
import type { ConfigDefinition } from './config.ts';
import { replicatingConnector } from './connector.ts';
import type { OffsetAlteration, PluginDefinition, RawConfig, SinkTask, SinkTaskContext, SourceTask, TaskContext } from './connector.ts';
import { isRetriableError } from './errors.ts';
import type { RecordMetadata, SinkRecord, SourceRecord, TopicPartition, TopicPartitionOffsets } from './records.ts';
import { newSinkState } from './sink-context.ts';
import type { TaskRequests } from './sink-context.ts';
import { createTransformRuntime } from './transform-runtime.ts';
import type { TransformPluginDefinition } from './transform.ts';

/** What a bundle's definition says of itself: the manifest's type, class names and config definition come from it. */
export interface PluginDescription {
  type: 'source' | 'sink' | 'transform';
  className: string;
  aliases: string[];
  config: ConfigDefinition;
}

/** The calls the host makes into a plugin (the sandbox's protocol). */
export type RuntimeMethod = 'describe' | 'validate' | 'alterOffsets' | 'taskConfigs' | 'start' | 'poll' | 'put' | 'preCommit' | 'commit' | 'stop' | 'open' | 'close' | 'commitRecords' | 'transform';

/** Which optional hooks the started task implements (start's result): the host makes no crossing for the others. */
export interface TaskHooks {
  open: boolean;
  close: boolean;
  commitRecord: boolean;
}

export type { TaskRequests } from './sink-context.ts';

/**
 * The result of start, open, close and put on a sink task: the requests its context collected (null when none) and,
 * for a put that threw a RetriableError, `retry` with its message (the batch was not taken).
 */
export type SinkCallResult = (TaskRequests & { retry?: { message: string } }) | null;

/** start's result. */
export interface StartResult {
  hooks: TaskHooks;
  requests: SinkCallResult;
}

/** A plugin definition behind one entry point: call(method, argument). */
export interface PluginRuntime {
  call(method: RuntimeMethod, arg: unknown): Promise<unknown>;
}

/** Checks a registered definition's shape and describes it; throws naming what is missing. */
export function describePlugin(def: unknown): PluginDescription {
  if (typeof def !== 'object' || def === null) throw new Error('plugin did not register a definition object');
  const d = def as Partial<PluginDefinition> | Partial<TransformPluginDefinition>;
  if (d.type !== 'source' && d.type !== 'sink' && d.type !== 'transform') throw new Error('plugin definition has no type source|sink|transform');
  if (typeof d.className !== 'string' || d.className === '') throw new Error('plugin definition has no className');
  if (d.type === 'transform' ? typeof d.transform !== 'function' : typeof (d as Partial<PluginDefinition>).task !== 'function') {
    throw new Error(`plugin definition has no ${d.type === 'transform' ? 'transform' : 'task'} factory`);
  }
  if (!Array.isArray(d.config)) throw new Error('plugin definition has no config definition array');
  return { type: d.type, className: d.className, aliases: [...(d.aliases ?? [])], config: d.config };
}

/**
 * Drives a definition through Kafka Connect's lifecycle (validate, taskConfigs, start, poll/put, preCommit/commit,
 * stop) with the given capabilities: what the sandbox bootstrap and the test harness both run.
 */
export function createPluginRuntime(def: PluginDefinition | TransformPluginDefinition, caps: Capabilities): PluginRuntime {
  const description = describePlugin(def);
  if (def.type === 'transform') return createTransformRuntime(def, description, caps);
  let task: SourceTask | SinkTask | null = null;
  const sinkState = newSinkState();
  /** Batches poll returned, oldest first, kept for commitRecord only when the task has it. */
  const polled: SourceRecord[][] = [];

  const context = (raw: RawConfig, connector: string, taskId: number): TaskContext =>
    Object.freeze({ ...caps, raw: Object.freeze({ ...raw }), config: parseConfig(def.config, raw), connector, taskId });
  const sinkContext = (raw: RawConfig, connector: string, taskId: number): SinkTaskContext =>
    Object.freeze({ ...context(raw, connector, taskId), ...sinkState.api });

  const handlers: Record<RuntimeMethod, (arg: unknown) => unknown> = {
    describe: () => description,
    validate: (arg) => {
      const raw = arg as RawConfig;
      const out: Record<string, string[]> = {};
      for (const r of validateConfig(def.config, raw)) if (r.errors.length > 0) out[r.name] = r.errors;
      if (Object.keys(out).length === 0 && def.validate) {
        for (const [k, errs] of Object.entries(def.validate(parseConfig(def.config, raw), raw))) {
          if (errs.length > 0) out[k] = [...(out[k] ?? []), ...errs];
        }
      }
      return out;
    },
    alterOffsets: (arg) => {
      const { raw, offsets } = arg as { raw: RawConfig; offsets: OffsetAlteration[] };
      def.alterOffsets?.(parseConfig(def.config, raw), offsets);
      return null;
    },
    taskConfigs: async (arg) => {
      const { raw, maxTasks, connector } = arg as { raw: RawConfig; maxTasks: number; connector: string };
      const c = def.connector ? def.connector() : replicatingConnector();
      await c.start?.(context(raw, connector, -1));
      const configs = await c.taskConfigs(maxTasks);
      await c.stop?.();
      return configs.slice(0, Math.max(1, maxTasks));
    },
    start: async (arg) => {
      const { raw, connector, taskId } = arg as { raw: RawConfig; connector: string; taskId: number };
      if (task !== null) throw new Error('task already started');
      if (def.type === 'sink') {
        const t = def.task();
        task = t;
        await t.start(sinkContext(raw, connector, taskId));
        return { hooks: { open: typeof t.open === 'function', close: typeof t.close === 'function', commitRecord: false }, requests: sinkState.drain() } satisfies StartResult;
      }
      const t = def.task();
      task = t;
      await t.start(context(raw, connector, taskId));
      return { hooks: { open: false, close: false, commitRecord: typeof t.commitRecord === 'function' }, requests: null } satisfies StartResult;
    },
    poll: async () => {
      const t = source();
      const records = await t.poll();
      if (records === null || records === undefined) return [];
      if (!Array.isArray(records)) throw new Error('poll() must return an array of source records or null');
      if (records.length > 0 && typeof t.commitRecord === 'function') polled.push(records);
      return records;
    },
    put: async (arg) => {
      try {
        await sink().put(arg as SinkRecord[]);
      } catch (err) {
        if (!isRetriableError(err)) throw err;
        return { ...sinkState.drain(), retry: { message: String(err.message) } } satisfies SinkCallResult;
      }
      return sinkState.drain();
    },
    open: async (arg) => {
      const partitions = arg as TopicPartition[];
      sinkState.assign(partitions);
      await sink().open?.(partitions);
      return sinkState.drain();
    },
    close: async (arg) => {
      const partitions = arg as TopicPartition[];
      try {
        await sink().close?.(partitions);
      } finally {
        sinkState.unassign(partitions);
      }
      return sinkState.drain();
    },
    commitRecords: (arg) => {
      const metadata = arg as (RecordMetadata | null)[];
      const batch = polled.shift();
      const t = source();
      if (batch === undefined || typeof t.commitRecord !== 'function') return null;
      for (let i = 0; i < batch.length; i++) t.commitRecord(batch[i]!, metadata[i] ?? null);
      return null;
    },
    preCommit: async (arg) => {
      const offsets = arg as TopicPartitionOffsets;
      const t = sink();
      if (t.preCommit) return await t.preCommit(offsets);
      await t.flush?.(offsets);
      return offsets;
    },
    commit: async () => {
      await source().commit?.();
      return null;
    },
    transform: () => {
      throw new Error(`${def.className} is a ${def.type} connector, not a transform`);
    },
    stop: async () => {
      const t = task;
      task = null;
      await t?.stop();
      return null;
    },
  };

  function source(): SourceTask {
    if (task === null || def.type !== 'source') throw new Error('no source task started');
    return task as SourceTask;
  }
  function sink(): SinkTask {
    if (task === null || def.type !== 'sink') throw new Error('no sink task started');
    return task as SinkTask;
  }

  return {
    call: async (method, arg) => {
      const handler = handlers[method];
      if (typeof handler !== 'function') throw new Error(`unknown runtime method ${String(method)}`);
      return await handler(arg);
    },
  };
}

