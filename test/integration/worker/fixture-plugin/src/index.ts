import { defineSource } from '../../../../../sdk/index.ts';
import type { SourceRecord, TaskContext } from '../../../../../sdk/index.ts';

let ctx: TaskContext;
let n = 0;

export default defineSource({
  className: 'TickerSource',
  aliases: ['com.example.TickerSource'],
  config: [
    { name: 'topic', type: 'string', importance: 'high', documentation: 'Where ticks go.' },
    { name: 'label', type: 'string', default: 'tick', importance: 'low', documentation: 'Value prefix.' },
  ],
  validate: (config): Record<string, string[]> => (config['label'] === 'forbidden' ? { label: ['label may not be "forbidden"'] } : {}),
  task: () => ({
    start(c: TaskContext) {
      ctx = c;
    },
    async poll(): Promise<SourceRecord[]> {
      await ctx.clock.sleep(5);
      n++;
      return [{ topic: String(ctx.config['topic']), key: `k${n % 3}`, value: `${String(ctx.config['label'])}-${n}`, sourcePartition: { ticker: 0 }, sourceOffset: { n } }];
    },
    stop() {},
  }),
});
