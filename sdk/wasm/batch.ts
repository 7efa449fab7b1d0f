/**
 * The binary batch a WebAssembly connector reads (put) and writes (poll), version 1, little-endian. Layout in
 * sdk/wasm/README.md. Pure: runs in the isolate (the bootstrap) and in tests.
 */
import { base64Decode, base64Encode } from '../base64.ts';
import type { JsonValue, SinkRecord, SourceRecord } from '../records.ts';
import { utf8Read, utf8Write } from './utf8.ts';

export const BATCH_VERSION = 1;
/** u32 length, u16 version, u16 flags, u32 count. */
export const BATCH_HEADER_BYTES = 12;

/** How a key or value is carried. */
export const ValueKind = { null: 0, string: 1, bytes: 2, json: 3 } as const;

const BYTES_SCHEMA = Object.freeze({ type: 'bytes', optional: true });

export class BatchFormatError extends Error {
  constructor(message: string) {
    super(`malformed batch: ${message}`);
    this.name = 'BatchFormatError';
  }
}

function isBytesSchema(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && (schema as { type?: unknown }).type === 'bytes';
}

/** An upper bound of the encoded size of a sink batch (UTF-8 takes at most 3 bytes per UTF-16 unit). */
export function sinkBatchBound(records: readonly SinkRecord[]): { bound: number; texts: string[] } {
  let bound = BATCH_HEADER_BYTES;
  const texts: string[] = [];
  for (const r of records) {
    const key = r.key === null || typeof r.key === 'string' ? (r.key ?? '') : JSON.stringify(r.key);
    const value = r.value === null || typeof r.value === 'string' ? (r.value ?? '') : JSON.stringify(r.value);
    texts.push(key, value);
    let headers = 4;
    for (const k in r.headers) headers += 8 + 3 * (k.length + (r.headers[k] ?? '').length);
    bound += 4 + 4 + 8 + 8 + 4 + 3 * r.topic.length + 2 * 5 + 3 * (key.length + value.length) + 8 + headers;
  }
  return { bound, texts };
}

/** Encodes sink records into out (at least sinkBatchBound(...).bound bytes); returns the bytes written. */
export function encodeSinkBatch(records: readonly SinkRecord[], texts: readonly string[], out: Uint8Array): number {
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let p = BATCH_HEADER_BYTES;
  const str = (s: string): void => {
    const end = utf8Write(s, out, p + 4);
    dv.setUint32(p, end - p - 4, true);
    p = end;
  };
  const val = (v: JsonValue, text: string, schema: unknown): void => {
    if (v === null || v === undefined) {
      out[p] = ValueKind.null;
      dv.setUint32(p + 1, 0, true);
      p += 5;
      return;
    }
    if (typeof v === 'string' && isBytesSchema(schema)) {
      const bytes = base64Decode(v);
      out[p] = ValueKind.bytes;
      dv.setUint32(p + 1, bytes.length, true);
      out.set(bytes, p + 5);
      p += 5 + bytes.length;
      return;
    }
    out[p] = typeof v === 'string' ? ValueKind.string : ValueKind.json;
    p++;
    str(text);
  };
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as SinkRecord;
    const start = p;
    p += 4;
    dv.setInt32(p, r.partition, true);
    dv.setFloat64(p + 4, r.timestamp, true);
    dv.setFloat64(p + 12, r.offset, true);
    p += 20;
    str(r.topic);
    val(r.key, texts[2 * i] as string, r.keySchema);
    val(r.value, texts[2 * i + 1] as string, r.valueSchema);
    str('');
    str('');
    const names = Object.keys(r.headers);
    dv.setUint32(p, names.length, true);
    p += 4;
    for (const n of names) {
      str(n);
      str(r.headers[n] ?? '');
    }
    dv.setUint32(start, p - start - 4, true);
  }
  dv.setUint32(0, p - 4, true);
  dv.setUint16(4, BATCH_VERSION, true);
  dv.setUint16(6, 0, true);
  dv.setUint32(8, records.length, true);
  return p;
}

/**
 * Decodes a source batch that starts at `at` in memory (its u32 length first). `offsets`, when given, receives each
 * record's offset field (a transform's output names the input record it came from there).
 */
