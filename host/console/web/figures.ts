/**
 * Live figures from this worker's GET /metrics (Prometheus text): throughput per connector and, per task, the
 * sandbox's isolate memory, CPU and capability calls. Rates are differences of counters between two scrapes, as
 * Prometheus' rate() computes them. /metrics counts only what runs on the worker the console talks to.
 */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parsePrometheus(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (m === null) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1] ?? ''] = (l[2] ?? '').replace(/\\(.)/g, (_s, c: string) => (c === 'n' ? '\n' : c));
    out.push({ name: m[1] ?? '', labels, value: Number(m[3]) });
  }
  return out;
}

/** What one task shows: records moved (its counter), isolate heap, CPU used, capability calls by capability.method. */
export interface TaskFigures {
  records: number;
  heapBytes: number | null;
  cpuMs: number | null;
  calls: Record<string, number>;
  denials: number;
}

export interface Scrape {
  readonly at: number;
  readonly tasks: ReadonlyMap<string, TaskFigures>;
}

const RECORDS = new Set(['kafka_connect_source_task_metrics_source_record_write_total', 'kafka_connect_sink_task_metrics_sink_record_read_total']);

export const taskKey = (connector: string, task: number | string): string => `${connector}/${task}`;

export function scrape(text: string, at: number): Scrape {
  const tasks = new Map<string, TaskFigures>();
  const of = (s: Sample): TaskFigures | null => {
    const c = s.labels['connector'];
    const t = s.labels['task'];
    if (c === undefined || t === undefined) return null;
    const key = taskKey(c, t);
    let f = tasks.get(key);
    if (f === undefined) {
      f = { records: 0, heapBytes: null, cpuMs: null, calls: {}, denials: 0 };
      tasks.set(key, f);
    }
    return f;
  };
  for (const s of parsePrometheus(text)) {
    if (!RECORDS.has(s.name) && !s.name.startsWith('conveyor_sandbox_')) continue;
    const f = of(s);
    if (f === null) continue;
    if (RECORDS.has(s.name)) f.records += s.value;
    else if (s.name === 'conveyor_sandbox_isolate_heap_bytes') f.heapBytes = s.value;
    else if (s.name === 'conveyor_sandbox_isolate_cpu_ms_total') f.cpuMs = s.value;
    else if (s.name === 'conveyor_sandbox_capability_calls_total') {
      const call = `${s.labels['capability'] ?? '?'}.${s.labels['method'] ?? '?'}`;
      f.calls[call] = (f.calls[call] ?? 0) + s.value;
    } else if (s.name === 'conveyor_sandbox_capability_denials_total') f.denials += s.value;
  }
  return { at, tasks };
}

export interface TaskRates {
  /** Records per second between the two scrapes. */
  recordsPerSecond: number | null;
  /** Share of one CPU the isolate used between the two scrapes (0..1). */
  cpuShare: number | null;
}

export function rates(prev: Scrape | null, next: Scrape, key: string): TaskRates {
  const b = next.tasks.get(key);
  const a = prev?.tasks.get(key);
  if (prev === null || a === undefined || b === undefined || next.at <= prev.at) return { recordsPerSecond: null, cpuShare: null };
  const seconds = (next.at - prev.at) / 1000;
  return {
    recordsPerSecond: Math.max(0, b.records - a.records) / seconds,
    cpuShare: a.cpuMs === null || b.cpuMs === null ? null : Math.max(0, b.cpuMs - a.cpuMs) / (seconds * 1000),
  };
}

export function formatBytes(n: number | null): string {
  if (n === null) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

export function formatRate(n: number | null): string {
  if (n === null) return '—';
  return n >= 100 ? `${Math.round(n)}/s` : `${n.toFixed(1)}/s`;
}
