import type { ConfigDef } from '../config/config-def.ts';
import { parseConfig } from '../config/config-def.ts';
import type { Schema } from '../data/types.ts';
import { DataError } from '../errors.ts';
import type { JsonCodecOptions } from './json-codec.ts';
import { asConnectSchema, asJsonSchema, convertToConnect, convertToJson } from './json-codec.ts';
import type { JsonTree } from './json-tree.ts';
import { JsonObject, parseJsonTree, stringifyJsonTree } from './json-tree.ts';
import type { Converter, ConverterPlugin, HeaderConverter, SchemaAndValue } from './types.ts';
import { CONVERTER_TYPE_KEY, CONVERTER_VERSION, withConverterType } from './types.ts';

export const JSON_CONVERTER_CONFIG: ConfigDef = [
  { name: 'schemas.enable', type: 'BOOLEAN', default: true, importance: 'HIGH', documentation: 'Include schemas within each of the serialized values and keys.' },
  { name: 'schemas.cache.size', type: 'INT', default: 1000, importance: 'HIGH', documentation: 'The maximum number of schemas that can be cached in this converter instance.' },
  {
    name: 'decimal.format',
    type: 'STRING',
    default: 'BASE64',
    validValues: ['BASE64', 'NUMERIC'],
    caseInsensitive: true,
    importance: 'LOW',
    documentation: 'Controls which format this converter will serialize decimals in. This value is case insensitive and can be either \'BASE64\' (default) or \'NUMERIC\'',
  },
  {
    name: 'replace.null.with.default',
    type: 'BOOLEAN',
    default: true,
    importance: 'LOW',
    documentation: 'Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.',
  },
  { name: CONVERTER_TYPE_KEY, type: 'STRING', validValues: ['key', 'value', 'header'], importance: 'LOW', documentation: 'How this converter will be used.' },
];

/** org.apache.kafka.connect.json.JsonConverter, for keys, values and headers. */
export class JsonConverter implements Converter, HeaderConverter {
  #schemasEnabled = true;
  #opts: JsonCodecOptions = { decimalFormat: 'BASE64', replaceNullWithDefault: true };

  configure(config: Readonly<Record<string, unknown>>, isKey = false): void {
    const c = parseConfig(JSON_CONVERTER_CONFIG, withConverterType(config, isKey), { context: 'JsonConverter' });
    this.#schemasEnabled = c['schemas.enable'] as boolean;
    this.#opts = {
      decimalFormat: c['decimal.format'] as 'BASE64' | 'NUMERIC',
      replaceNullWithDefault: c['replace.null.with.default'] as boolean,
    };
  }

  fromConnectData(_topic: string, schema: Schema | null, value: unknown): Buffer | null {
    if (schema === null && (value === null || value === undefined)) return null;
    const payload = convertToJson(schema, value, this.#opts);
    const tree: JsonTree = this.#schemasEnabled
      ? new JsonObject([['schema', asJsonSchema(schema, this.#opts)], ['payload', payload]])
      : payload;
    return Buffer.from(stringifyJsonTree(tree), 'utf8');
  }

  toConnectData(_topic: string, bytes: Uint8Array | null): SchemaAndValue {
    if (bytes === null) return { schema: null, value: null };
    let tree: JsonTree;
    try {
      tree = parseJsonTree(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
    } catch (err) {
      throw new DataError('Converting byte[] to Kafka Connect data failed due to serialization error: ', { cause: err });
    }
    if (!this.#schemasEnabled) return { schema: null, value: convertToConnect(null, tree, this.#opts) };
    if (!(tree instanceof JsonObject) || tree.entries.length !== 2 || !hasKey(tree, 'schema') || !hasKey(tree, 'payload')) {
      throw new DataError(
        'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields.' +
          ' If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.',
      );
    }
    const schema = asConnectSchema(tree.get('schema'), this.#opts);
    return { schema, value: convertToConnect(schema, tree.get('payload'), this.#opts) };
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Buffer | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, bytes: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, bytes);
  }
}

function hasKey(obj: JsonObject, key: string): boolean {
  return obj.entries.some(([k]) => k === key);
}

export const jsonConverterPlugin: ConverterPlugin = {
  className: 'org.apache.kafka.connect.json.JsonConverter',
  aliases: ['JsonConverter', 'Json'],
  version: CONVERTER_VERSION,
  configDef: JSON_CONVERTER_CONFIG,
  createConverter: () => new JsonConverter(),
  createHeaderConverter: () => new JsonConverter(),
};
