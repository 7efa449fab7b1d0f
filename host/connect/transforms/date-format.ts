import { DataError, configError } from '../errors.ts';

/**
 * The part of java.text.SimpleDateFormat that timestamp transforms use, always in UTC: y, M, d, H, h, m, s, S,
 * a, Z, X and 'quoted' literals. Unsupported pattern letters are refused when the transform is configured.
 */
export interface DateFormat {
  format(date: Date): string;
  parse(text: string): Date;
}

type Token = { kind: 'literal'; text: string } | { kind: 'field'; letter: string; width: number };

const SUPPORTED = new Set(['y', 'M', 'd', 'H', 'h', 'm', 's', 'S', 'a', 'Z', 'X']);

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i] ?? '';
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) throw configError(`Invalid date format pattern "${pattern}": unterminated quote`);
      tokens.push({ kind: 'literal', text: end === i + 1 ? "'" : pattern.slice(i + 1, end) });
      i = end + 1;
    } else if (/[A-Za-z]/.test(ch)) {
      let j = i;
      while (pattern[j] === ch) j++;
      if (!SUPPORTED.has(ch)) throw configError(`Invalid date format pattern "${pattern}": pattern letter '${ch}' is not supported`);
      tokens.push({ kind: 'field', letter: ch, width: j - i });
      i = j;
    } else {
      tokens.push({ kind: 'literal', text: ch });
      i++;
    }
  }
  return tokens;
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

function formatField(letter: string, width: number, d: Date): string {
  switch (letter) {
    case 'y':
      return width === 2 ? pad(d.getUTCFullYear() % 100, 2) : pad(d.getUTCFullYear(), width);
    case 'M':
      return pad(d.getUTCMonth() + 1, width);
    case 'd':
      return pad(d.getUTCDate(), width);
    case 'H':
      return pad(d.getUTCHours(), width);
    case 'h':
      return pad(d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12, width);
    case 'm':
      return pad(d.getUTCMinutes(), width);
    case 's':
      return pad(d.getUTCSeconds(), width);
    case 'S':
      return pad(d.getUTCMilliseconds(), width);
    case 'a':
      return d.getUTCHours() < 12 ? 'AM' : 'PM';
    case 'Z':
      return '+0000';
    default:
      return 'Z';
  }
}

export function createDateFormat(pattern: string): DateFormat {
  const tokens = tokenize(pattern);
  return {
    format: (date) => tokens.map((t) => (t.kind === 'literal' ? t.text : formatField(t.letter, t.width, date))).join(''),
    parse: (text) => parseWith(tokens, pattern, text),
  };
}

function parseWith(tokens: Token[], pattern: string, text: string): Date {
  const f = { y: 1970, M: 1, d: 1, H: 0, m: 0, s: 0, S: 0, offset: 0, pm: false, h12: false };
  let pos = 0;
  const fail = (): never => {
    throw new DataError(`Could not parse timestamp: value (${text}) does not match pattern (${pattern})`);
  };
  for (const [idx, t] of tokens.entries()) {
    if (t.kind === 'literal') {
      if (!text.startsWith(t.text, pos)) fail();
      pos += t.text.length;
      continue;
    }
    if (t.letter === 'a') {
      const ap = text.slice(pos, pos + 2).toUpperCase();
      if (ap !== 'AM' && ap !== 'PM') fail();
      f.pm = ap === 'PM';
      pos += 2;
      continue;
    }
    if (t.letter === 'Z' || t.letter === 'X') {
      const m = /^(?:Z|([+-])(\d{2}):?(\d{2})?)/.exec(text.slice(pos));
      if (m === null) return fail();
      f.offset = m[1] === undefined ? 0 : (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
      pos += m[0].length;
      continue;
    }
    const next = tokens[idx + 1];
    const fixed = next?.kind === 'field' && next.letter !== 'a';
    const m = (fixed ? new RegExp(`^\\d{${t.width}}`) : /^\d+/).exec(text.slice(pos));
    if (m === null) return fail();
    const n = Number(m[0]);
    pos += m[0].length;
    if (t.letter === 'h') {
      f.H = n % 12;
      f.h12 = true;
    } else if (t.letter === 'y' && t.width === 2) f.y = 2000 + n;
    else (f as Record<string, number | boolean>)[t.letter] = n;
  }
  if (pos !== text.length) fail();
  const ms = Date.UTC(f.y, f.M - 1, f.d, f.H + (f.h12 && f.pm ? 12 : 0), f.m, f.s, f.S) - f.offset * 60_000;
  return Number.isNaN(ms) ? fail() : new Date(ms);
}
