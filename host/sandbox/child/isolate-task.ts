/** One task's isolate inside a sandbox child: creation from cached compiled code, calls in, limits, disposal. */
import ivm from 'isolated-vm';
import { ErrorCode } from '../../core/errors.ts';
import type { SandboxLimits, TaskSpec, WireError } from '../protocol.ts';

/** Code plus the V8 code cache we produced for it on first compile (never data that came with a bundle). */
export interface CompiledCode {
  filename: string;
  code: string;
  cachedData: ivm.ExternalCopy<ArrayBuffer> | null;
}

export interface IsolateTaskEvents {
  hostCall(id: number, cap: string, method: string, args: string): void;
  failed(error: WireError): void;
}

const MB = 1024 * 1024;

interface CacheInfo {
  cachedData?: ivm.ExternalCopy<ArrayBuffer>;
  cachedDataRejected?: boolean;
}

async function compile(isolate: ivm.Isolate, c: CompiledCode): Promise<ivm.Script> {
  if (c.cachedData !== null) {
    const script = await isolate.compileScript(c.code, { filename: c.filename, cachedData: c.cachedData });
    if ((script as ivm.Script & CacheInfo).cachedDataRejected !== true) return script;
  }
  const script = await isolate.compileScript(c.code, { filename: c.filename, produceCachedData: true });
  const produced = (script as ivm.Script & CacheInfo).cachedData;
  if (produced) c.cachedData = produced;
  return script;
}

/** Thrown by task operations; carries the WireError sent back to the worker. */
export class TaskFault extends Error {
  readonly wire: WireError;
  constructor(wire: WireError) {
    super(wire.message);
    this.name = 'TaskFault';
    this.wire = wire;
  }
}

export function limitError(name: NonNullable<WireError['limit']>['name'], measured: number, allowed: number, unit: string, detail: string): WireError {
  return {
    code: ErrorCode.limitExceeded,
    message: `${name} limit exceeded: ${detail} (measured ${measured} ${unit}, limit ${allowed} ${unit})`,
    limit: { name, measured, allowed, unit },
  };
}

export class IsolateTask {
  readonly spec: TaskSpec;
  private readonly isolate: ivm.Isolate;
  private readonly context: ivm.Context;
  private readonly dispatchRef: ivm.Reference<(method: string, arg: string) => Promise<string>>;
  private readonly settleRef: ivm.Reference<(id: number, ok: boolean, json: string) => void>;
  private readonly events: IsolateTaskEvents;
  private failure: WireError | null = null;
  private readonly failWaiters = new Set<(e: WireError) => void>();
  private cpuMark = 0n;
  private lastHeapBytes = 0;
  private heapCheckPending = false;
  private inFlight = 0;

  private constructor(spec: TaskSpec, isolate: ivm.Isolate, context: ivm.Context, entry: ivm.Reference<{ dispatch: unknown; settle: unknown }>, events: IsolateTaskEvents) {
    this.spec = spec;
    this.isolate = isolate;
    this.context = context;
    this.dispatchRef = entry.getSync('dispatch', { reference: true }) as ivm.Reference<(method: string, arg: string) => Promise<string>>;
    this.settleRef = entry.getSync('settle', { reference: true }) as ivm.Reference<(id: number, ok: boolean, json: string) => void>;
    this.events = events;
    this.cpuMark = isolate.cpuTime;
  }

