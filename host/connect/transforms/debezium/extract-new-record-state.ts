/**
 * io.debezium.transforms.ExtractNewRecordState ("unwrap"): a Debezium change event (a struct whose schema name
 * ends in .Envelope) becomes its row state `after`; records that are not envelopes pass unchanged.
 *
 * Deletes and tombstones follow delete.tombstone.handling.mode:
 *   drop                    delete events and tombstones are dropped
 *   tombstone (default)     delete events are dropped, the tombstones that follow them kept
 *   rewrite                 delete events become `before` plus __deleted="true" (others get "false"); tombstones dropped
 *   rewrite-with-tombstone  as rewrite, tombstones kept
 *   delete-to-tombstone     delete events become tombstones (null value, same key); original tombstones dropped
 * Without it, the deprecated delete.handling.mode (drop | none | rewrite; drop when absent) and drop.tombstones
 * (true when absent) decide; none turns a delete event into a tombstone, as the old SMT did.
 * Truncate events (op=t) carry no row and are dropped.
 *
 * add.fields / add.headers take `field`, `struct.field` or either with `:newName`. A bare field is read from the
 * envelope when it has one by that name (op, ts_ms, ...), otherwise from `source`; `source.ts_ms` is named
 * __source_ts_ms. route.by.field names a row field whose value becomes the topic.
 */
import type { ConfigDef, ParsedConfig } from '../../config/config-def.ts';
import { SchemaBuilder, Schemas } from '../../data/schema.ts';
import { Struct } from '../../data/struct.ts';
import type { Schema } from '../../data/types.ts';
import { header, newRecord } from '../../record.ts';
import type { ConnectRecord } from '../../record.ts';
import type { Transformation, TransformPlugin } from '../types.ts';
import { schemaCache, structGet } from '../util.ts';

export const EXTRACT_NEW_RECORD_STATE_CLASS = 'io.debezium.transforms.ExtractNewRecordState';
export const DELETED_FIELD = '__deleted';

const MODES = ['drop', 'tombstone', 'rewrite', 'rewrite-with-tombstone', 'delete-to-tombstone'] as const;
export type DeleteTombstoneMode = (typeof MODES)[number];

export const EXTRACT_NEW_RECORD_STATE_CONFIG: ConfigDef = [
  { name: 'delete.tombstone.handling.mode', type: 'STRING', default: null, validValues: MODES, caseInsensitive: true, importance: 'MEDIUM', documentation: 'How to handle delete events and tombstones: drop, tombstone (default), rewrite, rewrite-with-tombstone, delete-to-tombstone.' },
  { name: 'delete.handling.mode', type: 'STRING', default: null, validValues: ['drop', 'none', 'rewrite'], caseInsensitive: true, importance: 'LOW', documentation: 'Deprecated; use delete.tombstone.handling.mode. drop, none or rewrite.' },
  { name: 'drop.tombstones', type: 'BOOLEAN', default: null, importance: 'LOW', documentation: 'Deprecated; use delete.tombstone.handling.mode. Whether tombstones are dropped.' },
  { name: 'route.by.field', type: 'STRING', default: '', importance: 'LOW', documentation: 'A row field whose value replaces the topic name.' },
  { name: 'add.fields.prefix', type: 'STRING', default: '__', importance: 'LOW', documentation: 'Prefix of the added fields.' },
  { name: 'add.fields', type: 'LIST', default: [], importance: 'LOW', documentation: 'Envelope or source fields added to the row, e.g. op,table,source.ts_ms or ts_ms:EVENT_TS.' },
  { name: 'add.headers.prefix', type: 'STRING', default: '__', importance: 'LOW', documentation: 'Prefix of the added headers.' },
  { name: 'add.headers', type: 'LIST', default: [], importance: 'LOW', documentation: 'Envelope or source fields added as headers, same syntax as add.fields.' },
  { name: 'replace.null.with.default', type: 'BOOLEAN', default: true, importance: 'LOW', documentation: 'Null row values are replaced by their schema defaults when the row is rebuilt.' },
];

interface FieldRef {
  readonly struct: string | null;
  readonly field: string;
  readonly outName: string;
}

function fieldRefs(specs: readonly string[], prefix: string): FieldRef[] {
  return specs.filter((s) => s.trim() !== '').map((raw) => {
    const [path = '', rename] = raw.trim().split(':');
    const dot = path.indexOf('.');
    const struct = dot < 0 ? null : path.slice(0, dot);
    const field = dot < 0 ? path : path.slice(dot + 1);
    return { struct, field, outName: prefix + (rename ?? (struct === null ? field : `${struct}_${field}`)) };
  });
}

