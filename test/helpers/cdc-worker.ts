/**
 * An in-process worker (built-in plugins, REST) on the real stack, allowed to reach the shared MariaDB and
 * Elasticsearch, with a fresh test database: what the plugin-metrics and CLI tests run CDC and Elasticsearch sink
 * connectors on. Topics, groups, indices and the database are this run's own and removed by close().
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJsonLogger } from '../../host/core/logger.ts';
import { startRestServer } from '../../host/rest/server.ts';
import type { RestServer } from '../../host/rest/server.ts';
import { Worker } from '../../host/worker/worker.ts';
import { workerConfig } from '../../host/worker/worker-config.ts';
import { createTestDb, serverId } from '../integration/binlog/helpers.ts';
import type { TestDb } from '../integration/binlog/helpers.ts';
import { BOOTSTRAP, kafkaFixture } from '../integration/kafka/helpers.ts';
import type { KafkaFixture } from '../integration/kafka/helpers.ts';
import { http } from '../integration/worker/worker-fixture.ts';
import { stack, uniqueName } from './stack.ts';

export interface CdcWorker {
  readonly worker: Worker;
  readonly url: string;
  readonly db: TestDb;
  readonly fx: KafkaFixture;
  /** Creates a CDC connector over REST capturing the test database (its tables' topics are removed by close()). */
  createCdc(base: string, tables: readonly string[], extra?: Record<string, string>): Promise<{ name: string; prefix: string }>;
  /** Creates an Elasticsearch sink over REST; its index (the topic's name) is deleted by close(). */
  createEsSink(base: string, topic: string, extra?: Record<string, string>): Promise<string>;
  close(): Promise<void>;
}

export async function startCdcWorker(dbPrefix: string): Promise<CdcWorker> {
  const db = await createTestDb(dbPrefix);
  const fx = await kafkaFixture();
  const dir = await mkdtemp(join(tmpdir(), 'conveyor-cdc-worker-'));
  const indices: string[] = [];
  const log = createJsonLogger({ level: 'warn', write: (line) => { if (process.env['CDC_WORKER_LOG'] === '1') process.stderr.write(line + '\n'); } });
  const es = new URL(stack.elasticsearchUrl);
  const worker = await Worker.create(workerConfig({
    workerId: `cdc-worker-${process.pid}`, restPort: 0, pluginPath: [dir], sandboxProcesses: 1, limits: {},
    policies: { '*': { mysqlHosts: [`${stack.mariadb.host}:${stack.mariadb.port}`], elasticsearchNode: stack.elasticsearchUrl, elasticsearchHosts: [es.host], elasticsearchIndexPrefixes: [''] } },
    pluginRescanMs: 60_000, bootstrapServers: BOOTSTRAP, offsetStorageFile: join(dir, 'offsets.json'),
    connectProperties: { 'offset.flush.interval.ms': '500' },
  }), log);
  const rest: RestServer = await startRestServer(worker, { host: '127.0.0.1', port: 0, log });
  const url = `http://127.0.0.1:${rest.port}`;

  async function create(name: string, config: Record<string, string>): Promise<void> {
    const created = await http(`${url}/connectors`, 'POST', { name, config });
    assert.equal(created.status, 201, JSON.stringify(created.body));
  }

  return {
    worker, url, db, fx,
    async createCdc(base, tables, extra = {}) {
      const prefix = uniqueName(base).replace(/_/g, '-');
      const name = uniqueName(`${base}-connector`);
      fx.topics.push(prefix, `schemahistory.${prefix}`, ...tables.map((t) => `${prefix}.${db.name}.${t}`));
      await create(name, {
        'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
        'database.hostname': stack.mariadb.host, 'database.port': String(stack.mariadb.port),
        'database.user': stack.mariadb.cdcUser, 'database.password': stack.mariadb.cdcPassword,
        'database.server.id': String(serverId()), 'topic.prefix': prefix, 'database.include.list': db.name,
        'schema.history.internal.kafka.topic': `schemahistory.${prefix}`, 'schema.history.internal.kafka.bootstrap.servers': BOOTSTRAP,
        'topic.creation.default.replication.factor': '1', 'topic.creation.default.partitions': '1',
        ...extra,
      });
      return { name, prefix };
    },
    async createEsSink(base, topic, extra = {}) {
      const name = uniqueName(base);
      fx.groups.push(`connect-${name}`);
      indices.push(topic);
      await create(name, {
        'connector.class': 'io.confluent.connect.elasticsearch.ElasticsearchSinkConnector', topics: topic, 'connection.url': stack.elasticsearchUrl,
        'key.ignore': 'false', 'schema.ignore': 'true', 'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'false', ...extra,
      });
      return name;
    },
    async close() {
      await rest.close();
      await worker.close();
      await fx.cleanup();
      await db.drop();
      await Promise.all(indices.map((index) => fetch(`${stack.elasticsearchUrl}/${index}`, { method: 'DELETE' }).catch(() => undefined)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