  static async create(spec: TaskSpec, bootstrap: CompiledCode, plugin: CompiledCode, events: IsolateTaskEvents): Promise<IsolateTask> {
    const isolate = new ivm.Isolate({ memoryLimit: spec.limits.memoryMb });
    try {
      const context = await isolate.createContext();
      const jail = context.global;
      const bootInfo = { maxPending: spec.limits.maxPendingCalls, maxArgBytes: spec.limits.maxCapabilityBytes, maxBatchBytes: spec.limits.maxBatchBytes };
      await jail.set('__conveyorBootInfo', JSON.stringify(bootInfo));
      await jail.set('__conveyorHostCall', new ivm.Callback((id: number, cap: string, method: string, args: string) => events.hostCall(id, cap, method, args), { ignored: true }));
      const boot = await compile(isolate, bootstrap);
      const entry = (await boot.run(context, { reference: true, timeout: spec.limits.callDeadlineMs })) as ivm.Reference<{ dispatch: unknown; settle: unknown }>;
      const code = await compile(isolate, plugin);
      await code.run(context, { timeout: spec.limits.callDeadlineMs });
      return new IsolateTask(spec, isolate, context, entry, events);
    } catch (err) {
      const disposedByLimit = isolate.isDisposed;
      if (!isolate.isDisposed) isolate.dispose();
      if (disposedByLimit) throw new TaskFault(limitError('memory', spec.limits.memoryMb, spec.limits.memoryMb, 'MB', 'isolate ran out of memory while loading the plugin'));
      throw new TaskFault({ code: ErrorCode.pluginInvalid, message: `plugin code failed to load: ${(err as Error).name}: ${(err as Error).message}`, ...((err as Error).stack ? { stack: (err as Error).stack } : {}) });
    }
  }

  get failed(): WireError | null {
    return this.failure;
  }

  /** Calls into the guest runtime; resolves with the result JSON or rejects with a WireError. */
  async invoke(method: string, arg: string): Promise<string> {
    if (this.failure) throw new TaskFault(this.failure);
    const limits: SandboxLimits = this.spec.limits;
    if (arg.length > limits.maxBatchBytes) throw new TaskFault(limitError('batch-size', arg.length, limits.maxBatchBytes, 'bytes', `${method} argument too large`));
    this.inFlight++;
    if (this.inFlight === 1) this.cpuMark = this.isolate.cpuTime;
    let timer: NodeJS.Timeout | undefined;
    let onFail: ((e: WireError) => void) | undefined;
    try {
      const call = this.dispatchRef.apply(undefined, [method, arg], { result: { promise: true, copy: true }, timeout: limits.callDeadlineMs }) as unknown as Promise<string>;
      const failed = new Promise<never>((_, reject) => {
        onFail = reject;
        this.failWaiters.add(reject);
        timer = setTimeout(() => this.fail(limitError('deadline', limits.callDeadlineMs, limits.callDeadlineMs, 'ms', `${method} did not return within the call deadline`)), limits.callDeadlineMs);
      });
      let json: string;
      try {
        json = await Promise.race([call, failed]);
      } catch (err) {
        call.catch(() => undefined);
        throw new TaskFault(this.failure ?? this.translate(err, method));
      }
      if (typeof json !== 'string') throw new TaskFault(this.fail({ code: ErrorCode.taskFailed, message: `${method} returned a non-string envelope` }));
      if (json.length > limits.maxBatchBytes) throw new TaskFault(this.fail(limitError('batch-size', json.length, limits.maxBatchBytes, 'bytes', `${method} result too large`)));
      if (json.startsWith('{"ok":false') && json.includes('Array buffer allocation failed')) throw new TaskFault(await this.arrayBufferRefused(method));
      return json;
    } finally {
      clearTimeout(timer);
      if (onFail) this.failWaiters.delete(onFail);
      this.inFlight--;
      if (this.inFlight === 0 && this.failure === null) this.cpuMark = this.isolate.isDisposed ? 0n : this.isolate.cpuTime;
    }
  }

  /** V8 refuses ArrayBuffer allocations past the isolate's limit with a RangeError; report it as the memory limit. */
  private async arrayBufferRefused(method: string): Promise<WireError> {
    const s = await this.isolate.getHeapStatistics().catch(() => null);
    const usedMb = s ? Math.round(((s.used_heap_size + s.externally_allocated_size) / MB) * 10) / 10 : this.spec.limits.memoryMb;
    return this.fail(limitError('memory', usedMb, this.spec.limits.memoryMb, 'MB', `${method} allocated ArrayBuffers until V8 refused the next one`));
  }

