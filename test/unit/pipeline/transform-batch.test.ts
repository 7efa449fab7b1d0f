import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError } from '../../../host/connect/errors.ts';
import { connectRecord } from '../../../host/connect/record.ts';
import type { ConnectRecord } from '../../../host/connect/record.ts';
import { createTransformRegistry } from '../../../host/connect/transforms/builtins.ts';
import { buildTransformChain } from '../../../host/connect/transforms/chain.ts';
import type { BatchTransformation } from '../../../host/connect/transforms/types.ts';
import { parseErrorHandlingConfig } from '../../../host/errors/error-config.ts';
import type { ProcessingFailure } from '../../../host/errors/reporters.ts';
import { ToleranceOperator } from '../../../host/errors/tolerance.ts';
import { transformBatch } from '../../../host/pipeline/transform-batch.ts';
import { logger } from './fakes.ts';

/** A batch stage that uppercases string values, fails on "bad" (or on any batch holding it, when batchOnly), counts crossings. */
function fakeStage(opts: { fatal?: boolean; batchOnly?: boolean } = {}): BatchTransformation & { crossings: number[] } {
  const crossings: number[] = [];
  return {
    crossings,
    applyBatch<R extends ConnectRecord>(records: readonly R[]): Promise<(R | null)[]> {
      crossings.push(records.length);
      if (records.some((r) => r.value === 'bad') && (!opts.batchOnly || records.length > 1)) {
        const e = new DataError('Transformation "up" (Upper) failed in the sandbox: bad value');
        if (opts.fatal === true) Object.defineProperty(e, 'batchFatal', { value: true });
        return Promise.reject(e);
      }
      return Promise.resolve(records.map((r) => (r.value === 'drop' ? null : { ...r, value: String(r.value).toUpperCase() })));
    },
  };
}

function setup(stage: BatchTransformation, tolerance: 'all' | 'none', extra: Record<string, string> = {}) {
  const transforms = createTransformRegistry();
  transforms.register({ className: 'Upper', aliases: [], version: '1', configDef: [], create: () => ({ apply: (r) => r }), createBatch: () => stage });
  const chain = buildTransformChain({ transforms: 'route,up', 'transforms.route.type': 'RegexRouter', 'transforms.route.regex': 'in', 'transforms.route.replacement': 'out', 'transforms.up.type': 'Upper', ...extra }, { transforms });
  const reports: ProcessingFailure[] = [];
  const op = new ToleranceOperator({ config: parseErrorHandlingConfig({ 'errors.tolerance': tolerance }), reporters: [{ report: (f) => { reports.push(f); return Promise.resolve(); } }], logger });
  return { chain, op, reports };
}

const recs = (...values: string[]): ConnectRecord[] => values.map((value) => connectRecord({ topic: 'in', value }));

test('a sandboxed stage gets one crossing per batch after the built-in stages, and may drop records', async () => {
  const stage = fakeStage();
  const { chain, op } = setup(stage, 'none');
  assert.equal(chain.batched, true);
  const out = await transformBatch(chain, op, [...recs('a', 'drop', 'c'), null]);
  assert.deepEqual(stage.crossings, [3]);
  assert.deepEqual(out.map((o) => (o.ok ? (o.value === null ? null : [o.value.topic, o.value.value]) : 'failed')), [['out', 'A'], null, ['out', 'C'], 'failed']);
});

test('records the predicate does not select bypass the sandboxed stage', async () => {
  const stage = fakeStage();
  const { chain, op } = setup(stage, 'none', { predicates: 'tomb', 'predicates.tomb.type': 'RecordIsTombstone', 'transforms.up.predicate': 'tomb', 'transforms.up.negate': 'true' });
  const input = [connectRecord({ topic: 'in', value: 'x' }), connectRecord({ topic: 'in', value: null }), connectRecord({ topic: 'in', value: 'y' })];
  const out = await transformBatch(chain, op, input);
  assert.deepEqual(stage.crossings, [2]);
  assert.deepEqual(out.map((o) => (o.ok && o.value !== null ? o.value.value : 'none')), ['X', null, 'Y']);
});

test('errors.tolerance=all: a failed crossing is retried record by record, and only the failing record is reported and skipped', async () => {
  const stage = fakeStage();
  const { chain, op, reports } = setup(stage, 'all');
  const out = await transformBatch(chain, op, recs('a', 'bad', 'c'));
  assert.deepEqual(stage.crossings, [3, 1, 1, 1]);
  assert.deepEqual(out.map((o) => (o.ok ? o.value?.value : 'skipped')), ['A', 'skipped', 'C']);
  assert.equal(reports.length, 1);
  assert.equal(reports[0]!.stage, 'TRANSFORMATION');
  assert.equal(reports[0]!.className, 'Upper');
});

test('a limit breach (batchFatal) is not retried: every record of the crossing is reported and skipped', async () => {
  const stage = fakeStage({ fatal: true });
  const { chain, op, reports } = setup(stage, 'all');
  const out = await transformBatch(chain, op, recs('a', 'bad'));
  assert.deepEqual(stage.crossings, [2]);
  assert.deepEqual(out.map((o) => o.ok), [false, false]);
  assert.equal(reports.length, 2);
});

test('a batch that fails only as a whole passes when its records are retried one at a time', async () => {
  const stage = fakeStage({ batchOnly: true });
  const { chain, op, reports } = setup(stage, 'none');
  const out = await transformBatch(chain, op, recs('a', 'bad'));
  assert.deepEqual(out.map((o) => (o.ok ? o.value?.value : 'skipped')), ['A', 'BAD']);
  assert.deepEqual(stage.crossings, [2, 1, 1]);
  assert.equal(reports.length, 0);
});

test('errors.tolerance=none: the failure fails the task with a trace naming the stage and the transform', async () => {
  const { chain, op } = setup(fakeStage(), 'none');
  await assert.rejects(transformBatch(chain, op, recs('a', 'bad')), (err: Error) => {
    assert.match(err.message, /Tolerance exceeded in error handler at stage TRANSFORMATION \(Upper\)/);
    return true;
  });
});
