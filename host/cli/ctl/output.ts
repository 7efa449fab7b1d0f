/**
 * What commands print: `-o table` (the default, aligned columns for people, states coloured when stdout is a terminal
 * and NO_COLOR is unset), `-o json` and `-o yaml` (the REST answers, for scripts).
 */
export type OutputFormat = 'table' | 'json' | 'yaml';

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json', 'yaml'];

export interface Out {
  readonly format: OutputFormat;
  readonly color: boolean;
  write(text: string): void;
}

export function stdoutOut(format: OutputFormat, stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): Out {
  const color = stream.isTTY === true && (env['NO_COLOR'] ?? '') === '' && env['TERM'] !== 'dumb';
  return { format, color, write: (text) => void stream.write(text) };
}

const COLORS: Record<string, string> = { RUNNING: '32', PAUSED: '33', RESTARTING: '33', UNASSIGNED: '33', STOPPED: '36', FAILED: '31' };

/** A connector or task state, coloured on a terminal. */
export function state(s: string, color: boolean): string {
  const code = COLORS[s];
  return color && code !== undefined ? `\u001b[${code}m${s}\u001b[0m` : s;
}

const ESCAPES = /\u001b\[[0-9;]*m/g;
const width = (s: string): number => s.replace(ESCAPES, '').length;

/** Columns separated by three spaces, headers in capitals, as kubectl prints them. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - width(c)))).join('   ').trimEnd();
  return [line(headers.map((h) => h.toUpperCase())), ...rows.map(line)].join('\n') + '\n';
}

const PLAIN = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
const RESERVED = new Set(['true', 'false', 'null', 'yes', 'no', 'on', 'off', '~', 'y', 'n']);

function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return PLAIN.test(s) && !RESERVED.has(s.toLowerCase()) ? s : JSON.stringify(s);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** YAML for JSON values (block style; strings quoted as JSON when a plain scalar would be read otherwise). */
export function toYaml(v: unknown, indent = ''): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]\n';
    return v.map((item) => {
      if (isObject(item) && Object.keys(item).length > 0) return `${indent}- ${toYaml(item, `${indent}  `).slice(indent.length + 2)}`;
      if (Array.isArray(item) && item.length > 0) return `${indent}-\n${toYaml(item, `${indent}  `)}`;
      return `${indent}- ${inline(item)}\n`;
    }).join('');
  }
  if (isObject(v)) {
    const entries = Object.entries(v);
    if (entries.length === 0) return '{}\n';
    return entries.map(([k, val]) => {
      const key = `${indent}${scalar(k)}:`;
      if ((isObject(val) && Object.keys(val).length > 0) || (Array.isArray(val) && val.length > 0)) return `${key}\n${toYaml(val, `${indent}  `)}`;
      return `${key} ${inline(val)}\n`;
    }).join('');
  }
  return `${indent}${scalar(v)}\n`;
}

function inline(v: unknown): string {
  if (Array.isArray(v)) return '[]';
  if (isObject(v)) return '{}';
  return scalar(v);
}

/** A REST answer as json or yaml, or (format table) what `asTable` makes of it. */
export function print(out: Out, data: unknown, asTable: () => string): void {
  if (out.format === 'json') out.write(JSON.stringify(data, null, 2) + '\n');
  else if (out.format === 'yaml') out.write(toYaml(data));
  else out.write(asTable());
}
