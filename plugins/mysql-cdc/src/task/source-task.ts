/**
 * The source task: restores the offset and schema history, plans the start (snapshot.mode), takes the consistent
 * snapshot through the mysql capability, then streams the binlog from exactly the snapshot's position (or the
 * stored offset), returning at most max.batch.size records per poll.
 */
import type { ConnectSchema, MysqlCapability, MysqlConnectOptions, MysqlTableFilter, SourceRecord, SourceTask, TaskContext } from '@conveyor/sdk';
import type { CdcConfig } from '../config.ts';
import { normaliseConfig } from '../config-normalise.ts';
import { compilePatterns, tableFilter } from '../filters.ts';
import type { CdcRecord } from '../events/change-events.ts';
import { contextHeaders, FLAVOURS } from '../events/flavour.ts';
import { decodeOffset, encodeOffset, planStart, sourcePartition, streamStart } from '../offsets.ts';
import type { CdcOffset } from '../offsets.ts';
import { ChangeEventProcessor } from '../processor.ts';
import { SchemaHistory, snapshotPosition } from '../schema/history.ts';
import { CdcMetrics } from './cdc-metrics.ts';
import { decodeHistory, historyPartition, HistoryStore } from './history-store.ts';
import { SnapshotReader } from './snapshot-reader.ts';
import { snapshotSchema } from './snapshot-schema.ts';

export function connectOptions(c: CdcConfig): MysqlConnectOptions {
  return { host: c.hostname, port: c.port, user: c.user, password: c.password };
}
export function filterOf(c: CdcConfig): MysqlTableFilter {
  return { databaseInclude: [...c.databaseInclude], databaseExclude: [...c.databaseExclude], tableInclude: [...c.tableInclude], tableExclude: [...c.tableExclude] };
}
/**
 * The order captured tables are read in: as Debezium, by the first table.include.list entry each matches (the
 * server's order within one entry, and without a list).
 */
