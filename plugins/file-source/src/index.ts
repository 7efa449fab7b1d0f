import { defineSource } from '@conveyor/sdk';
import type { RawConfig, SourceRecord, SourceTask, TaskContext } from '@conveyor/sdk';

const config = [
  // Kafka Connect's definitions, words included. Without `file` Kafka Connect reads standard input; a sandboxed task
  // has none, so the task refuses to start instead (the path must be absolute, in a directory the policy allows).
  { name: 'file', type: 'string', default: null, importance: 'high', documentation: 'Source filename. If not specified, the standard input will be used' },
  { name: 'topic', type: 'string', importance: 'high', documentation: 'The topic to publish data to', validators: [{ kind: 'nonEmpty' }] },
  { name: 'batch.size', type: 'int', default: 2000, importance: 'low', documentation: 'The maximum number of records the source task can read from the file each time it is polled' },
] as const;

/** UTF-8 byte length without TextEncoder (the sandbox has no Node or web encoding APIs). */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Bytes read per poll at most; a poll returns up to batch.size complete lines from them. */
const CHUNK_BYTES = 1024 * 1024;

class FileSourceTask implements SourceTask<typeof config> {
  private ctx!: TaskContext<typeof config>;
  private file = '';
  private topic = '';
  private batch = 2000;
  private position = 0;
  private pending: string[] = [];
  private pendingStart: number[] = [];

  async start(ctx: TaskContext<typeof config>): Promise<void> {
    this.ctx = ctx;
    const file = ctx.config['file'];
    if (file === null || file === '') throw new Error("FileStreamSource needs 'file': a sandboxed task has no standard input to read");
    this.file = file;
    this.topic = ctx.config.topic;
    this.batch = Math.max(1, ctx.config['batch.size']);
    const committed = await ctx.offsets.get({ filename: this.file });
    this.position = typeof committed?.['position'] === 'number' ? committed['position'] : 0;
    ctx.log.info('file source started', { file: this.file, position: this.position });
  }

  /** Reads ahead a chunk of lines; each line's record carries the byte position after it. */
  private async fill(): Promise<void> {
    const start = this.pendingStart.length > 0 ? (this.pendingStart.at(-1) as number) : this.position;
    const { lines, position } = await this.ctx.files.readLines(this.file, start, CHUNK_BYTES);
    let at = start;
    for (const line of lines) {
      at += utf8Length(line) + 1;
      this.pending.push(line.endsWith('\r') ? line.slice(0, -1) : line);
      this.pendingStart.push(at);
    }
    if (this.pendingStart.length > 0) this.pendingStart[this.pendingStart.length - 1] = position;
  }

  async poll(): Promise<SourceRecord[]> {
    if (this.pending.length < this.batch) await this.fill();
    if (this.pending.length === 0) {
      await this.ctx.clock.sleep(200);
      return [];
    }
    const lines = this.pending.splice(0, this.batch);
    const ends = this.pendingStart.splice(0, lines.length);
    this.position = ends.at(-1) ?? this.position;
    return lines.map((line, i) => ({
      topic: this.topic,
      key: null,
      keySchema: null,
      value: line,
      valueSchema: { type: 'string', optional: false },
      sourcePartition: { filename: this.file },
      sourceOffset: { position: ends[i] as number },
    }));
  }

  stop(): void {
    this.ctx.log.info('file source stopped', { file: this.file, position: this.position });
  }
}

export default defineSource({
  className: 'FileStreamSource',
  aliases: ['org.apache.kafka.connect.file.FileStreamSourceConnector', 'FileStreamSourceConnector', 'FileSource'],
  config,
  connector: () => {
    let raw: RawConfig = {};
    return {
      start(ctx) {
        raw = ctx.raw;
      },
      // One file, one reader: like Kafka Connect's FileStreamSourceConnector, a single task whatever tasks.max says.
      taskConfigs: () => [{ ...raw }],
    };
  },
  /**
   * Kafka Connect's FileStreamSourceConnector.alterOffsets, words included: a null offset (a reset) is always allowed;
   * otherwise the offset holds a non-negative integer 'position' and the partition a 'filename'. Whether the position
   * fits the file is the task's business when it starts.
   */
  alterOffsets(_config, offsets) {
    for (const { partition, offset } of offsets) {
      if (offset === null) continue;
      if (!('position' in offset)) throw new Error("Offset objects should either be null or contain the key 'position'");
      const position = offset['position'];
      if (typeof position !== 'number' || !Number.isSafeInteger(position)) throw new Error("The value for the 'position' key in the offset is expected to be a Long value");
      if (position < 0) throw new Error("The value for the 'position' key in the offset should be a non-negative value");
      if (!('filename' in partition)) throw new Error("Partition objects should contain the key 'filename'");
    }
  },
  task: () => new FileSourceTask(),
});
