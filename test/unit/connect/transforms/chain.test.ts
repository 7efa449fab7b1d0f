import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTransformChain } from '../../../../host/connect/transforms/chain.ts';
import { createTransformRegistry } from '../../../../host/connect/transforms/builtins.ts';
import { TRANSFORMS_VERSION } from '../../../../host/connect/transforms/types.ts';
import { newRecord, header } from '../../../../host/connect/record.ts';
import { describePluginConfig, listConnectPlugins } from '../../../../host/connect/plugins.ts';
import { rec } from './helpers.ts';

const isConfigError = (re: RegExp) => (e: Error & { code?: string }) => e.code === 'CONVEYOR_CONFIG_INVALID' && re.test(e.message);

void describe('buildTransformChain', () => {
  void it('applies transforms in order and drops on null', () => {
    const chain = buildTransformChain({
      transforms: 'hoist, route',
      'transforms.hoist.type': 'org.apache.kafka.connect.transforms.HoistField$Value',
      'transforms.hoist.field': 'v',
      'transforms.route.type': 'RegexRouter',
      'transforms.route.regex': '(.*)',
      'transforms.route.replacement': 'x-$1',
    });
    assert.deepEqual(chain.stages.map((s) => s.alias), ['hoist', 'route']);
    const out = chain.apply(rec({ value: 1 }));
    assert.equal(out?.topic, 'x-test');
    assert.deepEqual(out?.value, { v: 1 });
    assert.equal(buildTransformChain({}).apply(rec({ value: 1 }))?.value, 1);
  });

  void it('keeps source-record fields through the chain', () => {
    const chain = buildTransformChain({ transforms: 'r', 'transforms.r.type': 'RegexRouter', 'transforms.r.regex': '.*', 'transforms.r.replacement': 'y' });
    const src = { ...rec(), sourcePartition: { f: 'a' }, sourceOffset: { pos: 1 } };
    assert.deepEqual(chain.apply(src)?.sourceOffset, { pos: 1 });
  });

  void it('runs a stage only when its predicate matches, inverted by negate', () => {
    const config = {
      transforms: 'drop',
      'transforms.drop.type': 'org.apache.kafka.connect.transforms.Filter',
      'transforms.drop.predicate': 'isFoo',
      predicates: 'isFoo',
      'predicates.isFoo.type': 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches',
      'predicates.isFoo.pattern': 'foo.*',
    };
    const chain = buildTransformChain(config);
    assert.equal(chain.apply(rec({ topic: 'foo-1' })), null);
    assert.equal(chain.apply(rec({ topic: 'bar' }))?.topic, 'bar');
    const negated = buildTransformChain({ ...config, 'transforms.drop.negate': 'true' });
    assert.equal(negated.apply(rec({ topic: 'foo-1' }))?.topic, 'foo-1');
    assert.equal(negated.apply(rec({ topic: 'bar' })), null);
  });

  void it('supports HasHeaderKey and RecordIsTombstone predicates', () => {
    const chain = buildTransformChain({
      transforms: 'a,b',
      'transforms.a.type': 'Filter',
      'transforms.a.predicate': 'tomb',
      'transforms.b.type': 'InsertHeader',
      'transforms.b.header': 'seen',
      'transforms.b.value.literal': 'yes',
      'transforms.b.predicate': 'hasTrace',
      'transforms.b.negate': false,
      predicates: 'tomb,hasTrace',
      'predicates.tomb.type': 'RecordIsTombstone',
      'predicates.hasTrace.type': 'HasHeaderKey',
      'predicates.hasTrace.name': 'trace',
    });
    assert.equal(chain.apply(rec({ value: null })), null);
    assert.deepEqual(chain.apply(rec({ value: 1 }))?.headers, []);
    assert.deepEqual(chain.apply(rec({ value: 1, headers: [header('trace', null, 'x')] }))?.headers.map((h) => h.key), ['trace', 'seen']);
  });

  void it('names the alias and key in config errors', () => {
    assert.throws(() => buildTransformChain({ transforms: 'a' }), isConfigError(/Missing required configuration "transforms.a.type"/));
    assert.throws(() => buildTransformChain({ transforms: 'a', 'transforms.a.type': 'com.example.Nope' }), isConfigError(/transforms.a.type: Class com.example.Nope could not be found/));
    assert.throws(() => buildTransformChain({ transforms: 'a,a', 'transforms.a.type': 'Filter' }), isConfigError(/Duplicate alias/));
    assert.throws(
      () => buildTransformChain({ transforms: 'm', 'transforms.m.type': 'MaskField$Value', 'transforms.m.fields': 'a', 'transforms.m.feilds': 'b' }),
      isConfigError(/Transformation "m" \(org.apache.kafka.connect.transforms.MaskField\$Value\): unknown configuration "transforms.m.feilds"/),
    );
    assert.throws(() => buildTransformChain({ transforms: 'f', 'transforms.f.type': 'Filter', 'transforms.f.predicate': 'p' }), isConfigError(/transforms.f.predicate.*not.*listed|no predicate with that alias/));
    assert.throws(() => buildTransformChain({ transforms: 'f', 'transforms.f.type': 'Filter', 'transforms.f.negate': 'maybe' }), isConfigError(/transforms.f.negate/));
    assert.throws(() => buildTransformChain({ predicates: 'p', 'predicates.p.type': 'TopicNameMatches' }), isConfigError(/"predicates.p.pattern"/));
    assert.throws(() => buildTransformChain({ transforms: 'c', 'transforms.c.type': 'Cast$Value', 'transforms.c.spec': 'a:bad' }), isConfigError(/Transformation "c".*transforms.c.*Invalid type found in casting spec/));
  });

  void it('labels data errors with the failing alias', () => {
    const chain = buildTransformChain({ transforms: 'e', 'transforms.e.type': 'ExtractField$Value', 'transforms.e.field': 'a' });
    assert.throws(() => chain.apply(rec({ value: 5 })), (e: Error & { dataError?: boolean }) => e.dataError === true && /Transformation "e"/.test(e.message));
  });

  void it('uses plugin-provided transforms registered later', () => {
    const transforms = createTransformRegistry();
    transforms.register({
      className: 'com.example.Upper',
      aliases: [],
      version: '1.0',
      configDef: [],
      create: () => ({ apply: (r) => newRecord(r, { value: String(r.value as string).toUpperCase() }) }),
    });
    const chain = buildTransformChain({ transforms: 'u', 'transforms.u.type': 'com.example.Upper' }, { transforms });
    assert.equal(chain.apply(rec({ value: 'abc' }))?.value, 'ABC');
    assert.throws(() => transforms.register({ className: 'com.example.Upper', aliases: [], version: '1', configDef: [], create: () => ({ apply: (r) => r }) }), /already registered/);
    assert.ok(transforms.unregister('com.example.Upper'));
  });
});