/** delete.tombstone.handling.mode, or its equivalent from the deprecated keys. */
export function resolveMode(config: ParsedConfig): { deletes: 'drop' | 'tombstone' | 'rewrite'; keepTombstones: boolean } {
  const mode = config['delete.tombstone.handling.mode'] as DeleteTombstoneMode | null;
  switch (mode) {
    case 'drop':
      return { deletes: 'drop', keepTombstones: false };
    case 'rewrite':
      return { deletes: 'rewrite', keepTombstones: false };
    case 'rewrite-with-tombstone':
      return { deletes: 'rewrite', keepTombstones: true };
    case 'delete-to-tombstone':
      return { deletes: 'tombstone', keepTombstones: false };
    case 'tombstone':
      return { deletes: 'drop', keepTombstones: true };
  }
  const legacy = config['delete.handling.mode'] as 'drop' | 'none' | 'rewrite' | null;
  const dropTombstones = config['drop.tombstones'] as boolean | null;
  if (legacy === null && dropTombstones === null) return { deletes: 'drop', keepTombstones: true };
  return { deletes: legacy === 'none' ? 'tombstone' : (legacy ?? 'drop'), keepTombstones: dropTombstones === false };
}

class ExtractNewRecordState implements Transformation {
  readonly #mode: ReturnType<typeof resolveMode>;
  readonly #routeBy: string;
  readonly #fields: FieldRef[];
  readonly #headers: FieldRef[];
  readonly #replaceNull: boolean;
  readonly #schemas = schemaCache<Schema>();

  constructor(config: ParsedConfig) {
    this.#mode = resolveMode(config);
    this.#routeBy = (config['route.by.field'] as string | null) ?? '';
    this.#fields = fieldRefs(config['add.fields'] as string[], String(config['add.fields.prefix']));
    this.#headers = fieldRefs(config['add.headers'] as string[], String(config['add.headers.prefix']));
    this.#replaceNull = config['replace.null.with.default'] === true;
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    if (record.value === null) return this.#mode.keepTombstones ? record : null;
    const envelope = record.value;
    if (!(envelope instanceof Struct) || record.valueSchema?.name?.endsWith('.Envelope') !== true) return record;
    const headers = [...record.headers, ...this.#headers.map((h) => {
      const [schema, value] = lookup(envelope, h);
      return header(h.outName, schema, value);
    })];
    const after = optionalStruct(envelope, 'after');
    const op = envelope.schema.fields?.some((f) => f.name === 'op') === true ? envelope.get('op') : null;
    if (after !== null) return this.#row(record, envelope, after, headers, false);
    if (op === 't') return null;
    const before = optionalStruct(envelope, 'before');
    switch (this.#mode.deletes) {
      case 'drop':
        return null;
      case 'tombstone':
        return newRecord(record, { valueSchema: null, value: null, headers });
      case 'rewrite':
        return before === null ? null : this.#row(record, envelope, before, headers, true);
    }
  }

  #row<R extends ConnectRecord>(record: R, envelope: Struct, row: Struct, headers: ConnectRecord['headers'], deleted: boolean): R {
    const rewrite = this.#mode.deletes === 'rewrite';
    let value = row;
    if (this.#fields.length > 0 || rewrite || !this.#replaceNull) {
      const extra = this.#fields.map((f) => [f, ...lookup(envelope, f)] as const);
      const schema = this.#schemas.get(row.schema, () => {
        const b = SchemaBuilder.from(row.schema);
        for (const [f, s] of extra) b.field(f.outName, s);
        if (rewrite) b.field(DELETED_FIELD, Schemas.OPTIONAL_STRING);
        return b.build();
      });
      value = new Struct(schema);
      for (const f of row.schema.fields ?? []) value.put(f.name, structGet(row, f.name, this.#replaceNull));
      for (const [f, , v] of extra) value.put(f.outName, v);
      if (rewrite) value.put(DELETED_FIELD, deleted ? 'true' : 'false');
    }
    const topic = this.#routeBy === '' ? record.topic : routeTopic(row, this.#routeBy) ?? record.topic;
    return newRecord(record, { topic, valueSchema: value.schema, value, headers });
  }
}

function optionalStruct(envelope: Struct, name: string): Struct | null {
  if (envelope.schema.fields?.some((f) => f.name === name) !== true) return null;
  const v = envelope.get(name);
  return v instanceof Struct ? v : null;
}

/** The optional schema and value of an added field; a field the event lacks reads as a null string. */
function lookup(envelope: Struct, ref: FieldRef): [Schema, unknown] {
  const hasTop = ref.struct === null && envelope.schema.fields?.some((f) => f.name === ref.field) === true;
  const holder = hasTop ? envelope : optionalStruct(envelope, ref.struct ?? 'source');
  const field = holder?.schema.fields?.find((f) => f.name === ref.field);
  if (holder === null || field === undefined) return [Schemas.OPTIONAL_STRING, null];
  const schema = field.schema.optional ? field.schema : SchemaBuilder.from(field.schema).optional().build();
  return [schema, holder.get(ref.field)];
}

function routeTopic(row: Struct, field: string): string | null {
  if (row.schema.fields?.some((f) => f.name === field) !== true) return null;
  const v = row.get(field);
  return v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v);
}

export function extractNewRecordState(config: ParsedConfig): Transformation {
  return new ExtractNewRecordState(config);
}

export const extractNewRecordStatePlugin: TransformPlugin = {
  className: EXTRACT_NEW_RECORD_STATE_CLASS,
  aliases: ['ExtractNewRecordState'],
  version: '3.0.0',
  configDef: EXTRACT_NEW_RECORD_STATE_CONFIG,
  create: (config) => extractNewRecordState(config),
};
