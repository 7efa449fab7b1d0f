import type { ConfigDef } from '../config/config-def.ts';
import { parseConfig } from '../config/config-def.ts';
import { Schemas } from '../data/schema.ts';
import { javaString } from '../data/to-string.ts';
import type { Schema } from '../data/types.ts';
import { configError } from '../errors.ts';
import type { Converter, ConverterPlugin, HeaderConverter, SchemaAndValue } from './types.ts';
import { CONVERTER_TYPE_KEY, CONVERTER_VERSION, withConverterType } from './types.ts';

/** Keys that configs written for JsonConverter often carry; other converters accept and ignore them. */
export const TOLERATED_JSON_KEYS = ['schemas.enable'] as const;

/** Required, as in Kafka Connect's ConverterConfig; configure() supplies it (withConverterType). */
const CONVERTER_TYPE: ConfigDef[number] = {
  name: CONVERTER_TYPE_KEY,
  type: 'STRING',
  validValues: ['key', 'value', 'header'],
  importance: 'LOW',
  documentation: 'How this converter will be used.',
};

export const STRING_CONVERTER_CONFIG: ConfigDef = [
  CONVERTER_TYPE,
  // Kafka Connect's StringConverterConfig as its REST API shows it: default "UTF-8", width MEDIUM, display "Encoding".
  {
    name: 'converter.encoding',
    type: 'STRING',
    default: 'UTF-8',
    importance: 'HIGH',
    documentation: 'The name of the Java character set to use for encoding strings as byte arrays.',
    width: 'MEDIUM',
    displayName: 'Encoding',
  },
];

export const TYPE_ONLY_CONFIG: ConfigDef = [CONVERTER_TYPE];

type Codec = { encode: (s: string) => Buffer; decode: (b: Buffer) => string };

function nodeCodec(enc: BufferEncoding): Codec {
  return { encode: (s) => Buffer.from(s, enc), decode: (b) => b.toString(enc) };
}

const utf16be: Codec = {
  encode: (s) => Buffer.from(s, 'utf16le').swap16(),
  decode: (b) => Buffer.from(b).swap16().toString('utf16le'),
};

/** Java charset names (and their common aliases) Conveyor can honour. */
const CHARSETS: Record<string, Codec> = {
  UTF8: nodeCodec('utf8'),
  'UTF-8': nodeCodec('utf8'),
  'US-ASCII': nodeCodec('ascii'),
  ASCII: nodeCodec('ascii'),
  'ISO-8859-1': nodeCodec('latin1'),
  LATIN1: nodeCodec('latin1'),
  'UTF-16LE': nodeCodec('utf16le'),
  'UTF-16BE': utf16be,
};

/** org.apache.kafka.connect.storage.StringConverter: values as their string form, nulls as null. */
export class StringConverter implements Converter, HeaderConverter {
  #codec: Codec = nodeCodec('utf8');

  configure(config: Readonly<Record<string, unknown>>, isKey = false): void {
    const c = parseConfig(STRING_CONVERTER_CONFIG, withConverterType(config, isKey), { context: 'StringConverter', ignore: TOLERATED_JSON_KEYS });
    const name = String(c['converter.encoding']).toUpperCase();
    const codec = CHARSETS[name];
    if (codec === undefined) {
      throw configError(
        `StringConverter: unsupported value "${String(c['converter.encoding'])}" for configuration "converter.encoding"; use one of ${Object.keys(CHARSETS).join(', ')}`,
      );
    }
    this.#codec = codec;
  }

  fromConnectData(_topic: string, _schema: Schema | null, value: unknown): Buffer | null {
    if (value === null || value === undefined) return null;
    return this.#codec.encode(javaString(value));
  }

  toConnectData(_topic: string, bytes: Uint8Array | null): SchemaAndValue {
    if (bytes === null) return { schema: Schemas.OPTIONAL_STRING, value: null };
    return { schema: Schemas.OPTIONAL_STRING, value: this.#codec.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) };
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Buffer | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, bytes: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, bytes);
  }
}

export const stringConverterPlugin: ConverterPlugin = {
  className: 'org.apache.kafka.connect.storage.StringConverter',
  aliases: ['StringConverter', 'String'],
  version: CONVERTER_VERSION,
  configDef: STRING_CONVERTER_CONFIG,
  createConverter: () => new StringConverter(),
  createHeaderConverter: () => new StringConverter(),
};
