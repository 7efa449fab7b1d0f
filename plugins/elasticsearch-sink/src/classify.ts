/**
 * Classifies bulk response items (Confluent's ElasticsearchClient rules, with Elasticsearch 8+'s names):
 * - ok: 2xx, a delete that found nothing (404 not_found), or a version conflict on an externally versioned or
 *   create-with-id write (Elasticsearch already holds this write or a newer one);
 * - retriable: 429, 5xx, 408 and the transient error types (rejected execution, timeouts, circuit breakers,
 *   unavailable shards), and conflicts of unversioned updates (retry_on_conflict ran out);
 * - malformed: the document itself is refused (mapping or parse errors, strict dynamic mapping, invalid request);
 *   handled by behavior.on.malformed.documents and the dead-letter queue;
 * - fatal: anything else (missing index with auto-create off, security errors, ...) fails the task.
 */
import type { JsonValue } from '@conveyor/sdk';

export type ItemClass = 'ok' | 'retriable' | 'malformed' | 'fatal';

export interface ItemResult {
  readonly kind: ItemClass;
  readonly status: number;
  /** Elasticsearch's error type, e.g. document_parsing_exception; '' when there is none. */
  readonly errorType: string;
  readonly reason: string;
}

export const VERSION_CONFLICT = 'version_conflict_engine_exception';

export const MALFORMED_ERROR_TYPES: ReadonlySet<string> = new Set([
  'strict_dynamic_mapping_exception',
  'mapper_parsing_exception',
  'document_parsing_exception',
  'illegal_argument_exception',
  'action_request_validation_exception',
]);

export const RETRIABLE_ERROR_TYPES: ReadonlySet<string> = new Set([
  'es_rejected_execution_exception',
  'circuit_breaking_exception',
  'timeout_exception',
  'process_cluster_event_timeout_exception',
  'receive_timeout_transport_exception',
  'unavailable_shards_exception',
  'no_shard_available_action_exception',
  'node_not_connected_exception',
  'node_disconnected_exception',
  'primary_missing_action_exception',
]);

/** One entry of a bulk response's `items`: {"index": {"status": 201, ...}} and the like. */
export function classifyItem(item: JsonValue | undefined, conflictMeansApplied: boolean): ItemResult {
  const body = itemBody(item);
  if (body === null) return { kind: 'retriable', status: 0, errorType: 'missing_item', reason: 'bulk response has no item for this operation' };
  const status = typeof body['status'] === 'number' ? body['status'] : 0;
  const error = body['error'];
  const errorType = errorField(error, 'type');
  const reason = errorField(error, 'reason') || (typeof error === 'string' ? error : '');
  const result = (kind: ItemClass): ItemResult => ({ kind, status, errorType, reason });
  if (status >= 200 && status < 300) return result('ok');
  if (status === 404 && (error === undefined || error === null) && body['result'] === 'not_found') return result('ok');
  if (status === 409 || errorType === VERSION_CONFLICT) return result(conflictMeansApplied ? 'ok' : 'retriable');
  if (MALFORMED_ERROR_TYPES.has(errorType)) return result('malformed');
  if (status === 429 || status === 408 || status >= 500 || RETRIABLE_ERROR_TYPES.has(errorType)) return result('retriable');
  return result('fatal');
}

/** Whether a whole bulk request that failed (threw, or answered with an HTTP error) is worth retrying. */
export function isRetriableRequestError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return true;
  const e = err as { retriable?: unknown; statusCode?: unknown; meta?: { statusCode?: unknown }; name?: unknown };
  if (e.name === 'TypeError' || e.name === 'RangeError' || e.name === 'SyntaxError') return false;
  if (e.retriable === false) return false;
  if (e.retriable === true) return true;
  const status = typeof e.statusCode === 'number' ? e.statusCode : typeof e.meta?.statusCode === 'number' ? e.meta.statusCode : undefined;
  if (status === undefined) return true;
  return status === 429 || status === 408 || status >= 500;
}

function itemBody(item: JsonValue | undefined): { [key: string]: JsonValue } | null {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return null;
  const first = Object.values(item)[0];
  return typeof first === 'object' && first !== null && !Array.isArray(first) ? first : null;
}

function errorField(error: JsonValue | undefined, name: string): string {
  if (typeof error !== 'object' || error === null || Array.isArray(error)) return '';
  const v = error[name];
  return typeof v === 'string' ? v : '';
}
