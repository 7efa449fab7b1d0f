/** sdk/metrics.ts: what a manifest may declare, and the guest buffer ctx.metrics writes into. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkMetricDeclarations, MetricBuffer, METRIC_LIMITS } from '../../../sdk/metrics.ts';
import type { PluginMetricDeclaration } from '../../../sdk/metrics.ts';

const DECLS: PluginMetricDeclaration[] = [
  { name: 'rows', type: 'gauge', help: 'Rows.', labels: ['table'] },
  { name: 'sent_total', type: 'counter', help: 'Sent.', labels: [] },
  { name: 'latency_seconds', type: 'histogram', help: 'Latency.', labels: [], buckets: [0.1, 1] },
];
const fail = (message: string): Error => new Error(message);

void test('declarations: valid ones pass, each rule names the offending metric', () => {
  assert.deepEqual(checkMetricDeclarations(undefined), []);
  assert.deepEqual(checkMetricDeclarations(DECLS), DECLS);
  const bad: [unknown, RegExp][] = [
    [{}, /must be an array/],
    [[{ name: 'kafka_connect_x', type: 'gauge', help: '' }], /kafka_connect_x: names starting with .* belong to the worker/],
    [[{ name: 'conveyor_x', type: 'gauge', help: '' }], /conveyor_x: names starting/],
    [[{ name: 'process_cpu', type: 'gauge', help: '' }], /process_cpu: names starting/],
    [[{ name: 'nodejs_heap', type: 'gauge', help: '' }], /nodejs_heap: names starting/],
    [[{ name: 'bad-name', type: 'gauge', help: '' }], /not a valid Prometheus metric name/],
    [[{ name: 'x', type: 'summary', help: '' }], /x: type must be gauge, counter or histogram/],
    [[{ name: 'x', type: 'gauge', help: '', labels: ['connector'] }], /x: label connector is set by the worker/],
    [[{ name: 'x', type: 'gauge', help: '', labels: ['task'] }], /x: label task is set by the worker/],
    [[{ name: 'x', type: 'gauge', help: '' }, { name: 'x', type: 'gauge', help: '' }], /x is declared twice/],
    [[{ name: 'h', type: 'histogram', help: '', buckets: [1, 0.5] }], /h: a histogram needs .* ascending buckets/],
    [[{ name: 'g', type: 'gauge', help: '', buckets: [1] }], /g: only a histogram has buckets/],
    [Array.from({ length: METRIC_LIMITS.declarations + 1 }, (_, i) => ({ name: `m${i}`, type: 'gauge', help: '' })), /at most 64 are allowed/],
  ];
  for (const [value, reason] of bad) {
    const result = checkMetricDeclarations(value);
    assert.equal(typeof result, 'string');
    assert.match(result as string, reason);
  }
});

void test('the buffer accumulates per series and drains the changes once', () => {
  const b = new MetricBuffer(DECLS, fail);
  assert.equal(b.dirty, false);
  b.set('rows', 5, { table: 'a' });
  b.set('rows', 7, { table: 'a' });
  b.inc('sent_total');
  b.inc('sent_total', 2);
  b.observe('latency_seconds', 0.05);
  b.observe('latency_seconds', 0.5);
  b.observe('latency_seconds', 5);
  assert.deepEqual(b.drain(), [
    ['rows', ['a'], 's', [7]],
    ['sent_total', [], 'i', [3]],
    ['latency_seconds', [], 'h', [1, 1, 1, 5.55]],
  ]);
  assert.equal(b.dirty, false);
  assert.deepEqual(b.drain(), []);
});

void test('the buffer refuses what the manifest does not allow, naming the rule', () => {
  const b = new MetricBuffer(DECLS, fail);
  assert.throws(() => b.set('undeclared', 1), /manifest declares no metric undeclared/);
  assert.throws(() => b.set('rows', 1, { table: 'a', connector: 'other' }), /label connector is not declared for rows/);
  assert.throws(() => b.set('rows', Number.NaN, { table: 'a' }), /finite number/);
  assert.throws(() => b.set('sent_total', 1), /sent_total is a counter; set is for gauges/);
  assert.throws(() => b.inc('sent_total', -1), /a counter only goes up/);
  assert.throws(() => b.observe('rows', 1), /rows is a gauge; observe is for histograms/);
  assert.throws(() => b.set('rows', 1, { table: 'x'.repeat(METRIC_LIMITS.labelValueChars + 1) }), /at most 128 are allowed/);
  for (let i = 0; i < METRIC_LIMITS.seriesPerTask; i++) b.set('rows', i, { table: `t${i}` });
  assert.throws(() => b.set('rows', 1, { table: 'one-more' }), /series limit exceeded: a task may report at most 1000 series/);
  b.set('rows', 1, { table: 't0' });
});
