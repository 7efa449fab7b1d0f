/** The WebAssembly batch codec (version 1) and the isolate's UTF-8: layout, kinds, round trips, malformed input. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SinkRecord } from '../../../../sdk/records.ts';
import { BATCH_HEADER_BYTES, BATCH_VERSION, decodeSourceBatch, encodeSinkBatch, sinkBatchBound, ValueKind } from '../../../../sdk/wasm/batch.ts';
import { utf8Read, utf8Write } from '../../../../sdk/wasm/utf8.ts';

const TEXTS = ['', 'ascii', 'héllo wörld', '€ and 😀 and 中文', 'x'.repeat(10_000), '\u0000\u007f\u0080\u07ff\u0800\uffff'];

test('utf8Write/utf8Read agree with Buffer for ASCII, 2-, 3- and 4-byte sequences', () => {
  for (const s of TEXTS) {
    const out = new Uint8Array(s.length * 3);
    const end = utf8Write(s, out, 0);
    assert.deepEqual(Buffer.from(out.subarray(0, end)), Buffer.from(s, 'utf8'), JSON.stringify(s.slice(0, 20)));
    assert.equal(utf8Read(out, 0, end), s);
  }
  assert.equal(utf8Read(new Uint8Array([0x61, 0xe2, 0x82]), 0, 3), 'a\ufffd\ufffd', 'a truncated sequence becomes U+FFFD');
});

/** A source batch as a module writes it (the layout in sdk/wasm/README.md), built here by hand. */
function sourceBatch(records: { topic: string; partition?: number; key: [number, Uint8Array | string]; value: [number, Uint8Array | string]; sp: string; so: string; headers?: [string, string][] }[]): Uint8Array {
  const parts: Buffer[] = [];
  const u32 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; };
  const str = (s: string): Buffer => Buffer.concat([u32(Buffer.byteLength(s)), Buffer.from(s)]);
  const val = ([kind, v]: [number, Uint8Array | string]): Buffer => {
    const bytes = typeof v === 'string' ? Buffer.from(v) : Buffer.from(v);
    return Buffer.concat([Buffer.from([kind]), u32(bytes.length), bytes]);
  };
  for (const r of records) {
    const fixed = Buffer.alloc(20);
    fixed.writeInt32LE(r.partition ?? -1, 0);
    fixed.writeDoubleLE(-1, 4);
    fixed.writeDoubleLE(-1, 12);
    const headers = r.headers ?? [];
    const body = Buffer.concat([fixed, str(r.topic), val(r.key), val(r.value), str(r.sp), str(r.so), u32(headers.length), ...headers.flatMap(([k, v]) => [str(k), str(v)])]);
    parts.push(u32(body.length), body);
  }
  const rest = Buffer.concat(parts);
  const head = Buffer.alloc(BATCH_HEADER_BYTES);
  head.writeUInt32LE(rest.length + 8, 0);
  head.writeUInt16LE(BATCH_VERSION, 4);
  head.writeUInt32LE(records.length, 8);
  return new Uint8Array(Buffer.concat([Buffer.alloc(16), head, rest]));
}

test('a source batch decodes each kind: null, string, bytes (with a bytes schema), JSON; partitions and headers', () => {
  const mem = sourceBatch([
    { topic: 't', partition: 2, key: [ValueKind.string, 'k'], value: [ValueKind.json, '{"a":[1,true,null]}'], sp: '{"task":0}', so: '{"seq":1}', headers: [['h', 'v']] },
    { topic: 'ü', key: [ValueKind.null, ''], value: [ValueKind.bytes, new Uint8Array([0, 255, 7])], sp: '', so: '' },
  ]);
  assert.deepEqual(decodeSourceBatch(mem, 16), [
    { topic: 't', partition: 2, key: 'k', value: { a: [1, true, null] }, sourcePartition: { task: 0 }, sourceOffset: { seq: 1 }, headers: { h: 'v' } },
    { topic: 'ü', value: 'AP8H', valueSchema: { type: 'bytes', optional: true }, sourcePartition: {}, sourceOffset: {} },
  ]);
});

