/**
 * `describe connector`'s snapshot progress for a CDC connector, from what its tasks report through ctx.metrics
 * (GET /conveyor/connectors/{c}/plugin-metrics): per table, rows scanned (debezium_metrics_RowsScanned) against the
 * server's estimate taken when the snapshot began (mysql_cdc_snapshot_rows_estimated), and whether it is running or
 * completed. The estimate is InnoDB's, so a table may pass 100%.
 */
import { table } from './output.ts';

/** One task's series, as the worker answers (host/metrics/plugin-metrics.ts PluginTaskView). */
export interface TaskSeries {
  task: number;
  metrics: { name: string; labels: Record<string, string>; value: number }[];
}

const ROWS = 'debezium_metrics_RowsScanned';
const ESTIMATE = 'mysql_cdc_snapshot_rows_estimated';

/** The lines of the "Snapshot:" section, or [] when no task reports a snapshot. */
export function snapshotProgress(tasks: readonly TaskSeries[]): string[] {
  const out: string[] = [];
  for (const t of tasks) {
    const rows = t.metrics.filter((m) => m.name === ROWS && m.labels['context'] === 'snapshot');
    if (rows.length === 0) continue;
    const value = (name: string): number | undefined => t.metrics.find((m) => m.name === name && m.labels['context'] === 'snapshot')?.value;
    const running = value('debezium_metrics_SnapshotRunning') === 1;
    const completed = value('debezium_metrics_SnapshotCompleted') === 1;
    const total = value('debezium_metrics_TotalTableCount') ?? rows.length;
    const remaining = value('debezium_metrics_RemainingTableCount') ?? 0;
    const phase = completed ? 'completed' : running ? 'running' : 'not running';
    out.push(`  Task ${t.task}: ${phase}, ${total - remaining} of ${total} tables read`);
    const estimates = new Map(t.metrics.filter((m) => m.name === ESTIMATE).map((m) => [m.labels['table'] ?? '', m.value]));
    const lines = rows
      .map((m) => {
        const name = m.labels['table'] ?? '';
        const estimate = estimates.get(name);
        const pct = estimate === undefined || estimate <= 0 ? '' : `${Math.round((m.value / estimate) * 100)}%`;
        return [name, String(m.value), estimate === undefined ? '?' : `~${estimate}`, pct];
      })
      .sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''));
    out.push(...table(['table', 'rows scanned', 'total (est.)', 'progress'], lines).trimEnd().split('\n').map((l) => `    ${l}`));
  }
  return out.length === 0 ? [] : ['Snapshot:', ...out];
}
