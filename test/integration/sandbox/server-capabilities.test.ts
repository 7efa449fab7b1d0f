/**
 * The mysql and elasticsearch capabilities used from inside a sandboxed task against the real servers on loopback
 * (MariaDB 127.0.0.1:3307, Elasticsearch 127.0.0.1:9200). Fixtures get random names and are dropped afterwards.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Client } from '@elastic/elasticsearch';
import mysql from 'mysql2/promise';
import { buildPlugin } from '../../../sdk/bundler/build.ts';
import type { BundleManifest } from '../../../sdk/bundler/manifest.ts';
import type { SourceRecord } from '../../../sdk/records.ts';
import { createCapabilityBroker } from '../../../host/capabilities/broker.ts';
import { CapabilityMetrics } from '../../../host/capabilities/metrics.ts';
import { policyFrom } from '../../../host/capabilities/policy.ts';
import { createJsonLogger } from '../../../host/core/logger.ts';
import { createSandboxPool } from '../../../host/sandbox/sandbox-pool.ts';
import type { SandboxInstance } from '../../../host/sandbox/sandbox-pool.ts';

const suffix = randomBytes(4).toString('hex');
const database = `conveyor_it_${suffix}`;
const index = `conveyor-it-${suffix}`;
const log = createJsonLogger({ level: 'warn', write: () => undefined });
const pool = createSandboxPool({ processes: 1, log });
const metrics = new CapabilityMetrics();
let root: mysql.Connection;
let es: Client;
let dir: string;
let manifest: BundleManifest;
let code: string;

before(async () => {
  root = await mysql.createConnection({ host: '127.0.0.1', port: 3307, user: 'root', password: '' });
  await root.query(`CREATE DATABASE ${database}`);
  await root.query(`CREATE TABLE ${database}.items (id INT PRIMARY KEY, name VARCHAR(50))`);
  await root.query(`INSERT INTO ${database}.items VALUES (1, 'one'), (2, 'two')`);
  es = new Client({ node: 'http://127.0.0.1:9200' });
  dir = await mkdtemp(join(tmpdir(), 'conveyor-probe-'));
  manifest = (await buildPlugin(join(import.meta.dirname, 'fixture-plugin'), dir)).manifest;
  code = await readFile(join(dir, 'plugin.js'), 'utf8');
});

after(async () => {
  await root.query(`DROP DATABASE IF EXISTS ${database}`);
  await root.end();
  await es.indices.delete({ index, ignore_unavailable: true });
  await es.close();
  await pool.destroy();
  await rm(dir, { recursive: true, force: true });
});

async function task(name: string, mode: string, target: string): Promise<SandboxInstance> {
  const broker = createCapabilityBroker({
    connector: name, taskId: 0, plugin: manifest.name, requested: manifest.capabilities,
    policy: policyFrom({ mysqlHosts: ['127.0.0.1:3307'], elasticsearchNode: 'http://127.0.0.1:9200', elasticsearchIndexPrefixes: ['conveyor-it-'] }),
    offsets: () => Promise.resolve(null), metrics, log,
  });
  const instance = await pool.create({ taskKey: name, plugin: { key: `probe-${suffix}`, code, capabilities: manifest.capabilities }, capabilities: (c, m, a) => broker.handle(c, m, a), log });
  await instance.invoke('start', { raw: { mode, target }, connector: name, taskId: 0 });
  return instance;
}

test('mysql: parameterised query and binlog row events from the current position', async () => {
  const t = await task('mysql-probe', 'mysql', `${database}.items`);
  await new Promise((r) => setTimeout(r, 500));
  await root.query(`INSERT INTO ${database}.items VALUES (3, 'three')`);
  await root.query(`UPDATE ${database}.items SET name = 'uno' WHERE id = 1`);
  type Event = { kind: string; op?: string; table: string; db: string; rows: unknown[]; file: string; pos: number; txPos: number };
  let rows: unknown[] = [];
  const events: Event[] = [];
  for (let i = 0; i < 5 && !events.some((e) => e.op === 'update'); i++) {
    const [record] = await t.invoke<SourceRecord[]>('poll');
    const value = record?.value as { rows: unknown[]; events: Event[] };
    rows = value.rows;
    events.push(...value.events);
  }
  assert.deepEqual(rows.slice(0, 2).map((r) => (r as { id: number }).id), [1, 2]);
  const insert = events.find((e) => e.kind === 'rows' && e.op === 'insert');
  assert.ok(insert, `insert event in ${JSON.stringify(events)}`);
  assert.equal(insert.db, database);
  assert.equal(insert.table, 'items');
  assert.deepEqual(insert.rows, [{ before: null, after: { id: 3, name: 'three' } }]);
  assert.match(insert.file, /\.\d+$/);
  assert.ok(insert.pos > insert.txPos && insert.txPos > 0);
  const update = events.find((e) => e.op === 'update');
  assert.deepEqual(update?.rows, [{ before: { id: 1, name: 'one' }, after: { id: 1, name: 'uno' } }]);
  await t.invoke('stop');
  await t.dispose();
  assert.ok((metrics.snapshot('mysql-probe').find((r) => r.call === 'mysql.query')?.counters.calls ?? 0) >= 1);
});

test('elasticsearch: index create/exists/mapping, bulk, refresh and search through the official client', async () => {
  const t = await task('es-probe', 'elasticsearch', index);
  const [record] = await t.invoke<SourceRecord[]>('poll');
  const v = record?.value as { existedBefore: boolean; existsAfter: boolean; bulkErrors: boolean; hitIds: string[]; mapping: Record<string, { mappings: { properties: Record<string, { type: string }> } }> };
  assert.deepEqual([v.existedBefore, v.existsAfter, v.bulkErrors, v.hitIds], [false, true, false, ['2']]);
  assert.equal(v.mapping[index]?.mappings.properties['name']?.type, 'keyword');
  await t.invoke('stop');
  await t.dispose();
});
