/** Parses one column definition ("name type [attributes]") of CREATE TABLE or ALTER TABLE. */
import type { Cursor, Token } from './tokenizer.ts';
import type { ColumnDef, DefaultKind } from '../schema/table.ts';

/** Synonyms resolved to the base type names the type mapper knows. */
const SYNONYMS: Readonly<Record<string, string>> = {
  INTEGER: 'INT', INT4: 'INT', INT1: 'TINYINT', INT2: 'SMALLINT', INT3: 'MEDIUMINT', MIDDLEINT: 'MEDIUMINT', INT8: 'BIGINT',
  BOOL: 'BOOLEAN', DEC: 'DECIMAL', NUMERIC: 'DECIMAL', FIXED: 'DECIMAL', FLOAT4: 'FLOAT', FLOAT8: 'DOUBLE',
  CHARACTER: 'CHAR', NCHAR: 'CHAR', NVARCHAR: 'VARCHAR', VARCHARACTER: 'VARCHAR', LONG: 'MEDIUMTEXT',
};
const TWO_WORD: Readonly<Record<string, string>> = {
  'DOUBLE PRECISION': 'DOUBLE', 'CHARACTER VARYING': 'VARCHAR', 'CHAR VARYING': 'VARCHAR', 'NATIONAL CHAR': 'CHAR',
  'NATIONAL CHARACTER': 'CHAR', 'NATIONAL VARCHAR': 'VARCHAR', 'LONG VARCHAR': 'MEDIUMTEXT', 'LONG VARBINARY': 'MEDIUMBLOB',
  'NCHAR VARCHAR': 'VARCHAR',
};
const STOP = new Set([',', ')']);

function readType(c: Cursor): { typeName: string; words: string[] } {
  const first = c.next();
  if (first.kind !== 'word') throw new Error(`expected a data type but found ${first.text}`);
  const second = c.peek();
  if (second?.kind === 'word') {
    const two = `${first.value} ${second.value}`;
    const resolved = TWO_WORD[two];
    if (resolved) {
      c.next();
      if (resolved === 'CHAR' && c.peek()?.value === 'VARYING') {
        c.next();
        return { typeName: 'VARCHAR', words: [first.text, second.text, 'VARYING'] };
      }
      return { typeName: resolved, words: [first.text, second.text] };
    }
  }
  return { typeName: SYNONYMS[first.value] ?? first.value, words: [first.text] };
}

/**
 * Reads a DEFAULT value: a literal (string, signed number, b'0101', x'ab' / 0xab, TRUE, NULL, a charset-introduced
 * string), a function call or a parenthesised expression. The text is the literal's value (strings unquoted).
 */
function readDefault(c: Cursor): { text: string; kind: DefaultKind } {
  const t = c.next();
  if (t.kind === 'punct' && t.value === '(') {
    c.pos--;
    return { text: `(${c.group()})`, kind: 'expression' };
  }
  if (t.kind === 'punct' && (t.value === '-' || t.value === '+')) return { text: t.value + c.next().text, kind: 'number' };
  if (t.kind === 'word' && c.peek()?.value === '(') return { text: `${t.text}(${c.group()})`, kind: 'expression' };
  if (t.kind === 'string') return { text: t.value, kind: 'string' };
  if (t.kind === 'word' && c.peek()?.kind === 'string') {
    const literal = c.next();
    if (t.value === 'B') return { text: `b'${literal.value}'`, kind: 'bits' };
    if (t.value === 'X') return { text: `x'${literal.value}'`, kind: 'hex' };
    return { text: literal.value, kind: 'string' };
  }
  if (t.kind === 'number') return { text: t.text, kind: /^0x/i.test(t.text) ? 'hex' : 'number' };
  return { text: t.text, kind: t.kind === 'word' && /^(TRUE|FALSE)$/.test(t.value) ? 'boolean' : 'expression' };
}

