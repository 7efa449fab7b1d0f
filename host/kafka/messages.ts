/** Our records as @platformatic/kafka messages: bytes for key and value, repeated header keys kept. */
import type { MessageToProduce } from '@platformatic/kafka';
import type { IHeaders } from 'kafkajs';

export interface OutgoingRecord {
  topic: string;
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: IHeaders;
  /** Milliseconds since the epoch. */
  timestamp?: number;
}

const bytes = (v: Buffer | string): Buffer => (typeof v === 'string' ? Buffer.from(v) : v);

export function toMessage(r: OutgoingRecord, partition: number): MessageToProduce {
  const m: MessageToProduce = { topic: r.topic, partition };
  if (r.key !== null) m.key = bytes(r.key);
  if (r.value !== null) m.value = bytes(r.value);
  if (r.timestamp !== undefined) m.timestamp = BigInt(r.timestamp);
  if (r.headers !== undefined) {
    // Buffer keys are compared by identity in a Map, so a repeated header key stays two headers.
    const headers = new Map<Buffer, Buffer>();
    for (const [k, v] of Object.entries(r.headers)) {
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) headers.set(Buffer.from(k), bytes(one));
    }
    if (headers.size > 0) m.headers = headers;
  }
  return m;
}
