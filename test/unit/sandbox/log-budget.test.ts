import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOG_REPORT_INTERVAL_MS, LogBudget } from '../../../host/sandbox/child/log-budget.ts';

const limits = { logLinesPerSecond: 100, logBytesPerSecond: 1000, logBytesPerDay: 5000, maxLogLineBytes: 200 };

function clock(start = Date.UTC(2026, 0, 1, 12)): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

test('bytes per second are bounded; the next second admits again', () => {
  const c = clock();
  const b = new LogBudget(limits, c.now);
  const line = 'a'.repeat(98);
  let admitted = 0;
  for (let i = 0; i < 20; i++) if (b.admit(line, '{}') !== null) admitted++;
  assert.equal(admitted, 10, '10 lines of 100 bytes fit in 1000 bytes per second');
  c.advance(1000);
  assert.notEqual(b.admit(line, '{}'), null);
  const r = b.report();
  assert.deepEqual([r?.droppedLines, r?.droppedBytes, r?.droppedBy], [10, 1000, { bytesPerSecond: 10 }]);
});

test('lines per second are bounded too', () => {
  const b = new LogBudget({ ...limits, logLinesPerSecond: 3 }, clock().now);
  const results = Array.from({ length: 5 }, () => b.admit('x', '{}'));
  assert.deepEqual(results.map((r) => r !== null), [true, true, true, false, false]);
  assert.deepEqual(b.report()?.droppedBy, { linesPerSecond: 2 });
});

test('bytes per day are bounded until the next UTC day, and the report says until when', () => {
  const c = clock();
  const b = new LogBudget(limits, c.now);
  let admitted = 0;
  for (let s = 0; s < 10; s++) {
    for (let i = 0; i < 10; i++) if (b.admit('d'.repeat(98), '{}') !== null) admitted++;
    c.advance(1000);
  }
  assert.equal(admitted, 50, '5000 bytes a day');
  const r = b.report();
  assert.equal(r?.droppedBy.bytesPerDay, 50);
  assert.equal(r?.dayBudgetExhaustedUntil, '2026-01-02T00:00:00.000Z');
  c.advance(12 * 3600 * 1000);
  assert.notEqual(b.admit('next day', '{}'), null);
});

test('a long line is truncated to the line limit and counted; large fields are replaced by their size', () => {
  const b = new LogBudget(limits, clock().now);
  const long = b.admit('é'.repeat(500), '{"k":1}');
  assert.ok(long !== null);
  assert.ok(Buffer.byteLength(long.msg) + Buffer.byteLength(long.fields) <= 200, `${Buffer.byteLength(long.msg)} bytes`);
  assert.match(long.msg, /^é+ \[truncated from 1000 bytes\]$/);
  assert.equal(long.fields, '{"k":1}');
  const fat = b.admit('short', JSON.stringify({ blob: 'x'.repeat(500) }));
  assert.deepEqual(fat, { msg: 'short', fields: '{"truncatedFieldsBytes":511}' });
  const r = b.report();
  assert.equal(r?.truncatedLines, 2);
  assert.equal(r?.droppedLines, 0);
});

test('drops are reported at most once per interval, unless forced', () => {
  const c = clock();
  const b = new LogBudget({ ...limits, logLinesPerSecond: 1 }, c.now);
  assert.equal(b.report(), null, 'nothing to report');
  b.admit('a', '{}');
  b.admit('b', '{}');
  assert.equal(b.report()?.droppedLines, 1);
  c.advance(1000);
  b.admit('c', '{}');
  b.admit('d', '{}');
  assert.equal(b.report(), null, 'too soon after the last report');
  assert.equal(b.report(true)?.totalDroppedLines, 2, 'forced (the task is disposed)');
  c.advance(1000);
  b.admit('e', '{}');
  b.admit('f', '{}');
  c.advance(LOG_REPORT_INTERVAL_MS);
  assert.equal(b.report()?.droppedLines, 1);
});
