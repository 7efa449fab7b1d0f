import type { ConfigDef, ConfigKey, ParsedConfig } from '../config/config-def.ts';
import { TimestampType } from '../data/logical.ts';
import { SchemaBuilder, Schemas } from '../data/schema.ts';
import { Struct } from '../data/struct.ts';
import type { Schema } from '../data/types.ts';
import { DataError } from '../errors.ts';
import type { ConnectRecord } from '../record.ts';
import type { Transformation } from './types.ts';
import type { Side } from './util.ts';
import {
  REPLACE_NULL_WITH_DEFAULT,
  copySchemaBasics,
  isSinkRecord,
  keyValuePlugins,
  newMap,
  putField,
  requireMap,
  requireStruct,
  schemaCache,
  structGet,
} from './util.ts';

const optionalString = (name: string, documentation: string): ConfigKey => ({ name, type: 'STRING', default: null, importance: 'MEDIUM', documentation });
const SUFFIX_DOC = 'Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default).';

export const INSERT_FIELD_CONFIG: ConfigDef = [
  optionalString('topic.field', `Field name for Kafka topic. ${SUFFIX_DOC}`),
  optionalString('partition.field', `Field name for Kafka partition. ${SUFFIX_DOC}`),
  optionalString('offset.field', `Field name for Kafka offset - only applicable to sink connectors.<br/>${SUFFIX_DOC}`),
  optionalString('timestamp.field', `Field name for record timestamp. ${SUFFIX_DOC}`),
  optionalString('static.field', `Field name for static data field. ${SUFFIX_DOC}`),
  optionalString('static.value', 'Static field value, if field name configured.'),
  REPLACE_NULL_WITH_DEFAULT,
];

interface InsertionSpec {
  readonly name: string;
  readonly optional: boolean;
}

function spec(raw: unknown): InsertionSpec | null {
  if (typeof raw !== 'string' || raw === '') return null;
  if (raw.endsWith('!')) return { name: raw.slice(0, -1), optional: false };
  if (raw.endsWith('?')) return { name: raw.slice(0, -1), optional: true };
  return { name: raw, optional: true };
}

type Kind = 'topic' | 'partition' | 'offset' | 'timestamp' | 'static';

const SCHEMAS: Record<Kind, [Schema, Schema]> = {
  topic: [Schemas.STRING, Schemas.OPTIONAL_STRING],
  partition: [Schemas.INT32, Schemas.OPTIONAL_INT32],
  offset: [Schemas.INT64, Schemas.OPTIONAL_INT64],
  timestamp: [TimestampType.SCHEMA, TimestampType.builder().optional().build()],
  static: [Schemas.STRING, Schemas.OPTIONAL_STRING],
};

class InsertField implements Transformation {
  readonly #specs: [Kind, InsertionSpec][];
  readonly #staticValue: string | null;
  readonly #side: Side;
  readonly #replaceNull: boolean;
  readonly #schemas = schemaCache<Schema>();

  constructor(config: ParsedConfig, side: Side) {
    const kinds: Kind[] = ['topic', 'partition', 'offset', 'timestamp', 'static'];
    this.#specs = kinds.flatMap((k) => {
      const s = spec(config[`${k}.field`]);
      return s === null ? [] : [[k, s] as [Kind, InsertionSpec]];
    });
    this.#staticValue = config['static.value'] as string | null;
    this.#side = side;
    this.#replaceNull = config['replace.null.with.default'] as boolean;
  }

  #insertValue(kind: Kind, record: ConnectRecord, withSchema: boolean): unknown {
    switch (kind) {
      case 'topic':
        return record.topic;
      case 'partition':
        return record.kafkaPartition;
      case 'offset':
        if (!isSinkRecord(record)) throw new DataError('Only SinkRecord supported for [field insertion], found: SourceRecord');
        return record.kafkaOffset;
      case 'timestamp':
        return record.timestamp === null ? null : withSchema ? new Date(record.timestamp) : record.timestamp;
      case 'static':
        return this.#staticValue;
    }
  }

  apply<R extends ConnectRecord>(record: R): R {
    const value = this.#side.value(record);
    if (value === null || value === undefined) return record;
    const schema = this.#side.schema(record);
    if (schema === null) {
      const out = newMap();
      for (const [k, v] of Object.entries(requireMap(value, 'field insertion'))) putField(out, k, v);
      for (const [kind, s] of this.#specs) putField(out, s.name, this.#insertValue(kind, record, false));
      return this.#side.update(record, null, out);
    }
    const struct = requireStruct(value, 'field insertion');
    const updated = this.#schemas.get(schema, () => {
      const b = copySchemaBasics(schema, SchemaBuilder.struct());
      for (const f of schema.fields ?? []) b.field(f.name, f.schema);
      for (const [kind, s] of this.#specs) b.field(s.name, SCHEMAS[kind][s.optional ? 1 : 0]);
      if (schema.optional) b.optional();
      return b.build();
    });
    const out = new Struct(updated);
    for (const f of schema.fields ?? []) out.put(f.name, structGet(struct, f.name, this.#replaceNull));
    for (const [kind, s] of this.#specs) out.put(s.name, this.#insertValue(kind, record, true));
    return this.#side.update(record, updated, out);
  }
}

export const insertFieldPlugins = keyValuePlugins('InsertField', INSERT_FIELD_CONFIG, (c, side) => new InsertField(c, side));
