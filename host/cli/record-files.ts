/**
 * JSON-lines files in place of Kafka for `conveyor plugin run`: a source task's records appended to a file (or
 * stdout), a sink task's records read from one. One record per line.
 */
import { appendFile, readFile } from 'node:fs/promises';
import type { JsonValue, SinkRecord, SourceRecord, TopicPartitionOffsets } from '../../sdk/records.ts';
import { topicPartitionKey } from '../../sdk/records.ts';
import type { RecordSink, RecordSource } from '../pipeline/record-ports.ts';

/** Appends the records a source task returns, one JSON line each, to `path` ('-': stdout); at most `limit` of them. */
export function jsonLinesSink(path: string, limit = Infinity): RecordSink & { readonly written: () => number } {
  let written = 0;
  return {
    written: () => written,
    append: async (all: readonly SourceRecord[]) => {
      const records = all.slice(0, Math.max(0, limit - written));
      if (records.length === 0) return;
      const text = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
      if (path === '-') process.stdout.write(text);
      else await appendFile(path, text);
      written += records.length;
    },
  };
}

/** What a line of a sink's input file holds: topic and value, the rest optional. */
interface InputLine {
  topic: string;
  partition?: number;
  key?: JsonValue;
  value: JsonValue;
  headers?: Record<string, string>;
  timestamp?: number;
}

function parseLine(line: string, n: number, path: string): InputLine {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (err) {
    throw new Error(`${path}:${n}: not JSON: ${(err as Error).message}`);
  }
  const r = v as Partial<InputLine> | null;
  if (typeof r !== 'object' || r === null || typeof r.topic !== 'string' || !('value' in r)) throw new Error(`${path}:${n}: a record needs "topic" and "value"`);
  return r as InputLine;
}

/** A sink task's input: the records of `topics` in the file, numbered per topic-partition from offset 0. */
export interface FileRecordSource {
  /** The RecordSource a task consumes (one per task start). */
  source(topics: readonly string[]): RecordSource;
  /** Resolves once the task committed every record of its topics. */
  readonly drained: Promise<void>;
  /** The records of the topics the task consumes. */
  readonly total: () => number;
}

/** Reads the whole file (a development input, not a stream) and serves it like a consumer would. */
export async function jsonLinesSource(path: string): Promise<FileRecordSource> {
  const lines = (await readFile(path, 'utf8')).split('\n');
  const all: SinkRecord[] = [];
  const next = new Map<string, number>();
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const r = parseLine(line, i + 1, path);
    const partition = r.partition ?? 0;
    const tp = topicPartitionKey(r.topic, partition);
    const offset = next.get(tp) ?? 0;
    next.set(tp, offset + 1);
    all.push({ topic: r.topic, partition, offset, key: r.key ?? null, value: r.value, headers: r.headers ?? {}, timestamp: r.timestamp ?? Date.now() });
  });
  let committed: TopicPartitionOffsets = {};
  let ends: TopicPartitionOffsets = {};
  let total = 0;
  let settle = (): void => undefined;
  const drained = new Promise<void>((resolve) => (settle = resolve));
  const checkDrained = (): void => {
    if (Object.entries(ends).every(([tp, end]) => (committed[tp] ?? 0) >= end)) settle();
  };
  return {
    drained,
    total: () => total,
    source: (topics) => {
      const mine = all.filter((r) => topics.includes(r.topic));
      total = mine.length;
      ends = {};
      for (const r of mine) ends[topicPartitionKey(r.topic, r.partition)] = r.offset + 1;
      let at = mine.findIndex((r) => r.offset >= (committed[topicPartitionKey(r.topic, r.partition)] ?? 0));
      if (at < 0) at = mine.length;
      const position: TopicPartitionOffsets = { ...committed };
      let closed = false;
      checkDrained();
      return {
        fetch: async (max, waitMs) => {
          const batch = mine.slice(at, at + max);
          at += batch.length;
          for (const r of batch) position[topicPartitionKey(r.topic, r.partition)] = r.offset + 1;
          if (batch.length === 0 && !closed && waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
          return batch;
        },
        position: () => ({ ...position }),
        commit: (offsets) => {
          committed = { ...committed, ...offsets };
          checkDrained();
          return Promise.resolve();
        },
        close: () => {
          closed = true;
        },
      };
    },
  };
}
