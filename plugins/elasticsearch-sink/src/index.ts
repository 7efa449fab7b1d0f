/**
 * The Elasticsearch sink plugin: Confluent's io.confluent.connect.elasticsearch.ElasticsearchSinkConnector
 * configuration over the elasticsearch capability. put() hands records to ElasticsearchSink; preCommit() returns
 * only the offsets Elasticsearch acknowledged (or that were deliberately skipped or reported), so the host never
 * commits past a document that is not durable. Documents Elasticsearch refuses as malformed (under
 * behavior.on.malformed.documents=warn|ignore) and records that cannot become documents go to the errant record
 * reporter: the connector's dead-letter queue and error log, or a task failure under errors.tolerance=none.
 * Retriable bulk failures (429, 5xx, no connection) that outlast max.retries make put throw a RetriableError, so
 * the worker redelivers the batch after a backoff instead of failing the task; close() drops a lost partition's
 * offset tracking.
 */
import { defineSink } from '@conveyor/sdk';
import type { SinkRecord, SinkTask, TaskContext, TopicPartition, TopicPartitionOffsets } from '@conveyor/sdk';
import type { ItemResult } from './classify.ts';
import { capabilityClient } from './client.ts';
import { CONNECTOR_ALIASES, CONNECTOR_CLASS, ES_SINK_CONFIG, normalizeConfig, validateEsSinkConfig } from './config.ts';
import type { MalformedBehavior } from './config.ts';
import type { WriterEntry } from './bulk-writer.ts';
import { bulkMetrics } from './es-metrics.ts';
import { ElasticsearchSink } from './sink.ts';

class ElasticsearchSinkTask implements SinkTask<typeof ES_SINK_CONFIG> {
  #ctx: TaskContext<typeof ES_SINK_CONFIG> | null = null;
  #sink: ElasticsearchSink | null = null;

  async start(ctx: TaskContext<typeof ES_SINK_CONFIG>): Promise<void> {
    this.#ctx = ctx;
    const config = normalizeConfig(ctx.config);
    await ctx.elasticsearch.connect({
      urls: [...config.connectionUrls],
      username: config.username,
      password: config.password?.value() ?? null,
      requestTimeoutMs: Math.max(config.readTimeoutMs, config.connectionTimeoutMs),
    });
    this.#sink = new ElasticsearchSink({
      config,
      client: capabilityClient(ctx.elasticsearch),
      clock: ctx.clock,
      onBulk: bulkMetrics(ctx.metrics),
      onMalformed: (entry, result, behavior) => this.#malformed(entry, result, behavior),
      onInvalid: (record, error) => this.#reportInvalid(record, error),
      onSkip: (record, reason) => ctx.log.debug('record skipped', { topic: record.topic, partition: record.partition, offset: record.offset, reason }),
    });
    await this.#sink.start();
  }

  async put(records: SinkRecord[]): Promise<void> {
    await this.#started().put(records);
  }

  async preCommit(_offsets: TopicPartitionOffsets): Promise<TopicPartitionOffsets> {
    return await this.#started().preCommit();
  }

  close(partitions: TopicPartition[]): void {
    this.#sink?.close(partitions);
  }

  async stop(): Promise<void> {
    const sink = this.#sink;
    this.#sink = null;
    await sink?.stop();
  }

  /** The refused document (id as key, the document as value) goes to the errant record reporter. */
  async #malformed(entry: WriterEntry, result: ItemResult, behavior: MalformedBehavior): Promise<void> {
    const ctx = this.#ctx;
    if (ctx === null) return;
    const fields = { topic: entry.topic, partition: entry.partition, offset: entry.offset, index: entry.operation.index, status: result.status, error: result.errorType, reason: result.reason };
    if (behavior === 'warn') ctx.log.warn('Elasticsearch refused a malformed document; skipping it (behavior.on.malformed.documents=warn)', fields);
    else ctx.log.debug('Elasticsearch refused a malformed document; ignoring it (behavior.on.malformed.documents=ignore)', fields);
    await ctx.errantRecordReporter.report(
      { topic: entry.topic, partition: entry.partition, offset: entry.offset, key: entry.operation.id, value: entry.operation.body ?? null },
      { message: `Elasticsearch refused the document (${result.status} ${result.errorType}): ${result.reason}`, type: result.errorType },
    );
  }

  async #reportInvalid(record: SinkRecord, error: Error): Promise<void> {
    const ctx = this.#ctx;
    if (ctx === null) throw error;
    await ctx.errantRecordReporter.report(
      { topic: record.topic, partition: record.partition, offset: record.offset, key: record.key, value: record.value, headers: record.headers, timestamp: record.timestamp },
      { message: error.message, type: error.name },
    );
  }

  #started(): ElasticsearchSink {
    if (this.#sink === null) throw new Error('the Elasticsearch sink task is not started');
    return this.#sink;
  }
}

export default defineSink({
  className: CONNECTOR_CLASS,
  aliases: [...CONNECTOR_ALIASES],
  config: ES_SINK_CONFIG,
  validate: (config) => validateEsSinkConfig(config),
  task: () => new ElasticsearchSinkTask(),
});
