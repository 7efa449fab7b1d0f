/**
 * Drives one sandboxed task: source tasks poll batches out to a RecordSink and commit offsets; sink tasks
 * (sink-task-runner.ts) get batches in from a RecordSource and commit only what preCommit reports durable. One
 * crossing per batch.
 */
import type { SourceOffset, SourcePartition, SourceRecord } from '../../sdk/records.ts';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { RecordSink } from '../pipeline/record-ports.ts';
import { ahead, BaseRunner, sleep } from './base-runner.ts';
import type { RunnerOptions } from './base-runner.ts';
import type { SourceOffsetStore } from './offset-store.ts';

export type { RunnerOptions, TaskRunner } from './base-runner.ts';
export { SinkTaskRunner } from './sink-task-runner.ts';

function checkSourceRecords(records: unknown): SourceRecord[] {
  if (!Array.isArray(records)) throw new ConveyorError(ErrorCode.taskFailed, 'poll() returned something other than an array');
  for (const [i, r] of (records as Partial<SourceRecord>[]).entries()) {
    if (typeof r?.topic !== 'string' || r.topic === '') throw new ConveyorError(ErrorCode.taskFailed, `poll() record ${i} has no topic`);
    if (typeof r.sourcePartition !== 'object' || r.sourcePartition === null) throw new ConveyorError(ErrorCode.taskFailed, `poll() record ${i} has no sourcePartition object`);
    if (typeof r.sourceOffset !== 'object' || r.sourceOffset === null) throw new ConveyorError(ErrorCode.taskFailed, `poll() record ${i} has no sourceOffset object`);
  }
  return records as SourceRecord[];
}

export class SourceTaskRunner extends BaseRunner {
  private readonly sink: RecordSink;
  /** Null when the sink commits each record's offset itself once it is durable (the Kafka pipelines). */
  private readonly offsets: SourceOffsetStore | null;
  private readonly pending = new Map<string, { partition: SourcePartition; offset: SourceOffset }>();
  /** Batches appended since the task's commit() was last called. */
  private appended = false;

  constructor(o: RunnerOptions, sink: RecordSink, offsets: SourceOffsetStore | null) {
    super(o);
    this.sink = sink;
    this.offsets = offsets;
  }

  /**
   * Polls one batch ahead: the next poll runs in the sandbox while this batch is checked and appended here.
   * A prefetched batch that is never appended is dropped uncommitted, so delivery stays at-least-once.
   */
  protected async run(): Promise<void> {
    let lastCommit = performance.now();
    const prefetch = (): Promise<unknown> => {
      const at = performance.now();
      return ahead(this.o.instance.invoke('poll').then((b) => {
        if (Array.isArray(b) && b.length > 0) this.o.metrics?.batch(b.length, performance.now() - at);
        return b;
      }));
    };
    let next: Promise<unknown> = prefetch();
    try {
      while (!this.stopping) {
        const batch = await next;
        next = this.stopping ? Promise.resolve([]) : prefetch();
        await this.handleBatch(checkSourceRecords(batch));
        if (performance.now() - lastCommit >= (this.o.commitIntervalMs ?? 1000)) {
          await this.timedFlush();
          lastCommit = performance.now();
        }
      }
    } finally {
      await next.catch(() => undefined);
    }
  }

  private async handleBatch(records: SourceRecord[]): Promise<void> {
    if (records.length === 0) {
      await sleep(5);
      return;
    }
    await this.throttled(records);
    const written = await this.sink.append(records);
    // commitRecord: one crossing for the whole batch, after Kafka acknowledged it.
    if (this.hooks.commitRecord) await this.o.instance.invoke('commitRecords', written ?? records.map(() => null));
    if (this.offsets !== null) for (const r of records) this.pending.set(JSON.stringify(r.sourcePartition), { partition: r.sourcePartition, offset: r.sourceOffset });
    this.appended = true;
    this.records += records.length;
    this.batches++;
  }

  /** Writes the offsets reached (when this runner owns them) and calls the task's commit() after new batches. */
  protected async flush(): Promise<void> {
    if (!this.appended) return;
    this.appended = false;
    if (this.offsets !== null && this.pending.size > 0) {
      const batch = [...this.pending.values()];
      this.pending.clear();
      await this.offsets.commit(this.o.connector, batch);
    }
    await this.o.instance.invoke('commit');
  }
}

