/** One task's isolate inside a sandbox child: creation from cached compiled code, calls in, limits, disposal. */
import ivm from 'isolated-vm';
import { ErrorCode } from '../../core/errors.ts';
import type { SandboxLimits, TaskSpec, WireError } from '../protocol.ts';
import { CpuMeter } from './cpu-meter.ts';
import { disposeProfiled, startIsolateProfile } from './isolate-profile.ts';
import { limitError, TaskFault } from './task-fault.ts';

/** A string argument carried beside a capability call's JSON (which holds null in its place). */
export interface RawArg {
  index: number;
  text: string;
}

/** Code plus the V8 code cache we produced for it on first compile (never data that came with a bundle). */
export interface CompiledCode {
  filename: string;
  code: string;
  cachedData: ivm.ExternalCopy<ArrayBuffer> | null;
  /** A WebAssembly connector's module bytes (each isolate reads its sections). */
  module?: Uint8Array;
  /**
   * The module as the first isolate compiled it, taken out before any plugin code ran: the next isolates of the
   * bundle get it instead of compiling again (V8 shares the compiled code between isolates of the process).
   */
  compiledModule?: ivm.ExternalCopy<unknown>;
  /** How many isolates compiled the module themselves (1 once the cache works). */
  moduleCompiles?: number;
}

export interface IsolateTaskEvents {
  /** A capability call: its JSON arguments, and, when one long string argument was taken out of them, that text. */
  hostCall(id: number, cap: string, method: string, args: string, raw?: RawArg): void;
  failed(error: WireError): void;
  /** A promise rejection the plugin left unhandled; the task goes on until their count passes the limit. */
  unhandledRejection?(error: { message: string; stack?: string }, count: number): void;
}

const MB = 1024 * 1024;
/** Pages of 64 KiB per MB: a task's WebAssembly memories may reserve as much as its memory limit. */
const WASM_PAGES_PER_MB = 16;

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

/** Where the callbacks created before the task object exists deliver. */
interface Inbox {
  result(id: number, json: unknown, records: unknown): void;
}

/** A call's outcome as the guest sent it: the JSON envelope, and for a batch result its records, one JSON text each. */
export interface GuestResult {
  json: string;
  records?: string[];
}

/** Total characters of a batch's record texts. */
export function batchChars(records: readonly string[] | undefined): number {
  let n = 0;
  if (records !== undefined) for (const r of records) n += r.length;
  return n;
}

/** The guest's records must be a list of strings; anything else is a malformed batch, reported by its first fault. */
function malformedRecords(records: unknown): string | null {
  if (!Array.isArray(records)) return `records of type ${typeof records}, not a list`;
  for (let i = 0; i < records.length; i++) if (typeof records[i] !== 'string') return `record ${i} is ${typeof records[i]}, not JSON text`;
  return null;
}

const round1 = (bytes: number): number => Math.round((bytes / MB) * 10) / 10;

export class IsolateTask {
  readonly spec: TaskSpec;
  private readonly isolate: ivm.Isolate;
  private readonly context: ivm.Context;
  private readonly dispatchRef: ivm.Reference<(id: number, method: string, arg: string, records?: string[]) => void>;
  private readonly settleRef: ivm.Reference<(id: number, ok: boolean, json: string) => void>;
  private readonly events: IsolateTaskEvents;
  private readonly cpu: CpuMeter;
  private readonly results = new Map<number, (r: GuestResult) => void>();
  private failure: WireError | null = null;
  private readonly failWaiters = new Set<(e: WireError) => void>();
  private nextCall = 1;
  private heapBytes = 0;
  private wasmBytes = 0;
  private unhandled = 0;
  private heapCheckPending = false;
  private inFlight = 0;

