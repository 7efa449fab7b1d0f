/** One line per step (ok, allowed: reason, DIFF with the paths that differ), then a summary line. */
import { ALLOWED, CDC_ALLOWED } from './allowed.ts';
import type { Difference } from './compare.ts';
import type { RestRequest } from './http.ts';

export type Verdict = 'ok' | 'allowed' | 'DIFF';

export interface StepResult {
  id: string;
  req: RestRequest;
  /** What the line names instead of the request (the CDC half: a topic). */
  label?: string;
  verdict: Verdict;
  differences: Difference[];
  reason?: string;
  /** Waits that timed out (the step ran anyway). */
  notes: string[];
}

const MAX_VALUE = 240;

/** JSON text that also writes BigInt values (the CDC half's exact int64s) as numbers. */
const json = JSON as unknown as { rawJSON: (this: void, text: string) => unknown };
export const jsonText = (v: unknown, indent?: number): string =>
  JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? json.rawJSON(x.toString()) : x), indent);

function show(v: unknown): string {
  if (v === undefined) return '<absent>';
  const s = jsonText(v);
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE)}…` : s;
}

export function stepLine(r: StepResult): string {
  const head = r.label ?? `${r.id} ${r.req.method} ${r.req.path}`;
  const notes = r.notes.map((n) => `\n    note: ${n}`).join('');
  if (r.verdict === 'ok') return `ok      ${head}${notes}`;
  if (r.verdict === 'allowed') return `allowed ${head}: ${r.reason ?? ''}${notes}`;
  const lines = r.differences.map((d) => `    ${d.path}  kc=${show(d.kc)}  conveyor=${show(d.conveyor)}`);
  return [`DIFF    ${head}${r.reason === undefined ? '' : ` (${r.reason})`}`, ...lines].join('\n') + notes;
}

export function summaryLine(results: readonly StepResult[], seconds: number): string {
  const count = (v: Verdict): number => results.filter((r) => r.verdict === v).length;
  const diffs = results.filter((r) => r.verdict === 'DIFF');
  const paths = diffs.reduce((n, r) => n + r.differences.length, 0);
  return `summary: ${results.length} results, ${count('ok')} ok, ${count('allowed')} allowed, ${diffs.length} DIFF (${paths} differing paths)` +
    `${diffs.length === 0 ? '' : `: ${diffs.map((r) => r.id).join(', ')}`}; ${seconds.toFixed(0)} s`;
}

export function allowedLegend(): string {
  return ['documented deliberate differences (README, "Deliberate differences from Kafka Connect"):',
    ...Object.entries(ALLOWED).map(([id, a]) => `  ${id}: ${a.request} — ${a.reason}`)].join('\n');
}

export function cdcAllowedLegend(): string {
  return ['documented deliberate differences from Debezium (plugins/mysql-cdc/README.md, "Deliberate differences from Debezium"):',
    ...Object.entries(CDC_ALLOWED).map(([id, a]) => `  ${id}: ${a.behaviour} — ${a.reason}`)].join('\n');
}
