/**
 * In-memory topics implementing host/pipeline's RecordSink and RecordSource, for unit tests and the sandbox bench
 * (which measures the crossing, not Kafka): source task runners append to them, sink task runners read from them.
 * A worker always moves records through Kafka.
 */
import { topicPartitionKey } from '../../sdk/records.ts';
import type { RecordMetadata, SinkRecord, SourceRecord, TopicPartitionOffsets } from '../../sdk/records.ts';
import type { AssignmentChange, RecordSink, RecordSource } from '../../host/pipeline/record-ports.ts';

interface TopicLog {
  base: number;
  records: SinkRecord[];
  waiters: Set<() => void>;
}

/** One partition per topic; keeps the last `retention` records of each. */
export class InMemoryTopics implements RecordSink {
  private readonly topics = new Map<string, TopicLog>();
  private readonly committed = new Map<string, TopicPartitionOffsets>();
  private readonly retention: number;

  constructor(retention = 100_000) {
    this.retention = retention;
  }

  private log(topic: string): TopicLog {
    let t = this.topics.get(topic);
    if (!t) {
      t = { base: 0, records: [], waiters: new Set() };
      this.topics.set(topic, t);
    }
    return t;
  }

  append(records: readonly SourceRecord[]): Promise<RecordMetadata[]> {
    const touched = new Set<TopicLog>();
    const written: RecordMetadata[] = [];
    for (const r of records) {
      const t = this.log(r.topic);
      const offset = t.base + t.records.length;
      t.records.push({ topic: r.topic, partition: 0, offset, key: r.key ?? null, value: r.value, headers: r.headers ?? {}, timestamp: r.timestamp ?? Date.now() });
      written.push({ topic: r.topic, partition: 0, offset });
      touched.add(t);
    }
    for (const t of touched) {
      if (t.records.length > this.retention * 1.5) {
        const drop = t.records.length - this.retention;
        t.records.splice(0, drop);
        t.base += drop;
      }
      for (const w of t.waiters) w();
      t.waiters.clear();
    }
    return Promise.resolve(written);
  }

  endOffset(topic: string): number {
    const t = this.log(topic);
    return t.base + t.records.length;
  }

  /** A consumer of the given topics for one group, starting at the group's committed offsets (or the start). */
  consumer(group: string, topics: readonly string[]): RecordSource {
    const committed = this.committed.get(group) ?? {};
    const pos = new Map<string, number>(topics.map((t) => [t, committed[topicPartitionKey(t, 0)] ?? 0]));
    let closed = false;
    let wake: (() => void) | null = null;
    // One partition per topic, assigned to this consumer for its life.
    let changes: AssignmentChange[] = [{ kind: 'assigned', partitions: topics.map((topic) => ({ topic, partition: 0 })) }];
    const take = (max: number): SinkRecord[] => {
      const out: SinkRecord[] = [];
      for (const topic of topics) {
        const t = this.log(topic);
        let p = Math.max(pos.get(topic) ?? 0, t.base);
        const end = t.base + t.records.length;
        while (p < end && out.length < max) {
          const rec = t.records[p - t.base];
          if (rec) out.push(rec);
          p++;
        }
        pos.set(topic, p);
      }
      return out;
    };
    return {
      fetch: async (max, waitMs) => {
        const first = take(max);
        if (first.length > 0 || waitMs <= 0 || closed) return first;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, waitMs);
          function done(): void {
            clearTimeout(timer);
            wake = null;
            resolve();
          }
          wake = done;
          for (const topic of topics) this.log(topic).waiters.add(done);
        });
        return take(max);
      },
      position: () => Object.fromEntries([...pos].map(([t, p]) => [topicPartitionKey(t, 0), p])),
      commit: (offsets) => {
        this.committed.set(group, { ...(this.committed.get(group) ?? {}), ...offsets });
        return Promise.resolve();
      },
      close: () => {
        closed = true;
        wake?.();
      },
      takeAssignmentChanges: () => {
        const out = changes;
        changes = [];
        return out;
      },
      rewind: (offsets) => {
        for (const [k, off] of Object.entries(offsets)) {
          const topic = k.slice(0, k.lastIndexOf('/'));
          if (pos.has(topic)) pos.set(topic, off);
        }
        return Promise.resolve();
      },
    };
  }

  committedOffsets(group: string): TopicPartitionOffsets {
    return { ...(this.committed.get(group) ?? {}) };
  }
}
