/**
 * A _bulk body a plugin sent as NDJSON text: checked line by line before it goes to Elasticsearch. Every action
 * line is parsed, must name one of index/create/update/delete and an index the policy allows, and is written out
 * again from what was parsed (so Elasticsearch reads exactly what was checked); the document line that follows
 * index/create/update is passed on as the bytes it crossed in. Empty lines are refused: they would let the two
 * parsers disagree about which line is an action.
 */
import { invalid } from './validate.ts';

const NEWLINE = 0x0a;
const ACTIONS = new Set(['index', 'create', 'update', 'delete']);

/** The checked body (ending with a newline) and how many operations it holds. */
export function checkBulkBody(call: string, body: Buffer, maxLines: number, checkIndex: (index: unknown) => void): { body: Buffer; operations: number } {
  const parts: Buffer[] = [];
  let pos = 0;
  let lines = 0;
  let operations = 0;
  const nextLine = (): Buffer | null => {
    if (pos >= body.length) return null;
    let end = body.indexOf(NEWLINE, pos);
    if (end < 0) end = body.length;
    const line = body.subarray(pos, end);
    pos = end + 1;
    if (++lines > maxLines) throw invalid(call, `operations: at most ${maxLines} lines`);
    if (line.length === 0 || (line.length === 1 && line[0] === 0x0d)) throw invalid(call, `operations: line ${lines} is empty`);
    return line;
  };
  for (let line = nextLine(); line !== null; line = nextLine()) {
    let action: unknown;
    try {
      action = JSON.parse(line.toString('utf8'));
    } catch {
      throw invalid(call, `operations: line ${lines} is not a JSON action line`);
    }
    const keys = typeof action === 'object' && action !== null && !Array.isArray(action) ? Object.keys(action) : [];
    const kind = keys[0];
    const meta = kind === undefined ? undefined : (action as Record<string, unknown>)[kind];
    if (keys.length !== 1 || !ACTIONS.has(kind!) || typeof meta !== 'object' || meta === null || Array.isArray(meta)) {
      throw invalid(call, `operations: line ${lines} must be an action line {"index"|"create"|"update"|"delete": {...}}`);
    }
    checkIndex((meta as Record<string, unknown>)['_index']);
    parts.push(Buffer.from(JSON.stringify(action) + '\n'));
    operations++;
    if (kind === 'delete') continue;
    const doc = nextLine();
    if (doc === null) throw invalid(call, `operations: the ${kind} action on line ${lines} has no document line`);
    parts.push(doc, Buffer.from('\n'));
  }
  return { body: Buffer.concat(parts), operations };
}
