/**
 * Deep comparison of two normalised responses into a list of JSON paths that differ. Object key order is ignored (JSON
 * objects are unordered). Arrays whose elements all carry an identity (a plugin's class and type, a config key's
 * name, a Connect schema field's name, a task's id) are matched by it, so one missing element is one difference rather than a shifted tail, and a
 * different order of the same elements is reported once as `(order)`.
 */
import type { RestResponse } from './http.ts';
import { mediaType } from './normalise.ts';

export interface Difference {
  path: string;
  /** undefined: absent on that side. */
  kc: unknown;
  conveyor: unknown;
}

type Identity = (v: unknown) => string | undefined;

const field = (v: unknown, ...keys: string[]): unknown => {
  let cur = v;
  for (const k of keys) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
};

const IDENTITIES: readonly [string, Identity][] = [
  ['class', (v) => (typeof field(v, 'class') === 'string' ? `${String(field(v, 'class'))}/${String(field(v, 'type'))}` : undefined)],
  ['name', (v) => (typeof field(v, 'name') === 'string' ? String(field(v, 'name')) : undefined)],
  ['definition.name', (v) => (typeof field(v, 'definition', 'name') === 'string' ? String(field(v, 'definition', 'name')) : undefined)],
  ['field', (v) => (typeof field(v, 'field') === 'string' ? String(field(v, 'field')) : undefined)],
  ['id', (v) => (typeof field(v, 'id') === 'number' ? String(field(v, 'id')) : undefined)],
  ['id.task', (v) => (typeof field(v, 'id', 'task') === 'number' ? String(field(v, 'id', 'task')) : undefined)],
];

function identityOf(a: readonly unknown[], b: readonly unknown[]): [string, Identity] | undefined {
  if (a.length === 0 || b.length === 0) return undefined;
  return IDENTITIES.find(([, id]) => [a, b].every((list) => {
    const keys = list.map(id);
    return keys.every((k) => k !== undefined) && new Set(keys).size === keys.length;
  }));
}

const key = (k: string): string => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);

function walk(kc: unknown, cv: unknown, path: string, out: Difference[]): void {
  if (Array.isArray(kc) && Array.isArray(cv)) {
    const identity = identityOf(kc, cv);
    if (identity === undefined) {
      for (let i = 0; i < Math.max(kc.length, cv.length); i++) walk(kc[i], cv[i], `${path}[${i}]`, out);
      return;
    }
    const [label, id] = identity;
    const kcKeys = kc.map((v) => id(v) as string);
    const cvKeys = cv.map((v) => id(v) as string);
    const cvByKey = new Map(cv.map((v) => [id(v) as string, v]));
    for (const [i, k] of kcKeys.entries()) walk(kc[i], cvByKey.get(k), `${path}[${label}=${k}]`, out);
    for (const [i, k] of cvKeys.entries()) if (!kcKeys.includes(k)) walk(undefined, cv[i], `${path}[${label}=${k}]`, out);
    const common = (keys: string[], other: string[]): string[] => keys.filter((k) => other.includes(k));
    const kcOrder = common(kcKeys, cvKeys);
    const cvOrder = common(cvKeys, kcKeys);
    if (kcOrder.join('\0') !== cvOrder.join('\0')) out.push({ path: `${path} (order)`, kc: kcOrder, conveyor: cvOrder });
    return;
  }
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObj(kc) && isObj(cv)) {
    for (const k of new Set([...Object.keys(kc), ...Object.keys(cv)])) walk(kc[k], cv[k], path + key(k), out);
    return;
  }
  if (kc === cv) return;
  out.push({ path, kc, conveyor: cv });
}

/** The JSON paths at which two values differ, under `path`. */
export function differences(kc: unknown, cv: unknown, path = '$'): Difference[] {
  const out: Difference[] = [];
  walk(kc, cv, path, out);
  return out;
}

export function compare(kc: RestResponse, cv: RestResponse): Difference[] {
  const out: Difference[] = [];
  if (kc.status !== cv.status) out.push({ path: 'status', kc: kc.status, conveyor: cv.status });
  if (mediaType(kc.contentType) !== mediaType(cv.contentType)) out.push({ path: 'header content-type', kc: kc.contentType, conveyor: cv.contentType });
  if (kc.location !== cv.location) out.push({ path: 'header location', kc: kc.location, conveyor: cv.location });
  walk(kc.body, cv.body, '$', out);
  return out;
}
