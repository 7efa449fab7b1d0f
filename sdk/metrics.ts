/**
 * Plugin-reported metrics: what a manifest may declare, the limits the worker enforces, and the buffer a task's
 * `ctx.metrics` writes into. Pure: runs inside the sandbox (through the bootstrap) and in the host, which checks
 * every report against the same declarations — the guest's checks give plugin authors clear errors early, the
 * host's are the ones that hold.
 */

/** gauge: last value wins; counter: only goes up; histogram: observations counted into the declared buckets. */
export type PluginMetricType = 'gauge' | 'counter' | 'histogram';

/** One entry of conveyor-plugin.json's `metrics`: a Prometheus metric the plugin may report. */
export interface PluginMetricDeclaration {
  /** The Prometheus name, e.g. debezium_metrics_RowsScanned. */
  name: string;
  type: PluginMetricType;
  help: string;
  /** Label names the plugin sets on each report (the worker adds `connector` and `task` itself). */
  labels: string[];
  /** Histogram upper bounds, ascending (histograms only). */
  buckets?: number[];
}

export const METRIC_LIMITS = Object.freeze({
  /** Metrics one manifest may declare. */
  declarations: 64,
  /** Label names per metric. */
  labels: 8,
  /** Buckets per histogram. */
  buckets: 32,
  /** Characters of a label value. */
  labelValueChars: 128,
  /** Characters of a help text. */
  helpChars: 512,
  /** Series (metric and label values) one task may hold. */
  seriesPerTask: 1000,
});

/** Names the worker's own metrics use: a plugin may not report under them. */
export const RESERVED_METRIC_PREFIXES: readonly string[] = ['kafka_connect_', 'kafka_consumer_', 'kafka_producer_', 'conveyor_', 'process_', 'nodejs_'];
/** Labels the worker sets: a plugin may neither declare nor set them. */
export const RESERVED_METRIC_LABELS: readonly string[] = ['connector', 'task', 'le', 'quantile'];

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Checks a manifest's `metrics` field; returns the declarations or a reason naming the offending entry. */
export function checkMetricDeclarations(value: unknown): PluginMetricDeclaration[] | string {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return 'metrics must be an array of metric declarations';
  if (value.length > METRIC_LIMITS.declarations) return `metrics declares ${value.length} metrics, at most ${METRIC_LIMITS.declarations} are allowed`;
  const out: PluginMetricDeclaration[] = [];
  const seen = new Set<string>();
  for (const raw of value as unknown[]) {
    const d = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const name = d['name'];
    if (typeof name !== 'string' || !NAME.test(name) || name.startsWith('__')) return `metric name ${JSON.stringify(name)} is not a valid Prometheus metric name`;
    if (RESERVED_METRIC_PREFIXES.some((p) => name.startsWith(p))) return `metric ${name}: names starting with ${RESERVED_METRIC_PREFIXES.join(', ')} belong to the worker`;
    if (seen.has(name)) return `metric ${name} is declared twice`;
    seen.add(name);
    const type = d['type'];
    if (type !== 'gauge' && type !== 'counter' && type !== 'histogram') return `metric ${name}: type must be gauge, counter or histogram`;
    const help = d['help'];
    if (typeof help !== 'string' || help.length > METRIC_LIMITS.helpChars) return `metric ${name}: help must be a string of at most ${METRIC_LIMITS.helpChars} characters`;
    const labels = d['labels'] ?? [];
    if (!Array.isArray(labels) || labels.length > METRIC_LIMITS.labels) return `metric ${name}: labels must be an array of at most ${METRIC_LIMITS.labels} names`;
    for (const l of labels as unknown[]) {
      if (typeof l !== 'string' || !LABEL.test(l) || l.startsWith('__')) return `metric ${name}: label ${JSON.stringify(l)} is not a valid label name`;
      if (RESERVED_METRIC_LABELS.includes(l)) return `metric ${name}: label ${l} is set by the worker, a plugin may not declare it`;
    }
    if (new Set(labels).size !== labels.length) return `metric ${name}: a label is declared twice`;
    const decl: PluginMetricDeclaration = { name, type, help, labels: [...(labels as string[])] };
    if (type === 'histogram') {
      const b = d['buckets'];
      if (!Array.isArray(b) || b.length === 0 || b.length > METRIC_LIMITS.buckets || b.some((x, i) => typeof x !== 'number' || !Number.isFinite(x) || (i > 0 && x <= (b[i - 1] as number)))) {
        return `metric ${name}: a histogram needs 1 to ${METRIC_LIMITS.buckets} finite, ascending buckets`;
      }
      decl.buckets = [...(b as number[])];
    } else if (d['buckets'] !== undefined) return `metric ${name}: only a histogram has buckets`;
    out.push(decl);
  }
  return out;
}

/** Label values by label name; values are strings (numbers are turned into text). */
export type MetricLabels = Readonly<Record<string, string | number>>;

