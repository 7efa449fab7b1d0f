import { defineSink } from '@conveyor/sdk';
import type { SinkRecord, SinkTask, TaskContext, TopicPartitionOffsets } from '@conveyor/sdk';

const config = [
  { name: 'topics', type: 'list', importance: 'high', documentation: 'Topics to consume.', validators: [{ kind: 'nonEmpty' }] },
  { name: 'log.every', type: 'long', default: 0, importance: 'low', documentation: 'Log the running totals every N records; 0 disables.', validators: [{ kind: 'range', min: 0 }] },
] as const;

class CountingTask implements SinkTask<typeof config> {
  private ctx!: TaskContext<typeof config>;
  private records = 0;
  private bytes = 0;
  private nextLog = 0;

  start(ctx: TaskContext<typeof config>): void {
    this.ctx = ctx;
    this.nextLog = ctx.config['log.every'];
  }

  put(records: SinkRecord[]): void {
    for (const r of records) {
      this.records++;
      this.bytes += typeof r.value === 'string' ? r.value.length : JSON.stringify(r.value).length;
    }
    if (this.nextLog > 0 && this.records >= this.nextLog) {
      this.ctx.log.info('counting sink totals', { records: this.records, bytes: this.bytes });
      this.nextLog += this.ctx.config['log.every'];
    }
  }

  preCommit(offsets: TopicPartitionOffsets): TopicPartitionOffsets {
    return offsets;
  }

  stop(): void {
    this.ctx.log.info('counting sink stopped', { records: this.records, bytes: this.bytes });
  }
}

export default defineSink({
  className: 'CountingSink',
  aliases: ['io.conveyor.plugins.countingsink.CountingSink'],
  config,
  task: () => new CountingTask(),
});
