/**
 * A WebAssembly transform (sdk/wasm/README.md, "Transforms"): the module's `transform(ptr, len)` export over a batch,
 * wrapped as the SDK's transform definition. Trusted guest code: it checks the indexes the module's output names.
 */
import type { ConfigDefinition } from '../../../sdk/config.ts';
import type { RawConfig } from '../../../sdk/connector.ts';
import type { SinkRecord } from '../../../sdk/records.ts';
import type { TransformPluginDefinition, TransformRecord } from '../../../sdk/transform.ts';
import { base64Encode } from '../../../sdk/base64.ts';
import { BATCH_HEADER_BYTES, BATCH_VERSION, BatchFormatError, encodeSinkBatch, sinkBatchBound, ValueKind } from '../../../sdk/wasm/batch.ts';
import { utf8Read } from '../../../sdk/wasm/utf8.ts';
import { rawJson } from './raw-json.ts';

type Fn = (...a: number[]) => number;

/** What wasm-connector.ts hands over: the calls it wraps with trap and status handling. */
export interface WasmCalls {
  alloc(size: number): number;
  bytes(): Uint8Array;
  write(s: string): [number, number];
  drive(method: string, fn: Fn, args: number[]): Promise<number>;
  taskError(message: string): Error;
  start: Fn;
  transform: Fn;
  stop?: Fn;
}

interface Meta {
  className: string;
  aliases?: string[];
  config: ConfigDefinition;
}

/** Batch records as the codec writes them: the offset field carries each record's index in the batch. */
function asBatch(records: readonly TransformRecord[]): SinkRecord[] {
  const out = new Array<SinkRecord>(records.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as TransformRecord;
    out[i] = { topic: r.topic, partition: r.partition ?? -1, offset: i, key: r.key, value: r.value, keySchema: r.keySchema, valueSchema: r.valueSchema, headers: r.headers, timestamp: r.timestamp ?? -1 };
  }
  return out;
}

const BYTES_SCHEMA = '{"type":"bytes","optional":true}';

/** Short ASCII runs (topics, header names) without utf8Read's per-call setup. */
function text(b: Uint8Array, start: number, end: number): string {
  if (end - start > 32) return utf8Read(b, start, end);
  let s = '';
  for (let i = start; i < end; i++) {
    const c = b[i] as number;
    if (c >= 0x80) return utf8Read(b, start, end);
    s += String.fromCharCode(c);
  }
  return s;
}

/**
 * Reads the module's output batch (the source batch layout; each record's offset field names its input record) into
 * out[index], each record as TransformRecord JSON text: a JSON value (kind 3) is copied as the text the module wrote,
 * never parsed and written again here. The host parses and checks every record.
 */
