/**
 * The task's Debezium metrics, named as Debezium's MySQL connector's MBeans come out of the Prometheus JMX exporter
 * with the rules Debezium's own examples use (debezium-examples monitoring/debezium-jmx-exporter/config.yml):
 * `debezium.mysql:type=connector-metrics,context=<snapshot|streaming>,server=<topic.prefix>` attribute A becomes
 * `debezium_metrics_A{plugin="mysql",name=<topic.prefix>,context=...}`, and RowsScanned's per-table map entries gain
 * `table="db.table"`. The row estimate per table (Debezium logs it, has no MBean for it) is our own name. Updated once
 * per poll, from counts kept in plain fields.
 */
import type { MetricsCapability, MysqlSnapshotTable } from '@conveyor/sdk';

export class CdcMetrics {
  readonly #m: MetricsCapability;
  readonly #snapshot: { plugin: string; name: string; context: string };
  readonly #streaming: { plugin: string; name: string; context: string };
  readonly #scanned = new Map<string, number>();
  #tables = 0;
  #snapshotEvents = 0;
  #streamEvents = 0;
  #transactions = 0;

  constructor(metrics: MetricsCapability, serverName: string) {
    this.#m = metrics;
    this.#snapshot = { plugin: 'mysql', name: serverName, context: 'snapshot' };
    this.#streaming = { plugin: 'mysql', name: serverName, context: 'streaming' };
  }

  snapshotStarted(tables: readonly MysqlSnapshotTable[]): void {
    this.#tables = tables.length;
    this.#m.set('debezium_metrics_SnapshotRunning', 1, this.#snapshot);
    this.#m.set('debezium_metrics_SnapshotCompleted', 0, this.#snapshot);
    this.#m.set('debezium_metrics_TotalTableCount', tables.length, this.#snapshot);
    this.#m.set('debezium_metrics_RemainingTableCount', tables.length, this.#snapshot);
    for (const t of tables) {
      const table = `${t.db}.${t.table}`;
      this.#scanned.set(table, 0);
      this.#m.set('debezium_metrics_RowsScanned', 0, { ...this.#snapshot, table });
      this.#m.set('mysql_cdc_snapshot_rows_estimated', Math.max(0, t.estimatedRows), { name: this.#snapshot.name, table });
    }
  }

  /** One poll's snapshot rows, by table in the order read; `tablesDone` tables have been read to their end. */
  snapshotRows(rows: readonly { db: string; table: string }[], tablesDone: number): void {
    const touched = new Set<string>();
    for (const r of rows) {
      const table = `${r.db}.${r.table}`;
      this.#scanned.set(table, (this.#scanned.get(table) ?? 0) + 1);
      touched.add(table);
    }
    this.#snapshotEvents += rows.length;
    for (const table of touched) this.#m.set('debezium_metrics_RowsScanned', this.#scanned.get(table) ?? 0, { ...this.#snapshot, table });
    this.#m.set('debezium_metrics_RemainingTableCount', Math.max(0, this.#tables - tablesDone), this.#snapshot);
    this.#m.set('debezium_metrics_TotalNumberOfEventsSeen', this.#snapshotEvents, this.#snapshot);
  }

  snapshotCompleted(): void {
    this.#m.set('debezium_metrics_SnapshotRunning', 0, this.#snapshot);
    this.#m.set('debezium_metrics_SnapshotCompleted', 1, this.#snapshot);
    this.#m.set('debezium_metrics_RemainingTableCount', 0, this.#snapshot);
  }

  streaming(connected: boolean): void {
    this.#m.set('debezium_metrics_Connected', connected ? 1 : 0, this.#streaming);
  }

  /** One poll's binlog events: change records made, transactions committed, the newest event's timestamp (0 if none). */
  streamed(records: number, commits: number, newestEventMs: number, nowMs: number): void {
    this.#streamEvents += records;
    this.#transactions += commits;
    this.#m.set('debezium_metrics_TotalNumberOfEventsSeen', this.#streamEvents, this.#streaming);
    this.#m.set('debezium_metrics_NumberOfCommittedTransactions', this.#transactions, this.#streaming);
    if (newestEventMs > 0) this.#m.set('debezium_metrics_MilliSecondsBehindSource', Math.max(0, nowMs - newestEventMs), this.#streaming);
  }
}
