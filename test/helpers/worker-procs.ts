/**
 * Distributed Conveyor workers as real processes (`host/cli/main.ts distributed <props>`), for chaos tests and the
 * failover benchmark: start, SIGKILL, SIGTERM and restart them, talk to their REST API (409s retried, as a Kafka
 * Connect client does), find the leader in etcd, and rebuild from their JSON logs when each task was RUNNING where.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createEtcdClient } from '../../host/cluster/client.ts';
import { clusterKeys } from '../../host/cluster/keys.ts';
import type { Netns } from './netns.ts';
import { stack, uniqueName } from './stack.ts';
import { until } from './until.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

export interface LogLine {
  readonly at: number;
  readonly line: Record<string, unknown>;
}

export interface WorkerProc {
  readonly id: string;
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
  readonly logs: LogLine[];
  readonly exited: Promise<number | null>;
  killedAt?: number;
}

export interface TaskStatusView {
  id: number;
  state: string;
  worker_id: string;
  trace?: string;
}

export interface ConnectorStatusView {
  connector: { state: string; worker_id: string };
  tasks: TaskStatusView[];
}

/** A RUNNING stretch of one task on one worker, from its "task state" log lines. */
export interface RunningInterval {
  readonly task: string;
  readonly worker: string;
  readonly from: number;
  readonly to: number;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface WorkerClusterOptions {
  readonly leaseTtlSeconds?: number;
  readonly exactlyOnce?: boolean;
  readonly etcdHosts?: readonly string[];
  /** Extra worker.properties lines. */
  readonly properties?: Readonly<Record<string, string>>;
}

export class WorkerCluster {
  readonly clusterId = uniqueName('chaos').replaceAll('_', '-');
  readonly offsetsTopic = `${this.clusterId}-offsets`;
  readonly workers = new Map<string, WorkerProc>();
  /** Every process ever started, including killed ones (their logs stay readable). */
  readonly history: WorkerProc[] = [];
  readonly #o: WorkerClusterOptions;
  #dir: string | undefined;
  /** Workers stopped with SIGSTOP: they answer nothing until resumed. */
  readonly #paused = new Set<string>();

  constructor(o: WorkerClusterOptions = {}) {
    this.#o = o;
  }

  async #workDir(): Promise<string> {
    this.#dir ??= await mkdtemp(join(tmpdir(), 'conveyor-cluster-'));
    return this.#dir;
  }

