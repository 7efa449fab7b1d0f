/** A small MySQL/MariaDB lexer: enough of the grammar for the DDL the schema tracker reads. */

export type TokenKind = 'word' | 'ident' | 'string' | 'number' | 'punct';
export interface Token {
  kind: TokenKind;
  /** Words upper-cased; quoted identifiers and strings unescaped. */
  value: string;
  /** The source text of the token, for re-assembling expressions. */
  text: string;
}

const PUNCT = new Set(['(', ')', ',', ';', '.', '=', '+', '-', '*', '/', '<', '>', '!', '@', ':', '%', '&', '|', '^', '~', '?', '{', '}', '[', ']']);

function readQuoted(sql: string, start: number, quote: string): [string, number] {
  let out = '';
  let i = start + 1;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === '\\' && quote !== '`') {
      const next = sql[i + 1] ?? '';
      const esc: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', Z: '\x1a' };
      out += esc[next] ?? next;
      i += 2;
      continue;
    }
    if (ch === quote) {
      if (sql[i + 1] === quote) {
        out += quote;
        i += 2;
        continue;
      }
      return [out, i + 1];
    }
    out += ch;
    i++;
  }
  throw new Error(`unterminated ${quote} quote`);
}

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '#' || (ch === '-' && sql[i + 1] === '-' && /\s|$/.test(sql[i + 2] ?? ''))) {
      while (i < sql.length && sql[i] !== '\n') i++;
    } else if (ch === '/' && sql[i + 1] === '*') {
      if (sql[i + 2] === '!' || sql[i + 2] === 'M' && sql[i + 3] === '!') {
        // Executable comments: their content is part of the statement.
        i += sql[i + 2] === '!' ? 3 : 4;
        while (/\d/.test(sql[i] ?? '')) i++;
        const end = sql.indexOf('*/', i);
        const inner = sql.slice(i, end < 0 ? sql.length : end);
        tokens.push(...tokenize(inner));
        i = end < 0 ? sql.length : end + 2;
      } else {
        const end = sql.indexOf('*/', i + 2);
        i = end < 0 ? sql.length : end + 2;
      }
    } else if (ch === '`' || ch === '"') {
      const [value, next] = readQuoted(sql, i, ch);
      tokens.push({ kind: ch === '`' ? 'ident' : 'string', value, text: sql.slice(i, next) });
      i = next;
    } else if (ch === "'") {
      const [value, next] = readQuoted(sql, i, ch);
      tokens.push({ kind: 'string', value, text: sql.slice(i, next) });
      i = next;
    } else if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const m = /^(?:0x[0-9a-f]+|\d*\.?\d+(?:e[+-]?\d+)?)/i.exec(sql.slice(i))!;
      const text = m[0];
      // An identifier may start with digits (e.g. 1col): keep reading word characters.
      const word = /^[0-9]+[A-Za-z_$][\w$]*/.exec(sql.slice(i));
      if (word) {
        tokens.push({ kind: 'word', value: word[0].toUpperCase(), text: word[0] });
        i += word[0].length;
      } else {
        tokens.push({ kind: 'number', value: text, text });
        i += text.length;
      }
    } else if (/[A-Za-z_$\u0080-\uffff]/.test(ch)) {
      const m = /^[\w$\u0080-\uffff]+/.exec(sql.slice(i))!;
      tokens.push({ kind: 'word', value: m[0].toUpperCase(), text: m[0] });
      i += m[0].length;
    } else if (PUNCT.has(ch)) {
      tokens.push({ kind: 'punct', value: ch, text: ch });
      i++;
    } else {
      i++;
    }
  }
  return tokens;
}

/** A cursor over tokens with the few look-ahead helpers the parser needs. */
export class Cursor {
  readonly tokens: Token[];
  pos = 0;
  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }
  peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }
  done(): boolean {
    return this.pos >= this.tokens.length || this.peek()?.value === ';';
  }
  next(): Token {
    const t = this.tokens[this.pos++];
    if (!t) throw new Error('unexpected end of statement');
    return t;
  }
  /** True (and consumed) when the next tokens are these upper-case words/punctuation. */
  accept(...values: string[]): boolean {
    for (let i = 0; i < values.length; i++) {
      const t = this.peek(i);
      if (!t || t.kind === 'ident' || t.kind === 'string' || t.value !== values[i]) return false;
    }
    this.pos += values.length;
    return true;
  }
  expect(value: string): void {
    if (!this.accept(value)) throw new Error(`expected ${value} but found ${this.peek()?.text ?? 'end of statement'}`);
  }
  /** An identifier: quoted, or a bare word (keywords allowed, as MySQL allows many). */
  ident(): string {
    const t = this.next();
    if (t.kind === 'ident' || t.kind === 'string') return t.value;
    if (t.kind === 'word') return t.text;
    throw new Error(`expected a name but found ${t.text}`);
  }
  /** db.table or table (the current database). */
  qualifiedName(defaultDb: string): { db: string; name: string } {
    const first = this.ident();
    if (this.peek()?.value === '.' && this.peek()?.kind === 'punct') {
      this.next();
      return { db: first, name: this.ident() };
    }
    return { db: defaultDb, name: first };
  }
  /** Skips a balanced parenthesised group starting at '(' and returns its inner text. */
  group(): string {
    this.expect('(');
    const start = this.pos;
    let depth = 1;
    while (depth > 0) {
      const t = this.next();
      if (t.kind === 'punct' && t.value === '(') depth++;
      else if (t.kind === 'punct' && t.value === ')') depth--;
    }
    return this.tokens.slice(start, this.pos - 1).map((t) => t.text).join(' ');
  }
  /** Skips to the next ',' or ')' at this nesting depth, without consuming it. */
  skipItem(): void {
    let depth = 0;
    while (!this.done()) {
      const t = this.peek()!;
      if (t.kind === 'punct' && t.value === '(') depth++;
      if (t.kind === 'punct' && t.value === ')') {
        if (depth === 0) return;
        depth--;
      }
      if (t.kind === 'punct' && t.value === ',' && depth === 0) return;
      this.next();
    }
  }
}
