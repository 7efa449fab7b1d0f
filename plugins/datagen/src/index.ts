import { defineSource } from '@conveyor/sdk';
import type { SourceRecord, SourceTask, TaskContext } from '@conveyor/sdk';
import { createPrng, payload } from './prng.ts';

const config = [
  { name: 'topic', type: 'string', importance: 'high', documentation: 'Topic to write records to.', group: 'Output', validators: [{ kind: 'nonEmpty' }] },
  { name: 'rate', type: 'double', default: 0, importance: 'medium', documentation: 'Records per second per task; 0 means as fast as possible.', group: 'Generation', validators: [{ kind: 'range', min: 0 }] },
  { name: 'record.size', type: 'int', default: 100, importance: 'medium', documentation: 'Size in characters of each record payload.', group: 'Generation', validators: [{ kind: 'range', min: 0, max: 1048576 }] },
  { name: 'key.space', type: 'long', default: 1000, importance: 'medium', documentation: 'Keys are drawn from key-0 .. key-(N-1).', group: 'Generation', validators: [{ kind: 'range', min: 1 }] },
  { name: 'seed', type: 'long', default: 42, importance: 'low', documentation: 'PRNG seed; each task uses seed + task id.', group: 'Generation' },
  { name: 'batch.size', type: 'int', default: 500, importance: 'low', documentation: 'Maximum records returned by one poll.', group: 'Generation', validators: [{ kind: 'range', min: 1, max: 100000 }] },
  { name: 'value.sequence', type: 'boolean', default: false, importance: 'low', documentation: 'Make each value a JSON string {"task", "seq", "payload"}, so a consumer can verify that every record arrived (and how often).', group: 'Generation' },
  { name: 'max.records', type: 'long', default: -1, importance: 'low', documentation: 'Stop producing after this many records per task; -1 means unbounded.', group: 'Generation' },
] as const;

class DatagenTask implements SourceTask<typeof config> {
  private ctx!: TaskContext<typeof config>;
  private next: () => number = () => 0;
  private seq = 0;
  private started = 0;

  async start(ctx: TaskContext<typeof config>): Promise<void> {
    this.ctx = ctx;
    const committed = await ctx.offsets.get({ task: ctx.taskId });
    this.seq = typeof committed?.['seq'] === 'number' ? committed['seq'] : 0;
    this.next = createPrng(ctx.config.seed + ctx.taskId);
    // Replay the PRNG to the committed position so a restarted task continues the same sequence.
    const size = ctx.config['record.size'];
    for (let i = 0; i < this.seq; i++) this.record(i, size);
    this.started = ctx.clock.now();
    ctx.log.info('datagen task started', { seq: this.seq });
  }

  private record(seq: number, size: number): SourceRecord {
    const key = `key-${Math.floor(this.next() * this.ctx.config['key.space'])}`;
    const body = payload(this.next, size);
    const sequenced = this.ctx.config['value.sequence'];
    return {
      topic: this.ctx.config.topic,
      key,
      value: sequenced ? JSON.stringify({ task: this.ctx.taskId, seq: seq + 1, payload: body }) : body,
      timestamp: this.ctx.clock.now(),
      sourcePartition: { task: this.ctx.taskId },
      sourceOffset: { seq: seq + 1 },
    };
  }

  async poll(): Promise<SourceRecord[]> {
    const c = this.ctx.config;
    const max = c['max.records'];
    let count = c['batch.size'];
    if (max >= 0) count = Math.min(count, max - this.seq);
    if (count <= 0) {
      await this.ctx.clock.sleep(100);
      return [];
    }
    const rate = c.rate;
    if (rate > 0) {
      const due = this.started + ((this.seq + 1) / rate) * 1000;
      const wait = due - this.ctx.clock.now();
      if (wait > 0) await this.ctx.clock.sleep(Math.min(wait, 1000));
      const allowed = Math.floor(((this.ctx.clock.now() - this.started) / 1000) * rate) - this.seq;
      count = Math.max(0, Math.min(count, allowed));
    }
    const size = c['record.size'];
    const out: SourceRecord[] = [];
    for (let i = 0; i < count; i++) out.push(this.record(this.seq++, size));
    return out;
  }

  stop(): void {
    this.ctx.log.info('datagen task stopped', { seq: this.seq });
  }
}

export default defineSource({
  className: 'DatagenSource',
  aliases: ['io.conveyor.plugins.datagen.DatagenSource'],
  config,
  task: () => new DatagenTask(),
});