function argsOf(tokens: Token[]): { nums: number[]; strings: string[] } {
  return {
    nums: tokens.filter((t) => t.kind === 'number').map((t) => Number(t.value)),
    strings: tokens.filter((t) => t.kind === 'string').map((t) => t.value),
  };
}

export interface ParsedColumn {
  column: ColumnDef;
  primaryKey: boolean;
  /** FIRST, AFTER <col> or null (append). */
  placement: { first: true } | { after: string } | null;
}

export function parseColumn(c: Cursor, name: string): ParsedColumn {
  const { typeName, words } = readType(c);
  const column: ColumnDef = {
    name, typeName, typeExpression: words.join(' ').toLowerCase(), unsigned: false, length: null, scale: null, enumValues: null,
    charset: null, optional: true, autoIncrement: false, generated: false, defaultExpression: null, defaultKind: null, comment: null,
  };
  if (c.peek()?.value === '(' && c.peek()?.kind === 'punct') {
    const start = c.pos + 1;
    c.group();
    const { nums, strings } = argsOf(c.tokens.slice(start, c.pos - 1));
    if (typeName === 'ENUM' || typeName === 'SET') column.enumValues = strings;
    else {
      column.length = nums[0] ?? null;
      column.scale = nums[1] ?? null;
    }
    column.typeExpression += `(${c.tokens.slice(start, c.pos - 1).map((t) => t.text).join('')})`;
  }
  if (typeName === 'SERIAL') {
    Object.assign(column, { typeName: 'BIGINT', unsigned: true, optional: false, autoIncrement: true, typeExpression: 'bigint unsigned' });
  }
  let primaryKey = false;
  let placement: ParsedColumn['placement'] = null;
  while (!c.done() && !(c.peek()!.kind === 'punct' && STOP.has(c.peek()!.value))) {
    if (c.accept('UNSIGNED')) {
      column.unsigned = true;
      column.typeExpression += ' unsigned';
    } else if (c.accept('SIGNED')) {
      // the default
    } else if (c.accept('ZEROFILL')) {
      column.unsigned = true;
      column.typeExpression += ' zerofill';
    } else if (c.accept('NOT', 'NULL')) column.optional = false;
    else if (c.accept('NULL')) column.optional = true;
    else if (c.accept('CHARACTER', 'SET') || c.accept('CHARSET')) column.charset = c.ident().toLowerCase();
    else if (c.accept('COLLATE')) c.ident();
    else if (c.accept('DEFAULT')) {
      const d = readDefault(c);
      const isNull = d.kind === 'expression' && d.text.toUpperCase() === 'NULL';
      column.defaultExpression = isNull ? null : d.text;
      column.defaultKind = isNull ? null : d.kind;
    }
    else if (c.accept('AUTO_INCREMENT')) column.autoIncrement = true;
    else if (c.accept('PRIMARY', 'KEY') || (c.peek()?.value === 'KEY' && c.accept('KEY'))) {
      primaryKey = true;
      column.optional = false;
    } else if (c.accept('UNIQUE')) c.accept('KEY');
    else if (c.accept('COMMENT')) column.comment = c.next().value;
    else if (c.accept('ON', 'UPDATE')) readDefault(c);
    else if (c.accept('GENERATED', 'ALWAYS', 'AS') || c.accept('AS')) {
      column.generated = true;
      c.group();
    } else if (c.accept('CHECK')) {
      // MariaDB shows a JSON column as LONGTEXT with CHECK (json_valid(...)); Debezium's MariaDB connector then
      // types it as a plain string (only a JSON type in the DDL gives io.debezium.data.Json), and so do we.
      c.group();
    } else if (c.accept('REFERENCES')) {
      c.qualifiedName('');
      if (c.peek()?.value === '(') c.group();
    } else if (c.accept('FIRST')) placement = { first: true };
    else if (c.accept('AFTER')) placement = { after: c.ident() };
    else if (c.peek()?.value === '(' && c.peek()?.kind === 'punct') c.group();
    else c.next();
  }
  if (column.typeName === 'BIT' && column.length === null) column.length = 1;
  return { column, primaryKey, placement };
}
