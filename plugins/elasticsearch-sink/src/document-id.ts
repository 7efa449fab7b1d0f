/**
 * Document ids. With key.ignore the id is `<topic>+<partition>+<offset>` (Confluent's). Otherwise the record
 * key is the id:
 * - a string or integer key (int8..int64, string schema; or schemaless string/integer) is used as its text,
 *   as Confluent does; other primitive types are refused, as Confluent does;
 * - a struct key (e.g. Debezium's primary-key struct) is accepted, unlike Confluent, so CDC topics need no
 *   extra transform: a one-field struct uses that field's value as above; with several fields each value is
 *   written as text (strings as they are, numbers and booleans as JSON, bytes/decimals as their base64 text),
 *   `\` and `+` in it escaped with a backslash, and the parts joined with `+` in the key schema's field order
 *   (a schemaless object key: its field names sorted). So {a: 1, b: "x+y"} gives `1+x\+y`. A null field, a
 *   nested struct or an array in a key is refused: they would make ids that collide or change meaning.
 */
import type { JsonValue } from '@conveyor/sdk';
import { baseType } from './connect-schema.ts';
import type { ConnectSchema } from './connect-schema.ts';
import { dataError } from './errors.ts';

export function offsetDocumentId(topic: string, partition: number, offset: number): string {
  return `${topic}+${partition}+${offset}`;
}

const ID_TYPES = new Set(['int8', 'int16', 'int32', 'int64', 'string']);

export function keyDocumentId(key: JsonValue | undefined, keySchema: ConnectSchema | null | undefined): string {
  if (key === null || key === undefined) throw dataError('Key is used as document id and can not be null; set key.ignore=true or give the records keys');
  if (keySchema !== null && keySchema !== undefined) {
    const type = baseType(keySchema);
    if (type === 'struct') return structId(key, keySchema);
    if (!ID_TYPES.has(type)) throw dataError(`${type.toUpperCase()} is not supported as the document id; use a string, integer or struct key, or set key.ignore=true`);
    return nonEmpty(scalarText(key, 'key'));
  }
  if (typeof key === 'string') return nonEmpty(key);
  if (typeof key === 'number' && Number.isInteger(key)) return String(key);
  if (typeof key === 'object' && !Array.isArray(key)) return objectId(key);
  throw dataError(`${Array.isArray(key) ? 'ARRAY' : typeof key === 'number' ? 'FLOAT64' : 'BOOLEAN'} is not supported as the document id; use a string, integer or struct key, or set key.ignore=true`);
}

function structId(key: JsonValue, schema: ConnectSchema): string {
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw dataError('key does not match its struct schema');
  const fields = schema.fields ?? [];
  if (fields.length === 0) throw dataError('a struct key without fields cannot be a document id; set key.ignore=true');
  const parts = fields.map((f) => scalarText(key[f.field] ?? f.default ?? null, `key field ${f.field}`));
  return nonEmpty(parts.length === 1 ? parts[0]! : parts.map(escapePart).join('+'));
}

function objectId(key: { [k: string]: JsonValue }): string {
  const names = Object.keys(key).sort();
  if (names.length === 0) throw dataError('an empty object key cannot be a document id; set key.ignore=true');
  const parts = names.map((n) => scalarText(key[n] ?? null, `key field ${n}`));
  return nonEmpty(parts.length === 1 ? parts[0]! : parts.map(escapePart).join('+'));
}

function scalarText(value: JsonValue, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (value === null) throw dataError(`${what} is null and cannot be part of a document id`);
  throw dataError(`${what} is ${Array.isArray(value) ? 'an array' : 'a struct'} and cannot be part of a document id`);
}

function escapePart(part: string): string {
  return part.replace(/[\\+]/g, (c) => `\\${c}`);
}

function nonEmpty(id: string): string {
  if (id === '') throw dataError('Key is used as document id and can not be empty');
  return id;
}
