import { parseConfig } from '../config/config-def.ts';
import { Schemas } from '../data/schema.ts';
import type { Schema } from '../data/types.ts';
import { describeValue } from '../data/validate.ts';
import { DataError } from '../errors.ts';
import { TOLERATED_JSON_KEYS, TYPE_ONLY_CONFIG } from './string-converter.ts';
import type { Converter, ConverterPlugin, HeaderConverter, SchemaAndValue } from './types.ts';
import { CONVERTER_VERSION, withConverterType } from './types.ts';

interface NumberCodec {
  readonly label: string;
  readonly deserializer: string;
  readonly schema: Schema;
  readonly size: number;
  write(value: unknown, buf: Buffer): boolean;
  read(buf: Buffer): unknown;
}

function intCodec(label: string, deserializer: string, schema: Schema, size: 2 | 4, lo: number, hi: number): NumberCodec {
  return {
    label,
    deserializer,
    schema,
    size,
    write: (v, buf) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) return false;
      if (size === 2) buf.writeInt16BE(v);
      else buf.writeInt32BE(v);
      return true;
    },
    read: (buf) => (size === 2 ? buf.readInt16BE() : buf.readInt32BE()),
  };
}

const CODECS = {
  short: intCodec('INT16', 'ShortDeserializer', Schemas.OPTIONAL_INT16, 2, -32768, 32767),
  integer: intCodec('INT32', 'IntegerDeserializer', Schemas.OPTIONAL_INT32, 4, -2147483648, 2147483647),
  long: {
    label: 'INT64',
    deserializer: 'LongDeserializer',
    schema: Schemas.OPTIONAL_INT64,
    size: 8,
    write: (v, buf) => {
      const big = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : null;
      if (big === null || big < -(2n ** 63n) || big >= 2n ** 63n) return false;
      buf.writeBigInt64BE(big);
      return true;
    },
    read: (buf) => {
      const v = buf.readBigInt64BE();
      return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
    },
  },
  float: {
    label: 'FLOAT32',
    deserializer: 'FloatDeserializer',
    schema: Schemas.OPTIONAL_FLOAT32,
    size: 4,
    write: (v, buf) => typeof v === 'number' && (buf.writeFloatBE(v), true),
    read: (buf) => buf.readFloatBE(),
  },
  double: {
    label: 'FLOAT64',
    deserializer: 'DoubleDeserializer',
    schema: Schemas.OPTIONAL_FLOAT64,
    size: 8,
    write: (v, buf) => typeof v === 'number' && (buf.writeDoubleBE(v), true),
    read: (buf) => buf.readDoubleBE(),
  },
  boolean: {
    label: 'BOOLEAN',
    deserializer: 'BooleanDeserializer',
    schema: Schemas.OPTIONAL_BOOLEAN,
    size: 1,
    write: (v, buf) => typeof v === 'boolean' && (buf.writeUInt8(v ? 1 : 0), true),
    read: (buf) => {
      const b = buf.readUInt8();
      if (b > 1) throw new DataError('Unexpected byte received by BooleanDeserializer: ' + b);
      return b === 1;
    },
  },
} satisfies Record<string, NumberCodec>;

/**
 * The fixed-width converters of org.apache.kafka.connect.converters (ShortConverter, IntegerConverter, ...):
 * big-endian like Kafka's serializers; a null value is null bytes.
 */
export class NumberConverter implements Converter, HeaderConverter {
  readonly #codec: NumberCodec;
  readonly #name: string;

  constructor(name: string, codec: NumberCodec) {
    this.#name = name;
    this.#codec = codec;
  }

  configure(config: Readonly<Record<string, unknown>>, isKey = false): void {
    parseConfig(TYPE_ONLY_CONFIG, withConverterType(config, isKey), { context: this.#name, ignore: TOLERATED_JSON_KEYS });
  }

  fromConnectData(_topic: string, _schema: Schema | null, value: unknown): Buffer | null {
    if (value === null || value === undefined) return null;
    const buf = Buffer.alloc(this.#codec.size);
    if (!this.#codec.write(value, buf)) {
      throw new DataError(`Failed to serialize to ${this.#codec.label} (was ${describeValue(value)})`);
    }
    return buf;
  }

  toConnectData(_topic: string, bytes: Uint8Array | null): SchemaAndValue {
    if (bytes === null) return { schema: this.#codec.schema, value: null };
    if (bytes.length !== this.#codec.size) {
      throw new DataError(`Size of data received by ${this.#codec.deserializer} is not ${this.#codec.size}`);
    }
    return { schema: this.#codec.schema, value: this.#codec.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) };
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Buffer | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, bytes: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, bytes);
  }
}

function plugin(simple: string, codec: NumberCodec): ConverterPlugin {
  return {
    className: `org.apache.kafka.connect.converters.${simple}`,
    aliases: [simple],
    version: CONVERTER_VERSION,
    configDef: TYPE_ONLY_CONFIG,
    createConverter: () => new NumberConverter(simple, codec),
    createHeaderConverter: () => new NumberConverter(simple, codec),
  };
}

export const numberConverterPlugins: readonly ConverterPlugin[] = [
  plugin('ShortConverter', CODECS.short),
  plugin('IntegerConverter', CODECS.integer),
  plugin('LongConverter', CODECS.long),
  plugin('FloatConverter', CODECS.float),
  plugin('DoubleConverter', CODECS.double),
  plugin('BooleanConverter', CODECS.boolean),
];
