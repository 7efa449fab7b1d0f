/**
 * Metrics plugins report through ctx.metrics (sdk/metrics.ts), held per task on the worker that runs it. Every report
 * is checked here against the plugin's manifest, whatever the guest checked: only declared names, only declared
 * labels (the worker sets `connector` and `task` itself), bounded label values, a bounded number of series per task.
 * A task's series go when it stops. Served on GET /metrics (renderPluginMetrics) and as JSON for the REST API.
 */
import { METRIC_LIMITS } from '../../sdk/metrics.ts';
import type { PluginMetricDeclaration, PluginMetricType } from '../../sdk/metrics.ts';
import { ConveyorError, ErrorCode } from '../core/errors.ts';

interface Series {
  readonly decl: PluginMetricDeclaration;
  readonly labels: Readonly<Record<string, string>>;
  /** gauge/counter: [value]; histogram: per-bucket counts, +Inf's count, sum. */
  readonly figures: number[];
}

/** One series as the REST API shows it. */
export interface PluginSeriesView {
  name: string;
  type: PluginMetricType;
  labels: Record<string, string>;
  /** gauge/counter: the value; histogram: the sum of the observations. */
  value: number;
  /** histogram: the number of observations. */
  count?: number;
}

export interface PluginTaskView {
  task: number;
  metrics: PluginSeriesView[];
}

/** The series of one running task: what its broker feeds reports into. */
export class TaskPluginMetrics {
  readonly #decls: ReadonlyMap<string, PluginMetricDeclaration>;
  readonly #onDrop: (t: TaskPluginMetrics) => void;
  readonly series = new Map<string, Series>();
  readonly connector: string;
  readonly task: number;

  constructor(connector: string, task: number, declarations: readonly PluginMetricDeclaration[], onDrop: (t: TaskPluginMetrics) => void) {
    this.connector = connector;
    this.task = task;
    this.#decls = new Map(declarations.map((d) => [d.name, d]));
    this.#onDrop = onDrop;
  }

  /**
   * Applies one report (MetricDelta[] from the guest). Valid entries are applied; the first refused one is thrown
   * afterwards as a capability error naming the metric and the rule it broke.
   */
  apply(report: unknown): void {
    if (!Array.isArray(report)) throw new ConveyorError(ErrorCode.capabilityInvalid, 'metrics.report: the report must be an array of series changes');
    let refusal: ConveyorError | undefined;
    for (const entry of report as unknown[]) {
      try {
        this.#applyOne(entry);
      } catch (err) {
        refusal ??= err as ConveyorError;
      }
    }
    if (refusal !== undefined) throw refusal;
  }

  /** The task stopped: its series leave GET /metrics. */
  drop(): void {
    this.#onDrop(this);
  }

  #applyOne(entry: unknown): void {
    const e = Array.isArray(entry) ? (entry as unknown[]) : [];
    const [name, values, op, figures] = e;
    const d = typeof name === 'string' ? this.#decls.get(name) : undefined;
    if (d === undefined) throw denied(`the plugin's manifest declares no metric ${JSON.stringify(name)}`);
    if (!Array.isArray(values) || values.length !== d.labels.length || values.some((v) => typeof v !== 'string')) {
      throw denied(`${d.name}: label values must be ${d.labels.length} strings for the declared labels (${d.labels.join(', ') || 'none'}); connector and task are set by the worker`);
    }
    const long = (values as string[]).find((v) => v.length > METRIC_LIMITS.labelValueChars);
    if (long !== undefined) throw denied(`${d.name}: a label value is ${long.length} characters long, at most ${METRIC_LIMITS.labelValueChars} are allowed`);
    const expected = d.type === 'histogram' ? (d.buckets?.length ?? 0) + 2 : 1;
    if (!Array.isArray(figures) || figures.length !== expected || figures.some((f) => typeof f !== 'number' || !Number.isFinite(f))) {
      throw denied(`${d.name}: a ${d.type} change carries ${expected} finite numbers`);
    }
    const ops: Record<PluginMetricType, readonly unknown[]> = { gauge: ['s', 'i'], counter: ['i'], histogram: ['h'] };
    if (!ops[d.type].includes(op)) throw denied(`${d.name}: operation ${JSON.stringify(op)} does not apply to a ${d.type}`);
    const nums = figures as number[];
    if (d.type !== 'gauge' && nums.some((f, i) => f < 0 && !(d.type === 'histogram' && i === nums.length - 1))) throw denied(`${d.name}: a ${d.type} only goes up`);
    const key = d.name + '\u0000' + (values as string[]).join('\u0000');
    let s = this.series.get(key);
    if (s === undefined) {
      if (this.series.size >= METRIC_LIMITS.seriesPerTask) throw denied(`${d.name}: series limit exceeded: a task may report at most ${METRIC_LIMITS.seriesPerTask} series`);
      s = { decl: d, labels: Object.fromEntries(d.labels.map((l, i) => [l, (values as string[])[i] ?? ''])), figures: new Array<number>(expected).fill(0) };
      this.series.set(key, s);
    }
    for (let i = 0; i < expected; i++) s.figures[i] = op === 's' ? (nums[i] ?? 0) : (s.figures[i] ?? 0) + (nums[i] ?? 0);
  }
}

