/**
 * A stalled sandbox process (SIGSTOP: a frozen VM, a process wedged in native code) never hangs the worker: a call
 * it does not answer within the task's call deadline plus the stall grace gets it killed, its tasks fail as
 * sandbox-crashed (the worker restarts them on a fresh process), statistics never wait on it, and nothing it had in
 * flight can arrive afterwards.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { ErrorCode } from '../../../host/core/errors.ts';
import { createJsonLogger } from '../../../host/core/logger.ts';
import { createSandboxPool } from '../../../host/sandbox/sandbox-pool.ts';
import type { SandboxError } from '../../../host/sandbox/errors.ts';
import { datagenSequenceConfig, readSequences } from '../../helpers/sequence-check.ts';
import { stack, uniqueName } from '../../helpers/stack.ts';
import { until } from '../../helpers/until.ts';
import { sleep, WorkerCluster } from '../../helpers/worker-procs.ts';

const lines: Record<string, unknown>[] = [];
const log = createJsonLogger({ level: 'info', write: (l) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
const pool = createSandboxPool({ processes: 1, limits: { callDeadlineMs: 1000 }, stallGraceMs: 1000, log });
const clusters: WorkerCluster[] = [];
after(async () => {
  await pool.destroy();
  for (const c of clusters) await c.close();
});

const code = `__conveyorRegister({
  type: 'source', className: 'Ticker', config: [],
  task: () => { let n = 0; return { start() {}, poll() { n++; return [{ topic: 't', value: n, sourcePartition: {}, sourceOffset: { n } }]; }, stop() {} }; },
});`;

const create = (taskKey: string) => pool.create({ taskKey, plugin: { key: 'ticker@1', code, capabilities: [] }, capabilities: () => Promise.resolve(null), log });

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

void test('a SIGSTOPped sandbox process is killed at the call deadline plus grace; its task fails as crashed and a new one runs elsewhere', async () => {
  const task = await create('stall-1');
  await task.invoke('start', { raw: {}, connector: 'stall', taskId: 0 });
  assert.equal((await task.invoke<{ value: number }[]>('poll'))[0]?.value, 1);
  const failures: SandboxError[] = [];
  task.onFailure((e) => failures.push(e));
  const pid = (await pool.stats()).processes[0]?.pid;
  assert.ok(pid !== undefined);
  process.kill(pid, 'SIGSTOP');
  try {
    const statsStarted = performance.now();
    const stats = await pool.stats();
    assert.deepEqual(stats.processes.map((p) => p.tasks), [[]], 'statistics of a stalled process come back empty instead of hanging');
    process.stdout.write(`# stats answered in ${Math.round(performance.now() - statsStarted)} ms while the process was stopped\n`);

    const started = performance.now();
    await assert.rejects(task.invoke('poll'), (e: SandboxError) => e.code === ErrorCode.sandboxCrashed && /stopped answering \(invoke got no answer within 2000 ms\)/.test(e.message));
    process.stdout.write(`# the stalled call failed after ${Math.round(performance.now() - started)} ms\n`);
    assert.equal(failures.length, 1, 'the task is told it failed');
    assert.ok(lines.some((l) => l['msg'] === 'sandbox process unresponsive; killing it' && l['pid'] === pid), 'the kill is logged with the pid');
    for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(alive(pid), false, 'the stalled process is gone: nothing it held can answer later');
    await assert.rejects(task.invoke('poll'), (e: SandboxError) => e.code === ErrorCode.sandboxCrashed, 'the failed instance stays failed');
  } finally {
    if (alive(pid)) process.kill(pid, 'SIGCONT');
  }

  const again = await create('stall-2');
  await again.invoke('start', { raw: {}, connector: 'stall', taskId: 0 });
  assert.equal((await again.invoke<{ value: number }[]>('poll'))[0]?.value, 1, 'a new task runs on a fresh process');
  const fresh = (await pool.stats()).processes[0]?.pid;
  assert.ok(fresh !== undefined && fresh !== pid);
  await again.dispose();
});

void test('a worker whose sandbox processes are SIGSTOPped: the tasks restart on fresh processes, every record exactly once', { timeout: 300_000 }, async () => {
  const cluster = new WorkerCluster({ exactlyOnce: true, properties: { 'offset.flush.interval.ms': '500' } });
  clusters.push(cluster);
  const worker = await cluster.start('a');
  const topic = uniqueName('sandbox-stall');
  const source = uniqueName('sandbox-stall-gen');
  const created = await cluster.request('POST', '/connectors', {
    name: source,
    config: datagenSequenceConfig(topic, { tasks: 2, rate: 100 }),
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  await cluster.allRunning([source]);
  await sleep(2000);
  const sandboxes = execFileSync('pgrep', ['-P', String(worker.child.pid), '-f', 'conveyor-sandbox'], { encoding: 'utf8' }).trim().split('\n').map(Number);
  assert.ok(sandboxes.length > 0, 'the worker runs its tasks in sandbox processes');
  for (const pid of sandboxes) process.kill(pid, 'SIGSTOP');
  const stoppedAt = performance.now();
  try {
    await until('the tasks restarted on fresh sandbox processes', async () => {
      const fresh = execFileSync('pgrep', ['-P', String(worker.child.pid), '-f', 'conveyor-sandbox'], { encoding: 'utf8' }).trim().split('\n').map(Number);
      const st = await cluster.status(source);
      return sandboxes.every((p) => !fresh.includes(p)) && st.tasks.length === 2 && st.tasks.every((t) => t.state === 'RUNNING') ? true : undefined;
    }, 120_000, 500);
  } finally {
    for (const pid of sandboxes) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // killed by the worker, as it should be
      }
    }
  }
  process.stdout.write(`# sandbox processes stopped; tasks RUNNING on fresh ones after ${Math.round((performance.now() - stoppedAt) / 1000)} s (call deadline 30 s + 10 s grace)\n`);
  assert.ok(worker.logs.some((l) => l.line['msg'] === 'sandbox process unresponsive; killing it'), 'the worker says why it killed them');
  await sleep(3000);
  assert.equal((await cluster.request('PUT', `/connectors/${source}/stop`)).status, 204);
  await until('source stopped', async () => ((await cluster.status(source)).tasks.length === 0 ? true : undefined), 60_000);
  const kafka = new Kafka({ brokers: stack.kafkaBrokers, clientId: 'sandbox-stall-verify', logLevel: logLevel.NOTHING });
  const report = await readSequences(kafka, topic, undefined, true);
  process.stdout.write(`# ${report.distinct} distinct records, ${report.duplicates} duplicates\n`);
  assert.deepEqual(report.tasks, [0, 1], 'both tasks produced');
  for (const [task, missing] of report.missing) assert.deepEqual(missing, [], `task ${task}: nothing missing`);
  assert.equal(report.duplicates, 0, 'exactly once across the kill: no record twice');
});
