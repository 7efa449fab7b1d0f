/** Our records as @platformatic/kafka messages: bytes for key and value, repeated header keys kept. */
import type { MessageToProduce } from '@platformatic/kafka';

/** Kafka record headers by key; a repeated key holds its values in order; null is a header without a value. */
export type KafkaHeaderValue = Buffer | string | null;
export type KafkaHeaders = Record<string, KafkaHeaderValue | KafkaHeaderValue[] | undefined>;

export interface OutgoingRecord {
  topic: string;
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: KafkaHeaders;
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
    const headers = new Map<Buffer, Buffer | null>();
    for (const [k, v] of Object.entries(r.headers)) {
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) headers.set(Buffer.from(k), one === null ? null : bytes(one));
    }
    // A null value is written as length -1, Kafka's header without a value.
    if (headers.size > 0) m.headers = headers as Map<Buffer, Buffer>;
  }
  return m;
}
