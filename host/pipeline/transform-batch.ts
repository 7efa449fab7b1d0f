/**
 * The transform chain over a batch, for a chain with sandboxed stages: the built-in SMTs run record by record as in
 * transform(); a sandboxed stage gets one crossing for the records its predicate selects (the others bypass it).
 * When that crossing fails, its records go through the tolerance operator one at a time (so errors.tolerance=all
 * skips only the records that fail), except after a sandbox limit breach, which fails each of them without
 * running the transform again.
 */
import type { ConnectRecord } from '../connect/record.ts';
import type { TransformChain, TransformStage } from '../connect/transforms/chain.ts';
import type { OriginalRecord } from '../errors/reporters.ts';
import type { ToleranceOperator } from '../errors/tolerance.ts';
import { guarded, guardedAsync } from './processing.ts';
import type { StageResult } from './processing.ts';

const FAILED: StageResult<never> = { ok: false };

function selected(stage: TransformStage, record: ConnectRecord): boolean {
  return stage.predicate === null || stage.predicate.test(record) !== stage.negate;
}

/** Whether a failed crossing must not be retried record by record (the sandbox breached a limit). */
function batchFatal(err: unknown): boolean {
  return (err as { batchFatal?: unknown } | null)?.batchFatal === true;
}

/**
 * Slot i: record i transformed (value null: dropped), or {ok: false} when its failure was tolerated; rejects when a
 * failure is not tolerated. A null input slot (a record that failed before the transforms) stays {ok: false}.
 */
export async function transformBatch<R extends ConnectRecord>(chain: TransformChain, op: ToleranceOperator, records: readonly (R | null)[], originals?: readonly (OriginalRecord | undefined)[]): Promise<StageResult<R | null>[]> {
  const current: (R | null)[] = [...records];
  const state: StageResult<R | null>[] = records.map((r) => (r === null ? FAILED : { ok: true, value: r }));
  const live = (i: number): boolean => state[i]!.ok && current[i] !== null;
  for (const stage of chain.stages) {
    if (stage.batch === null) {
      for (let i = 0; i < current.length; i++) {
        if (!live(i)) continue;
        const input = current[i] as R;
        if (!selected(stage, input)) continue;
        try {
          current[i] = stage.transformation.apply(input);
        } catch {
          const out = await guarded(op, 'TRANSFORMATION', stage.className, () => stage.transformation.apply(input), originals?.[i]);
          if (out.ok) current[i] = out.value;
          else state[i] = FAILED;
        }
      }
      continue;
    }
    const batch = stage.batch;
    const at: number[] = [];
    for (let i = 0; i < current.length; i++) if (live(i) && selected(stage, current[i] as R)) at.push(i);
    if (at.length === 0) continue;
    const inputs = at.map((i) => current[i] as R);
    let outputs: (R | null)[];
    try {
      outputs = await batch.applyBatch(inputs);
    } catch (err) {
      const fatal = batchFatal(err);
      const reason = err instanceof Error ? err : new Error(String(err));
      for (const i of at) {
        const input = current[i] as R;
        const one = fatal ? () => Promise.reject(reason) : async () => (await batch.applyBatch([input]))[0] ?? null;
        const out = await guardedAsync(op, 'TRANSFORMATION', stage.className, one, originals?.[i]);
        if (out.ok) current[i] = out.value;
        else state[i] = FAILED;
      }
      continue;
    }
    for (let j = 0; j < at.length; j++) current[at[j]!] = outputs[j] ?? null;
  }
  for (let i = 0; i < current.length; i++) if (state[i]!.ok) state[i] = { ok: true, value: current[i] ?? null };
  return state;
}
