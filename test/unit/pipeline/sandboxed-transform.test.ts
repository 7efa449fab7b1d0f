import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Schemas } from '../../../host/connect/data/schema.ts';
import { header } from '../../../host/connect/record.ts';
import type { SourceRecord } from '../../../host/connect/record.ts';
import { ErrorCode } from '../../../host/core/errors.ts';
import { SandboxedTransformation } from '../../../host/pipeline/sandboxed-transform.ts';
import { SandboxError } from '../../../host/sandbox/errors.ts';
import type { SandboxInstance } from '../../../host/sandbox/sandbox-pool.ts';
import type { TransformRecord } from '../../../sdk/transform.ts';

/** A sandbox instance whose transform answers with reply(records); counts opens and disposals. */
function fakeSandbox(reply: (records: TransformRecord[]) => unknown) {
  const seen = { opened: 0, disposed: 0, inputs: [] as TransformRecord[][] };
  const instance: SandboxInstance = {
    taskKey: 't',
    createMs: 0,
    invoke: <T>(_method: string, arg?: unknown): Promise<T> => {
      const records = arg as TransformRecord[];
      seen.inputs.push(records);
      try {
        return Promise.resolve(reply(records) as T);
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    },
    onFailure: () => undefined,
    dispose: () => {
      seen.disposed++;
      return Promise.resolve();
    },
  };
  const stage = new SandboxedTransformation('Transformation "t" (Test)', () => {
    seen.opened++;
    return Promise.resolve(instance);
  });
  return { stage, seen };
}

const record = (value: unknown, extra: Partial<SourceRecord> = {}): SourceRecord => ({
  topic: 'orders', kafkaPartition: null, keySchema: null, key: 'k', valueSchema: null, value, timestamp: 5, headers: [header('h', Schemas.STRING, 'v')], sourcePartition: { p: 1 }, sourceOffset: { o: 2 }, ...extra,
});

test('records cross as SDK JSON and come back as Connect records that keep their source fields and untouched headers', async () => {
  const { stage, seen } = fakeSandbox((rs) => rs.map((r) => ({ ...r, topic: 'out', value: { ...(r.value as object), added: 'x' } })));
  const input = record({ id: 1 });
  const [out] = await stage.applyBatch([input]);
  assert.deepEqual(seen.inputs[0], [{ topic: 'orders', partition: null, key: 'k', keySchema: null, value: { id: 1 }, valueSchema: null, headers: { h: 'v' }, timestamp: 5 }]);
  assert.equal(out?.topic, 'out');
  assert.deepEqual(out?.value, { id: 1, added: 'x' });
  assert.deepEqual(out?.sourceOffset, { o: 2 });
  assert.equal(out?.headers, input.headers);
});

test('a struct value crosses with its schema and comes back as a Connect struct of the returned schema', async () => {
  const schema = { type: 'struct', optional: false, fields: [{ field: 'id', type: 'int32', optional: false }] };
  const { stage } = fakeSandbox((rs) => rs.map((r) => ({ ...r, value: { ...(r.value as object), tag: 't' }, valueSchema: { ...schema, fields: [...schema.fields, { field: 'tag', type: 'string', optional: true }] } })));
  const { records } = await import('../../../host/pipeline/records.ts').then((m) => ({ records: [m.sourceRecordToConnect({ topic: 'o', value: { id: 7 }, valueSchema: schema as never, sourcePartition: {}, sourceOffset: {} })] }));
  const [out] = await stage.applyBatch(records);
  assert.deepEqual(out?.valueSchema?.fields?.map((f) => f.name), ['id', 'tag']);
  assert.equal((out?.value as { get(n: string): unknown }).get('tag'), 't');
});

const malformed: [string, (rs: TransformRecord[]) => unknown, RegExp][] = [
  ['not an array', () => ({ nope: true }), /expected an array of 1 records or nulls, got object/],
  ['too many records', (rs) => [...rs, ...rs], /2 slots for 1 records/],
  ['a number in a slot', () => [42], /slot 0 is number/],
  ['no topic', (rs) => rs.map((r) => ({ ...r, topic: '' })), /record 0 has no valid topic/],
  ['a negative partition', (rs) => rs.map((r) => ({ ...r, partition: -3 })), /partition -3/],
  ['a timestamp that is text', (rs) => rs.map((r) => ({ ...r, timestamp: 'soon' })), /timestamp "soon"/],
  ['headers that are not strings', (rs) => rs.map((r) => ({ ...r, headers: { a: 1 } })), /headers that are not a map of strings/],
  ['a value that does not match its schema', (rs) => rs.map((r) => ({ ...r, value: 'text', valueSchema: { type: 'int32', optional: false } })), /record 0 does not match its schema/],
  ['a schema that is not a schema', (rs) => rs.map((r) => ({ ...r, valueSchema: { type: 'nonsense' } })), /valueSchema/],
];

for (const [what, reply, message] of malformed) {
  test(`a result with ${what} is a transformation error naming the stage`, async () => {
    const { stage } = fakeSandbox(reply);
    await assert.rejects(stage.applyBatch([record({ id: 1 })]), (err: Error & { dataError?: boolean }) => {
      assert.equal(err.dataError, true);
      assert.match(err.message, /^Transformation "t" \(Test\) returned a malformed result: /);
      assert.match(err.message, message);
      return true;
    });
  });
}

test('a limit breach fails the batch as batchFatal and the next batch runs in a fresh instance', async () => {
  let calls = 0;
  const { stage, seen } = fakeSandbox((rs) => {
    if (calls++ === 0) throw new SandboxError({ code: ErrorCode.limitExceeded, message: 'cpu limit exceeded: 10001 ms, limit 10000 ms', limit: { name: 'cpu', measured: 10001, allowed: 10000, unit: 'ms' } });
    return rs;
  });
  await assert.rejects(stage.applyBatch([record(1)]), (err: Error & { batchFatal?: boolean }) => {
    assert.equal(err.batchFatal, true);
    assert.match(err.message, /Transformation "t" \(Test\) failed in the sandbox: cpu limit exceeded/);
    return true;
  });
  const [out] = await stage.applyBatch([record(2)]);
  assert.equal(out?.value, 2);
  assert.equal(seen.opened, 2);
  assert.equal(seen.disposed, 1);
});

test('a plugin error fails the batch without discarding the instance', async () => {
  const { stage, seen } = fakeSandbox(() => {
    throw new SandboxError({ code: ErrorCode.taskFailed, message: 'boom' });
  });
  await assert.rejects(stage.applyBatch([record(1)]), (err: Error & { batchFatal?: boolean }) => err.batchFatal === undefined && /failed in the sandbox: boom/.test(err.message));
  await assert.rejects(stage.applyBatch([record(1)]));
  assert.equal(seen.opened, 1);
});
