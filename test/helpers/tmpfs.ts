/** A small tmpfs of a test's own (root only: mount(8)), and filling a file system to its last byte. */
import { execFileSync } from 'node:child_process';
import { appendFile, mkdtemp, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  dir: string;
  remove(): Promise<void>;
}

export async function mountTmpfs(prefix: string, bytes: number): Promise<Tmpfs> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir]);
  return {
    dir,
    async remove() {
      execFileSync('umount', [dir]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Copies `bytes` to `file` as a copy onto a full disk does: as far as space allows. Answers the bytes written. */
export async function copyUntilFull(file: string, bytes: Buffer): Promise<number> {
  await writeFile(file, '');
  let at = 0;
  for (const size of [4096, 256, 1]) {
    while (at < bytes.length) {
      try {
        await appendFile(file, bytes.subarray(at, at + size));
        at = Math.min(bytes.length, at + size);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
        break;
      }
    }
  }
  return at;
}

/**
 * Writes a filler file in `dir` until the device refuses another byte, then gives `leave` bytes back (rounded to
 * the file system's pages); removing the filler gives all the space back.
 */
export async function fill(dir: string, leave = 0): Promise<string> {
  const filler = join(dir, 'filler');
  await writeFile(filler, '');
  for (const size of [64 * 1024, 4096, 256, 1]) {
    for (;;) {
      try {
        await appendFile(filler, Buffer.alloc(size));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
        break;
      }
    }
  }
  if (leave > 0) await truncate(filler, Math.max(0, (await stat(filler)).size - leave));
  return filler;
}
