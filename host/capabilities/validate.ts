/** Argument checks shared by capabilities: each names the call and the argument in its error. */
import { ConveyorError, ErrorCode } from '../core/errors.ts';

export function invalid(call: string, message: string): ConveyorError {
  return new ConveyorError(ErrorCode.capabilityInvalid, `${call}: ${message}`);
}

export function denied(call: string, target: string, why: string): ConveyorError {
  return new ConveyorError(ErrorCode.capabilityDenied, `capability denied: ${call} to ${target} (${why})`);
}

/**
 * A string argument. A long one may arrive as the UTF-8 bytes it crossed as (host/sandbox/protocol.ts, `raw`): it is
 * decoded here, so a capability that needs text sees text.
 */
export function str(call: string, args: unknown[], i: number, name: string, max = 65536, optional = false): string {
  const v = args[i];
  if (v === undefined && optional) return '';
  if (Buffer.isBuffer(v)) {
    if (v.length > max * 3) throw invalid(call, `${name} longer than ${max} characters`);
    const s = v.toString('utf8');
    if (s.length > max) throw invalid(call, `${name} longer than ${max} characters`);
    return s;
  }
  if (typeof v !== 'string') throw invalid(call, `${name} must be a string`);
  if (v.length > max) throw invalid(call, `${name} longer than ${max} characters`);
  return v;
}

/**
 * A string argument a capability only passes on as bytes (file contents, a request body): the UTF-8 bytes it crossed
 * as are kept, never decoded. At most max bytes.
 */
export function text(call: string, args: unknown[], i: number, name: string, max: number): string | Buffer {
  const v = args[i];
  if (Buffer.isBuffer(v)) {
    if (v.length > max) throw invalid(call, `${name} longer than ${max} bytes`);
    return v;
  }
  if (typeof v !== 'string') throw invalid(call, `${name} must be a string`);
  if (Buffer.byteLength(v) > max) throw invalid(call, `${name} longer than ${max} bytes`);
  return v;
}

export function num(call: string, args: unknown[], i: number, name: string, min: number, max: number, fallback?: number): number {
  const v = args[i] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw invalid(call, `${name} must be a number in [${min}, ${max}]`);
  return v;
}

export function obj(call: string, args: unknown[], i: number, name: string, optional = false): Record<string, unknown> {
  const v = args[i];
  if (v === undefined && optional) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(call, `${name} must be an object`);
  return v as Record<string, unknown>;
}

export function arr(call: string, args: unknown[], i: number, name: string, maxItems: number, optional = false): unknown[] {
  const v = args[i];
  if (v === undefined && optional) return [];
  if (!Array.isArray(v)) throw invalid(call, `${name} must be an array`);
  if (v.length > maxItems) throw invalid(call, `${name} has more than ${maxItems} items`);
  return v;
}

/** Rejects after ms with a timeout error naming the call. */
export async function withTimeout<T>(call: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ConveyorError(ErrorCode.timeout, `${call} timed out after ${ms} ms`, { retriable: true })), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Turns driver results (Dates, Buffers, bigints) into plain JSON data. */
export function plain(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (v !== null && typeof v === 'object' && (v as { type?: unknown }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
        return Buffer.from((v as { data: number[] }).data).toString('base64');
      }
      return v;
    }) ?? 'null',
  ) as unknown;
}
