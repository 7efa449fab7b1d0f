/** Reads the regular files of a .tgz bundle into memory (ustar; no extraction to disk, so no path tricks apply). */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';

const MAX_UNPACKED = 64 * 1024 * 1024;
const MAX_ENTRIES = 1000;

function field(block: Buffer, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.toString('utf8', 0, end < 0 ? raw.length : end);
}

/** File name (with any single top-level directory removed) → contents. */
export async function readTgz(path: string): Promise<Map<string, Buffer>> {
  const compressed = await readFile(path);
  const tar = gunzipSync(compressed, { maxOutputLength: MAX_UNPACKED });
  const files = new Map<string, Buffer>();
  let off = 0;
  while (off + 512 <= tar.length) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const name = (field(header, 345, 155) ? `${field(header, 345, 155)}/` : '') + field(header, 0, 100);
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    if (!Number.isFinite(size) || size < 0) throw new Error(`bad tar header for ${name}`);
    const type = String.fromCharCode(header[156] ?? 0);
    if (type === '0' || type === '\0') files.set(name.replace(/^\.\//, ''), tar.subarray(off + 512, off + 512 + size));
    if (files.size > MAX_ENTRIES) throw new Error(`more than ${MAX_ENTRIES} entries`);
    off += 512 + Math.ceil(size / 512) * 512;
  }
  const tops = new Set([...files.keys()].map((n) => (n.includes('/') ? n.slice(0, n.indexOf('/')) : '')));
  if (tops.size === 1 && !tops.has('')) {
    const [top] = tops;
    return new Map([...files].map(([n, b]) => [n.slice((top ?? '').length + 1), b]));
  }
  return files;
}

export function isTgz(path: string): boolean {
  return path.endsWith('.tgz') || path.endsWith('.tar.gz');
}
