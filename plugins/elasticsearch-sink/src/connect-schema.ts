/**
 * Kafka Connect schemas as JsonConverter writes them in its envelope
 * ({"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":false,"name":"..."}),
 * which is how sink records carry keySchema/valueSchema into the sandbox. Values are the JsonConverter's JSON:
 * bytes and BASE64 decimals as base64 strings, maps with string keys as objects and other maps as [key, value]
 * pairs, logical dates and times as integers.
 */
import { BASE64_ALPHABET, base64Encode } from '@conveyor/sdk';
import type { ConnectField, ConnectSchema, ConnectSchemaType } from '@conveyor/sdk';

export type { ConnectField, ConnectSchema, ConnectSchemaType };

export const LogicalName = {
  decimal: 'org.apache.kafka.connect.data.Decimal',
  date: 'org.apache.kafka.connect.data.Date',
  time: 'org.apache.kafka.connect.data.Time',
  timestamp: 'org.apache.kafka.connect.data.Timestamp',
  dbzDate: 'io.debezium.time.Date',
  dbzTime: 'io.debezium.time.Time',
  dbzMicroTime: 'io.debezium.time.MicroTime',
  dbzNanoTime: 'io.debezium.time.NanoTime',
  dbzTimestamp: 'io.debezium.time.Timestamp',
  dbzMicroTimestamp: 'io.debezium.time.MicroTimestamp',
  dbzNanoTimestamp: 'io.debezium.time.NanoTimestamp',
  dbzZonedTimestamp: 'io.debezium.time.ZonedTimestamp',
  dbzZonedTime: 'io.debezium.time.ZonedTime',
  dbzVariableScaleDecimal: 'io.debezium.data.VariableScaleDecimal',
} as const;

/** Normalises the type aliases JsonConverter accepts (float = float32, double = float64). */
export function baseType(schema: ConnectSchema): ConnectSchemaType {
  if (schema.type === 'float') return 'float32';
  if (schema.type === 'double') return 'float64';
  return schema.type;
}

export function isConnectSchema(value: unknown): value is ConnectSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { type?: unknown }).type === 'string';
}

export { base64Encode };

const B64_INDEX: Record<string, number> = Object.fromEntries([...BASE64_ALPHABET].map((c, i) => [c, i]));

export function base64Decode(text: string): Uint8Array {
  const clean = text.replace(/[\s=]/g, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let j = 0;
  for (const ch of clean) {
    const v = B64_INDEX[ch === '-' ? '+' : ch === '_' ? '/' : ch];
    if (v === undefined) throw new Error(`not base64: unexpected character ${JSON.stringify(ch)}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, j);
}

/** The big-endian two's-complement integer Connect's Decimal stores as bytes. */
export function unscaledFromBytes(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  if (bytes.length > 0 && (bytes[0]! & 0x80) !== 0) n -= 1n << BigInt(bytes.length * 8);
  return n;
}
