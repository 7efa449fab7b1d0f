import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJsonLogger } from '../../../host/core/logger.ts';
import { FileOffsetBackingStore } from '../../../host/storage/file-offset-store.ts';

const logger = createJsonLogger({ write: () => undefined });

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'conveyor-offsets-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void test('offsets survive a restart and keep Kafka Connect key/value strings', () =>
  withDir(async (dir) => {
    const filename = join(dir, 'connect.offsets');
    const a = new FileOffsetBackingStore({ filename, logger });
    await a.start();
    await a.set([
      { connector: 'src', partition: { file: 'a.txt' }, offset: { position: 10 } },
      { connector: 'src', partition: { file: 'b.txt' }, offset: { position: 5 } },
      { connector: 'other', partition: { file: 'a.txt' }, offset: { position: 1 } },
    ]);
    await a.stop();
    const stored = JSON.parse(await readFile(filename, 'utf8')) as { version: number; offsets: { key: string; value: string }[] };
    assert.equal(stored.version, 1);
    assert.deepEqual(stored.offsets[0], { key: '["src",{"file":"a.txt"}]', value: '{"position":10}' });

    const b = new FileOffsetBackingStore({ filename, logger });
    await b.start();
    const got = await b.get([{ connector: 'src', partition: { file: 'a.txt' } }, { connector: 'src', partition: { file: 'zzz' } }]);
    assert.deepEqual(got, [{ connector: 'src', partition: { file: 'a.txt' }, offset: { position: 10 } }]);
    assert.equal((await b.getAll('src')).length, 2);
    await b.stop();
  }));

void test('a null offset deletes the partition', () =>
  withDir(async (dir) => {
    const filename = join(dir, 'o.json');
    const s = new FileOffsetBackingStore({ filename, logger });
    await s.start();
    await s.set([{ connector: 'c', partition: { p: 1 }, offset: { o: 1 } }]);
    await s.set([{ connector: 'c', partition: { p: 1 }, offset: null }]);
    assert.deepEqual(await s.getAll('c'), []);
    const again = new FileOffsetBackingStore({ filename, logger });
    await again.start();
    assert.deepEqual(await again.getAll('c'), []);
  }));

void test('lookups match partitions whatever the key order', () =>
  withDir(async (dir) => {
    const s = new FileOffsetBackingStore({ filename: join(dir, 'o.json'), logger });
    await s.start();
    await s.set([{ connector: 'c', partition: { db: 'x', table: 't' }, offset: { o: 7 } }]);
    const [hit] = await s.get([{ connector: 'c', partition: { table: 't', db: 'x' } }]);
    assert.deepEqual(hit?.offset, { o: 7 });
  }));

void test('concurrent sets end with the newest snapshot and leave no temporary files', () =>
  withDir(async (dir) => {
    const filename = join(dir, 'o.json');
    const s = new FileOffsetBackingStore({ filename, logger });
    await s.start();
    await Promise.all(Array.from({ length: 20 }, (_, i) => s.set([{ connector: 'c', partition: { p: 0 }, offset: { o: i } }])));
    await s.flush();
    assert.deepEqual(await readdir(dir), ['o.json']);
    const again = new FileOffsetBackingStore({ filename, logger });
    await again.start();
    assert.deepEqual((await again.getAll('c'))[0]?.offset, { o: 19 });
  }));

void test('an unknown format version is refused rather than silently dropped', () =>
  withDir(async (dir) => {
    const filename = join(dir, 'o.json');
    await writeFile(filename, JSON.stringify({ version: 99, offsets: [] }));
    await assert.rejects(new FileOffsetBackingStore({ filename, logger }).start(), /unsupported format version 99/);
  }));

void test('reading before start is an error', () => {
  const s = new FileOffsetBackingStore({ filename: '/nonexistent/o.json', logger });
  assert.throws(() => s.get([]), /not started/);
});
