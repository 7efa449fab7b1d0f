/**
 * The HTTP sink plugin: Confluent's io.confluent.connect.http.HttpSinkConnector configuration over the http
 * capability (the worker's policy decides which origins it may reach). put() sends the batch's requests in record
 * order and returns once the API accepted them, so everything put is durable and the default preCommit commits it.
 *
 * A request that fails retriably (no response, a timeout, a status in retry.on.status.codes) makes put throw a
 * RetriableError after context.timeout(retry.backoff.ms): the worker delivers the batch again after the backoff, and
 * the records whose requests already succeeded are skipped, so nothing is sent twice by a retry. One attempt per
 * request per put, within a time budget under the sandbox's call deadline. Past max.retries, or on a status that is
 * not retried, behavior.on.error decides: fail reports the records to the errant record reporter (the task fails
 * under errors.tolerance=none; errors.tolerance=all sends them to the dead-letter queue and goes on), log logs them,
 * ignore skips them.
 */
import { defineSink, RetriableError } from '@conveyor/sdk';
import type { SinkRecord, SinkTask, SinkTaskContext, TopicPartition } from '@conveyor/sdk';
import { CONNECTOR_ALIASES, CONNECTOR_CLASS, HTTP_SINK_CONFIG, settingsFrom, validateHttpSinkConfig } from './config.ts';
import type { HttpSinkSettings } from './config.ts';
import { isRetriableStatus, planSteps } from './requests.ts';
import type { NullValue, PlannedRequest } from './requests.ts';

/** put stops sending and asks for the rest again once it has run this long (the call deadline is 30 s by default). */
const PUT_BUDGET_MS = 20_000;
const MIN_REQUEST_TIMEOUT_MS = 1_000;
const FATAL_CODES = new Set(['CONVEYOR_CAPABILITY_DENIED', 'CONVEYOR_CAPABILITY_INVALID']);
const BODY_IN_ERRORS = 300;

type Ctx = SinkTaskContext<typeof HTTP_SINK_CONFIG>;

const tpKey = (topic: string, partition: number): string => `${partition}/${topic}`;
const recordKey = (r: SinkRecord): string => `${tpKey(r.topic, r.partition)}@${r.offset}`;

