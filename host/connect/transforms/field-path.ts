import type { ConfigKey } from '../config/config-def.ts';

export const FIELD_SYNTAX_VERSION: ConfigKey = {
  name: 'field.syntax.version',
  type: 'STRING',
  default: 'V1',
  validValues: ['V1', 'V2'],
  caseInsensitive: true,
  importance: 'HIGH',
  documentation:
    'Defines the version of the syntax to access fields. If set to `V1`, then the field paths are limited to access the elements at the root level of the struct or map. ' +
    'If set to `V2`, the syntax will support accessing nested elements. To access nested elements, dotted notation is used. ' +
    'If dots are already included in the field name, then backtick pairs can be used to wrap field names containing dots.',
};

/** A field path: one segment in V1; in V2 dotted segments where `backticks` protect dots inside a name. */
export function parseFieldPath(path: string, version: unknown): string[] {
  if (version !== 'V2') return [path];
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < path.length; i++) {
    const ch = path[i] ?? '';
    if (ch === '`' && (quoted || current === '')) {
      if (quoted && path[i + 1] !== undefined && path[i + 1] !== '.') {
        current += ch;
        continue;
      }
      quoted = !quoted;
      continue;
    }
    if (ch === '.' && !quoted) {
      out.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  out.push(current);
  return out;
}