/**
 * One series' change since the last flush, as it crosses to the worker: [name, label values (declared order), op, figures].
 * 's': a gauge's value; 'i': a counter's (or gauge's) increase; 'h': a histogram's per-bucket counts, then +Inf's,
 * then the sum of the observations.
 */
export type MetricDelta = [string, string[], 's' | 'i' | 'h', number[]];

/** Thrown at the plugin when a report breaks its manifest or the worker's limits. */
export type MetricErrorFactory = (message: string) => Error;

interface Pending {
  name: string;
  values: string[];
  op: 's' | 'i' | 'h';
  figures: number[];
}

/**
 * What `ctx.metrics` writes into: plain-JS accumulation per series, drained into one report (MetricDelta[]) when the
 * task's runtime flushes. No crossing per call.
 */
export class MetricBuffer {
  readonly #decls = new Map<string, PluginMetricDeclaration>();
  readonly #pending = new Map<string, Pending>();
  readonly #series = new Set<string>();
  readonly #error: MetricErrorFactory;

  constructor(declarations: readonly PluginMetricDeclaration[], error: MetricErrorFactory) {
    for (const d of declarations) this.#decls.set(d.name, d);
    this.#error = error;
  }

  get dirty(): boolean {
    return this.#pending.size > 0;
  }

  set(name: string, value: number, labels?: MetricLabels): void {
    const d = this.#decl(name, 'set', value);
    if (d.type !== 'gauge') throw this.#error(`metrics.set(${name}): ${name} is a ${d.type}; set is for gauges`);
    const p = this.#entry(d, labels, 's');
    p.op = 's';
    p.figures[0] = value;
  }

  inc(name: string, value = 1, labels?: MetricLabels): void {
    const d = this.#decl(name, 'inc', value);
    if (d.type === 'histogram') throw this.#error(`metrics.inc(${name}): ${name} is a histogram; use observe`);
    if (d.type === 'counter' && value < 0) throw this.#error(`metrics.inc(${name}): a counter only goes up (got ${value})`);
    const p = this.#entry(d, labels, 'i');
    p.figures[0] = (p.figures[0] ?? 0) + value;
  }

  observe(name: string, value: number, labels?: MetricLabels): void {
    const d = this.#decl(name, 'observe', value);
    const buckets = d.buckets;
    if (d.type !== 'histogram' || buckets === undefined) throw this.#error(`metrics.observe(${name}): ${name} is a ${d.type}; observe is for histograms`);
    const p = this.#entry(d, labels, 'h');
    if (p.figures.length === 0) for (let i = 0; i < buckets.length + 2; i++) p.figures.push(0);
    let i = 0;
    while (i < buckets.length && value > (buckets[i] as number)) i++;
    p.figures[i] = (p.figures[i] as number) + 1;
    p.figures[buckets.length + 1] = (p.figures[buckets.length + 1] as number) + value;
  }

  /** The changes since the last drain; the buffer starts empty again. */
  drain(): MetricDelta[] {
    const out: MetricDelta[] = [];
    for (const p of this.#pending.values()) out.push([p.name, p.values, p.op, p.figures]);
    this.#pending.clear();
    return out;
  }

  #decl(name: string, method: string, value: number): PluginMetricDeclaration {
    const d = this.#decls.get(name);
    if (d === undefined) throw this.#error(`metrics.${method}(${String(name)}): the plugin's manifest declares no metric ${String(name)}`);
    if (typeof value !== 'number' || !Number.isFinite(value)) throw this.#error(`metrics.${method}(${name}): the value must be a finite number`);
    return d;
  }

  #entry(d: PluginMetricDeclaration, labels: MetricLabels | undefined, op: 's' | 'i' | 'h'): Pending {
    const given = labels ?? {};
    for (const k in given) {
      if (!d.labels.includes(k)) throw this.#error(`metrics(${d.name}): label ${k} is not declared for ${d.name} (declared: ${d.labels.join(', ') || 'none'}; connector and task are set by the worker)`);
    }
    const values: string[] = [];
    for (const l of d.labels) {
      const v = given[l];
      const text = v === undefined ? '' : String(v);
      if (text.length > METRIC_LIMITS.labelValueChars) throw this.#error(`metrics(${d.name}): label ${l} is ${text.length} characters long, at most ${METRIC_LIMITS.labelValueChars} are allowed`);
      values.push(text);
    }
    const key = d.name + '\u0000' + values.join('\u0000');
    let p = this.#pending.get(key);
    if (p === undefined) {
      if (!this.#series.has(key)) {
        if (this.#series.size >= METRIC_LIMITS.seriesPerTask) throw this.#error(`metrics(${d.name}): series limit exceeded: a task may report at most ${METRIC_LIMITS.seriesPerTask} series`);
        this.#series.add(key);
      }
      p = { name: d.name, values, op, figures: [] };
      this.#pending.set(key, p);
    }
    return p;
  }
}