export function decodeOutput(mem: Uint8Array, at: number, inputs: number, out: unknown[]): void {
  if (at < 0 || at + BATCH_HEADER_BYTES > mem.length) throw new BatchFormatError(`header at ${at} lies outside memory of ${mem.length} bytes`);
  const dv = new DataView(mem.buffer, mem.byteOffset, mem.byteLength);
  const end = at + 4 + dv.getUint32(at, true);
  if (end > mem.length) throw new BatchFormatError(`length ${end - at - 4} runs past the end of memory`);
  const version = dv.getUint16(at + 4, true);
  if (version !== BATCH_VERSION) throw new BatchFormatError(`version ${version}, this host reads version ${BATCH_VERSION}`);
  const count = dv.getUint32(at + 8, true);
  let p = at + BATCH_HEADER_BYTES;
  let record = 0;
  const need = (n: number, what: string): void => {
    if (p + n > end) throw new BatchFormatError(`${what} of record ${record} runs past the batch end`);
  };
  const len = (what: string): number => {
    need(4, what);
    const n = dv.getUint32(p, true);
    need(4 + n, what);
    p += 4;
    return n;
  };
  const str = (what: string): string => {
    const n = len(what);
    const s = text(mem, p, p + n);
    p += n;
    return s;
  };
  /** A key or value as JSON text, and whether it is bytes. */
  const val = (what: string): [string, boolean] => {
    need(1, what);
    const kind = mem[p] as number;
    p++;
    const n = len(what);
    const start = p;
    p += n;
    if (kind === ValueKind.null) return ['null', false];
    if (kind === ValueKind.bytes) return [`"${base64Encode(mem.subarray(start, p))}"`, true];
    if (kind === ValueKind.string) return [JSON.stringify(utf8Read(mem, start, p)), false];
    if (kind !== ValueKind.json || n === 0) throw new BatchFormatError(`${what} of record ${record} has ${n === 0 ? 'no JSON text' : `unknown kind ${kind}`}`);
    return [utf8Read(mem, start, p), false];
  };
  let last = -1;
  for (; record < count; record++) {
    need(4, 'length');
    const recEnd = p + 4 + dv.getUint32(p, true);
    if (recEnd > end) throw new BatchFormatError(`record ${record} runs past the batch end`);
    p += 4;
    need(20, 'fixed fields');
    const partition = dv.getInt32(p, true);
    const timestamp = dv.getFloat64(p + 4, true);
    const index = dv.getFloat64(p + 12, true);
    p += 20;
    if (!Number.isInteger(index) || index <= last || index >= inputs) {
      throw new BatchFormatError(`output record ${record} names input record ${index}; each output names a distinct input record (0..${inputs - 1}) in increasing order`);
    }
    last = index;
    const topic = str('topic');
    const [key, keyBytes] = val('key');
    const [value, valueBytes] = val('value');
    // Source partition and offset mean nothing in a transform's output: skipped (len() moves p past each length).
    const skipPartition = len('sourcePartition');
    p += skipPartition;
    const skipOffset = len('sourceOffset');
    p += skipOffset;
    need(4, 'header count');
    const nh = dv.getUint32(p, true);
    p += 4;
    let headers = '{';
    for (let h = 0; h < nh; h++) headers += `${h === 0 ? '' : ','}${JSON.stringify(str('header name'))}:${JSON.stringify(str('header value'))}`;
    if (p !== recEnd) throw new BatchFormatError(`record ${record} declares ${recEnd - p} more bytes than its fields hold`);
    out[index] = rawJson(
      `{"topic":${JSON.stringify(topic)},"partition":${partition >= 0 ? partition : 'null'},"key":${key},"keySchema":${keyBytes ? BYTES_SCHEMA : 'null'},` +
        `"value":${value},"valueSchema":${valueBytes ? BYTES_SCHEMA : 'null'},"headers":${headers}},"timestamp":${timestamp >= 0 ? timestamp : 'null'}}`,
    );
  }
}

export function wasmTransformDefinition(meta: Meta, c: WasmCalls): TransformPluginDefinition {
  const apply = async (records: TransformRecord[]): Promise<(TransformRecord | null)[]> => {
    const out = new Array<TransformRecord | null>(records.length).fill(null);
    if (records.length === 0) return out;
    const batch = asBatch(records);
    const { bound, texts } = sinkBatchBound(batch);
    const ptr = c.alloc(bound);
    const b = c.bytes();
    if (ptr <= 0 || ptr + bound > b.length) throw c.taskError(`alloc(${bound}) returned ${ptr}, outside memory of ${b.length} bytes`);
    const len = encodeSinkBatch(batch, texts, b.subarray(ptr, ptr + bound));
    const at = await c.drive('transform', c.transform, [ptr, len]);
    if (at === 0) return out;
    try {
      decodeOutput(c.bytes(), at, records.length, out);
    } catch (err) {
      throw c.taskError(`transform: ${(err as Error).message}`);
    }
    return out;
  };
  return {
    type: 'transform',
    className: meta.className,
    aliases: meta.aliases ?? [],
    config: meta.config,
    transform: () => ({
      start: async (ctx: { raw: RawConfig; alias: string }) => {
        const [p, l] = c.write(JSON.stringify({ config: ctx.raw, connector: ctx.alias, taskId: 0 }));
        await c.drive('start', c.start, [p, l]);
      },
      apply,
      stop: async () => {
        if (c.stop !== undefined) await c.drive('stop', c.stop, []);
      },
    }),
  };
}
