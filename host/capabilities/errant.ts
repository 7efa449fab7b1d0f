/**
 * errantRecordReporter capability (Kafka Connect's ErrantRecordReporter): a sink task reports a record it could
 * not write, with the error; the host hands it to the task's error handling at stage TASK_PUT, which logs it
 * (errors.log.enable), writes it to the dead-letter queue (errors.deadletterqueue.*, __connect.errors.* headers)
 * and counts it, or fails the task under errors.tolerance=none. As Kafka Connect does for a record it no longer
 * holds the consumed bytes of, the key and value are serialised again: strings as UTF-8, anything else as JSON.
 */
import type { OriginalRecord } from '../errors/reporters.ts';
import type { Logger } from '../core/logger.ts';
import type { CapabilityMethods } from './types.ts';
import { invalid, num, obj, str } from './validate.ts';

/** Where reports go: the task's Kafka sink pipeline. */
export interface ErrantTarget {
  reportErrant(record: OriginalRecord, error: Error): Promise<void>;
}

/** An error crossing from the isolate: its message and type, recognised by the errantRecord marker. */
export class ErrantRecordError extends Error {
  readonly errantRecord = true;
  readonly type: string;
  constructor(message: string, type: string) {
    super(message);
    this.name = type === '' ? 'ErrantRecordError' : type;
    this.type = type;
  }
}

function bytes(v: unknown): Buffer | null {
  if (v === null || v === undefined) return null;
  return Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8');
}

export function errantCapability(target: () => ErrantTarget | undefined, log: Logger): CapabilityMethods {
  return {
    async report(args: unknown[]) {
      const call = 'errantRecordReporter.report';
      const r = obj(call, args, 0, 'record');
      const e = obj(call, args, 1, 'error');
      const topic = str(call, [r['topic']], 0, 'record.topic', 249);
      const partition = num(call, [r['partition']], 0, 'record.partition', 0, 1_000_000);
      // A record past 2^53 carries its exact offset as decimal text (SinkRecord.offsetText), its number then inexact.
      const text = r['offsetText'] === undefined ? undefined : str(call, [r['offsetText']], 0, 'record.offsetText', 20);
      if (text !== undefined && !/^\d+$/.test(text)) throw invalid(call, 'record.offsetText must be a decimal offset');
      const offset = text === undefined ? num(call, [r['offset']], 0, 'record.offset', 0, Number.MAX_SAFE_INTEGER) : Number(text);
      const headers = r['headers'] === undefined ? {} : obj(call, [r['headers']], 0, 'record.headers');
      if (Object.values(headers).some((h) => typeof h !== 'string')) throw invalid(call, 'record.headers values must be strings');
      const error = new ErrantRecordError(str(call, [e['message']], 0, 'error.message', 65536), e['type'] === undefined ? '' : str(call, [e['type']], 0, 'error.type', 1024));
      const original: OriginalRecord = {
        topic,
        partition,
        offset: text === undefined ? BigInt(offset) : BigInt(text),
        key: bytes(r['key']),
        value: bytes(r['value']),
        headers: headers as Record<string, string>,
        ...(typeof r['timestamp'] === 'number' ? { timestamp: r['timestamp'] } : {}),
      };
      const t = target();
      if (t === undefined) {
        log.error('errant record reported (no Kafka pipeline to route it to a dead-letter queue)', { topic, partition, offset, error: error.message });
        return null;
      }
      await t.reportErrant(original, error);
      return null;
    },
  };
}