/** Scheme, host and path without user info or query (which may carry credentials), for logs and errors. */
function safeUrl(url: string): string {
  const m = /^(https?:\/\/)(?:[^@/?#]*@)?([^/?#]*)([^?#]*)/.exec(url);
  return m === null ? '(malformed URL)' : `${m[1]}${m[2]}${m[3]}`;
}

class HttpSinkTask implements SinkTask<typeof HTTP_SINK_CONFIG> {
  #ctx: Ctx | null = null;
  #s: HttpSinkSettings | null = null;
  /** Per partition, the highest offset whose step is finished (sent, or given up on): a redelivered batch skips them. */
  readonly #finished = new Map<string, number>();
  /** Failed attempts so far of the request that starts at a record. */
  readonly #attempts = new Map<string, number>();

  start(ctx: Ctx): void {
    this.#ctx = ctx;
    this.#s = settingsFrom(ctx.config);
    ctx.log.info('HTTP sink started', { url: safeUrl(this.#s.url), method: this.#s.method, batchMaxSize: this.#s.batchMaxSize });
  }

  async put(records: SinkRecord[]): Promise<void> {
    const ctx = this.#started();
    const s = this.#settings();
    const fresh = records.filter((r) => r.offset > (this.#finished.get(tpKey(r.topic, r.partition)) ?? -1));
    const began = ctx.clock.now();
    for (const step of planSteps(fresh, s)) {
      if (step.kind === 'null') {
        await this.#nullValue(step.value);
        this.#finish([step.value.record]);
        continue;
      }
      const elapsed = ctx.clock.now() - began;
      if (elapsed >= PUT_BUDGET_MS) {
        ctx.timeout(1);
        throw new RetriableError(`sent for ${elapsed} ms in this put; the rest of the batch is sent when it is delivered again`);
      }
      await this.#send(step.request, Math.max(MIN_REQUEST_TIMEOUT_MS, Math.min(s.requestTimeoutMs, PUT_BUDGET_MS - elapsed)));
      this.#finish(step.request.records);
    }
  }

  close(partitions: TopicPartition[]): void {
    for (const p of partitions) this.#finished.delete(tpKey(p.topic, p.partition));
    this.#attempts.clear();
  }

  stop(): void {
    this.#finished.clear();
    this.#attempts.clear();
  }

  #finish(records: readonly SinkRecord[]): void {
    for (const r of records) {
      const key = tpKey(r.topic, r.partition);
      if (r.offset > (this.#finished.get(key) ?? -1)) this.#finished.set(key, r.offset);
    }
  }

  /** One attempt; returns once the API accepted the request or the records were handed to behavior.on.error. */
  async #send(req: PlannedRequest, timeoutMs: number): Promise<void> {
    const ctx = this.#started();
    const s = this.#settings();
    const first = req.records[0] as SinkRecord;
    const where = `${req.method} ${safeUrl(req.url)}`;
    let failure: { message: string; retriable: boolean };
    try {
      const res = await ctx.http.fetch(req.url, { method: req.method, headers: { ...s.headers }, ...(req.body === undefined ? {} : { body: req.body }), timeoutMs });
      if (res.status >= 200 && res.status < 300) {
        this.#attempts.delete(recordKey(first));
        return;
      }
      failure = { message: `${where} answered ${res.status}: ${res.body.slice(0, BODY_IN_ERRORS)}`, retriable: isRetriableStatus(res.status, s) };
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (typeof code === 'string' && FATAL_CODES.has(code)) throw e;
      failure = { message: `${where} failed: ${(e as Error).message}`, retriable: true };
    }
    const attempts = (this.#attempts.get(recordKey(first)) ?? 0) + 1;
    if (failure.retriable && attempts <= s.maxRetries) {
      this.#attempts.set(recordKey(first), attempts);
      ctx.log.warn('HTTP request failed; the batch is delivered again after retry.backoff.ms', { error: failure.message, attempt: attempts, maxRetries: s.maxRetries, records: req.records.length });
      ctx.timeout(s.retryBackoffMs);
      throw new RetriableError(`${failure.message} (attempt ${attempts} of ${s.maxRetries + 1})`);
    }
    this.#attempts.delete(recordKey(first));
    const why = failure.retriable ? `${failure.message} (gave up after ${attempts} attempts)` : failure.message;
    await this.#onError(req.records, why, 'HttpRequestError');
  }

  async #nullValue(n: NullValue): Promise<void> {
    const ctx = this.#started();
    const r = n.record;
    const where = { topic: r.topic, partition: r.partition, offset: r.offset };
    if (n.action === 'ignore') return;
    if (n.action === 'log') {
      ctx.log.info('record with a null value skipped (behavior.on.null.values=log)', where);
      return;
    }
    await this.#onError([r], `record ${r.topic}-${r.partition}@${r.offset} has a null value (behavior.on.null.values=fail)`, 'NullRecordException');
  }

  async #onError(records: readonly SinkRecord[], message: string, type: string): Promise<void> {
    const ctx = this.#started();
    const s = this.#settings();
    const first = records[0] as SinkRecord;
    const fields = { error: message, records: records.length, topic: first.topic, partition: first.partition, offset: first.offset };
    if (s.onError === 'ignore') {
      ctx.log.debug('records skipped after an HTTP error (behavior.on.error=ignore)', fields);
      return;
    }
    if (s.onError === 'log') {
      ctx.log.error('records skipped after an HTTP error (behavior.on.error=log)', fields);
      return;
    }
    for (const r of records) {
      await ctx.errantRecordReporter.report(
        { topic: r.topic, partition: r.partition, offset: r.offset, key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp },
        { message, type },
      );
    }
  }

  #started(): Ctx {
    if (this.#ctx === null) throw new Error('the HTTP sink task is not started');
    return this.#ctx;
  }

  #settings(): HttpSinkSettings {
    if (this.#s === null) throw new Error('the HTTP sink task is not started');
    return this.#s;
  }
}

export default defineSink({
  className: CONNECTOR_CLASS,
  aliases: [...CONNECTOR_ALIASES],
  config: HTTP_SINK_CONFIG,
  validate: (config) => validateHttpSinkConfig(config),
  task: () => new HttpSinkTask(),
});
