/** host/metrics/plugin-metrics.ts: the worker's own check of reports a guest sends, and their Prometheus text. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PluginMetrics, renderPluginMetrics } from '../../../host/metrics/plugin-metrics.ts';
import type { PluginMetricDeclaration } from '../../../sdk/metrics.ts';
import { METRIC_LIMITS } from '../../../sdk/metrics.ts';
import { parsePrometheus, sampleValue } from '../../helpers/prometheus.ts';

const DECLS: PluginMetricDeclaration[] = [
  { name: 'rows', type: 'gauge', help: 'Rows "scanned"\nper table.', labels: ['table'] },
  { name: 'sent_total', type: 'counter', help: 'Sent.', labels: [] },
  { name: 'latency_seconds', type: 'histogram', help: 'Latency.', labels: [], buckets: [0.1, 1] },
];

void test('valid reports are applied and rendered with the connector and task labels the worker sets', () => {
  const store = new PluginMetrics();
  const t = store.register('c1', 0, DECLS);
  t.apply([['rows', ['db.a"b'], 's', [3]], ['sent_total', [], 'i', [2]], ['latency_seconds', [], 'h', [1, 0, 1, 2.05]]]);
  t.apply([['rows', ['db.a"b'], 's', [4]], ['sent_total', [], 'i', [1]], ['latency_seconds', [], 'h', [0, 1, 0, 0.5]]]);
  const text = renderPluginMetrics(store, new Set(['c1']));
  assert.match(text, /^# HELP rows Rows "scanned"\\nper table\.$/m);
  assert.match(text, /^# TYPE latency_seconds histogram$/m);
  const s = parsePrometheus(text);
  assert.equal(sampleValue(s, 'rows', { connector: 'c1', task: '0', table: 'db.a"b' }), 4);
  assert.equal(sampleValue(s, 'sent_total', { connector: 'c1', task: '0' }), 3);
  assert.equal(sampleValue(s, 'latency_seconds_bucket', { le: '0.1' }), 1);
  assert.equal(sampleValue(s, 'latency_seconds_bucket', { le: '1' }), 2);
  assert.equal(sampleValue(s, 'latency_seconds_bucket', { le: '+Inf' }), 3);
  assert.equal(sampleValue(s, 'latency_seconds_count'), 3);
  assert.equal(sampleValue(s, 'latency_seconds_sum'), 2.55);
  assert.equal(renderPluginMetrics(store, new Set(['other'])), '', 'only connectors still on the worker are served');
  assert.deepEqual(store.view('c1')[0]?.metrics.find((m) => m.name === 'latency_seconds'), { name: 'latency_seconds', type: 'histogram', labels: {}, value: 2.55, count: 3 });
});

void test('forged reports are refused with the rule they broke; the valid entries of the same report stand', () => {
  const store = new PluginMetrics();
  const t = store.register('c1', 0, DECLS);
  const refused: [unknown, RegExp][] = [
    ['not an array', /the report must be an array/],
    [[['conveyor_sandbox_processes', [], 's', [1]]], /declares no metric "conveyor_sandbox_processes"/],
    [[['undeclared', [], 's', [1]]], /declares no metric "undeclared"/],
    [[['rows', ['a', 'c2'], 's', [1]]], /rows: label values must be 1 strings .*connector and task are set by the worker/],
    [[['rows', [1], 's', [1]]], /label values must be 1 strings/],
    [[['rows', ['x'.repeat(METRIC_LIMITS.labelValueChars + 1)], 's', [1]]], /at most 128 are allowed/],
    [[['sent_total', [], 's', [1]]], /operation "s" does not apply to a counter/],
    [[['sent_total', [], 'i', [-5]]], /a counter only goes up/],
    [[['rows', ['a'], 's', [Number.NaN]]], /carries 1 finite numbers/],
    [[['latency_seconds', [], 'h', [1]]], /carries 4 finite numbers/],
  ];
  for (const [report, reason] of refused) assert.throws(() => t.apply(report), (err: Error & { code?: string }) => reason.test(err.message) && (err.code === 'CONVEYOR_CAPABILITY_DENIED' || err.code === 'CONVEYOR_CAPABILITY_INVALID'));
  assert.throws(() => t.apply([['rows', ['ok'], 's', [9]], ['undeclared', [], 's', [1]]]), /undeclared/);
  assert.deepEqual(store.view('c1')[0]?.metrics.map((m) => [m.name, m.labels, m.value]), [['rows', { table: 'ok' }, 9]]);
});

void test('series are capped per task, and go when their task stops (a restarted task starts afresh)', () => {
  const store = new PluginMetrics();
  const t = store.register('c1', 0, DECLS);
  t.apply(Array.from({ length: METRIC_LIMITS.seriesPerTask }, (_, i) => ['rows', [`t${i}`], 's', [i]]));
  assert.throws(() => t.apply([['rows', ['one-more'], 's', [1]]]), /series limit exceeded: a task may report at most 1000 series/);
  t.apply([['rows', ['t0'], 's', [42]]]);
  const restarted = store.register('c1', 0, DECLS);
  t.drop();
  assert.equal(store.view('c1').length, 1, 'the old task\'s drop leaves its successor');
  assert.deepEqual(store.view('c1')[0]?.metrics, []);
  restarted.drop();
  assert.deepEqual(store.view('c1'), []);
});

void test('a name two plugins declare differently is served as the first declaration seen', () => {
  const store = new PluginMetrics();
  store.register('a', 0, [{ name: 'shared', type: 'gauge', help: 'A.', labels: ['x'] }]).apply([['shared', ['1'], 's', [1]]]);
  store.register('b', 0, [{ name: 'shared', type: 'counter', help: 'B.', labels: [] }]).apply([['shared', [], 'i', [5]]]);
  const s = parsePrometheus(renderPluginMetrics(store, new Set(['a', 'b'])));
  assert.deepEqual(s.map((x) => [x.name, x.labels['connector'], x.value]), [['shared', 'a', 1]]);
});