const denied = (why: string): ConveyorError => new ConveyorError(ErrorCode.capabilityDenied, `capability denied: metrics.report (${why})`);

/** The plugin metrics of every task this worker runs. */
export class PluginMetrics {
  readonly #tasks = new Map<string, TaskPluginMetrics>();

  /** A task's series, fresh (a restarted task starts from nothing, as its isolate does). */
  register(connector: string, task: number, declarations: readonly PluginMetricDeclaration[]): TaskPluginMetrics {
    const key = `${connector}\u0000${task}`;
    const t = new TaskPluginMetrics(connector, task, declarations, (gone) => {
      if (this.#tasks.get(key) === gone) this.#tasks.delete(key);
    });
    this.#tasks.set(key, t);
    return t;
  }

  tasks(): TaskPluginMetrics[] {
    return [...this.#tasks.values()];
  }

  /** A connector's series on this worker, by task. */
  view(connector: string): PluginTaskView[] {
    return this.tasks()
      .filter((t) => t.connector === connector)
      .sort((a, b) => a.task - b.task)
      .map((t) => ({
        task: t.task,
        metrics: [...t.series.values()].map((s) => {
          const histogram = s.decl.type === 'histogram';
          const n = s.figures.length;
          return {
            name: s.decl.name,
            type: s.decl.type,
            labels: { ...s.labels },
            value: histogram ? (s.figures[n - 1] ?? 0) : (s.figures[0] ?? 0),
            ...(histogram ? { count: s.figures.slice(0, n - 1).reduce((a, b) => a + b, 0) } : {}),
          };
        }),
      }));
  }
}

const escapeValue = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const escapeHelp = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const num = (n: number): string => (Number.isFinite(n) ? String(n) : n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN');
const labelText = (labels: Readonly<Record<string, string | number>>): string =>
  '{' + Object.entries(labels).map(([k, v]) => `${k}="${escapeValue(String(v))}"`).join(',') + '}';

/**
 * The series of the given connectors' tasks in Prometheus' text format. A name two plugins declare differently (type
 * or labels) is shown as the first declaration seen; series of the other are left out rather than mixed in.
 */
export function renderPluginMetrics(store: PluginMetrics, connectors: ReadonlySet<string>): string {
  const byName = new Map<string, { decl: PluginMetricDeclaration; lines: string[] }>();
  for (const t of store.tasks()) {
    if (!connectors.has(t.connector)) continue;
    for (const s of t.series.values()) {
      const d = s.decl;
      let group = byName.get(d.name);
      if (group === undefined) {
        group = { decl: d, lines: [] };
        byName.set(d.name, group);
      } else if (group.decl.type !== d.type || group.decl.labels.join() !== d.labels.join()) continue;
      const base = { connector: t.connector, task: t.task, ...s.labels };
      if (d.type !== 'histogram') {
        group.lines.push(`${d.name}${labelText(base)} ${num(s.figures[0] ?? 0)}`);
        continue;
      }
      const buckets = d.buckets ?? [];
      let cumulative = 0;
      buckets.forEach((b, i) => {
        cumulative += s.figures[i] ?? 0;
        group.lines.push(`${d.name}_bucket${labelText({ ...base, le: num(b) })} ${cumulative}`);
      });
      cumulative += s.figures[buckets.length] ?? 0;
      group.lines.push(`${d.name}_bucket${labelText({ ...base, le: '+Inf' })} ${cumulative}`);
      group.lines.push(`${d.name}_sum${labelText(base)} ${num(s.figures[buckets.length + 1] ?? 0)}`);
      group.lines.push(`${d.name}_count${labelText(base)} ${cumulative}`);
    }
  }
  let out = '';
  for (const [name, g] of byName) out += `# HELP ${name} ${escapeHelp(g.decl.help)}\n# TYPE ${name} ${g.decl.type}\n${g.lines.join('\n')}\n`;
  return out;
}

