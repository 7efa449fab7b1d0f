/** Messages between the worker and a sandbox child process. Tagged unions; requests carry ids. */
import type { CapabilityName } from '../../sdk/capabilities.ts';
import type { PluginMetricDeclaration } from '../../sdk/metrics.ts';
import type { RuntimeMethod } from '../../sdk/runtime.ts';
import type { ErrorCode } from '../core/errors.ts';

export interface SandboxLimits {
  /** Isolate heap limit in MB. */
  memoryMb: number;
  /** Wall-clock deadline on every call into the isolate. */
  callDeadlineMs: number;
  /** CPU the isolate may use from the start of a call (or from going idle) before it is disposed. */
  cpuQuotaMs: number;
  /** Largest JSON batch (characters) that may cross in either direction per call. */
  maxBatchBytes: number;
  /** Largest JSON of capability arguments and of capability results. */
  maxCapabilityBytes: number;
  /** Capability calls one task may have in flight. */
  maxPendingCalls: number;
  /** Unhandled promise rejections a task may leave (each is logged and counted) before it is failed. */
  maxUnhandledRejections: number;
  /** Plugin log lines per task per second; more are dropped and counted. */
  logLinesPerSecond: number;
  /** Plugin log bytes (message plus fields) per task per second; more are dropped and counted. */
  logBytesPerSecond: number;
  /** Plugin log bytes per task per UTC day; more are dropped and counted. */
  logBytesPerDay: number;
  /** A longer plugin log line is truncated to this many bytes. */
  maxLogLineBytes: number;
}

export const DEFAULT_LIMITS: SandboxLimits = Object.freeze({
  memoryMb: 128,
  callDeadlineMs: 30_000,
  cpuQuotaMs: 10_000,
  maxBatchBytes: 16 * 1024 * 1024,
  maxCapabilityBytes: 4 * 1024 * 1024,
  maxPendingCalls: 256,
  maxUnhandledRejections: 100,
  logLinesPerSecond: 500,
  logBytesPerSecond: 64 * 1024,
  logBytesPerDay: 256 * 1024 * 1024,
  maxLogLineBytes: 4096,
});

export type LimitName = 'memory' | 'cpu' | 'deadline' | 'batch-size' | 'pending-calls' | 'unhandled-rejections';

export interface WireError {
  code: ErrorCode;
  message: string;
  /** Set when a sandbox limit was breached: which one and the measured figure. */
  limit?: { name: LimitName; measured: number; allowed: number; unit: string };
  stack?: string;
}

export interface TaskSpec {
  taskKey: string;
  pluginKey: string;
  capabilities: CapabilityName[];
  /** The manifest asks for WebAssembly; without it the guest has no WebAssembly global. */
  wasm: boolean;
  /** The metrics the manifest declares (ctx.metrics checks against them in the guest; the broker checks again). */
  metrics?: PluginMetricDeclaration[];
  limits: SandboxLimits;
}

export type ToChild =
  | { t: 'init'; bootstrap: string }
  /** `module`: a WebAssembly connector's module, base64; the bootstrap instantiates it in each of the plugin's isolates. */
  | { t: 'load'; pluginKey: string; code: string; module?: string }
  | { t: 'unload'; pluginKey: string }
  | { t: 'create'; req: number; spec: TaskSpec }
  /** `records`: a batch (put) as one JSON text per record, beside `arg` (then null), so no batch is one large string. */
  | { t: 'invoke'; req: number; taskKey: string; method: RuntimeMethod; arg: string; records?: string[] }
  | { t: 'dispose'; req: number; taskKey: string }
  | { t: 'capResult'; taskKey: string; id: number; ok: boolean; value: string }
  | { t: 'stats'; req: number };

export interface TaskStats {
  taskKey: string;
  cpuMs: number;
  /** Heap, external (ArrayBuffer) and WebAssembly memory of the isolate, as last sampled. */
  heapUsedBytes: number;
  wasmBytes: number;
  unhandledRejections: number;
}

export type FromChild =
  | { t: 'ready'; pid: number }
  /** `records`: a batch result (poll) as one JSON text per record; `value` is then the envelope with value null. */
  | { t: 'reply'; req: number; ok: true; value: string | null; records?: string[]; createMs?: number }
  | { t: 'reply'; req: number; ok: false; error: WireError }
  /**
   * A capability call. `raw` is a long string argument carried beside the JSON `args` (null at `rawIndex` there):
   * sent as text, received by the worker as its UTF-8 bytes (the frame body), never decoded on the way.
   */
  | { t: 'cap'; taskKey: string; id: number; cap: string; method: string; args: string; rawIndex?: number; raw?: string | Buffer }
  | { t: 'log'; taskKey: string; level: string; msg: string; fields: string; origin?: 'host' }
  | { t: 'taskFailed'; taskKey: string; error: WireError }
  | { t: 'statsReply'; req: number; tasks: TaskStats[]; rssBytes: number };
