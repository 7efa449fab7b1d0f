/**
 * MySQL/MariaDB SQL for the JDBC sink, as Confluent's MySqlDatabaseDialect writes it: column types from Connect
 * schemas (logical types included), CREATE TABLE and ALTER TABLE ADD, multi-row INSERT / upsert (ON DUPLICATE KEY
 * UPDATE), UPDATE and DELETE by key, and values converted to what the server takes as a parameter. `table` is
 * always the quoted, qualified name (TableRef.sql).
 */
import { base64Decode } from '@conveyor/sdk';
import type { ConnectSchema } from '@conveyor/sdk';
import type { InsertMode } from './config.ts';
import type { Column } from './fields.ts';

const DECIMAL = 'org.apache.kafka.connect.data.Decimal';
const DATE = 'org.apache.kafka.connect.data.Date';
const TIME = 'org.apache.kafka.connect.data.Time';
const TIMESTAMP = 'org.apache.kafka.connect.data.Timestamp';

export function quote(identifier: string): string {
  return `\`${identifier.replaceAll('`', '``')}\``;
}

export function sqlType(schema: ConnectSchema, key: boolean): string {
  switch (schema.name) {
    case DECIMAL:
      return `DECIMAL(65,${Number(schema.parameters?.['scale'] ?? 0)})`;
    case DATE:
      return 'DATE';
    case TIME:
      return 'TIME(3)';
    case TIMESTAMP:
      return 'DATETIME(3)';
    default:
      break;
  }
  switch (schema.type) {
    case 'int8':
      return 'TINYINT';
    case 'int16':
      return 'SMALLINT';
    case 'int32':
      return 'INT';
    case 'int64':
      return 'BIGINT';
    case 'float':
    case 'float32':
      return 'FLOAT';
    case 'double':
    case 'float64':
      return 'DOUBLE';
    case 'boolean':
      return 'TINYINT';
    case 'string':
      return key ? 'VARCHAR(256)' : 'TEXT';
    case 'bytes':
      return key ? 'VARBINARY(1024)' : 'BLOB';
    default:
      throw new Error(`${schema.type} (${schema.name ?? 'no name'}) is not supported as a column type by the MySQL dialect`);
  }
}

function literal(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? '1' : '0';
  return `'${String(v).replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

function columnDefinition(c: Column): string {
  const nullable = c.key ? false : c.schema.optional === true;
  const def = c.schema.default !== undefined && c.schema.default !== null && !['bytes'].includes(c.schema.type) && c.schema.name === undefined ? ` DEFAULT ${literal(c.schema.default)}` : '';
  return `${quote(c.name)} ${sqlType(c.schema, c.key)}${nullable ? ' NULL' : ' NOT NULL'}${def}`;
}

export function createTable(table: string, columns: readonly Column[]): string {
  const keys = columns.filter((c) => c.key).map((c) => quote(c.name));
  return `CREATE TABLE ${table} (\n${[...columns.map((c) => `  ${columnDefinition(c)}`), ...(keys.length > 0 ? [`  PRIMARY KEY(${keys.join(',')})`] : [])].join(',\n')})`;
}

/** ALTER TABLE for columns the table lacks; each must be optional or have a default (Confluent's rule). */
export function alterTable(table: string, missing: readonly Column[]): string {
  for (const c of missing) {
    if (c.key || (c.schema.optional !== true && (c.schema.default === undefined || c.schema.default === null))) {
      throw new Error(`Cannot ALTER TABLE ${table} to add missing field ${c.name}, as the field is not optional and does not have a default value`);
    }
  }
  return `ALTER TABLE ${table} ${missing.map((c) => `ADD ${columnDefinition(c)}`).join(', ')}`;
}

/** The placeholder of a column: bytes cross as base64 text and are decoded by the server. */
function placeholder(c: Column): string {
  return c.schema.type === 'bytes' && c.schema.name !== DECIMAL ? 'FROM_BASE64(?)' : '?';
}

export function insertStatement(table: string, columns: readonly Column[], rows: number, mode: InsertMode): string {
  const row = `(${columns.map(placeholder).join(',')})`;
  const base = `INSERT INTO ${table}(${columns.map((c) => quote(c.name)).join(',')}) VALUES ${Array.from({ length: rows }, () => row).join(',')}`;
  if (mode !== 'upsert') return base;
  const nonKey = columns.filter((c) => !c.key);
  const updates = (nonKey.length > 0 ? nonKey : columns.filter((c) => c.key)).map((c) => `${quote(c.name)}=VALUES(${quote(c.name)})`);
  return `${base} ON DUPLICATE KEY UPDATE ${updates.join(',')}`;
}

export function updateStatement(table: string, columns: readonly Column[]): string {
  const nonKey = columns.filter((c) => !c.key);
  const keys = columns.filter((c) => c.key);
  return `UPDATE ${table} SET ${nonKey.map((c) => `${quote(c.name)} = ${placeholder(c)}`).join(', ')} WHERE ${keys.map((c) => `${quote(c.name)} = ${placeholder(c)}`).join(' AND ')}`;
}

export function deleteStatement(table: string, keys: readonly Column[]): string {
  return `DELETE FROM ${table} WHERE ${keys.map((c) => `${quote(c.name)} = ${placeholder(c)}`).join(' AND ')}`;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function dateText(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function timeText(d: Date): string {
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

/** Kafka Connect's Decimal (two's-complement big-endian unscaled bytes, base64) as decimal text. */
export function decimalText(base64: string, scale: number): string {
  const bytes = base64Decode(base64);
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  if (bytes.length > 0 && ((bytes[0] as number) & 0x80) !== 0) n -= 1n << BigInt(bytes.length * 8);
  const negative = n < 0n;
  const digits = (negative ? -n : n).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

/** A column's value as a query parameter (scalars only; the mysql capability takes nothing else). */
export function sqlValue(value: unknown, c: Column): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  const s = c.schema;
  switch (s.name) {
    case DECIMAL:
      return typeof value === 'string' ? decimalText(value, Number(s.parameters?.['scale'] ?? 0)) : Number(value);
    case DATE:
      return dateText(new Date(Number(value) * 86_400_000));
    case TIME:
      return timeText(new Date(Number(value)));
    case TIMESTAMP: {
      const d = new Date(Number(value));
      return `${dateText(d)} ${timeText(d)}`;
    }
    default:
      break;
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' || typeof value === 'number') return value;
  throw new Error(`field ${c.name} holds a ${Array.isArray(value) ? 'array' : typeof value}, which the MySQL dialect cannot write`);
}
