/**
 * A transform plugin's stage: its records cross into the sandbox a batch at a time (as the SDK's TransformRecord JSON)
 * and what comes back is checked here, on the host, before it becomes a Connect record again. Every failure, from a
 * throw in the plugin to a limit breach or a malformed result, is a DataError naming the stage, so errors.tolerance
 * treats it as it treats a built-in SMT's. An instance whose sandbox breached a limit is replaced for the next batch.
 */
import type { ConnectSchema } from '../../sdk/schema.ts';
import type { TransformRecord } from '../../sdk/transform.ts';
import type { JsonValue } from '../../sdk/records.ts';
import { asJsonSchema, convertToConnect } from '../connect/converters/json-codec.ts';
import type { Schema } from '../connect/data/types.ts';
import { DataError } from '../connect/errors.ts';
import { newRecord } from '../connect/record.ts';
import type { ConnectRecord } from '../connect/record.ts';
import type { BatchTransformation } from '../connect/transforms/types.ts';
import { ErrorCode } from '../core/errors.ts';
import type { SandboxInstance } from '../sandbox/sandbox-pool.ts';
import { fromJsonTree, headersFromSdk, headersToSdk, schemaFromJson, SDK_JSON, toJsonTree, valueToSdk } from './records.ts';

/** Opens the plugin's sandbox instance, started with the stage's config (sandboxed-transform-plugins.ts). */
export type OpenTransformInstance = () => Promise<SandboxInstance>;

/** Output schemas seen, by their JSON text: a transform usually returns the same few schemas for every record. */
const MAX_CACHED_SCHEMAS = 256;

export class TransformOutputError extends DataError {}

/** A failure of the stage: `batchFatal` when the sandbox breached a limit or died (the batch is not retried record by record). */
function stageError(what: string, err: unknown): DataError {
  const e = err as { code?: unknown; message?: unknown; limit?: unknown } | null;
  const fatal = e?.limit !== undefined || e?.code === ErrorCode.sandboxCrashed || e?.code === ErrorCode.limitExceeded;
  const out = new DataError(`${what} failed in the sandbox: ${String(e?.message ?? err)}`, { cause: err });
  if (fatal) Object.defineProperty(out, 'batchFatal', { value: true });
  return out;
}

export class SandboxedTransformation implements BatchTransformation {
  readonly #what: string;
  readonly #open: OpenTransformInstance;
  #instance: Promise<SandboxInstance> | null = null;
  readonly #schemaJson = new WeakMap<Schema, ConnectSchema | null>();
  readonly #schemas = new Map<string, Schema | null>();

  /** what: `Transformation "<alias>" (<class>)`, as messages name the stage. */
  constructor(what: string, open: OpenTransformInstance) {
    this.#what = what;
    this.#open = open;
  }

  async applyBatch<R extends ConnectRecord>(records: readonly R[]): Promise<(R | null)[]> {
    const inputs = new Array<TransformRecord>(records.length);
    for (let i = 0; i < records.length; i++) inputs[i] = this.#toSdk(records[i]!);
    let instance: SandboxInstance;
    try {
      this.#instance ??= this.#open();
      instance = await this.#instance;
    } catch (err) {
      this.#instance = null;
      const e = stageError(this.#what, err);
      Object.defineProperty(e, 'batchFatal', { value: true });
      throw e;
    }
    let raw: unknown;
    try {
      raw = await instance.invoke('transform', inputs);
    } catch (err) {
      const e = stageError(this.#what, err);
      if ((e as { batchFatal?: boolean }).batchFatal === true) this.#discard();
      throw e;
    }
    return this.#fromSdk(records, inputs, raw);
  }

  close(): void {
    this.#discard();
  }

  #discard(): void {
    const held = this.#instance;
    this.#instance = null;
    void held?.then((i) => i.dispose()).catch(() => undefined);
  }

  #schemaToJson(schema: Schema | null): ConnectSchema | null {
    if (schema === null) return null;
    let json = this.#schemaJson.get(schema);
    if (json === undefined) {
      json = fromJsonTree(asJsonSchema(schema, SDK_JSON)) as unknown as ConnectSchema;
      this.#schemaJson.set(schema, json);
    }
    return json;
  }

