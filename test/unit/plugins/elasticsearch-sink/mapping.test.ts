import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonValue } from '../../../../sdk/records.ts';
import { IndexManager } from '../../../../plugins/elasticsearch-sink/src/index-manager.ts';
import { buildIndexMapping } from '../../../../plugins/elasticsearch-sink/src/mapping.ts';
import type { ConnectSchema } from '../../../../plugins/elasticsearch-sink/src/connect-schema.ts';

const schema: ConnectSchema = {
  type: 'struct',
  name: 'db.shop.orders.Value',
  fields: [
    { field: 'id', type: 'int32' },
    { field: 'small', type: 'int8' },
    { field: 'big', type: 'int64', optional: true, default: 0 },
    { field: 'ratio', type: 'float' },
    { field: 'score', type: 'double' },
    { field: 'ok', type: 'boolean' },
    { field: 'name', type: 'string', optional: true },
    { field: 'blob', type: 'bytes' },
    { field: 'price', type: 'bytes', name: 'org.apache.kafka.connect.data.Decimal', parameters: { scale: '2' } },
    { field: 'day', type: 'int32', name: 'io.debezium.time.Date' },
    { field: 'at', type: 'int64', name: 'org.apache.kafka.connect.data.Timestamp' },
    { field: 'tod', type: 'int64', name: 'io.debezium.time.MicroTime' },
    { field: 'tags', type: 'array', items: { type: 'string' } },
    { field: 'attrs', type: 'map', keys: { type: 'string' }, values: { type: 'string' } },
    { field: 'byId', type: 'map', keys: { type: 'int32' }, values: { type: 'string' } },
    { field: 'addr', type: 'struct', fields: [{ field: 'city', type: 'string' }] },
  ],
};

test('mapping from a Connect schema', () => {
  const text = { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } };
  assert.deepEqual(buildIndexMapping(schema, { compactMapEntries: true }), {
    properties: {
      id: { type: 'integer' },
      small: { type: 'byte' },
      big: { type: 'long', null_value: 0 },
      ratio: { type: 'float' },
      score: { type: 'double' },
      ok: { type: 'boolean' },
      name: text,
      blob: { type: 'binary' },
      price: { type: 'double' },
      day: { type: 'date' },
      at: { type: 'date' },
      tod: { type: 'date', format: 'strict_hour_minute_second_fraction||strict_hour_minute_second' },
      tags: text,
      attrs: { type: 'object' },
      byId: { properties: { key: { type: 'integer' }, value: text } },
      addr: { properties: { city: text } },
    },
  });
  assert.throws(() => buildIndexMapping({ type: 'string' }, { compactMapEntries: true }), /struct value schema/);
});

function fakeAdmin(existing: Record<string, JsonValue> = {}) {
  const calls: string[] = [];
  const indices = new Map<string, JsonValue>(Object.entries(existing));
  return {
    calls,
    indices,
    async indexExists(i: string) {
      calls.push(`exists ${i}`);
      await Promise.resolve();
      return indices.has(i);
    },
    async indexCreate(i: string, body?: JsonValue) {
      calls.push(`create ${i}`);
      await Promise.resolve();
      indices.set(i, body ?? {});
    },
    async getMapping(i: string) {
      calls.push(`get ${i}`);
      await Promise.resolve();
      return { [i]: indices.get(i) ?? null };
    },
    async putMapping(i: string, m: JsonValue) {
      calls.push(`put ${i}`);
      await Promise.resolve();
      indices.set(i, { mappings: m });
    },
  };
}

const slept: number[] = [];
const RETRIES = { maxRetries: 3, retryBackoffMs: 10, clock: { now: () => 0, sleep: (ms: number) => { slept.push(ms); return Promise.resolve(); } }, random: () => 1 };

test('indices are created once, with the mapping, even under concurrent first use', async () => {
  const admin = fakeAdmin();
  const m = new IndexManager(admin, { ...RETRIES, compactMapEntries: true, dataStream: false });
  await Promise.all([m.ensure('orders', schema), m.ensure('orders', schema)]);
  await m.ensure('orders', schema);
  assert.deepEqual(admin.calls, ['exists orders', 'create orders']);
  assert.deepEqual((admin.indices.get('orders') as { mappings: { properties: object } }).mappings.properties, buildIndexMapping(schema, { compactMapEntries: true })['properties']);
});

test('an existing index without fields gets the mapping; one with fields is left alone', async () => {
  const admin = fakeAdmin({ empty: { mappings: {} }, mapped: { mappings: { properties: { x: { type: 'keyword' } } } } });
  const m = new IndexManager(admin, { ...RETRIES, compactMapEntries: true, dataStream: false });
  await m.ensure('empty', schema);
  await m.ensure('mapped', schema);
  assert.deepEqual(admin.calls, ['exists empty', 'get empty', 'put empty', 'exists mapped', 'get mapped']);
});

test('a create that lost a race to another task is fine; data streams are left to Elasticsearch', async () => {
  const admin = fakeAdmin();
  admin.indexCreate = async (i: string) => {
    admin.indices.set(i, {});
    await Promise.resolve();
    throw new Error('resource_already_exists_exception');
  };
  await new IndexManager(admin, { ...RETRIES, compactMapEntries: true, dataStream: false }).ensure('orders', null);
  const ds = fakeAdmin();
  await new IndexManager(ds, { ...RETRIES, compactMapEntries: true, dataStream: true }).ensure('logs-a-b', schema);
  assert.deepEqual(ds.calls, []);
});

test('an index call that fails for want of a connection is retried with backoff; a refused one is not', async () => {
  const admin = fakeAdmin();
  let resets = 2;
  const exists = admin.indexExists.bind(admin);
  admin.indexExists = async (i: string) => {
    if (resets-- > 0) throw Object.assign(new Error('read ECONNRESET'), { name: 'ConnectionError' });
    return exists(i);
  };
  slept.length = 0;
  await new IndexManager(admin, { ...RETRIES, compactMapEntries: true, dataStream: false }).ensure('orders', null);
  assert.deepEqual(slept, [10, 20], 'two backoffs, doubling from retry.backoff.ms');
  assert.ok(admin.indices.has('orders'));

  const refused = fakeAdmin();
  refused.indexCreate = () => Promise.reject(Object.assign(new Error('invalid_index_name_exception'), { statusCode: 400 }));
  slept.length = 0;
  await assert.rejects(new IndexManager(refused, { ...RETRIES, compactMapEntries: true, dataStream: false }).ensure('BAD', null), /invalid_index_name_exception/);
  assert.deepEqual(slept, []);

  const down = fakeAdmin();
  down.indexExists = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { name: 'ConnectionError' }));
  slept.length = 0;
  await assert.rejects(new IndexManager(down, { ...RETRIES, compactMapEntries: true, dataStream: false }).ensure('orders', null), /ECONNREFUSED/);
  assert.equal(slept.length, 3, 'max.retries attempts after the first');
});
