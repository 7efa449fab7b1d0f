import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createJsonLogger, loggerName } from '../../../host/core/logger.ts';

function capture(): { lines: () => { level: string; msg: string }[]; write: (l: string) => void } {
  const out: string[] = [];
  return { lines: () => out.map((l) => JSON.parse(l) as { level: string; msg: string }), write: (l) => void out.push(l) };
}

void test('a component names its logger: dashes become levels of the dotted hierarchy under conveyor', () => {
  assert.equal(loggerName('sink-consumer'), 'conveyor.sink.consumer');
  assert.equal(loggerName('rest'), 'conveyor.rest');
});

void test('setting a logger sets it and its known descendants, not its siblings or ancestors', () => {
  const c = capture();
  const root = createJsonLogger({ level: 'info', write: c.write });
  const consumer = root.child({ component: 'sink-consumer', connector: 'a' });
  const sinkOther = root.child({ component: 'sink-buffer' });
  const rest = root.child({ component: 'rest' });
  assert.deepEqual(root.levels.set('conveyor.sink.consumer', 'debug', 5), ['conveyor.sink.consumer']);
  consumer.debug('shown');
  sinkOther.debug('hidden');
  rest.debug('hidden');
  assert.deepEqual(c.lines().map((l) => l.msg), ['shown']);
  assert.deepEqual(root.levels.set('conveyor.sink', 'error', 6), ['conveyor.sink', 'conveyor.sink.buffer', 'conveyor.sink.consumer']);
  consumer.warn('hidden now');
  assert.equal(consumer.level(), 'error');
  assert.equal(rest.level(), 'info', 'a sibling keeps the root level');
  assert.deepEqual(root.levels.effective('conveyor.sink.consumer'), { level: 'error', lastModified: 6 });
  assert.equal(root.levels.effective('org.apache.kafka'), null, 'a name no component uses is unknown');
  assert.deepEqual(root.levels.explicit().map(([n]) => n), ['root', 'conveyor.sink', 'conveyor.sink.buffer', 'conveyor.sink.consumer']);
});

void test('a child without a component inherits its parent\'s logger; setting root sets every logger', () => {
  const c = capture();
  const root = createJsonLogger({ level: 'info', write: c.write });
  const store = root.child({ component: 'config-store' });
  const task = store.child({ task: 3 });
  root.levels.set('conveyor.config', 'error');
  assert.equal(task.level(), 'error');
  const affected = root.levels.set('root', 'debug');
  assert.ok(affected.includes('root') && affected.includes('conveyor.config') && affected.includes('conveyor.config.store'));
  task.debug('seen');
  assert.deepEqual(c.lines().map((l) => [l.level, l.msg]), [['debug', 'seen']]);
  root.setLevel('warn');
  assert.equal(task.level(), 'warn', 'setLevel is the root level, applied to all');
});