export function decodeSourceBatch(mem: Uint8Array, at: number, offsets?: number[]): SourceRecord[] {
  if (at + BATCH_HEADER_BYTES > mem.length) throw new BatchFormatError(`header at ${at} lies outside memory of ${mem.length} bytes`);
  const dv = new DataView(mem.buffer, mem.byteOffset, mem.byteLength);
  const end = at + 4 + dv.getUint32(at, true);
  if (end > mem.length) throw new BatchFormatError(`length ${end - at - 4} runs past the end of memory`);
  const version = dv.getUint16(at + 4, true);
  if (version !== BATCH_VERSION) throw new BatchFormatError(`version ${version}, this host reads version ${BATCH_VERSION}`);
  const count = dv.getUint32(at + 8, true);
  let p = at + BATCH_HEADER_BYTES;
  const need = (n: number, what: string): void => {
    if (p + n > end) throw new BatchFormatError(`${what} of record ${out.length} runs past the batch end`);
  };
  const str = (what: string): string => {
    need(4, what);
    const n = dv.getUint32(p, true);
    need(4 + n, what);
    const s = utf8Read(mem, p + 4, p + 4 + n);
    p += 4 + n;
    return s;
  };
  const val = (what: string): { v: JsonValue; bytes: boolean } => {
    need(1, what);
    const kind = mem[p] as number;
    p++;
    if (kind === ValueKind.null) {
      need(4, what);
      p += 4 + dv.getUint32(p, true);
      return { v: null, bytes: false };
    }
    if (kind === ValueKind.bytes) {
      need(4, what);
      const n = dv.getUint32(p, true);
      need(4 + n, what);
      const v = base64Encode(mem.subarray(p + 4, p + 4 + n));
      p += 4 + n;
      return { v, bytes: true };
    }
    const text = str(what);
    if (kind === ValueKind.string) return { v: text, bytes: false };
    if (kind !== ValueKind.json) throw new BatchFormatError(`${what} of record ${out.length} has unknown kind ${kind}`);
    try {
      return { v: JSON.parse(text) as JsonValue, bytes: false };
    } catch (err) {
      throw new BatchFormatError(`${what} of record ${out.length} is not JSON: ${(err as Error).message}`);
    }
  };
  const obj = (what: string): Record<string, JsonValue> => {
    const text = str(what);
    if (text === '') return {};
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (err) {
      throw new BatchFormatError(`${what} of record ${out.length} is not JSON: ${(err as Error).message}`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new BatchFormatError(`${what} of record ${out.length} is not a JSON object`);
    return v as Record<string, JsonValue>;
  };
  const out: SourceRecord[] = [];
  for (let i = 0; i < count; i++) {
    need(4, 'length');
    const recEnd = p + 4 + dv.getUint32(p, true);
    if (recEnd > end) throw new BatchFormatError(`record ${i} runs past the batch end`);
    p += 4;
    need(20, 'fixed fields');
    const partition = dv.getInt32(p, true);
    const timestamp = dv.getFloat64(p + 4, true);
    offsets?.push(dv.getFloat64(p + 12, true));
    p += 20;
    const topic = str('topic');
    const key = val('key');
    const value = val('value');
    const sourcePartition = obj('sourcePartition');
    const sourceOffset = obj('sourceOffset');
    need(4, 'header count');
    const nh = dv.getUint32(p, true);
    p += 4;
    let headers: Record<string, string> | undefined;
    for (let h = 0; h < nh; h++) {
      headers ??= {};
      const name = str('header name');
      headers[name] = str('header value');
    }
    if (p !== recEnd) throw new BatchFormatError(`record ${i} declares ${recEnd - p} more bytes than its fields hold`);
    const r: SourceRecord = { topic, value: value.v, sourcePartition, sourceOffset };
    if (key.v !== null) r.key = key.v;
    if (key.bytes) r.keySchema = BYTES_SCHEMA;
    if (value.bytes) r.valueSchema = BYTES_SCHEMA;
    if (partition >= 0) r.partition = partition;
    if (timestamp >= 0) r.timestamp = timestamp;
    if (headers !== undefined) r.headers = headers;
    out.push(r);
  }
  return out;
}