void describe('plugin listing', () => {
  const list = listConnectPlugins();
  void it('lists converters, header converters, transformations and predicates like /connector-plugins', () => {
    const has = (cls: string, type: string) => list.some((p) => p.class === cls && p.type === type);
    assert.ok(has('org.apache.kafka.connect.json.JsonConverter', 'converter'));
    assert.ok(has('org.apache.kafka.connect.json.JsonConverter', 'header_converter'));
    assert.ok(has('org.apache.kafka.connect.storage.SimpleHeaderConverter', 'header_converter'));
    assert.ok(!has('org.apache.kafka.connect.storage.SimpleHeaderConverter', 'converter'));
    assert.ok(has('org.apache.kafka.connect.converters.IntegerConverter', 'converter'));
    for (const t of ['Cast$Key', 'Cast$Value', 'DropHeaders', 'ExtractField$Value', 'Filter', 'Flatten$Value', 'HeaderFrom$Key', 'HoistField$Value', 'InsertField$Value',
      'InsertHeader', 'MaskField$Value', 'RegexRouter', 'ReplaceField$Value', 'SetSchemaMetadata$Value', 'TimestampConverter$Value', 'TimestampRouter', 'ValueToKey']) {
      assert.ok(has(`org.apache.kafka.connect.transforms.${t}`, 'transformation'), t);
    }
    for (const p of ['HasHeaderKey', 'RecordIsTombstone', 'TopicNameMatches']) {
      assert.ok(has(`org.apache.kafka.connect.transforms.predicates.${p}`, 'predicate'), p);
    }
    assert.deepEqual(Object.keys(list[0] ?? {}), ['class', 'type', 'version']);
    assert.ok(list.filter((p) => p.type === 'transformation' && p.class.startsWith('org.apache.kafka.')).every((p) => p.version === TRANSFORMS_VERSION));
  });
  void it('describes config definitions in ConfigKeyInfo shape', () => {
    const info = describePluginConfig('org.apache.kafka.connect.transforms.TimestampRouter');
    assert.deepEqual(info?.find((k) => k.name === 'timestamp.format'), {
      name: 'timestamp.format',
      type: 'STRING',
      required: false,
      default_value: 'yyyyMMdd',
      importance: 'HIGH',
      documentation: 'Format string for the timestamp that is compatible with <code>java.text.SimpleDateFormat</code>.',
      group: null,
      order: -1,
      width: 'NONE',
      display_name: 'timestamp.format',
      dependents: [],
    });
    assert.equal(describePluginConfig('Cast$Value')?.find((k) => k.name === 'spec')?.required, true);
    assert.equal(describePluginConfig('JsonConverter')?.find((k) => k.name === 'schemas.enable')?.default_value, 'true');
    assert.equal(describePluginConfig('com.example.Nope'), undefined);
  });
});
