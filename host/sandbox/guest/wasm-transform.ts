/**
 * A WebAssembly transform (sdk/wasm/README.md, "Transforms"): the module's `transform(ptr, len)` export over a batch,
 * wrapped as the SDK's transform definition. Trusted guest code: it checks the indexes the module's output names.
 */
import type { ConfigDefinition } from '../../../sdk/config.ts';
import type { RawConfig } from '../../../sdk/connector.ts';
import type { SinkRecord } from '../../../sdk/records.ts';
import type { TransformPluginDefinition, TransformRecord } from '../../../sdk/transform.ts';
import { decodeSourceBatch, encodeSinkBatch, sinkBatchBound } from '../../../sdk/wasm/batch.ts';

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
    const indexes: number[] = [];
    let decoded;
    try {
      decoded = decodeSourceBatch(c.bytes(), at, indexes);
    } catch (err) {
      throw c.taskError(`transform: ${(err as Error).message}`);
    }
    let last = -1;
    for (let j = 0; j < decoded.length; j++) {
      const index = indexes[j] as number;
      if (!Number.isInteger(index) || index <= last || index >= records.length) {
        throw c.taskError(`transform: output record ${j} names input record ${index}; each output names a distinct input record (0..${records.length - 1}) in increasing order`);
      }
      last = index;
      const r = decoded[j]!;
      out[index] = {
        topic: r.topic,
        partition: r.partition ?? null,
        key: r.key ?? null,
        keySchema: r.keySchema ?? null,
        value: r.value,
        valueSchema: r.valueSchema ?? null,
        headers: r.headers ?? {},
        timestamp: r.timestamp ?? null,
      };
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
