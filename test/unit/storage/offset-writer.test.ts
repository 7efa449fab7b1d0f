import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createJsonLogger } from '../../../host/core/logger.ts';
import { OffsetWriter } from '../../../host/storage/offset-writer.ts';
import type { IntervalScheduler } from '../../../host/storage/offset-writer.ts';
import type { OffsetBackingStore, OffsetEntry } from '../../../host/storage/offset-store.ts';

const logger = createJsonLogger({ write: () => undefined });

class RecordingStore implements OffsetBackingStore {
  writes: OffsetEntry[][] = [];
  failNext = false;
  start = (): Promise<void> => Promise.resolve();
  stop = (): Promise<void> => Promise.resolve();
  get = (): Promise<OffsetEntry[]> => Promise.resolve([]);
  getAll = (): Promise<OffsetEntry[]> => Promise.resolve([]);
  flush = (): Promise<void> => Promise.resolve();
  set(entries: readonly OffsetEntry[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      return Promise.reject(new Error('broker down'));
    }
    this.writes.push([...entries]);
    return Promise.resolve();
  }
}

class FakeScheduler implements IntervalScheduler {
  fns = new Map<number, () => void>();
  next = 1;
  setInterval(fn: () => void): unknown {
    this.fns.set(this.next, fn);
    return this.next++;
  }
  clearInterval(h: unknown): void {
    this.fns.delete(h as number);
  }
  tick(): void {
    for (const fn of this.fns.values()) fn();
  }
}

const p = { file: 'a' };
const q = { file: 'b' };

void test('only offsets of acknowledged records are flushed', async () => {
  const store = new RecordingStore();
  const w = new OffsetWriter({ connector: 'c', store, logger });
  const r1 = w.submit(p, { pos: 1 });
  w.submit(p, { pos: 2 });
  assert.equal(await w.flush(), false);
  r1.ack();
  assert.equal(await w.flush(), true);
  assert.deepEqual(store.writes, [[{ connector: 'c', partition: p, offset: { pos: 1 } }]]);
  assert.equal(w.outstanding(), 1);
});

void test('an ack out of order does not move the offset past an unacknowledged earlier record', async () => {
  const store = new RecordingStore();
  const w = new OffsetWriter({ connector: 'c', store, logger });
  const r1 = w.submit(p, { pos: 1 });
  const r2 = w.submit(p, { pos: 2 });
  const r3 = w.submit(p, { pos: 3 });
  r3.ack();
  r2.ack();
  assert.equal(await w.flush(), false);
  r1.ack();
  await w.flush();
  assert.deepEqual(store.writes.at(-1), [{ connector: 'c', partition: p, offset: { pos: 3 } }]);
});

void test('source partitions progress independently', async () => {
  const store = new RecordingStore();
  const w = new OffsetWriter({ connector: 'c', store, logger });
  w.submit(p, { pos: 1 });
  w.submit(q, { pos: 9 }).ack();
  await w.flush();
  assert.deepEqual(store.writes, [[{ connector: 'c', partition: q, offset: { pos: 9 } }]]);
});

void test('records without partition or offset are not tracked', async () => {
  const store = new RecordingStore();
  const w = new OffsetWriter({ connector: 'c', store, logger });
  w.submit(null, null).ack();
  assert.equal(w.outstanding(), 0);
  assert.equal(await w.flush(), false);
});

void test('a failed flush keeps its offsets for the next flush unless newer ones arrived', async () => {
  const store = new RecordingStore();
  const w = new OffsetWriter({ connector: 'c', store, logger });
  w.submit(p, { pos: 1 }).ack();
  w.submit(q, { pos: 1 }).ack();
  store.failNext = true;
  await assert.rejects(w.flush(), /broker down/);
  w.submit(q, { pos: 2 }).ack();
  await w.flush();
  const last = store.writes.at(-1) ?? [];
  assert.deepEqual(
    last.map((e) => [e.partition, e.offset]).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    [
      [p, { pos: 1 }],
      [q, { pos: 2 }],
    ],
  );
});

void test('flushes on every interval and once more on stop', async () => {
  const store = new RecordingStore();
  const scheduler = new FakeScheduler();
  const w = new OffsetWriter({ connector: 'c', store, logger, scheduler, flushIntervalMs: 1000 });
  w.start();
  w.submit(p, { pos: 1 }).ack();
  scheduler.tick();
  await w.flush();
  assert.equal(store.writes.length, 1);
  const late = w.submit(p, { pos: 2 });
  late.ack();
  await w.stop();
  assert.equal(scheduler.fns.size, 0);
  assert.deepEqual(store.writes.at(-1), [{ connector: 'c', partition: p, offset: { pos: 2 } }]);
});

void test('concurrent flushes do not write the same snapshot twice', async () => {
  const store = new RecordingStore();
  const w = new OffsetWriter({ connector: 'c', store, logger });
  w.submit(p, { pos: 1 }).ack();
  const results = await Promise.all([w.flush(), w.flush()]);
  assert.deepEqual(results.sort(), [false, true]);
  assert.equal(store.writes.length, 1);
});
