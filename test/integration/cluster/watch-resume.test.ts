import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MirrorSink, PrefixWatch } from '../../../host/cluster/prefix-watch.ts';
import type { WatchEvent } from '../../../host/cluster/prefix-watch.ts';
import { eventually } from '../../helpers/stack.ts';
import { clusterFixture, logger } from './helpers.ts';
import type { ClusterFixture } from './helpers.ts';

let fx: ClusterFixture;
before(() => {
  fx = clusterFixture();
});
after(() => fx.cleanup());

class CountingSink extends MirrorSink {
  resets = 0;
  readonly events: WatchEvent[] = [];
  override reset(entries: ReadonlyMap<string, string>): void {
    this.resets++;
    super.reset(entries);
  }
  override apply(events: readonly WatchEvent[]): void {
    this.events.push(...events);
    super.apply(events);
  }
}

async function currentRevision(): Promise<number> {
  return Number((await fx.admin.get(fx.keys.root).exec()).header.revision);
}

test('after a dropped connection the watch resumes from its last revision and misses nothing', async () => {
  const prefix = `${fx.keys.root}resume/`;
  const proxy = await fx.proxy();
  const sink = new CountingSink();
  const watch = await PrefixWatch.create({ client: fx.client(proxy), range: { prefix }, sink, logger, backoffMs: 50 });
  try {
    await fx.admin.put(`${prefix}a`).value('1');
    await eventually(async () => Promise.resolve(sink.entries.get(`${prefix}a`)), 'first event');
    proxy.cut();
    await eventually(async () => Promise.resolve(watch.state === 'reconnecting' ? true : undefined), 'watch notices the cut');
    await fx.admin.put(`${prefix}b`).value('2');
    await fx.admin.put(`${prefix}a`).value('3');
    await fx.admin.delete().key(`${prefix}b`).exec();
    proxy.restore();
    await eventually(async () => Promise.resolve(sink.entries.get(`${prefix}a`) === '3' ? true : undefined), 'events written while cut', 150);
    assert.equal(sink.resets, 1, 'resumed, not re-listed');
    assert.deepEqual(
      sink.events.map((e) => `${e.type} ${e.key.slice(prefix.length)} ${e.value}`),
      ['put a 1', 'put b 2', 'put a 3', 'delete b '],
      'every change exactly once, in order',
    );
    assert.equal(watch.state, 'watching');
  } finally {
    await watch.close();
  }
});

test('when its revision was compacted while disconnected the watch lists again and delivers the current state', async () => {
  const prefix = `${fx.keys.root}compact/`;
  const proxy = await fx.proxy();
  const sink = new CountingSink();
  await fx.admin.put(`${prefix}gone`).value('x');
  const watch = await PrefixWatch.create({ client: fx.client(proxy), range: { prefix }, sink, logger, backoffMs: 50 });
  try {
    assert.equal(sink.resets, 1);
    proxy.cut();
    await eventually(async () => Promise.resolve(watch.state === 'reconnecting' ? true : undefined), 'watch notices the cut');
    await fx.admin.delete().key(`${prefix}gone`).exec();
    await fx.admin.put(`${prefix}new`).value('y');
    await fx.admin.put(`${fx.keys.root}elsewhere`).value('z');
    await fx.admin.kv.compact({ revision: String(await currentRevision()), physical: true });
    proxy.restore();
    await eventually(async () => Promise.resolve(sink.resets === 2 ? true : undefined), 're-list after compaction', 150);
    assert.deepEqual([...sink.entries.entries()], [[`${prefix}new`, 'y']]);
    await fx.admin.put(`${prefix}later`).value('w');
    await eventually(async () => Promise.resolve(sink.entries.get(`${prefix}later`)), 'events after the re-list');
    assert.equal(watch.state, 'watching');
  } finally {
    await watch.close();
  }
});
