import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createConverterRegistry } from '../../../../host/connect/converters/registry.ts';
import { buildConverters } from '../../../../host/connect/converters/from-config.ts';
import { JsonConverter } from '../../../../host/connect/converters/json-converter.ts';
import { StringConverter } from '../../../../host/connect/converters/string-converter.ts';
import { SimpleHeaderConverter } from '../../../../host/connect/converters/simple-header-converter.ts';
import { Schemas } from '../../../../host/connect/data/index.ts';

void describe('ConverterRegistry', () => {
  const r = createConverterRegistry();
  void it('resolves fully qualified class names and short names', () => {
    for (const name of [
      'org.apache.kafka.connect.json.JsonConverter',
      'org.apache.kafka.connect.storage.StringConverter',
      'org.apache.kafka.connect.converters.ByteArrayConverter',
      'org.apache.kafka.connect.converters.IntegerConverter',
      'org.apache.kafka.connect.converters.LongConverter',
      'org.apache.kafka.connect.converters.ShortConverter',
      'org.apache.kafka.connect.converters.FloatConverter',
      'org.apache.kafka.connect.converters.DoubleConverter',
      'org.apache.kafka.connect.storage.SimpleHeaderConverter',
      'JsonConverter',
      'StringConverter',
      'IntegerConverter',
    ]) {
      assert.ok(r.find(name), name);
    }
    assert.equal(r.find('JsonConverter')?.className, 'org.apache.kafka.connect.json.JsonConverter');
    assert.equal(r.find('com.example.Nope'), undefined);
  });
  void it('refuses a second plugin claiming a taken name', () => {
    const p = r.find('JsonConverter');
    assert.ok(p);
    assert.throws(() => r.register({ ...p, aliases: [] }), /already registered/);
  });
});

void describe('buildConverters', () => {
  void it('uses the connector classes and their prefixed sub-configs', () => {
    const c = buildConverters({
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
    });
    assert.ok(c.key instanceof StringConverter);
    assert.ok(c.value instanceof JsonConverter);
    assert.ok(c.header instanceof SimpleHeaderConverter);
    assert.equal(c.value.fromConnectData('t', null, { a: 1 })?.toString(), '{"a":1}');
  });

  void it('falls back to the worker class with the worker sub-configs', () => {
    const c = buildConverters(
      { 'key.converter': 'StringConverter' },
      { 'value.converter': 'JsonConverter', 'value.converter.schemas.enable': 'false', 'key.converter.schemas.enable': 'true' },
    );
    assert.equal(c.classes.value, 'org.apache.kafka.connect.json.JsonConverter');
    assert.equal(c.value.fromConnectData('t', Schemas.INT32, 1)?.toString(), '1');
    assert.equal(c.classes.key, 'org.apache.kafka.connect.storage.StringConverter');
  });

  void it('does not mix worker sub-configs into a connector-chosen class', () => {
    const c = buildConverters({ 'value.converter': 'JsonConverter' }, { 'value.converter': 'JsonConverter', 'value.converter.schemas.enable': 'false' });
    assert.equal(c.value.fromConnectData('t', Schemas.INT32, 1)?.toString(), '{"schema":{"type":"int32","optional":false},"payload":1}');
  });

  void it('defaults to JsonConverter and SimpleHeaderConverter', () => {
    const c = buildConverters({});
    assert.equal(c.classes.key, 'org.apache.kafka.connect.json.JsonConverter');
    assert.equal(c.classes.header, 'org.apache.kafka.connect.storage.SimpleHeaderConverter');
  });

  void it('reports unknown classes and bad sub-configs with the config key', () => {
    assert.throws(() => buildConverters({ 'value.converter': 'com.example.Avro' }), (e: Error & { code?: string }) =>
      e.code === 'CONVEYOR_CONFIG_INVALID' && /value.converter.*com.example.Avro could not be found/.test(e.message));
    assert.throws(() => buildConverters({ 'key.converter': 'SimpleHeaderConverter' }), /header converter only/);
    assert.throws(() => buildConverters({ 'value.converter': 'JsonConverter', 'value.converter.decimal.format': 'X' }), /Invalid "value.converter".*decimal.format/);
  });
});
