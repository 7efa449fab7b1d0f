/**
 * scripts/progress.sh, run by bash as the stack scripts run it (stderr not a terminal), against a throwaway local
 * HTTP server: a download reports "downloaded N MB so far" lines while it runs and a summary when done, lands
 * atomically, and a failed one leaves nothing behind. The server holds the second half of the file until a progress
 * line was seen, so nothing depends on timing.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

const SCRIPT = new URL('../../../scripts/progress.sh', import.meta.url).pathname;
const HALF = 1024 * 1024;
const body = Buffer.alloc(2 * HALF, 7);
let server: Server;
let base: string;
let dir: string;
let release: () => void = () => undefined;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'conveyor-progress-'));
  server = createServer((req, res) => {
    if (req.url !== '/file.bin') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-length': String(body.length) });
    res.write(body.subarray(0, HALF));
    release = () => res.end(body.subarray(HALF));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

/** Runs progress_download; `onLine` sees each stderr line as it comes. */
function download(url: string, dest: string, onLine: (line: string) => void = () => undefined): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', `source "${SCRIPT}" && progress_download "$1" "$2" test-file`, '_', url, dest], {
      env: { ...process.env, PROGRESS_INTERVAL: '0', PROGRESS_TICK: '0.1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      for (const line of chunk.split('\n')) if (line !== '') onLine(line);
    });
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

void test('a download reports its progress while it runs, then a summary, and lands whole', { timeout: 60_000 }, async () => {
  const dest = join(dir, 'out', 'file.bin');
  const r = await download(`${base}/file.bin`, dest, (line) => {
    if (/^test-file: downloaded 1\.0 MB so far$/.test(line)) release();
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^test-file: downloaded 1\.0 MB so far$/m);
  assert.match(r.stderr, /^test-file: 2\.0 MB downloaded in \d+ s$/m);
  assert.ok((await readFile(dest)).equals(body));
  await assert.rejects(stat(`${dest}.part`), { code: 'ENOENT' });
});

void test('a failed download exits non-zero, says so, and leaves no file', { timeout: 60_000 }, async () => {
  const dest = join(dir, 'missing.bin');
  const r = await download(`${base}/missing.bin`, dest);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /^test-file: download failed \(exit 22\) after 0\.0 MB$/m);
  await assert.rejects(stat(dest), { code: 'ENOENT' });
  await assert.rejects(stat(`${dest}.part`), { code: 'ENOENT' });
});