test('a malformed source batch is refused with what is wrong', () => {
  const good = sourceBatch([{ topic: 't', key: [ValueKind.null, ''], value: [ValueKind.string, 'v'], sp: '', so: '' }]);
  assert.throws(() => decodeSourceBatch(good.subarray(0, good.length - 3), 16), /malformed batch: length \d+ runs past the end of memory/);
  const version = good.slice();
  new DataView(version.buffer).setUint16(16 + 4, 9, true);
  assert.throws(() => decodeSourceBatch(version, 16), /malformed batch: version 9, this host reads version 1/);
  const kind = sourceBatch([{ topic: 't', key: [7, 'x'], value: [ValueKind.string, 'v'], sp: '', so: '' }]);
  assert.throws(() => decodeSourceBatch(kind, 16), /key of record 0 has unknown kind 7/);
  const json = sourceBatch([{ topic: 't', key: [ValueKind.null, ''], value: [ValueKind.json, '{nope'], sp: '', so: '' }]);
  assert.throws(() => decodeSourceBatch(json, 16), /value of record 0 is not JSON/);
  const sp = sourceBatch([{ topic: 't', key: [ValueKind.null, ''], value: [ValueKind.string, 'v'], sp: '[1]', so: '' }]);
  assert.throws(() => decodeSourceBatch(sp, 16), /sourcePartition of record 0 is not a JSON object/);
  assert.throws(() => decodeSourceBatch(good, good.length - 4), /header at \d+ lies outside memory/);
});

test('a sink batch encodes within its bound: fixed fields, kinds by value and schema, headers', () => {
  const records: SinkRecord[] = [
    { topic: 'orders', partition: 3, offset: 41, key: 'k1', value: { id: 1, name: 'ü' }, headers: { a: 'b' }, timestamp: 1700000000000 },
    { topic: 'orders', partition: 3, offset: 42, key: null, value: 'AP8H', valueSchema: { type: 'bytes' }, headers: {}, timestamp: 5 },
    { topic: 'orders', partition: 3, offset: 43, key: null, value: null, headers: {}, timestamp: 6 },
  ];
  const { bound, texts } = sinkBatchBound(records);
  const out = new Uint8Array(bound);
  const n = encodeSinkBatch(records, texts, out);
  assert.ok(n <= bound);
  const b = Buffer.from(out.subarray(0, n));
  assert.equal(b.readUInt32LE(0), n - 4);
  assert.equal(b.readUInt16LE(4), 1);
  assert.equal(b.readUInt32LE(8), 3);
  let p = 12;
  const str = (): string => { const len = b.readUInt32LE(p); const s = b.toString('utf8', p + 4, p + 4 + len); p += 4 + len; return s; };
  const seen: unknown[] = [];
  for (let i = 0; i < 3; i++) {
    const end = p + 4 + b.readUInt32LE(p);
    const partition = b.readInt32LE(p + 4);
    const timestamp = b.readDoubleLE(p + 8);
    const offset = b.readDoubleLE(p + 16);
    p += 24;
    const topic = str();
    const keyKind = b[p++];
    const key = str();
    const valueKind = b[p++];
    const value = valueKind === ValueKind.bytes ? [...b.subarray(p + 4, p + 4 + b.readUInt32LE(p))] : str();
    if (valueKind === ValueKind.bytes) p += 4 + b.readUInt32LE(p);
    assert.deepEqual([str(), str()], ['', ''], 'no source partition or offset in a sink record');
    const headers = b.readUInt32LE(p);
    p += 4;
    const hs: string[] = [];
    for (let h = 0; h < headers; h++) hs.push(str(), str());
    assert.equal(p, end);
    seen.push({ partition, timestamp, offset, topic, keyKind, key, valueKind, value, hs });
  }
  assert.deepEqual(seen, [
    { partition: 3, timestamp: 1700000000000, offset: 41, topic: 'orders', keyKind: ValueKind.string, key: 'k1', valueKind: ValueKind.json, value: '{"id":1,"name":"ü"}', hs: ['a', 'b'] },
    { partition: 3, timestamp: 5, offset: 42, topic: 'orders', keyKind: ValueKind.null, key: '', valueKind: ValueKind.bytes, value: [0, 255, 7], hs: [] },
    { partition: 3, timestamp: 6, offset: 43, topic: 'orders', keyKind: ValueKind.null, key: '', valueKind: ValueKind.null, value: '', hs: [] },
  ]);
});
