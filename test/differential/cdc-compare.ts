/**
 * Compares one topic's records from both sides. Records are paired in order by a signature (a data event's key and
 * operation, a schema change's or history record's DDL, a transaction event's status and id): the longest common
 * subsequence of signatures, so one missing record is reported once instead of shifting every later pair. A paired
 * record's differences are its JSON paths (`#3.value.payload.after.x`, numbered by Kafka Connect's record); an
 * unpaired one is reported whole, unless a documented deliberate difference (allowed.ts) accounts for it.
 */
import { CDC_ALLOWED } from './allowed.ts';
import type { CdcAllowedDifference, CdcAllowedId } from './allowed.ts';
import { differences } from './compare.ts';
import type { Difference } from './compare.ts';
import type { NormalRecord } from './cdc-normalise.ts';
import { jsonText } from './report.ts';

type Obj = Record<string, unknown>;
const get = (v: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((cur, k) => (cur !== null && typeof cur === 'object' ? (cur as Obj)[k] : undefined), v);
const payloadOf = (v: unknown): unknown => (get(v, 'payload') !== undefined && get(v, 'schema') !== undefined ? get(v, 'payload') : v);

export function signature(r: NormalRecord): string {
  const p = payloadOf(r.value);
  const ddl = get(p, 'ddl');
  if (typeof ddl === 'string') return `ddl:${ddl}`;
  const status = get(p, 'status');
  if (typeof status === 'string') return `tx:${status}:${String(get(p, 'id'))}`;
  const op = r.value === null ? 'tombstone' : String(get(p, 'op'));
  return `${jsonText(payloadOf(r.key))}:${op}`;
}

/** Index pairs of the longest common subsequence of the two signature lists, with the unpaired in between. */
function align(a: readonly string[], b: readonly string[]): [number | undefined, number | undefined][] {
  const n = a.length;
  const m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: [number | undefined, number | undefined][] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) out.push([i++, j++]);
    else if (j >= m || (i < n && lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) out.push([i++, undefined]);
    else out.push([undefined, j++]);
  }
  return out;
}

export interface TopicComparison {
  /** Differences not accounted for. */
  differences: Difference[];
  /** Documented deliberate differences seen, with how many records or paths each accounted for. */
  allowed: Map<CdcAllowedId, number>;
}

export function compareTopic(topic: string, kc: readonly NormalRecord[], cv: readonly NormalRecord[]): TopicComparison {
  const out: TopicComparison = { differences: [], allowed: new Map() };
  const allow = (id: CdcAllowedId): void => void out.allowed.set(id, (out.allowed.get(id) ?? 0) + 1);
  const entries = Object.entries(CDC_ALLOWED) as [CdcAllowedId, CdcAllowedDifference][];
  for (const [i, j] of align(kc.map(signature), cv.map(signature))) {
    if (i !== undefined && j !== undefined) {
      for (const d of differences(kc[i], cv[j], `#${i}`)) {
        const hit = entries.find(([, a]) => a.path?.(topic, d, kc[i]!, cv[j]!) === true);
        if (hit === undefined) out.differences.push(d);
        else allow(hit[0]);
      }
      continue;
    }
    const side = i !== undefined ? 'kc' : 'conveyor';
    const record = (i !== undefined ? kc[i] : cv[j as number])!;
    const hit = entries.find(([, a]) => a.unpaired?.(topic, side, record) === true);
    if (hit !== undefined) allow(hit[0]);
    else out.differences.push(side === 'kc' ? { path: `#${String(i)} (only in kc)`, kc: record, conveyor: undefined } : { path: `(only in conveyor, its #${String(j)})`, kc: undefined, conveyor: record });
  }
  return out;
}
