import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SchemaBuilder, Schemas } from '../../../../../host/connect/data/schema.ts';
import { Struct } from '../../../../../host/connect/data/struct.ts';
import { listConnectPlugins } from '../../../../../host/connect/plugins.ts';
import { connectRecord } from '../../../../../host/connect/record.ts';
import { buildTransformChain } from '../../../../../host/connect/transforms/chain.ts';

const row = SchemaBuilder.struct().name('db.inv.t.Value').field('id', Schemas.INT32).field('name', Schemas.OPTIONAL_STRING).optional().build();
const envelope = SchemaBuilder.struct().name('db.inv.t.Envelope').field('before', row).field('after', row).field('op', Schemas.STRING).build();

test('transforms.<alias>.type=io.debezium.transforms.ExtractNewRecordState works in a connector config', () => {
  const chain = buildTransformChain({ transforms: 'unwrap', 'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState', 'transforms.unwrap.delete.tombstone.handling.mode': 'rewrite' });
  const value = new Struct(envelope).putAll({ before: null, after: new Struct(row).putAll({ id: 7, name: 'x' }), op: 'c' });
  const out = chain.apply(connectRecord({ topic: 'db.inv.t', kafkaPartition: 0, valueSchema: envelope, value }));
  assert.ok(out?.value instanceof Struct);
  assert.equal(out.value.get('id'), 7);
  assert.equal(out.value.get('__deleted'), 'false');
});

test('the short alias resolves and /connector-plugins lists it as a transformation', () => {
  assert.doesNotThrow(() => buildTransformChain({ transforms: 'u', 'transforms.u.type': 'ExtractNewRecordState' }));
  assert.ok(listConnectPlugins().some((p) => p.class === 'io.debezium.transforms.ExtractNewRecordState' && p.type === 'transformation'));
});