  private constructor(spec: TaskSpec, isolate: ivm.Isolate, context: ivm.Context, entry: ivm.Reference<{ dispatch: unknown; settle: unknown; wasmModule: unknown }>, events: IsolateTaskEvents, inbox: Inbox) {
    this.spec = spec;
    this.isolate = isolate;
    this.context = context;
    this.dispatchRef = entry.getSync('dispatch', { reference: true }) as ivm.Reference<(id: number, method: string, arg: string, records?: string[]) => void>;
    this.settleRef = entry.getSync('settle', { reference: true }) as ivm.Reference<(id: number, ok: boolean, json: string) => void>;
    this.events = events;
    this.cpu = new CpuMeter(() => (isolate.isDisposed ? 0n : isolate.cpuTime));
    inbox.result = (id, json, records) => {
      const deliver = this.results.get(id);
      if (deliver === undefined || typeof json !== 'string') return;
      if (records === undefined) {
        deliver({ json });
        return;
      }
      const fault = malformedRecords(records);
      if (fault !== null) this.fail({ code: ErrorCode.taskFailed, message: `the guest returned a malformed batch: ${fault}` });
      else deliver({ json, records: records as string[] });
    };
  }

  static async create(spec: TaskSpec, bootstrap: CompiledCode, plugin: CompiledCode, events: IsolateTaskEvents): Promise<IsolateTask> {
    const isolate = new ivm.Isolate({ memoryLimit: spec.limits.memoryMb });
    const inbox: Inbox = { result: () => undefined };
    try {
      startIsolateProfile(isolate);
      const context = await isolate.createContext();
      const jail = context.global;
      const bootInfo = {
        maxPending: spec.limits.maxPendingCalls,
        maxArgBytes: spec.limits.maxCapabilityBytes,
        maxBatchBytes: spec.limits.maxBatchBytes,
        wasm: spec.wasm || plugin.module !== undefined,
        wasmBudgetPages: Math.floor(spec.limits.memoryMb * WASM_PAGES_PER_MB),
        module: plugin.module !== undefined,
        capabilities: spec.capabilities,
        metrics: spec.metrics ?? [],
      };
      if (plugin.module !== undefined) {
        const m = plugin.module;
        await jail.set('__conveyorWasmModule', new ivm.ExternalCopy(m.buffer.slice(m.byteOffset, m.byteOffset + m.byteLength)).copyInto({ release: true }));
        if (plugin.compiledModule !== undefined) await jail.set('__conveyorWasmCompiled', plugin.compiledModule.copyInto());
      }
      await jail.set('__conveyorBootInfo', JSON.stringify(bootInfo));
      await jail.set('__conveyorHostCall', new ivm.Callback((id: number, cap: string, method: string, args: string, rawIndex?: unknown, raw?: unknown) => {
        const index = typeof rawIndex === 'number' && Number.isSafeInteger(rawIndex) && rawIndex >= 0 && typeof raw === 'string' ? rawIndex : -1;
        events.hostCall(id, cap, method, args, index < 0 ? undefined : { index, text: raw as string });
      }, { ignored: true }));
      await jail.set('__conveyorResult', new ivm.Callback((id: number, json: unknown, records?: unknown) => inbox.result(id, json, records), { ignored: true }));
      const boot = await compile(isolate, bootstrap);
      const entry = (await boot.run(context, { reference: true, timeout: spec.limits.callDeadlineMs })) as ivm.Reference<{ dispatch: unknown; settle: unknown; wasmModule: unknown }>;
      if (plugin.module !== undefined) {
        const compiled = await entry.get<{ reference: true }, 'wasmModule'>('wasmModule', { reference: true });
        if (compiled.typeof === 'object') {
          plugin.moduleCompiles = (plugin.moduleCompiles ?? 0) + 1;
          plugin.compiledModule ??= await entry.get<{ externalCopy: true }, 'wasmModule'>('wasmModule', { externalCopy: true });
        }
        compiled.release();
      }
      const code = await compile(isolate, plugin);
      await code.run(context, { timeout: spec.limits.callDeadlineMs });
      return new IsolateTask(spec, isolate, context, entry, events, inbox);
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

  /**
   * Calls into the guest runtime with a JSON argument and, for a batch, its records (one JSON text each); resolves
   * with the guest's result or rejects with a TaskFault.
   */
  async invoke(method: string, arg: string, records?: string[]): Promise<GuestResult> {
    if (this.failure) throw new TaskFault(this.failure);
    const limits: SandboxLimits = this.spec.limits;
    const argChars = arg.length + batchChars(records);
    if (argChars > limits.maxBatchBytes) throw new TaskFault(limitError('batch-size', argChars, limits.maxBatchBytes, 'bytes', `${method} argument too large`));
    this.inFlight++;
    if (this.inFlight === 1) this.cpu.reset();
    const id = this.nextCall++;
    let timer: NodeJS.Timeout | undefined;
    let onFail: ((e: WireError) => void) | undefined;
    try {
      const result = new Promise<GuestResult>((resolve) => this.results.set(id, resolve));
      const failed = new Promise<never>((_, reject) => {
        onFail = reject;
        this.failWaiters.add(reject);
        timer = setTimeout(() => this.fail(this.deadlineError(method)), limits.callDeadlineMs);
      });
      // Only a V8 disposal or a promise rejection the plugin left unhandled fails the apply itself: the envelope
      // always arrives through the result callback.
      const applied = records === undefined
        ? this.dispatchRef.apply(undefined, [id, method, arg])
        : this.dispatchRef.apply(undefined, [id, method, arg, records], { arguments: { copy: true } });
      applied.catch((err: unknown) => this.applyFailed(err, method));
      let out: GuestResult;
      try {
        out = await Promise.race([result, failed]);
      } catch (err) {
        throw new TaskFault(this.failure ?? (err as WireError));
      }
      const { json } = out;
      const resultChars = json.length + batchChars(out.records);
      if (resultChars > limits.maxBatchBytes) throw new TaskFault(this.fail(limitError('batch-size', resultChars, limits.maxBatchBytes, 'bytes', `${method} result too large`)));
      if (json.startsWith('{"ok":false') && json.includes('Array buffer allocation failed')) throw new TaskFault(await this.arrayBufferRefused(method));
      return out;
    } finally {
      clearTimeout(timer);
      this.results.delete(id);
      if (onFail) this.failWaiters.delete(onFail);
      this.inFlight--;
      if (this.inFlight === 0 && this.failure === null) this.cpu.reset();
    }
  }

  private deadlineError(method: string): WireError {
    const deadline = this.spec.limits.callDeadlineMs;
    const blocked = this.cpu.blockedForMs(performance.now());
    const detail = blocked === null
      ? `${method} did not return within the call deadline`
      : `${method} was blocked in Atomics.wait for ${Math.round(blocked)} ms and did not return within the call deadline`;
    return limitError('deadline', deadline, deadline, 'ms', detail);
  }

  /** V8 refuses ArrayBuffer allocations past the isolate's limit with a RangeError; report it as the memory limit. */
  private async arrayBufferRefused(method: string): Promise<WireError> {
    const s = await this.isolate.getHeapStatistics().catch(() => null);
    const usedMb = s ? round1(s.used_heap_size + s.externally_allocated_size + this.wasmBytes) : this.spec.limits.memoryMb;
    return this.fail(limitError('memory', usedMb, this.spec.limits.memoryMb, 'MB', `${method} allocated ArrayBuffers until V8 refused the next one`));
  }

  /** An apply into the isolate failed: V8 disposed it (memory), or the plugin left a promise rejection unhandled. */
  private applyFailed(err: unknown, during: string): void {
    if (this.failure) return;
    if (this.isolate.isDisposed) {
      const heapMb = round1(this.heapBytes + this.wasmBytes);
      this.fail(limitError('memory', Math.max(heapMb, this.spec.limits.memoryMb), this.spec.limits.memoryMb, 'MB', `isolate reached its heap limit during ${during} and was disposed by V8`));
      return;
    }
    const e = err as { message?: unknown; stack?: unknown } | null | undefined;
    const message = String(e?.message ?? err).slice(0, 2000);
    const stack = typeof e?.stack === 'string' ? e.stack.slice(0, 8000) : undefined;
    this.unhandled++;
    this.events.unhandledRejection?.(stack === undefined ? { message } : { message, stack }, this.unhandled);
    const max = this.spec.limits.maxUnhandledRejections;
    if (this.unhandled > max) {
      this.fail({ ...limitError('unhandled-rejections', this.unhandled, max, 'rejections', `the plugin left promise rejections unhandled; the last: ${message}`), ...(stack ? { stack } : {}) });
    }
  }

  /** Resolves a guest promise created by a capability call. Never blocks the child's event loop. */
  settle(id: number, ok: boolean, json: string): void {
    if (this.failure || this.isolate.isDisposed) return;
    this.settleRef.apply(undefined, [id, ok, json]).catch((err: unknown) => this.applyFailed(err, 'a capability continuation'));
  }

  /** The guest's Atomics.wait wrapper: a wait started, or ended after blockedMs. */
  blocking(event: string, blockedMs: number): void {
    if (event === 'wait') this.cpu.waitStarted(performance.now());
    else if (event === 'done') this.cpu.waitEnded(blockedMs);
  }

  /** The guest's WebAssembly guard: bytes its live memories hold now (their maxima are already bounded). */
  wasmUsage(bytes: number): void {
    if (!Number.isFinite(bytes) || bytes < 0) return;
    this.wasmBytes = bytes;
    this.checkMemory();
  }

  private checkMemory(): void {
    const used = this.heapBytes + this.wasmBytes;
    const limit = this.spec.limits.memoryMb * MB;
    if (used > limit * 1.1 && !this.failure) {
      const what = this.wasmBytes > 0 ? 'isolate heap, external and WebAssembly memory over the limit' : 'isolate heap plus external memory over the limit';
      this.fail(limitError('memory', Math.round(used / MB), this.spec.limits.memoryMb, 'MB', what));
    }
  }

  /** Watchdog tick: CPU against quota (measured live, works while the isolate spins), heap sampled asynchronously. */
  checkLimits(): void {
    if (this.failure) return;
    const limits = this.spec.limits;
    if (this.isolate.isDisposed) {
      this.fail(limitError('memory', limits.memoryMb, limits.memoryMb, 'MB', 'isolate reached its heap limit and was disposed by V8'));
      return;
    }
    const blocked = this.cpu.blockedForMs(performance.now());
    if (blocked !== null && blocked > limits.callDeadlineMs && this.inFlight === 0) {
      this.fail(limitError('deadline', Math.round(blocked), limits.callDeadlineMs, 'ms', 'blocked in Atomics.wait with no call in flight'));
      return;
    }
    const usedMs = this.cpu.usedMs();
    if (usedMs > limits.cpuQuotaMs) {
      this.fail(limitError('cpu', Math.round(usedMs), limits.cpuQuotaMs, 'ms', this.inFlight > 0 ? 'CPU used by one call' : 'CPU used while no call was in flight (runaway async code)'));
      return;
    }
    if (!this.heapCheckPending) {
      this.heapCheckPending = true;
      this.isolate.getHeapStatistics().then(
        (s) => {
          this.heapCheckPending = false;
          this.heapBytes = s.used_heap_size + s.externally_allocated_size;
          this.checkMemory();
        },
        () => {
          this.heapCheckPending = false;
        },
      );
    }
  }

  stats(): { cpuMs: number; heapUsedBytes: number; wasmBytes: number; unhandledRejections: number } {
    return {
      cpuMs: this.isolate.isDisposed ? 0 : Number(this.isolate.cpuTime) / 1e6,
      heapUsedBytes: this.heapBytes + this.wasmBytes,
      wasmBytes: this.wasmBytes,
      unhandledRejections: this.unhandled,
    };
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
    if (!this.isolate.isDisposed) disposeProfiled(this.isolate, this.spec.taskKey);
  }
}
