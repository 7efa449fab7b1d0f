import { parseConfig } from '../config/config-def.ts';
import { Schemas } from '../data/schema.ts';
import type { Schema } from '../data/types.ts';
import { describeValue } from '../data/validate.ts';
import { DataError } from '../errors.ts';
import { TOLERATED_JSON_KEYS, TYPE_ONLY_CONFIG } from './string-converter.ts';
import type { Converter, ConverterPlugin, HeaderConverter, SchemaAndValue } from './types.ts';
import { CONVERTER_VERSION, withConverterType } from './types.ts';

/** org.apache.kafka.connect.converters.ByteArrayConverter: bytes pass through unchanged. */
export class ByteArrayConverter implements Converter, HeaderConverter {
  configure(config: Readonly<Record<string, unknown>>, isKey = false): void {
    parseConfig(TYPE_ONLY_CONFIG, withConverterType(config, isKey), { context: 'ByteArrayConverter', ignore: TOLERATED_JSON_KEYS });
  }

  fromConnectData(_topic: string, schema: Schema | null, value: unknown): Buffer | null {
    if (schema !== null && schema.type !== 'BYTES') {
      throw new DataError(`Invalid schema type for ByteArrayConverter: ${schema.type}`);
    }
    if (value === null || value === undefined) return null;
    if (!(value instanceof Uint8Array)) {
      throw new DataError(`ByteArrayConverter is not compatible with objects of type ${describeValue(value)}`);
    }
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }

  toConnectData(_topic: string, bytes: Uint8Array | null): SchemaAndValue {
    return { schema: Schemas.OPTIONAL_BYTES, value: bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Buffer | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, bytes: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, bytes);
  }
}

export const byteArrayConverterPlugin: ConverterPlugin = {
  className: 'org.apache.kafka.connect.converters.ByteArrayConverter',
  aliases: ['ByteArrayConverter', 'ByteArray'],
  version: CONVERTER_VERSION,
  configDef: TYPE_ONLY_CONFIG,
  createConverter: () => new ByteArrayConverter(),
  createHeaderConverter: () => new ByteArrayConverter(),
};
