import { defineSink } from '../../../sdk/index.ts';
import type { SinkRecord, SinkTask, TaskContext, TopicPartitionOffsets } from '../../../sdk/index.ts';

const config = [
  { name: 'file', type: 'string', importance: 'high', documentation: 'Absolute path of the destination file; the worker must allow its directory (built-in file connectors get it automatically).', validators: [{ kind: 'pattern', regex: '^/.*' }] },
  { name: 'topics', type: 'list', importance: 'high', documentation: 'Topics to consume.' },
] as const;

/** Appended per call at most (the files capability bounds one write). */
const MAX_WRITE = 2 * 1024 * 1024;

function line(r: SinkRecord): string {
  if (r.value === null) return 'null';
  return typeof r.value === 'string' ? r.value : JSON.stringify(r.value);
}

class FileSinkTask implements SinkTask {
  private ctx!: TaskContext;
  private file = '';
  private lines = 0;

  start(ctx: TaskContext): void {
    this.ctx = ctx;
    this.file = String(ctx.config['file']);
    ctx.log.info('file sink started', { file: this.file });
  }

  async put(records: SinkRecord[]): Promise<void> {
    let chunk = '';
    for (const r of records) {
      const l = line(r) + '\n';
      if (chunk.length + l.length > MAX_WRITE && chunk !== '') {
        await this.ctx.files.write(this.file, chunk, { append: true });
        chunk = '';
      }
      chunk += l;
    }
    if (chunk !== '') await this.ctx.files.write(this.file, chunk, { append: true });
    this.lines += records.length;
  }

  /** put() appends before it returns, so everything handed over so far is in the file. */
  preCommit(offsets: TopicPartitionOffsets): TopicPartitionOffsets {
    return offsets;
  }

  stop(): void {
    this.ctx.log.info('file sink stopped', { file: this.file, lines: this.lines });
  }
}

export default defineSink({
  className: 'FileStreamSink',
  aliases: ['org.apache.kafka.connect.file.FileStreamSinkConnector', 'FileStreamSinkConnector', 'FileSink'],
  config,
  task: () => new FileSinkTask(),
});
