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
import type { Buffered } from './sink-buffer.ts';
import type { PipelineStats } from './types.ts';

export interface SinkConversionOptions {
  converters: ConnectorConverters;
  chain: TransformChain;
  /** The connector class named in error reports of stage TASK_PUT. */
  connectorClass: string;
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

  /** The task's record, or null when a transform dropped it or a failure was tolerated; throws what is not tolerated. */
  async guarded(b: Buffered, op: ToleranceOperator): Promise<SinkRecord | null> {
    const { converters } = this.#o;
    const { topic, partition, message: m } = b;
    const original: OriginalRecord = { topic, partition, offset: m.offset, key: m.key, value: m.value, headers: m.headers, timestamp: m.timestamp };
    const key = await guarded(op, 'KEY_CONVERTER', converters.classes.key, () => converters.key.toConnectData(topic, m.key), original);
    if (!key.ok) return this.#failed();
    const value = await guarded(op, 'VALUE_CONVERTER', converters.classes.value, () => converters.value.toConnectData(topic, m.value), original);
    if (!value.ok) return this.#failed();
    const headers = await guarded(op, 'HEADER_CONVERTER', converters.classes.header, () => this.#headers(topic, b), original);
    if (!headers.ok) return this.#failed();
    const t = await transform(this.#o.chain, op, this.#connectRecord(b, key.value, value.value, headers.value), original);
    if (!t.ok) return this.#failed();
    const done = t.value;
    if (done === null) {
      this.#stats.filtered++;
      return null;
    }
    const consumed = { topic, partition, offset: m.offset };
    const sdk = await guarded(op, 'TASK_PUT', this.#o.connectorClass, () => connectToSdkSinkRecord(done, consumed), original);
    return sdk.ok ? sdk.value : this.#failed();
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
