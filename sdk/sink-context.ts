/**
 * A sink task's SinkTaskContext inside the runtime: the requests the task makes (requestCommit, offset, timeout),
 * collected until the runtime returns them with the result of the current call, and the partitions it has open.
 * Pure, like the runtime: no host modules, no Node built-ins.
 */
import type { TopicPartition, TopicPartitionOffsets } from './records.ts';
import { topicPartitionKey } from './records.ts';

/** What a sink task asked of its context (SinkTaskContext) since the last call that returned them. */
export interface TaskRequests {
  commit?: true;
  /** "topic/partition" → the next offset to read. */
  offsets?: TopicPartitionOffsets;
  timeoutMs?: number;
}

/** A sink task's context requests and assignment, shared by the context API and the runtime's handlers. */
export function newSinkState() {
  let commit = false;
  let offsets: TopicPartitionOffsets | null = null;
  let timeoutMs: number | null = null;
  const assigned = new Map<string, TopicPartition>();
  const rewind = (key: string, offset: number): void => {
    if (!Number.isSafeInteger(offset) || offset < 0) throw new Error(`context.offset: ${String(offset)} is not a Kafka offset`);
    (offsets ??= {})[key] = offset;
  };
  function offset(a: TopicPartitionOffsets | string, partition?: number, at?: number): void {
    if (typeof a === 'string') rewind(topicPartitionKey(a, partition ?? -1), at ?? -1);
    else for (const [k, v] of Object.entries(a)) rewind(k, v);
  }
  const api = {
    requestCommit: (): void => {
      commit = true;
    },
    offset,
    timeout: (ms: number): void => {
      if (!Number.isFinite(ms) || ms < 0) throw new Error(`context.timeout: ${String(ms)} is not a duration in ms`);
      timeoutMs = ms;
    },
    assignment: (): TopicPartition[] => [...assigned.values()].map((tp) => ({ ...tp })),
  };
  return {
    api,
    assign(tps: readonly TopicPartition[]): void {
      for (const tp of tps) assigned.set(topicPartitionKey(tp.topic, tp.partition), { topic: tp.topic, partition: tp.partition });
    },
    unassign(tps: readonly TopicPartition[]): void {
      for (const tp of tps) assigned.delete(topicPartitionKey(tp.topic, tp.partition));
    },
    /** The requests made since the last drain, or null; clears them. */
    drain(): TaskRequests | null {
      if (!commit && offsets === null && timeoutMs === null) return null;
      const out: TaskRequests = {};
      if (commit) out.commit = true;
      if (offsets !== null) out.offsets = offsets;
      if (timeoutMs !== null) out.timeoutMs = timeoutMs;
      commit = false;
      offsets = null;
      timeoutMs = null;
      return out;
    },
  };
}
