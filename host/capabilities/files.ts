import { appendFile, open, readdir, readFile, realpath, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import type { CapabilityPolicy } from './policy.ts';
import type { CapabilityMethods } from './types.ts';
import { denied, invalid, obj, str, text } from './validate.ts';

const MAX_FILE = 4 * 1024 * 1024;

/** Resolves a path (following symlinks of what exists) and checks it stays inside an allowed directory. */
async function inside(call: string, policy: CapabilityPolicy, path: string): Promise<string> {
  if (!isAbsolute(path)) throw invalid(call, `path ${JSON.stringify(path)} must be absolute`);
  const target = resolve(path);
  let real: string;
  try {
    real = await realpath(target);
  } catch {
    real = resolve(await realpath(dirname(target)).catch(() => dirname(target)), target.slice(dirname(target).length + 1));
  }
  for (const dir of policy.fileDirs) {
    const root = await realpath(dir).catch(() => resolve(dir));
    if (real === root || real.startsWith(root + sep)) return real;
  }
  throw denied(call, path, 'path outside the directories in the connector policy');
}

export function filesCapability(policy: CapabilityPolicy): CapabilityMethods {
  /**
   * Writes to one path apply in the order the task issued them, even when it does not wait for each: a sink may keep
   * several appends in flight and wait for them all in flush/preCommit.
   */
  const writes = new Map<string, Promise<unknown>>();
  const inOrder = <T>(path: string, op: () => Promise<T>): Promise<T> => {
    const key = resolve(path);
    const next = (writes.get(key) ?? Promise.resolve()).then(op, op);
    const tail = next.catch(() => undefined);
    writes.set(key, tail);
    void tail.then(() => {
      if (writes.get(key) === tail) writes.delete(key);
    });
    return next;
  };
  return {
    async read(args) {
      const path = await inside('files.read', policy, str('files.read', args, 0, 'path', 4096));
      const s = await stat(path);
      if (s.size > MAX_FILE) throw invalid('files.read', `file of ${s.size} bytes exceeds ${MAX_FILE}`);
      return readFile(path, 'utf8');
    },
    write(args) {
      const requested = str('files.write', args, 0, 'path', 4096);
      const data = text('files.write', args, 1, 'data', MAX_FILE);
      const opts = obj('files.write', args, 2, 'options', true);
      if (!isAbsolute(requested)) throw invalid('files.write', `path ${JSON.stringify(requested)} must be absolute`);
      return inOrder(requested, async () => {
        const path = await inside('files.write', policy, requested);
        await (opts['append'] === true ? appendFile(path, data) : writeFile(path, data));
        return null;
      });
    },
    async readLines(args) {
      const path = await inside('files.readLines', policy, str('files.readLines', args, 0, 'path', 4096));
      const position = args[1];
      const max = args[2];
      if (typeof position !== 'number' || !Number.isSafeInteger(position) || position < 0) throw invalid('files.readLines', 'position must be a non-negative integer');
      if (typeof max !== 'number' || !Number.isSafeInteger(max) || max < 1 || max > MAX_FILE) throw invalid('files.readLines', `maxBytes must be an integer in [1, ${MAX_FILE}]`);
      const fh = await open(path, 'r');
      try {
        const buf = Buffer.alloc(max);
        const { bytesRead } = await fh.read(buf, 0, max, position);
        const end = buf.subarray(0, bytesRead).lastIndexOf(10);
        if (end < 0) return { lines: [], position };
        const text = buf.subarray(0, end).toString('utf8');
        return { lines: text.split('\n'), position: position + end + 1 };
      } finally {
        await fh.close();
      }
    },
    async list(args) {
      const dir = await inside('files.list', policy, str('files.list', args, 0, 'dir', 4096));
      return (await readdir(dir)).slice(0, 10_000);
    },
  };
}