  #schemaFromJson(json: unknown, what: string): Schema | null {
    if (json === null || json === undefined) return null;
    if (typeof json !== 'object' || Array.isArray(json)) throw new TransformOutputError(`${this.#what} returned a malformed result: ${what} is not a schema object`);
    const text = JSON.stringify(json);
    if (this.#schemas.has(text)) return this.#schemas.get(text) ?? null;
    let schema: Schema | null;
    try {
      schema = schemaFromJson(json as ConnectSchema, 'schema');
    } catch (err) {
      throw new TransformOutputError(`${this.#what} returned a malformed result: ${what}: ${(err as Error).message}`);
    }
    if (this.#schemas.size >= MAX_CACHED_SCHEMAS) this.#schemas.clear();
    this.#schemas.set(text, schema);
    return schema;
  }

  #toSdk(r: ConnectRecord): TransformRecord {
    return {
      topic: r.topic,
      partition: r.kafkaPartition,
      key: sdkValue(r.keySchema, r.key),
      keySchema: this.#schemaToJson(r.keySchema),
      value: sdkValue(r.valueSchema, r.value),
      valueSchema: this.#schemaToJson(r.valueSchema),
      headers: headersToSdk(r.headers).map,
      timestamp: r.timestamp,
    };
  }

  /** The transform's result checked slot by slot against the contract; the first fault fails the batch. */
  #fromSdk<R extends ConnectRecord>(records: readonly R[], inputs: readonly TransformRecord[], raw: unknown): (R | null)[] {
    const bad = (msg: string): never => {
      throw new TransformOutputError(`${this.#what} returned a malformed result: ${msg}`);
    };
    if (!Array.isArray(raw)) return bad(`expected an array of ${records.length} records or nulls, got ${raw === null ? 'null' : typeof raw}`);
    if (raw.length !== records.length) return bad(`${raw.length} slots for ${records.length} records`);
    const out = new Array<R | null>(records.length);
    for (let i = 0; i < raw.length; i++) {
      const x: unknown = raw[i];
      if (x === null) {
        out[i] = null;
        continue;
      }
      if (typeof x !== 'object' || Array.isArray(x)) return bad(`slot ${i} is ${Array.isArray(x) ? 'an array' : typeof x}, not a record or null`);
      const o = x as Partial<Record<keyof TransformRecord, unknown>>;
      if (typeof o.topic !== 'string' || o.topic === '' || o.topic.length > 249) bad(`record ${i} has no valid topic (a non-empty string of at most 249 characters)`);
      if (o.partition !== null && o.partition !== undefined && (!Number.isSafeInteger(o.partition) || (o.partition as number) < 0)) bad(`record ${i} has partition ${JSON.stringify(o.partition)}, not null or an integer >= 0`);
      if (o.timestamp !== null && o.timestamp !== undefined && (typeof o.timestamp !== 'number' || !Number.isFinite(o.timestamp) || o.timestamp < 0)) bad(`record ${i} has timestamp ${JSON.stringify(o.timestamp)}, not null or a number >= 0`);
      const headers = o.headers ?? {};
      if (typeof headers !== 'object' || headers === null || Array.isArray(headers) || Object.values(headers).some((v) => typeof v !== 'string')) bad(`record ${i} has headers that are not a map of strings`);
      const at = `record ${i}`;
      const keySchema = this.#schemaFromJson(o.keySchema, `${at} keySchema`);
      const valueSchema = this.#schemaFromJson(o.valueSchema, `${at} valueSchema`);
      const input = inputs[i]!;
      const sameHeaders = sameMap(headers as Record<string, string>, input.headers);
      try {
        out[i] = newRecord(records[i]!, {
          topic: o.topic as string,
          kafkaPartition: (o.partition ?? null) as number | null,
          keySchema,
          key: keySchema === null ? (o.key ?? null) : convertToConnect(keySchema, toJsonTree(o.key as JsonValue), SDK_JSON),
          valueSchema,
          value: valueSchema === null ? (o.value ?? null) : convertToConnect(valueSchema, toJsonTree(o.value as JsonValue), SDK_JSON),
          timestamp: (o.timestamp ?? null) as number | null,
          ...(sameHeaders ? {} : { headers: headersFromSdk(headers as Record<string, string>) }),
        });
      } catch (err) {
        bad(`record ${i} does not match its schema: ${(err as Error).message}`);
      }
    }
    return out;
  }
}

/** A schemaless value that is JSON as it is (no bytes, no big integers, no dates): it crosses without conversion. */
function plainJson(v: unknown, depth = 0): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v !== 'object' || depth > 32) return false;
  if (Array.isArray(v)) {
    for (const x of v) if (!plainJson(x, depth + 1)) return false;
    return true;
  }
  if (Object.getPrototypeOf(v) !== Object.prototype) return false;
  for (const k in v) if (!plainJson((v as Record<string, unknown>)[k], depth + 1)) return false;
  return true;
}

function sdkValue(schema: Schema | null, value: unknown): JsonValue {
  return schema === null && plainJson(value) ? (value as JsonValue) : valueToSdk(schema, value);
}

function sameMap(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (a[k] !== b[k]) return false;
  return true;
}