  /**
   * Starts a worker process and waits until its REST API says it is healthy. With `netns` it runs inside that network
   * namespace (test/helpers/netns.ts), its REST API on the namespace's address.
   */
  async start(id: string, netns?: Netns): Promise<WorkerProc> {
    const port = this.workers.get(id)?.port ?? (await freePort());
    const restHost = netns?.nsIp ?? '127.0.0.1';
    const file = join(await this.#workDir(), `${id}.properties`);
    const props: Record<string, string> = {
      'cluster.id': this.clusterId,
      'etcd.endpoints': (this.#o.etcdHosts ?? stack.etcdHosts).join(','),
      'etcd.lease.ttl.seconds': String(this.#o.leaseTtlSeconds ?? 5),
      'bootstrap.servers': stack.kafkaBrokers.join(','),
      listeners: `http://${restHost}:${port}`,
      'conveyor.worker.id': id,
      'offset.storage.topic': this.offsetsTopic,
      'offset.storage.partitions': '5',
      'offset.flush.interval.ms': '500',
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'conveyor.sandbox.processes': '1',
      'exactly.once.source.support': this.#o.exactlyOnce === true ? 'enabled' : 'disabled',
      // CONVEYOR_WORKER_LOG_LEVEL=debug makes the workers' logs (kept with CONVEYOR_KEEP_WORK_DIR=1) say more.
      ...(process.env['CONVEYOR_WORKER_LOG_LEVEL'] === undefined ? {} : { 'conveyor.log.level': process.env['CONVEYOR_WORKER_LOG_LEVEL'] }),
      ...this.#o.properties,
    };
    await writeFile(file, Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
    const argv = ['--no-node-snapshot', '--disable-warning=ExperimentalWarning', join(ROOT, 'host/cli/main.ts'), 'distributed', file];
    const [command, args] = netns === undefined ? [process.execPath, argv] : netns.wrap(process.execPath, argv);
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const logs: LogLine[] = [];
    const logFile = createWriteStream(join(await this.#workDir(), `${id}-${this.history.length}.log`));
    const read = (stream: NodeJS.ReadableStream | null): void => {
      if (stream === null) return;
      createInterface({ input: stream }).on('line', (text) => {
        logFile.write(text + '\n');
        try {
          const line = JSON.parse(text) as Record<string, unknown>;
          const time = typeof line['time'] === 'string' ? Date.parse(line['time']) : NaN;
          logs.push({ at: Number.isNaN(time) ? Date.now() : time, line });
        } catch {
          logs.push({ at: Date.now(), line: { msg: text } });
        }
      });
    };
    read(child.stdout);
    read(child.stderr);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.once('close', () => logFile.end());
    const w: WorkerProc = { id, port, url: `http://${restHost}:${port}`, child, logs, exited };
    this.workers.set(id, w);
    this.history.push(w);
    await this.until(`${id} healthy`, async () => ((await fetch(`${w.url}/health`)).ok ? true : undefined), 60_000);
    return w;
  }

  /** kill -9: no shutdown at all. */
  async kill(id: string): Promise<number> {
    const w = this.#worker(id);
    w.killedAt = Date.now();
    w.child.kill('SIGKILL');
    this.workers.delete(id);
    await w.exited;
    return w.killedAt;
  }

  /** SIGSTOP: the process stalls (a long GC, a stopped VM) with its sockets open; resume() continues it. REST calls go to others meanwhile. */
  pause(id: string): number {
    this.#worker(id).child.kill('SIGSTOP');
    this.#paused.add(id);
    return Date.now();
  }

  /** SIGCONT after pause(). */
  resume(id: string): void {
    this.#worker(id).child.kill('SIGCONT');
    this.#paused.delete(id);
  }

  /** SIGTERM: graceful shutdown, handing tasks over. */
  async terminate(id: string): Promise<void> {
    const w = this.#worker(id);
    w.child.kill('SIGTERM');
    this.workers.delete(id);
    await w.exited;
    w.killedAt = Date.now();
  }

  #worker(id: string): WorkerProc {
    const w = this.workers.get(id);
    if (w === undefined) throw new Error(`no live worker ${id}`);
    return w;
  }

  /** A REST call to a live worker (the first one unless named); 409s for rebalances or a missing leader are retried. */
  async request(method: string, path: string, body?: unknown, via?: string): Promise<{ status: number; body: unknown }> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const w = via === undefined ? [...this.workers.values()].find((x) => !this.#paused.has(x.id)) : this.workers.get(via);
      if (w === undefined) throw new Error('no live worker to ask');
      let res: { status: number; body: unknown };
      try {
        const r = await fetch(w.url + path, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
        const text = await r.text();
        res = { status: r.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await sleep(200);
        continue;
      }
      if (res.status !== 409 || Date.now() > deadline) return res;
      const m = (res.body as { message?: unknown } | null)?.message;
      if (typeof m === 'string' && m.includes('already exists')) return res;
      await sleep(200);
    }
  }

  async status(name: string, via?: string): Promise<ConnectorStatusView> {
    const res = await this.request('GET', `/connectors/${name}/status`, undefined, via);
    if (res.status !== 200) throw new Error(`status of ${name}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as ConnectorStatusView;
  }

  /** Until every task of every named connector is RUNNING on a live worker (and, if given, the predicate holds). */
  async allRunning(names: readonly string[], timeoutMs = 90_000, extra?: (s: Map<string, ConnectorStatusView>) => boolean): Promise<Map<string, ConnectorStatusView>> {
    let last = '';
    return this.until(
      () => `all tasks of ${names.join(', ')} RUNNING (last seen: ${last})`,
      async () => {
        const out = new Map<string, ConnectorStatusView>();
        for (const n of names) {
          const s = await this.status(n);
          last = `${n}: ${s.tasks.map((t) => `${t.id}=${t.state}@${t.worker_id}${t.trace === undefined ? '' : ` (${t.trace.split('\n')[0] ?? ''})`}`).join(', ')}`;
          if (s.tasks.length === 0 || !s.tasks.every((t) => t.state === 'RUNNING' && this.workers.has(t.worker_id))) return undefined;
          out.set(n, s);
        }
        return extra === undefined || extra(out) ? out : undefined;
      },
      timeoutMs,
      50,
    );
  }

  /** The worker id of the current leader, read from the election keys in etcd. */
  async leader(): Promise<string | undefined> {
    const client = createEtcdClient({ hosts: [...(this.#o.etcdHosts ?? stack.etcdHosts)] });
    try {
      const keys = clusterKeys(this.clusterId);
      const res = await client.getAll().prefix(`${keys.root}election/`).exec();
      const oldest = [...res.kvs].sort((a, b) => Number(a.create_revision) - Number(b.create_revision))[0];
      return oldest?.value.toString();
    } finally {
      client.close();
    }
  }

  until<T>(what: string | (() => string), probe: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 200): Promise<T> {
    return until(what, probe, timeoutMs, everyMs);
  }

  /**
   * Per task and worker, the stretches it was RUNNING: from a "task state" line to RUNNING until the next line
   * leaving RUNNING; a process killed outright ends its stretches at the kill time, one still alive at `now`.
   */
  runningIntervals(now = Date.now()): RunningInterval[] {
    const out: RunningInterval[] = [];
    for (const w of this.history) {
      const open = new Map<string, number>();
      for (const { at, line } of w.logs) {
        if (line['msg'] !== 'task state') continue;
        const task = `${String(line['connector'])}/${String(line['task'])}`;
        if (line['to'] === 'RUNNING') open.set(task, at);
        else if (line['from'] === 'RUNNING' && open.has(task)) {
          out.push({ task, worker: w.id, from: open.get(task) ?? at, to: at });
          open.delete(task);
        }
      }
      for (const [task, from] of open) out.push({ task, worker: w.id, from, to: w.killedAt ?? now });
    }
    return out;
  }

  async close(): Promise<void> {
    for (const w of this.workers.values()) w.child.kill('SIGKILL');
    await Promise.all([...this.workers.values()].map((w) => w.exited));
    this.workers.clear();
    const client = createEtcdClient({ hosts: [...(this.#o.etcdHosts ?? stack.etcdHosts)] });
    await client.delete().prefix(clusterKeys(this.clusterId).root).exec().catch(() => undefined);
    client.close();
    // CONVEYOR_KEEP_WORK_DIR=1 keeps the workers' properties and logs (<id>-<n>.log) for a post-mortem.
    if (this.#dir !== undefined && process.env['CONVEYOR_KEEP_WORK_DIR'] !== '1') await rm(this.#dir, { recursive: true, force: true });
    else if (this.#dir !== undefined) process.stderr.write(`worker logs kept in ${this.#dir}\n`);
  }
}

/** Pairs of RUNNING stretches of the same task on two workers that overlap in time. */
export function overlaps(intervals: readonly RunningInterval[]): [RunningInterval, RunningInterval][] {
  const found: [RunningInterval, RunningInterval][] = [];
  for (const [i, a] of intervals.entries()) {
    for (const b of intervals.slice(i + 1)) {
      if (a.task === b.task && a.worker !== b.worker && a.from < b.to && b.from < a.to) found.push([a, b]);
    }
  }
  return found;
}