  private translate(err: unknown, method: string): WireError {
    if (this.isolate.isDisposed) {
      const heapMb = Math.round((this.lastHeapBytes / MB) * 10) / 10;
      return this.fail(limitError('memory', Math.max(heapMb, this.spec.limits.memoryMb), this.spec.limits.memoryMb, 'MB', `isolate reached its heap limit during ${method} and was disposed by V8`));
    }
    const e = err as Error;
    if (/timed out/i.test(e.message ?? '')) {
      return this.fail(limitError('deadline', this.spec.limits.callDeadlineMs, this.spec.limits.callDeadlineMs, 'ms', `${method} ran synchronously past the call deadline`));
    }
    return this.fail({ code: ErrorCode.taskFailed, message: `${method} failed: ${e.message ?? String(err)}`, ...(e.stack ? { stack: e.stack } : {}) });
  }

  /** Resolves a guest promise created by a capability call. Never blocks the child's event loop. */
  settle(id: number, ok: boolean, json: string): void {
    if (this.failure || this.isolate.isDisposed) return;
    this.settleRef.applyIgnored(undefined, [id, ok, json]);
  }

  /** Watchdog tick: CPU against quota (measured live, works while the isolate spins), heap sampled asynchronously. */
  checkLimits(): void {
    if (this.failure) return;
    if (this.isolate.isDisposed) {
      this.fail(limitError('memory', this.spec.limits.memoryMb, this.spec.limits.memoryMb, 'MB', 'isolate reached its heap limit and was disposed by V8'));
      return;
    }
    const usedMs = Number(this.isolate.cpuTime - this.cpuMark) / 1e6;
    if (usedMs > this.spec.limits.cpuQuotaMs) {
      this.fail(limitError('cpu', Math.round(usedMs), this.spec.limits.cpuQuotaMs, 'ms', this.inFlight > 0 ? 'CPU used by one call' : 'CPU used while no call was in flight (runaway async code)'));
      return;
    }
    if (!this.heapCheckPending) {
      this.heapCheckPending = true;
      this.isolate.getHeapStatistics().then(
        (s) => {
          this.heapCheckPending = false;
          this.lastHeapBytes = s.used_heap_size + s.externally_allocated_size;
          const limit = this.spec.limits.memoryMb * MB;
          if (this.lastHeapBytes > limit * 1.1 && !this.failure) {
            this.fail(limitError('memory', Math.round(this.lastHeapBytes / MB), this.spec.limits.memoryMb, 'MB', 'isolate heap plus external memory over the limit'));
          }
        },
        () => {
          this.heapCheckPending = false;
        },
      );
    }
  }

  stats(): { cpuMs: number; heapUsedBytes: number } {
    return { cpuMs: this.isolate.isDisposed ? 0 : Number(this.isolate.cpuTime) / 1e6, heapUsedBytes: this.lastHeapBytes };
  }

  /** Marks the task failed, disposes the isolate and wakes every waiting call. Returns the error for throwing. */
  fail(error: WireError): WireError {
    if (this.failure) return this.failure;
    this.failure = error;
    this.disposeIsolate();
    for (const w of this.failWaiters) w(error);
    this.failWaiters.clear();
    this.events.failed(error);
    return error;
  }

  dispose(): void {
    if (!this.failure) this.failure = { code: ErrorCode.taskFailed, message: 'task disposed' };
    this.disposeIsolate();
    for (const w of this.failWaiters) w(this.failure);
    this.failWaiters.clear();
  }

  private disposeIsolate(): void {
    try {
      this.context.release();
    } catch {
      // already released with the isolate
    }
    if (!this.isolate.isDisposed) this.isolate.dispose();
  }
}
