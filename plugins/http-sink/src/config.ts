/**
 * The HTTP sink's configuration: the keys of Confluent's io.confluent.connect.http.HttpSinkConnector that this
 * connector implements, parsed once into a plain settings object.
 */
import { base64Encode } from '@conveyor/sdk';
import type { ConfigValues, Password } from '@conveyor/sdk';

export const CONNECTOR_CLASS = 'io.confluent.connect.http.HttpSinkConnector';
export const CONNECTOR_ALIASES = ['HttpSinkConnector', 'HttpSink'] as const;

export const HTTP_SINK_CONFIG = [
  { name: 'topics', type: 'list', importance: 'high', documentation: 'Topics to consume.', validators: [{ kind: 'nonEmpty' }] },
  { name: 'http.api.url', type: 'string', importance: 'high', documentation: 'The HTTP API URL; ${topic} and ${key} are replaced by the record\'s topic and key (URL-encoded).', validators: [{ kind: 'pattern', regex: '^https?://\\S+$' }] },
  { name: 'request.method', type: 'string', default: 'POST', importance: 'high', documentation: 'The HTTP request method.', validators: [{ kind: 'oneOf', values: ['POST', 'PUT', 'PATCH', 'post', 'put', 'patch'] }] },
  { name: 'headers', type: 'string', default: '', importance: 'low', documentation: 'Request headers, Name:value pairs separated by header.separator.' },
  { name: 'header.separator', type: 'string', default: '|', importance: 'low', documentation: 'Separator of the pairs in headers.' },
  { name: 'request.body.format', type: 'string', default: 'string', importance: 'medium', documentation: 'string: each record value as text (structured values as JSON); json: each value as JSON.', validators: [{ kind: 'oneOf', values: ['string', 'json'] }] },
  { name: 'batch.max.size', type: 'int', default: 1, importance: 'high', documentation: 'Records accumulated into one request (consecutive records with the same URL).', validators: [{ kind: 'range', min: 1, max: 1_000_000 }] },
  { name: 'batch.prefix', type: 'string', default: '', importance: 'high', documentation: 'Text at the start of each request body.' },
  { name: 'batch.suffix', type: 'string', default: '', importance: 'high', documentation: 'Text at the end of each request body.' },
  { name: 'batch.separator', type: 'string', default: ',', importance: 'high', documentation: 'Text between the records of a request body.' },
  { name: 'batch.json.as.array', type: 'boolean', default: false, importance: 'high', documentation: 'With request.body.format=json, send each batch as one JSON array (batch.prefix, suffix and separator are not used).' },
  { name: 'behavior.on.null.values', type: 'string', default: 'ignore', importance: 'low', documentation: 'A record with a null value: ignore it, log it, fail, or delete (a DELETE request to its URL).', validators: [{ kind: 'oneOf', values: ['ignore', 'log', 'fail', 'delete'] }] },
  { name: 'behavior.on.error', type: 'string', default: 'fail', importance: 'low', documentation: 'A request the API refused, or that failed past max.retries: fail (report the records to the errant record reporter, which fails the task unless errors.tolerance=all sends them to the dead-letter queue), log, or ignore.', validators: [{ kind: 'oneOf', values: ['fail', 'log', 'ignore'] }] },
  { name: 'max.retries', type: 'int', default: 10, importance: 'medium', documentation: 'Attempts after the first for a request that failed retriably (no response, or a status in retry.on.status.codes).', validators: [{ kind: 'range', min: 0 }] },
  { name: 'retry.backoff.ms', type: 'int', default: 3000, importance: 'medium', documentation: 'Wait before a retry; the batch is delivered again after it.', validators: [{ kind: 'range', min: 0 }] },
  { name: 'retry.on.status.codes', type: 'string', default: '400-', importance: 'medium', documentation: 'Statuses that are retried: comma-separated codes and ranges (500-599, 400- for 400 and above).' },
  { name: 'http.request.timeout.ms', type: 'int', default: 30000, importance: 'low', documentation: 'How long one request may take.', validators: [{ kind: 'range', min: 1, max: 120000 }] },
  { name: 'auth.type', type: 'string', default: 'NONE', importance: 'high', documentation: 'NONE or BASIC (connection.user, connection.password).', validators: [{ kind: 'oneOf', values: ['NONE', 'BASIC', 'none', 'basic'] }] },
  { name: 'connection.user', type: 'string', default: null, importance: 'high', documentation: 'User for BASIC authentication.' },
  { name: 'connection.password', type: 'password', default: null, importance: 'high', documentation: 'Password for BASIC authentication (never logged).' },
] as const;

export type HttpSinkConfigValues = ConfigValues<typeof HTTP_SINK_CONFIG>;

export interface StatusRange {
  readonly from: number;
  readonly to: number;
}

