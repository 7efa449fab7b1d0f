/** One supervised sandbox child process, seen from the worker: request/reply, capability and log routing, exit. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Duplex } from 'node:stream';
import { ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { SandboxError } from './errors.ts';
import { childEntry } from './child-entry.ts';
import { FrameChannel } from './frame-channel.ts';
import { bootstrapSource } from './guest/build-bootstrap.ts';
import type { FromChild, TaskStats, ToChild, WireError } from './protocol.ts';

/** Fields of child messages taken as bytes: a capability call's raw argument is passed on without being decoded. */
const RAW_FIELDS: ReadonlySet<string> = new Set(['raw']);
/** How long GET /metrics and the status views wait for a process's statistics. */
const STATS_WAIT_MS = 5_000;

export interface ProcessRoutes {
  /** A capability call; `raw` is the argument carried beside the JSON (bytes, or text when it did not travel as the body). */
  capability(taskKey: string, id: number, cap: string, method: string, args: string, raw?: { index: number; value: string | Buffer }): void;
  /** A plugin's log line, or (origin 'host') a line the sandbox says about the task. */
  log(taskKey: string, level: string, msg: string, fields: string, origin: 'host' | 'plugin'): void;
  taskFailed(taskKey: string, error: WireError): void;
  exited(proc: SandboxProcess, error: WireError): void;
}

type Reply = Extract<FromChild, { t: 'reply' }>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type RequestMsg = DistributiveOmit<Extract<ToChild, { req: number }>, 'req'>;

/** `npm run bench -- <name> --profile` sets CONVEYOR_SANDBOX_CPU_PROF_DIR: each sandbox process writes a CPU profile there on exit. */
function profileFlags(): string[] {
  const dir = process.env.CONVEYOR_SANDBOX_CPU_PROF_DIR;
  return dir === undefined || dir === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

export class SandboxProcess {
  readonly loaded = new Set<string>();
  readonly tasks = new Set<string>();
  private readonly child: ChildProcess;
  private readonly channel: FrameChannel<FromChild, ToChild>;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: SandboxError) => void }>();
  private readonly statsPending = new Map<number, (s: { tasks: TaskStats[]; rssBytes: number }) => void>();
  private nextReq = 1;
  private exited: WireError | null = null;
  private stopping = false;
  /** Why the worker killed the process (it stopped answering), for the error its tasks fail with. */
  private killedFor: string | null = null;
  private readonly log: Logger;
  readonly ready: Promise<void>;

  constructor(routes: ProcessRoutes, log: Logger) {
    this.log = log;
    this.child = spawn(process.execPath, ['--no-node-snapshot', '--disable-warning=ExperimentalWarning', ...profileFlags(), childEntry((err) => log.warn('sandbox child could not be bundled; running its TypeScript entry', { error: err }))], {
      stdio: ['ignore', 'inherit', 'inherit', 'pipe'],
    });
    let readyResolve: () => void = () => undefined;
    this.ready = new Promise((resolve, reject) => {
      readyResolve = resolve;
      this.child.once('exit', () => reject(new Error('sandbox process exited before it was ready')));
    });
    this.ready.catch(() => undefined);
    const socket = this.child.stdio[3] as Duplex;
    socket.on('error', () => undefined);
    this.channel = new FrameChannel<FromChild, ToChild>(socket, (m) => {
      switch (m.t) {
        case 'reply': {
          const p = this.pending.get(m.req);
          this.pending.delete(m.req);
          p?.resolve(m);
          return;
        }
        case 'cap':
          routes.capability(m.taskKey, m.id, m.cap, m.method, m.args, m.rawIndex === undefined || m.raw === undefined ? undefined : { index: m.rawIndex, value: m.raw });
          return;
        case 'log':
          routes.log(m.taskKey, m.level, m.msg, m.fields, m.origin ?? 'plugin');
          return;
        case 'taskFailed':
          routes.taskFailed(m.taskKey, m.error);
          return;
        case 'statsReply':
          this.statsPending.get(m.req)?.(m);
          this.statsPending.delete(m.req);
          return;
        case 'ready':
          readyResolve();
          return;
      }
    }, RAW_FIELDS);
    this.child.on('exit', (code, signal) => {
      const error: WireError = this.killedFor !== null
        ? { code: ErrorCode.sandboxCrashed, message: `sandbox process ${this.child.pid ?? '?'} was killed: ${this.killedFor}` }
        : { code: ErrorCode.sandboxCrashed, message: `sandbox process ${this.child.pid ?? '?'} exited (${signal ?? `code ${code}`}); a V8 out-of-memory or a fatal isolate error ends the whole sandbox process` };
      this.exited = error;
      if (this.stopping) log.info('sandbox process stopped', { pid: this.child.pid });
      else log.error('sandbox process exited', { pid: this.child.pid, code, signal, tasks: [...this.tasks] });
      for (const p of this.pending.values()) p.reject(new SandboxError(error));
      this.pending.clear();
      routes.exited(this, error);
    });
    // The trusted bootstrap every isolate runs first: bundled once by the worker, sent before anything else.
    this.channel.send({ t: 'init', bootstrap: bootstrapSource() });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exited === null;
  }

  post(msg: ToChild): void {
    if (this.exited) return;
    this.channel.send(msg);
  }

  /**
   * Sends a request and waits for its reply; a reply with ok: false rejects with its WireError. A healthy process
   * answers every request within its own deadlines (an invoke within the task's call deadline, as a result or as a
   * deadline failure); past `answerWithinMs` it is not healthy — stopped (SIGSTOP, a frozen VM), wedged in native
   * code — and is killed, which fails every task it holds (sandbox-crashed: they restart on a fresh process).
   */
  request(msg: RequestMsg, answerWithinMs?: number): Promise<Reply & { ok: true }> {
    if (this.exited) return Promise.reject(new SandboxError(this.exited));
    const req = this.nextReq++;
    return new Promise((resolve, reject) => {
      const timer = answerWithinMs === undefined ? undefined : setTimeout(() => this.unresponsive(`${msg.t} got no answer within ${answerWithinMs} ms`), answerWithinMs);
      timer?.unref();
      this.pending.set(req, {
        resolve: (r) => {
          clearTimeout(timer);
          if (r.ok) resolve(r);
          else reject(new SandboxError(r.error));
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.channel.send({ ...msg, req });
    });
  }

  /** Statistics, or none when the process does not answer within answerWithinMs (a stalled process never hangs /metrics). */
  stats(answerWithinMs = STATS_WAIT_MS): Promise<{ tasks: TaskStats[]; rssBytes: number }> {
    const req = this.nextReq++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.statsPending.delete(req);
        resolve({ tasks: [], rssBytes: 0 });
      }, answerWithinMs);
      timer.unref();
      this.statsPending.set(req, (s) => {
        clearTimeout(timer);
        resolve(s);
      });
      this.post({ t: 'stats', req });
    });
  }

  private unresponsive(why: string): void {
    if (this.exited !== null || this.killedFor !== null) return;
    this.killedFor = `it stopped answering (${why}); its tasks restart on another sandbox process`;
    this.log.error('sandbox process unresponsive; killing it', { pid: this.child.pid, reason: why, tasks: [...this.tasks] });
    this.child.kill('SIGKILL');
  }

  /** The exit that follows is expected: log it as a stop, not a crash. */
  markStopping(): void {
    this.stopping = true;
  }

  kill(): void {
    if (this.exited !== null) return;
    // A profiled process must exit by itself to write its profile: closing its channel makes it exit(0).
    if (profileFlags().length > 0) (this.child.stdio[3] as Duplex).end();
    else this.child.kill('SIGKILL');
  }
}