export function snapshotOrder<T extends { db: string; table: string }>(tables: readonly T[], include: readonly string[]): T[] {
  const patterns = compilePatterns(include);
  const rank = (t: T): number => {
    const i = patterns.findIndex((p) => p.test(`${t.db}.${t.table}`));
    return i < 0 ? patterns.length : i;
  };
  return tables.map((t, i) => ({ t, i, r: rank(t) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.t);
}

/** The databases only: what the snapshot describes (tables are filtered when read). */
function databaseFilterOf(c: CdcConfig): MysqlTableFilter {
  return { databaseInclude: [...c.databaseInclude], databaseExclude: [...c.databaseExclude], tableInclude: [], tableExclude: [] };
}
function positionOf(o: CdcOffset): Record<string, unknown> {
  return { file: o.file, pos: o.pos, gtids: o.gtids, event: o.event, row: o.row };
}
export function historyTopic(c: CdcConfig): string {
  return c.historyTopic ?? `${c.topicPrefix}.schema-history`;
}

/** A change or schema-change record for the host, with the connector's context headers (if its flavour has them) last. */
export function toSourceRecord(r: CdcRecord, timestamp: number, context: Readonly<Record<string, string>> | null = null): SourceRecord {
  const headers = context === null || r.contextHeaders === false ? r.headers : { ...r.headers, ...context };
  return {
    topic: r.topic, key: r.key, value: r.value, keySchema: r.keySchema as unknown as ConnectSchema | null, valueSchema: r.valueSchema as unknown as ConnectSchema | null,
    ...(headers ? { headers } : {}), timestamp, sourcePartition: r.sourcePartition, sourceOffset: r.sourceOffset,
  };
}

type Phase = 'snapshot' | 'stream' | 'reconnect' | 'idle';

/** A lost or refused connection, or a capability timeout: worth reconnecting (the capability marks them so). */
function isRetriable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'CONVEYOR_UNAVAILABLE' || code === 'CONVEYOR_TIMEOUT';
}

export class CdcSourceTask implements SourceTask {
  #ctx!: TaskContext;
  #config!: CdcConfig;
  #mysql!: MysqlCapability;
  #history!: HistoryStore;
  #processor!: ChangeEventProcessor;
  #phase: Phase = 'idle';
  #snapshot: SnapshotReader | null = null;
  #snapshotPosition: CdcOffset | null = null;
  #streamAfterSnapshot = true;
  #stream: string | null = null;
  #out: SourceRecord[] = [];
  #lastHeartbeat = 0;
  #context: Readonly<Record<string, string>> | null = null;
  #metrics!: CdcMetrics;
  /** Reconnections since the stream last delivered events, and when the next one may start. */
  #retries = 0;
  #reconnectAt = 0;

  async start(ctx: TaskContext): Promise<void> {
    this.#ctx = ctx;
    const n = normaliseConfig(ctx.raw);
    if (!n.ok) throw new Error(`invalid configuration: ${Object.entries(n.errors).map(([k, v]) => `${k}: ${v.join('; ')}`).join(', ')}`);
    const c = (this.#config = n.config);
    this.#mysql = ctx.mysql;
    this.#metrics = new CdcMetrics(ctx.metrics, c.topicPrefix);
    this.#context = contextHeaders(FLAVOURS[c.flavour], c.topicPrefix, ctx.clock.now());
    const offset = decodeOffset(await ctx.offsets.get(sourcePartition(c.topicPrefix)));
    const stored = decodeHistory(await ctx.offsets.get(historyPartition(c.topicPrefix)));
    this.#history = new HistoryStore(c.topicPrefix, historyTopic(c), stored);
    const report = await this.#mysql.preflight({ ...connectOptions(c), position: offset === null ? null : { file: offset.file, pos: offset.pos, gtids: offset.gtids } });
    const positionProblem = report.problems.find((p) => p.check === 'position');
    const others = report.problems.filter((p) => p.check !== 'position');
    if (others.length > 0) throw new Error(`MySQL change data capture cannot start:\n- ${others.map((p) => p.message).join('\n- ')}`);
    for (const w of report.warnings) ctx.log.warn(w);
    const plan = planStart(c.snapshotMode, offset, positionProblem === undefined);
    ctx.log.info('mysql-cdc start plan', { plan: plan.action, ...(offset ? { file: offset.file, pos: offset.pos } : {}) });
    this.#lastHeartbeat = ctx.clock.now();
    switch (plan.action) {
      case 'fail':
        throw new Error(positionProblem ? `${plan.message} (${positionProblem.message})` : plan.message);
      case 'idle':
        this.#phase = 'idle';
        return;
      case 'stream': {
        let schema = SchemaHistory.restore(c.topicPrefix, this.#history.records, { file: plan.offset.file, pos: plan.offset.pos });
        if (plan.rebuildHistory || (stored.length === 0 && offset !== null)) schema = await this.#rebuildHistory(plan.offset);
        this.#processor = new ChangeEventProcessor(c, schema, plan.offset);
        await this.#openStream(plan.offset);
        return;
      }
      case 'snapshot':
        await this.#openSnapshot(plan.data, plan.stream);
    }
  }

  /** The current table definitions as snapshot history records (snapshot.mode=recovery, or no stored history). */
  async #rebuildHistory(at: CdcOffset): Promise<SchemaHistory> {
    const snap = await this.#mysql.snapshotOpen({ ...connectOptions(this.#config), lockMode: this.#config.snapshotLockingMode, filter: filterOf(this.#config) });
    await this.#mysql.snapshotClose(snap.id);
    const schema = new SchemaHistory(this.#config.topicPrefix);
    this.#history.reset();
    for (const t of snap.tables) {
      const now = this.#ctx.clock.now();
      const applied = schema.apply(t.ddl, t.db, snapshotPosition(at, Math.floor(now / 1000)), now);
      const rec = applied ? this.#history.append(applied.record) : null;
      if (rec) this.#out.push(rec);
    }
    return schema;
  }

  async #openSnapshot(data: boolean, stream: boolean): Promise<void> {
    const c = this.#config;
    // Every table of the captured databases is described (as Debezium records them); only captured ones are read.
    const snap = await this.#mysql.snapshotOpen({ ...connectOptions(c), lockMode: c.snapshotLockingMode, filter: databaseFilterOf(c) });
    const now = this.#ctx.clock.now();
    const position: CdcOffset = { file: snap.position.file, pos: snap.position.pos, gtids: snap.position.gtids, event: 0, row: 0, serverId: c.serverId, tsSec: Math.floor(now / 1000), snapshot: true, snapshotCompleted: false };
    const schema = new SchemaHistory(c.topicPrefix);
    this.#history.reset();
    for (const r of await snapshotSchema({ mysql: this.#mysql, options: connectOptions(c), config: c, snapshot: snap, schema, position, nowMs: now })) {
      const rec = this.#history.append(r.history);
      if (rec) this.#out.push(rec);
      if (r.event !== null) this.#out.push(toSourceRecord(r.event, now, this.#context));
    }
    const captured = tableFilter(c);
    const dataSnap = { ...snap, tables: snapshotOrder(snap.tables.filter((t) => captured.includeTable(t.db, t.table)), c.tableInclude) };
    this.#processor = new ChangeEventProcessor(c, schema, position);
    this.#snapshotPosition = position;
    this.#streamAfterSnapshot = stream;
    this.#snapshot = new SnapshotReader(this.#mysql, dataSnap, c.snapshotFetchSize);
    this.#metrics.snapshotStarted(data ? dataSnap.tables : []);
    this.#phase = 'snapshot';
    if (!data) await this.#finishSnapshot();
    this.#ctx.log.info('snapshot started', { file: position.file, pos: position.pos, gtids: position.gtids, tables: snap.tables.length, data });
  }

  async #finishSnapshot(): Promise<void> {
    await this.#snapshot?.close();
    this.#ctx.log.info('snapshot completed', { rows: this.#snapshot?.rowsEmitted ?? 0 });
    this.#snapshot = null;
    this.#metrics.snapshotCompleted();
    const at = this.#snapshotPosition!;
    const done: CdcOffset = { ...at, snapshot: false, snapshotCompleted: true };
    this.#processor = new ChangeEventProcessor(this.#config, this.#processorHistory(), done);
    if (this.#streamAfterSnapshot) await this.#openStream(done);
    else this.#phase = 'idle';
  }

  #processorHistory(): SchemaHistory {
    return SchemaHistory.restore(this.#config.topicPrefix, this.#history.records, null);
  }

  async #openStream(from: CdcOffset): Promise<void> {
    const c = this.#config;
    this.#stream = await this.#mysql.binlogOpen({
      ...connectOptions(c), serverId: c.serverId, start: streamStart(from), filter: filterOf(c), includeQuery: c.includeQuery, maxQueued: c.maxQueueSize,
    });
    this.#phase = 'stream';
    this.#metrics.streaming(true);
    this.#ctx.log.info('streaming binlog', { file: from.file, pos: from.pos, gtids: from.gtids, event: from.event, row: from.row });
  }

  async poll(): Promise<SourceRecord[]> {
    const max = this.#config.maxBatchSize;
    if (this.#out.length < max) {
      if (this.#phase === 'snapshot') await this.#pollSnapshot(max - this.#out.length);
      else if (this.#phase === 'stream') await this.#pollStream(max - this.#out.length);
      else if (this.#phase === 'reconnect') await this.#reconnect();
      else if (this.#out.length === 0) await this.#ctx.clock.sleep(this.#config.pollIntervalMs);
    }
    this.#heartbeat();
    return this.#out.splice(0, max);
  }

  async #pollSnapshot(max: number): Promise<void> {
    const reader = this.#snapshot!;
    const items = await reader.next(max);
    const now = this.#ctx.clock.now();
    for (const it of items) {
      const recs = this.#processor.snapshotRecords(it.db, it.table, [it.row], () => it.marker, this.#snapshotPosition!, now);
      for (const r of recs) this.#out.push(toSourceRecord(r, now, this.#context));
    }
    this.#metrics.snapshotRows(items, reader.tablesRead);
    if (reader.finished) await this.#finishSnapshot();
  }

  async #pollStream(max: number): Promise<void> {
    let events;
    try {
      events = await this.#mysql.binlogRead(this.#stream!, Math.min(max, 10_000), this.#out.length > 0 ? 0 : this.#config.pollIntervalMs);
    } catch (err) {
      this.#streamLost(err);
      return;
    }
    if (events.length > 0) this.#retries = 0;
    const now = this.#ctx.clock.now();
    let changes = 0;
    let commits = 0;
    let newest = 0;
    for (const e of events) {
      if (e.kind === 'commit') commits++;
      if (e.kind !== 'rotate' && e.kind !== 'heartbeat' && e.timestamp > newest) newest = e.timestamp;
      const r = this.#processor.handle(e, now);
      changes += r.records.length;
      for (const h of r.history) {
        const rec = this.#history.append(h);
        if (rec) this.#out.push(rec);
      }
      for (const x of r.records) this.#out.push(toSourceRecord(x, now, this.#context));
    }
    this.#metrics.streamed(changes, commits, newest, now);
  }

  /**
   * As Debezium: a lost connection (the server restarted, the network dropped) is retried after
   * retriable.restart.connector.wait.ms, up to errors.max.retries times (-1: no limit), from the position of the last
   * event handled — records already returned keep their offsets, nothing is skipped or repeated.
   */
  #streamLost(err: unknown): void {
    const c = this.#config;
    if (!isRetriable(err) || (c.errorsMaxRetries >= 0 && this.#retries >= c.errorsMaxRetries)) throw err;
    this.#retries++;
    this.#reconnectAt = this.#ctx.clock.now() + c.retriableRestartWaitMs;
    this.#metrics.streaming(false);
    this.#ctx.log.warn('binlog connection lost; reconnecting', { error: (err as Error).message, attempt: this.#retries, waitMs: c.retriableRestartWaitMs, ...positionOf(this.#processor.offset) });
    const stale = this.#stream;
    this.#stream = null;
    this.#phase = 'reconnect';
    if (stale !== null) void this.#mysql.binlogClose(stale).catch(() => undefined);
  }

  async #reconnect(): Promise<void> {
    const wait = this.#reconnectAt - this.#ctx.clock.now();
    if (wait > 0) {
      if (this.#out.length === 0) await this.#ctx.clock.sleep(Math.min(wait, Math.max(this.#config.pollIntervalMs, 100)));
      return;
    }
    const at = this.#processor.offset;
    try {
      this.#processor = new ChangeEventProcessor(this.#config, this.#processorHistory(), at);
      await this.#openStream(at);
    } catch (err) {
      this.#streamLost(err);
    }
  }

  #heartbeat(): void {
    const c = this.#config;
    const now = this.#ctx.clock.now();
    if (c.heartbeatIntervalMs <= 0 || now - this.#lastHeartbeat < c.heartbeatIntervalMs || this.#phase !== 'stream') return;
    this.#lastHeartbeat = now;
    this.#out.push({
      topic: `${c.heartbeatTopicsPrefix}.${c.topicPrefix}`,
      keySchema: { type: 'struct', name: 'io.debezium.connector.common.ServerNameKey', optional: false, fields: [{ field: 'serverName', type: 'string', optional: false }] },
      key: { serverName: c.topicPrefix },
      valueSchema: { type: 'struct', name: 'io.debezium.connector.common.Heartbeat', optional: false, fields: [{ field: 'ts_ms', type: 'int64', optional: false }] },
      value: { ts_ms: now },
      timestamp: now,
      sourcePartition: sourcePartition(c.topicPrefix),
      sourceOffset: encodeOffset(this.#processor.offset),
    });
  }

  async stop(): Promise<void> {
    if (this.#stream !== null) await this.#mysql.binlogClose(this.#stream).catch(() => undefined);
    this.#stream = null;
    await this.#snapshot?.close().catch(() => undefined);
    this.#snapshot = null;
  }
}