export interface HttpSinkSettings {
  readonly url: string;
  readonly method: 'POST' | 'PUT' | 'PATCH';
  readonly headers: Readonly<Record<string, string>>;
  readonly format: 'string' | 'json';
  readonly batchMaxSize: number;
  readonly prefix: string;
  readonly suffix: string;
  readonly separator: string;
  readonly jsonArray: boolean;
  readonly onNull: 'ignore' | 'log' | 'fail' | 'delete';
  readonly onError: 'fail' | 'log' | 'ignore';
  readonly maxRetries: number;
  readonly retryBackoffMs: number;
  readonly retryStatuses: readonly StatusRange[];
  readonly requestTimeoutMs: number;
  readonly password: Password | null;
}

/** "500-599,429,400-" → ranges; throws with the key named on a malformed entry. */
export function parseStatusRanges(text: string): StatusRange[] {
  const out: StatusRange[] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^(\d{3})(?:-(\d{3})?)?$/.exec(part);
    if (m === null) throw new Error(`Invalid value ${text} for configuration retry.on.status.codes: ${part} is not a status code or range`);
    const from = Number(m[1]);
    const to = part.includes('-') ? (m[2] === undefined ? 599 : Number(m[2])) : from;
    if (to < from) throw new Error(`Invalid value ${text} for configuration retry.on.status.codes: ${part} is an empty range`);
    out.push({ from, to });
  }
  return out;
}

/** "Name:value|Other:value" → headers; throws with the key named on a pair without a name. */
export function parseHeaders(text: string, separator: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (text.trim() === '') return out;
  for (const pair of text.split(separator === '' ? '|' : separator)) {
    const at = pair.indexOf(':');
    const name = at < 0 ? '' : pair.slice(0, at).trim();
    if (name === '' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new Error(`Invalid value for configuration headers: "${pair.trim()}" is not a Name:value pair`);
    out[name] = pair.slice(at + 1).trim();
  }
  return out;
}

/** UTF-8 bytes of a string (a plugin runs without TextEncoder: only the language's own built-ins). */
function utf8(text: string): number[] {
  const out: number[] = [];
  const escaped = encodeURIComponent(text);
  for (let i = 0; i < escaped.length; i++) {
    if (escaped[i] === '%') {
      out.push(parseInt(escaped.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(escaped.charCodeAt(i));
  }
  return out;
}

function basicAuth(user: string, password: string): string {
  return `Basic ${base64Encode(utf8(`${user}:${password}`))}`;
}

export function settingsFrom(c: HttpSinkConfigValues): HttpSinkSettings {
  const format = c['request.body.format'] === 'json' ? 'json' : 'string';
  const headers = parseHeaders(c['headers'], c['header.separator']);
  const hasHeader = (name: string): boolean => Object.keys(headers).some((h) => h.toLowerCase() === name);
  if (!hasHeader('content-type')) headers['Content-Type'] = format === 'json' ? 'application/json' : 'text/plain';
  if (c['auth.type'].toUpperCase() === 'BASIC') {
    const user = c['connection.user'];
    if (user === null || user === '') throw new Error('Missing required configuration "connection.user" which has no default value (auth.type=BASIC)');
    headers['Authorization'] = basicAuth(user, c['connection.password']?.value() ?? '');
  }
  return {
    url: c['http.api.url'],
    method: c['request.method'].toUpperCase() as HttpSinkSettings['method'],
    headers,
    format,
    batchMaxSize: c['batch.max.size'],
    prefix: c['batch.prefix'],
    suffix: c['batch.suffix'],
    separator: c['batch.separator'],
    jsonArray: c['batch.json.as.array'],
    onNull: c['behavior.on.null.values'] as HttpSinkSettings['onNull'],
    onError: c['behavior.on.error'] as HttpSinkSettings['onError'],
    maxRetries: c['max.retries'],
    retryBackoffMs: c['retry.backoff.ms'],
    retryStatuses: parseStatusRanges(c['retry.on.status.codes']),
    requestTimeoutMs: c['http.request.timeout.ms'],
    password: c['connection.password'],
  };
}

/** What validate reports per key (Kafka Connect's ConfigValue errors) beyond the per-key validators. */
export function validateHttpSinkConfig(c: HttpSinkConfigValues): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const check = (key: string, fn: () => unknown): void => {
    try {
      fn();
    } catch (e) {
      (errors[key] ??= []).push((e as Error).message);
    }
  };
  check('headers', () => parseHeaders(c['headers'], c['header.separator']));
  check('retry.on.status.codes', () => parseStatusRanges(c['retry.on.status.codes']));
  if (c['auth.type'].toUpperCase() === 'BASIC' && (c['connection.user'] === null || c['connection.user'] === '')) {
    (errors['connection.user'] ??= []).push('connection.user is required with auth.type=BASIC');
  }
  if (c['batch.json.as.array'] && c['request.body.format'] !== 'json') {
    (errors['batch.json.as.array'] ??= []).push('batch.json.as.array=true needs request.body.format=json');
  }
  return errors;
}
