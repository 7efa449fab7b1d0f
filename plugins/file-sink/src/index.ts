import { defineSink } from '@conveyor/sdk';
import type { SinkRecord, SinkTask, TaskContext, TopicPartitionOffsets } from '@conveyor/sdk';

const config = [
  // Kafka Connect's definition, words included. Without `file` Kafka Connect writes standard output; a sandboxed task
  // has none, so the task refuses to start instead (the path must be absolute, in a directory the policy allows).
  { name: 'file', type: 'string', default: null, importance: 'high', documentation: 'Destination filename. If not specified, the standard output will be used' },
  { name: 'topics', type: 'list', importance: 'high', documentation: 'Topics to consume.' },
] as const;

/** Appended per call at most (the files capability bounds one write). */
const MAX_WRITE = 2 * 1024 * 1024;
/** Appends in flight at once; put() waits for the oldest beyond this. */
const MAX_IN_FLIGHT = 8;

function line(r: SinkRecord): string {
  if (r.value === null) return 'null';
  return typeof r.value === 'string' ? r.value : JSON.stringify(r.value);
}

/**
 * Like Kafka Connect's FileStreamSinkTask, put() hands lines to the file without waiting for each write, and flush
 * (here preCommit) is where they are known to be in the file: appends stay in order (the files capability applies one
 * path's writes in the order they were issued), a failed one fails the task at the next put or preCommit, and only
 * then are offsets reported durable.
 */
class FileSinkTask implements SinkTask<typeof config> {
  private ctx!: TaskContext<typeof config>;
  private file = '';
  private lines = 0;
  private readonly inFlight: Promise<void>[] = [];
  private failure: Error | null = null;

  start(ctx: TaskContext<typeof config>): void {
    this.ctx = ctx;
    const file = ctx.config['file'];
    if (file === null || file === '') throw new Error("FileStreamSink needs 'file': a sandboxed task has no standard output to write");
    this.file = file;
    ctx.log.info('file sink started', { file: this.file });
  }

  private async append(chunk: string): Promise<void> {
    if (this.failure !== null) throw this.failure;
    while (this.inFlight.length >= MAX_IN_FLIGHT) await this.inFlight.shift();
    const write = this.ctx.files.write(this.file, chunk, { append: true }).then(
      () => undefined,
      (err: unknown) => {
        const e = err instanceof Error ? err : new Error(String(err));
        this.failure ??= e;
        throw e;
      },
    );
    write.catch(() => undefined);
    this.inFlight.push(write);
  }

  private async drain(): Promise<void> {
    while (this.inFlight.length > 0) await this.inFlight.shift();
    if (this.failure !== null) throw this.failure;
  }

  async put(records: SinkRecord[]): Promise<void> {
    let chunk = '';
    for (const r of records) {
      const l = line(r) + '\n';
      if (chunk.length + l.length > MAX_WRITE && chunk !== '') {
        await this.append(chunk);
        chunk = '';
      }
      chunk += l;
    }
    if (chunk !== '') await this.append(chunk);
    this.lines += records.length;
  }

  /** Every line put so far is in the file once the appends in flight are done. */
  async preCommit(offsets: TopicPartitionOffsets): Promise<TopicPartitionOffsets> {
    await this.drain();
    return offsets;
  }

  async stop(): Promise<void> {
    await this.drain().catch((err: unknown) => this.ctx.log.warn('file sink stopped with a failed write', { file: this.file, error: String((err as Error)?.message ?? err) }));
    this.ctx.log.info('file sink stopped', { file: this.file, lines: this.lines });
  }
}

export default defineSink({
  className: 'FileStreamSink',
  aliases: ['org.apache.kafka.connect.file.FileStreamSinkConnector', 'FileStreamSinkConnector', 'FileSink'],
  config,
  task: () => new FileSinkTask(),
});
