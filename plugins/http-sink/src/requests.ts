/**
 * Turns a batch of sink records into HTTP requests: each record's URL (${topic} and ${key} substituted), runs of
 * consecutive records with the same URL cut at batch.max.size, and each run's body in the configured format.
 * Plain synchronous code over the batch.
 */
import type { SinkRecord } from '@conveyor/sdk';
import type { HttpSinkSettings } from './config.ts';

export interface PlannedRequest {
  readonly url: string;
  readonly method: string;
  /** Absent for a DELETE (behavior.on.null.values=delete). */
  readonly body?: string;
  readonly records: readonly SinkRecord[];
}

/** A record with a null value that sends nothing (behavior.on.null.values other than delete). */
export interface NullValue {
  readonly record: SinkRecord;
  readonly action: 'ignore' | 'log' | 'fail';
}

/** One step of a batch, in record order: a request, or a null value to ignore, log or fail on. */
export type Step = { readonly kind: 'request'; readonly request: PlannedRequest } | { readonly kind: 'null'; readonly value: NullValue };

function keyText(key: unknown): string {
  if (key === null || key === undefined) return '';
  return typeof key === 'string' ? key : JSON.stringify(key);
}

export function urlFor(template: string, record: SinkRecord): string {
  if (!template.includes('${')) return template;
  return template.replaceAll('${topic}', encodeURIComponent(record.topic)).replaceAll('${key}', encodeURIComponent(keyText(record.key)));
}

function valueText(value: unknown, format: HttpSinkSettings['format']): string {
  if (typeof value === 'string') return value;
  if (format === 'string' && (typeof value === 'number' || typeof value === 'boolean')) return String(value);
  return JSON.stringify(value);
}

export function bodyOf(records: readonly SinkRecord[], s: HttpSinkSettings): string {
  const items = records.map((r) => valueText(r.value, s.format));
  if (s.format === 'json' && s.jsonArray) return `[${items.join(',')}]`;
  return s.prefix + items.join(s.separator) + s.suffix;
}

/**
 * The steps of a batch in record order: a run of records is cut where the URL changes, at batch.max.size, and at a
 * null value. The same records always give the same steps, so a batch delivered again is cut the same way.
 */
export function planSteps(records: readonly SinkRecord[], s: HttpSinkSettings): Step[] {
  const steps: Step[] = [];
  let run: SinkRecord[] = [];
  let runUrl = '';
  const cut = (): void => {
    if (run.length > 0) steps.push({ kind: 'request', request: { url: runUrl, method: s.method, body: bodyOf(run, s), records: run } });
    run = [];
  };
  for (const r of records) {
    if (r.value === null || r.value === undefined) {
      cut();
      if (s.onNull === 'delete') steps.push({ kind: 'request', request: { url: urlFor(s.url, r), method: 'DELETE', records: [r] } });
      else steps.push({ kind: 'null', value: { record: r, action: s.onNull } });
      continue;
    }
    const url = urlFor(s.url, r);
    if (run.length > 0 && (url !== runUrl || run.length >= s.batchMaxSize)) cut();
    runUrl = url;
    run.push(r);
  }
  cut();
  return steps;
}

export function isRetriableStatus(status: number, s: HttpSinkSettings): boolean {
  return s.retryStatuses.some((r) => status >= r.from && status <= r.to);
}
