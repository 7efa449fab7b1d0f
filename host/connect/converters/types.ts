import type { ConfigDef } from '../config/config-def.ts';
import type { Schema } from '../data/types.ts';

export interface SchemaAndValue {
  readonly schema: Schema | null;
  readonly value: unknown;
}

/** org.apache.kafka.connect.storage.Converter. */
export interface Converter {
  /** Validates and applies the converter's own keys (prefix already removed). */
  configure(config: Readonly<Record<string, unknown>>, isKey: boolean): void;
  /** Serialises a Connect value; null bytes mean a null Kafka key/value (a tombstone). */
  fromConnectData(topic: string, schema: Schema | null, value: unknown): Buffer | null;
  toConnectData(topic: string, bytes: Uint8Array | null): SchemaAndValue;
}

/** org.apache.kafka.connect.storage.HeaderConverter. */
export interface HeaderConverter {
  configure(config: Readonly<Record<string, unknown>>): void;
  fromConnectHeader(topic: string, headerKey: string, schema: Schema | null, value: unknown): Buffer | null;
  toConnectHeader(topic: string, headerKey: string, bytes: Uint8Array | null): SchemaAndValue;
}

/** A converter implementation as the registry and GET /connector-plugins know it. */
export interface ConverterPlugin {
  /** The fully qualified Kafka Connect class name, e.g. org.apache.kafka.connect.json.JsonConverter. */
  readonly className: string;
  /** Other names accepted in configs, e.g. JsonConverter. */
  readonly aliases: readonly string[];
  readonly version: string;
  readonly configDef: ConfigDef;
  /** Present when the class can convert keys and values. */
  readonly createConverter?: () => Converter;
  /** Present when the class can convert headers. */
  readonly createHeaderConverter?: () => HeaderConverter;
}

/** `converter.type` is set by the worker for each instance; it is accepted by every converter. */
export const CONVERTER_TYPE_KEY = 'converter.type';

/**
 * Kafka Connect's ConverterConfig defines converter.type with no default (its REST API shows it required), and
 * configure(configs, isKey) supplies it from isKey: so does this, unless the config already names it (the worker
 * passes "header" for header converters).
 */
export function withConverterType(config: Readonly<Record<string, unknown>>, isKey: boolean): Readonly<Record<string, unknown>> {
  return config[CONVERTER_TYPE_KEY] === undefined ? { ...config, [CONVERTER_TYPE_KEY]: isKey ? 'key' : 'value' } : config;
}
export const CONVERTER_VERSION = '4.0.0';
