/**
 * The JDBC sink plugin for MySQL and MariaDB: Confluent's io.confluent.connect.jdbc.JdbcSinkConnector
 * configuration over the mysql capability (the worker grants the server connection.url names). put() writes the
 * batch in one transaction and returns once it committed, so everything put is durable and the default preCommit
 * commits it. A database error rolls the batch back and makes put throw a RetriableError after
 * context.timeout(retry.backoff.ms), on a new connection, up to max.retries times; then the task fails with the
 * error. A record that cannot be written (no struct value, a missing key, a table that may not be created) fails
 * the task at once with Confluent's message.
 */
import { defineSink, RetriableError } from '@conveyor/sdk';
import type { SinkRecord, SinkTask, SinkTaskContext } from '@conveyor/sdk';
import { CONNECTOR_ALIASES, CONNECTOR_CLASS, JDBC_SINK_CONFIG, settingsFrom, validateJdbcSinkConfig } from './config.ts';
import type { JdbcSinkSettings } from './config.ts';
import { DatabaseError, TableWriter } from './writer.ts';

type Ctx = SinkTaskContext<typeof JDBC_SINK_CONFIG>;

class JdbcSinkTask implements SinkTask<typeof JDBC_SINK_CONFIG> {
  #ctx: Ctx | null = null;
  #s: JdbcSinkSettings | null = null;
  #connection: string | null = null;
  #writer: TableWriter | null = null;
  /** Failed attempts of the current batch; reset once a batch commits. */
  #failures = 0;

  async start(ctx: Ctx): Promise<void> {
    this.#ctx = ctx;
    this.#s = settingsFrom(ctx.config, ctx.raw['connector.class']);
    this.#writer = new TableWriter({ query: async (sql, params) => ctx.mysql.query(await this.#connect(), sql, params ?? []) }, this.#s, (msg, fields) => ctx.log.info(msg, fields));
    await this.#connect();
    ctx.log.info('JDBC sink started', { host: this.#s.host, port: this.#s.port, database: this.#s.database, insertMode: this.#s.insertMode, pkMode: this.#s.pkMode });
  }

  async put(records: SinkRecord[]): Promise<void> {
    const ctx = this.#started();
    const s = this.#settings();
    if (records.length === 0) return;
    try {
      await (this.#writer as TableWriter).write(records);
      this.#failures = 0;
    } catch (e) {
      if (!(e instanceof DatabaseError)) throw e;
      await this.#disconnect();
      this.#failures++;
      if (this.#failures > s.maxRetries) {
        this.#failures = 0;
        throw new Error(`writing ${records.length} records failed ${s.maxRetries + 1} times; the last error: ${e.message}`, { cause: e });
      }
      ctx.log.warn('writing the batch failed; it is rolled back and tried again after retry.backoff.ms', { error: e.message, attempt: this.#failures, maxRetries: s.maxRetries });
      ctx.timeout(s.retryBackoffMs);
      throw new RetriableError(`${e.message} (attempt ${this.#failures} of ${s.maxRetries + 1})`, { cause: e });
    }
  }

  async stop(): Promise<void> {
    await this.#disconnect();
  }

  async #connect(): Promise<string> {
    if (this.#connection !== null) return this.#connection;
    const ctx = this.#started();
    const s = this.#settings();
    try {
      this.#connection = await ctx.mysql.connect({ host: s.host, port: s.port, user: s.user, database: s.database, ...(s.password === null ? {} : { password: s.password.value() }) });
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (code === 'CONVEYOR_CAPABILITY_DENIED' || code === 'CONVEYOR_CAPABILITY_INVALID') throw e;
      throw new DatabaseError(`cannot connect to ${s.host}:${s.port}/${s.database}: ${(e as Error).message}`, { cause: e });
    }
    this.#writer?.reset();
    return this.#connection;
  }

  async #disconnect(): Promise<void> {
    const c = this.#connection;
    this.#connection = null;
    if (c !== null) await this.#ctx?.mysql.close(c).catch(() => undefined);
  }

  #started(): Ctx {
    if (this.#ctx === null) throw new Error('the JDBC sink task is not started');
    return this.#ctx;
  }

  #settings(): JdbcSinkSettings {
    if (this.#s === null) throw new Error('the JDBC sink task is not started');
    return this.#s;
  }
}

export default defineSink({
  className: CONNECTOR_CLASS,
  aliases: [...CONNECTOR_ALIASES],
  config: JDBC_SINK_CONFIG,
  validate: (config) => validateJdbcSinkConfig(config),
  task: () => new JdbcSinkTask(),
});
