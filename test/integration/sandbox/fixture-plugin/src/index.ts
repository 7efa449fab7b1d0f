import { defineSource } from '../../../../../sdk/index.ts';
import type { JsonValue, SourceRecord, TaskContext } from '../../../../../sdk/index.ts';

let ctx: TaskContext;
let stream = '';
let conn = '';
const db = { host: '127.0.0.1', port: 3307, user: 'conveyor', password: 'conveyor' };
const out = (value: JsonValue): SourceRecord[] => [{ topic: 'probe', value, sourcePartition: {}, sourceOffset: {} }];

export default defineSource({
  className: 'ServerProbe',
  config: [
    { name: 'mode', type: 'string', importance: 'high', documentation: 'mysql or elasticsearch' },
    { name: 'target', type: 'string', importance: 'high', documentation: 'database.table or index name' },
  ],
  task: () => ({
    async start(c: TaskContext) {
      ctx = c;
      if (ctx.config['mode'] === 'mysql') {
        conn = await ctx.mysql.connect(db);
        stream = await ctx.mysql.binlogOpen({ ...db, serverId: 4242, filter: { tableInclude: [String(ctx.config['target']).replace('.', '\\.')] } });
      }
    },
    async poll() {
      const target = String(ctx.config['target']);
      if (ctx.config['mode'] === 'mysql') {
        const result = await ctx.mysql.query(conn, `SELECT id, name FROM ${target} WHERE id >= ? ORDER BY id`, [1]);
        const events = await ctx.mysql.binlogRead(stream, 100, 5000);
        return out({ rows: result.rows, events: events as unknown as JsonValue });
      }
      const es = ctx.elasticsearch;
      const existedBefore = await es.indexExists(target);
      await es.indexCreate(target, { mappings: { properties: { name: { type: 'keyword' } } } });
      const bulk = await es.bulk([{ index: { _index: target, _id: '1' } }, { name: 'ada' }, { index: { _index: target, _id: '2' } }, { name: 'grace' }], { refresh: true });
      await es.refresh(target);
      const found = (await es.search(target, { query: { term: { name: 'grace' } } })) as { hits: { hits: { _id: string }[] } };
      const mapping = await es.getMapping(target);
      return out({ existedBefore, existsAfter: await es.indexExists(target), bulkErrors: bulk.errors, hitIds: found.hits.hits.map((h) => h._id), mapping });
    },
    async stop() {
      if (stream) await ctx.mysql.binlogClose(stream);
      if (conn) await ctx.mysql.close(conn);
    },
  }),
});
