/**
 * A consumed message as the record a sink task receives (Kafka Connect's WorkerSinkTask.convertMessages): key, value
 * and header converters, then the transforms. The fast path runs synchronously without error handling; a message that
 * throws in it runs again through the tolerance operator (converters and transforms are pure).
 */
import type { SinkRecord } from '../../sdk/records.ts';
import type { ConnectorConverters } from '../connect/converters/from-config.ts';
import type { SchemaAndValue } from '../connect/converters/types.ts';
import { header } from '../connect/record.ts';
import type { Header, SinkRecord as ConnectSinkRecord } from '../connect/record.ts';
import type { TransformChain } from '../connect/transforms/chain.ts';
import type { OriginalRecord } from '../errors/reporters.ts';
import type { ToleranceOperator } from '../errors/tolerance.ts';
import { guarded, transform, transformSync } from './processing.ts';
import { connectToSdkSinkRecord, headerEntries } from './records.ts';
import { transformBatch } from './transform-batch.ts';
import type { Buffered } from './sink-buffer.ts';
import type { PipelineStats } from './types.ts';

export interface SinkConversionOptions {
  converters: ConnectorConverters;
  chain: TransformChain;
  /** The connector class named in error reports of stage TASK_PUT. */
  connectorClass: string;
}

function originalOf(b: Buffered): OriginalRecord {
  const m = b.message;
  return { topic: b.topic, partition: b.partition, offset: m.offset, key: m.key, value: m.value, headers: m.headers, timestamp: m.timestamp };
}

export class SinkConversion {
  readonly #o: SinkConversionOptions;
  readonly #stats: PipelineStats;

  constructor(options: SinkConversionOptions, stats: PipelineStats) {
    this.#o = options;
    this.#stats = stats;
  }

  /**
   * The happy path, synchronously: the task's record, null when a transform dropped it, or undefined when a stage
   * threw — then guarded() runs the record again with error handling (converters and transforms are pure).
   */
  fast(b: Buffered): SinkRecord | null | undefined {
    const { converters } = this.#o;
    const { topic, partition, message: m } = b;
    try {
      const key = converters.key.toConnectData(topic, m.key);
      const value = converters.value.toConnectData(topic, m.value);
      const headers = this.#headers(topic, b);
      const done = transformSync(this.#o.chain, this.#connectRecord(b, key, value, headers));
      if (done === null) {
        this.#stats.filtered++;
        return null;
      }
      return connectToSdkSinkRecord(done, { topic, partition, offset: m.offset });
    } catch {
      return undefined;
    }
  }

  #connectRecord(b: Buffered, key: SchemaAndValue, value: SchemaAndValue, headers: Header[]): ConnectSinkRecord {
    const { topic, partition, message: m } = b;
    return {
      topic,
      kafkaPartition: partition,
      keySchema: key.schema,
      key: key.value,
      valueSchema: value.schema,
      value: value.value,
      timestamp: m.timestamp,
      headers,
      kafkaOffset: m.offset,
      timestampType: 'CreateTime',
      originalTopic: topic,
      originalKafkaPartition: partition,
      originalKafkaOffset: m.offset,
    };
  }

  /**
   * A chain with sandboxed stages: the messages converted, transformed with one crossing per sandboxed stage
   * (transform-batch.ts), then made the task's records; a slot is null when dropped or tolerated.
   */
  async batch(items: readonly Buffered[], op: ToleranceOperator): Promise<(SinkRecord | null)[]> {
    const { converters } = this.#o;
    const out = new Array<SinkRecord | null>(items.length).fill(null);
    const connect = new Array<ConnectSinkRecord | null>(items.length).fill(null);
    const originals = items.map(originalOf);
    for (let i = 0; i < items.length; i++) {
      const b = items[i]!;
      try {
        connect[i] = this.#connectRecord(b, converters.key.toConnectData(b.topic, b.message.key), converters.value.toConnectData(b.topic, b.message.value), this.#headers(b.topic, b));
      } catch {
        connect[i] = await this.#converted(b, op, originals[i]!);
      }
    }
    const done = await transformBatch(this.#o.chain, op, connect, originals);
    for (let i = 0; i < items.length; i++) {
      if (connect[i] === null) continue;
      const t = done[i]!;
      if (!t.ok) this.#failed();
      else if (t.value === null) this.#stats.filtered++;
      else out[i] = await this.#sdkRecord(items[i]!, t.value, op, originals[i]!);
    }
    return out;
  }

  /** The task's record, or null when a transform dropped it or a failure was tolerated; throws what is not tolerated. */
  async guarded(b: Buffered, op: ToleranceOperator): Promise<SinkRecord | null> {
    const original = originalOf(b);
    const connect = await this.#converted(b, op, original);
    if (connect === null) return null;
    const t = await transform(this.#o.chain, op, connect, original);
    if (!t.ok) return this.#failed();
    const done = t.value;
    if (done === null) {
      this.#stats.filtered++;
      return null;
    }
    return this.#sdkRecord(b, done, op, original);
  }

  async #sdkRecord(b: Buffered, done: ConnectSinkRecord, op: ToleranceOperator, original: OriginalRecord): Promise<SinkRecord | null> {
    const consumed = { topic: b.topic, partition: b.partition, offset: b.message.offset };
    const sdk = await guarded(op, 'TASK_PUT', this.#o.connectorClass, () => connectToSdkSinkRecord(done, consumed), original);
    return sdk.ok ? sdk.value : this.#failed();
  }

  /** The message as a Connect record with each converter guarded; null when a failure was tolerated. */
  async #converted(b: Buffered, op: ToleranceOperator, original: OriginalRecord): Promise<ConnectSinkRecord | null> {
    const { converters } = this.#o;
    const { topic, message: m } = b;
    const key = await guarded(op, 'KEY_CONVERTER', converters.classes.key, () => converters.key.toConnectData(topic, m.key), original);
    if (!key.ok) return this.#failed();
    const value = await guarded(op, 'VALUE_CONVERTER', converters.classes.value, () => converters.value.toConnectData(topic, m.value), original);
    if (!value.ok) return this.#failed();
    const headers = await guarded(op, 'HEADER_CONVERTER', converters.classes.header, () => this.#headers(topic, b), original);
    if (!headers.ok) return this.#failed();
    return this.#connectRecord(b, key.value, value.value, headers.value);
  }

  #headers(topic: string, b: Buffered): Header[] {
    return headerEntries(b.message.headers).map(([k, bytes]) => {
      const sv = this.#o.converters.header.toConnectHeader(topic, k, bytes);
      return header(k, sv.schema, sv.value);
    });
  }

  #failed(): null {
    this.#stats.failed++;
    return null;
  }
}
