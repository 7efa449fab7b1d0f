/**
 * Sandbox child process: hosts task isolates, answers the worker's requests and forwards capability calls.
 * Every isolate call is asynchronous, so this process's event loop stays free for the CPU watchdog.
 */
import { Socket } from 'node:net';
import { ErrorCode } from '../../core/errors.ts';
import { FrameChannel } from '../frame-channel.ts';
import type { FromChild, TaskSpec, ToChild, WireError } from '../protocol.ts';
import { IsolateTask } from './isolate-task.ts';
import type { CompiledCode, RawArg } from './isolate-task.ts';
import { LogBudget } from './log-budget.ts';
import { limitError, TaskFault } from './task-fault.ts';

const WATCHDOG_MS = 20;
const LOG_REPORT_CHECK_MS = 1000;
const MAX_SLEEP_MS = 60_000;
const LEVELS = ['debug', 'info', 'warn', 'error'];

/** fd 3 is the worker's framed channel; when it closes the worker is gone and so are we. */
const socket = new Socket({ fd: 3, readable: true, writable: true });
const channel = new FrameChannel<ToChild, FromChild>(socket, (msg) => {
  handle(msg).catch((err: unknown) => process.stderr.write(`sandbox: ${String((err as Error)?.stack ?? err)}\n`));
});
socket.on('end', () => process.exit(0));
socket.on('error', () => process.exit(0));
const send = (msg: FromChild): void => channel.send(msg);

/** The trusted bootstrap, sent by the worker as the first message ('init'). */
let bootstrap: CompiledCode | null = null;
const plugins = new Map<string, CompiledCode>();
const tasks = new Map<string, IsolateTask>();
const pendingCalls = new Map<string, number>();
const logBudgets = new Map<string, LogBudget>();

function asWireError(err: unknown): WireError {
  if (err instanceof TaskFault) return err.wire;
  return { code: ErrorCode.internal, message: String((err as Error)?.message ?? err) };
}

function settle(task: IsolateTask, id: number, ok: boolean, value: string): void {
  const key = task.spec.taskKey;
  pendingCalls.set(key, Math.max(0, (pendingCalls.get(key) ?? 1) - 1));
  task.settle(id, ok, value);
}

function settleError(task: IsolateTask, id: number, error: WireError): void {
  settle(task, id, false, JSON.stringify({ code: error.code, message: error.message }));
}

/** A number sent by the trusted bootstrap (Atomics.wait and WebAssembly guards) as a one-element JSON array. */
function firstNumber(args: string): number {
  try {
    return Number((JSON.parse(args) as unknown[])[0]);
  } catch {
    return NaN;
  }
}

function onHostCall(spec: TaskSpec, id: number, cap: string, method: string, args: string, raw?: RawArg): void {
  const task = tasks.get(spec.taskKey);
  if (task === undefined || task.failed) return;
  if (id === 0) {
    if (cap === 'log') forwardLog(spec, method, args);
    else if (cap === 'block') task.blocking(method, firstNumber(args));
    else if (cap === 'wasm') task.wasmUsage(firstNumber(args));
    return;
  }
  pendingCalls.set(spec.taskKey, (pendingCalls.get(spec.taskKey) ?? 0) + 1);
  const inFlight = pendingCalls.get(spec.taskKey) ?? 0;
  if (inFlight > spec.limits.maxPendingCalls) {
    settleError(task, id, limitError('pending-calls', inFlight, spec.limits.maxPendingCalls, 'calls', `${cap}.${method} rejected`));
    return;
  }
  const argBytes = args.length + (raw?.text.length ?? 0);
  if (argBytes > spec.limits.maxCapabilityBytes) {
    settleError(task, id, limitError('batch-size', argBytes, spec.limits.maxCapabilityBytes, 'bytes', `${cap}.${method} arguments too large`));
    return;
  }
  if (cap === 'clock' && method === 'sleep') {
    let ms = 0;
    try {
      ms = Number((JSON.parse(args) as unknown[])[0]);
    } catch {
      ms = NaN;
    }
    if (!Number.isFinite(ms) || ms < 0) {
      settleError(task, id, { code: ErrorCode.capabilityInvalid, message: 'clock.sleep: ms must be a non-negative number' });
      return;
    }
    setTimeout(() => settle(task, id, true, 'null'), Math.min(ms, MAX_SLEEP_MS)).unref();
    return;
  }
  send(raw === undefined ? { t: 'cap', taskKey: spec.taskKey, id, cap, method, args } : { t: 'cap', taskKey: spec.taskKey, id, cap, method, args, rawIndex: raw.index, raw: raw.text });
}

/** A line the host itself says about a task (dropped logs, unhandled rejections): logged with the task's context. */
function hostLog(taskKey: string, level: 'warn' | 'error', msg: string, fields: Record<string, unknown>): void {
  send({ t: 'log', taskKey, level, msg, fields: JSON.stringify(fields), origin: 'host' });
}

function reportDroppedLogs(taskKey: string, budget: LogBudget, force: boolean): void {
  const report = budget.report(force);
  if (report !== null) hostLog(taskKey, 'warn', 'plugin log lines dropped or truncated by the log budget', { ...report });
}

function forwardLog(spec: TaskSpec, level: string, args: string): void {
  let budget = logBudgets.get(spec.taskKey);
  if (budget === undefined) {
    budget = new LogBudget(spec.limits);
    logBudgets.set(spec.taskKey, budget);
  }
  let msg: string;
  let fields: string;
  try {
    const parsed = JSON.parse(args) as [unknown, unknown];
    msg = String(parsed[0]);
    fields = typeof parsed[1] === 'string' ? parsed[1] : '{}';
  } catch {
    return;
  }
  const line = budget.admit(msg, fields);
  if (line !== null) send({ t: 'log', taskKey: spec.taskKey, level: LEVELS.includes(level) ? level : 'info', msg: line.msg, fields: line.fields });
}

async function handle(msg: ToChild): Promise<void> {
  switch (msg.t) {
    case 'init':
      bootstrap ??= { filename: 'conveyor-bootstrap.js', code: msg.bootstrap, cachedData: null };
      return;
    case 'load':
      if (!plugins.has(msg.pluginKey)) plugins.set(msg.pluginKey, { filename: `${msg.pluginKey}.js`, code: msg.code, cachedData: null, ...(msg.module === undefined ? {} : { module: Buffer.from(msg.module, 'base64') }) });
      return;
    case 'unload':
      plugins.get(msg.pluginKey)?.compiledModule?.release();
      plugins.delete(msg.pluginKey);
      return;
    case 'create': {
      const plugin = plugins.get(msg.spec.pluginKey);
      if (bootstrap === null) {
        send({ t: 'reply', req: msg.req, ok: false, error: { code: ErrorCode.internal, message: 'sandbox process was not initialised with the bootstrap' } });
        return;
      }
      if (plugin === undefined) {
        send({ t: 'reply', req: msg.req, ok: false, error: { code: ErrorCode.internal, message: `plugin ${msg.spec.pluginKey} not loaded in sandbox` } });
        return;
      }
      const spec = msg.spec;
      const started = performance.now();
      try {
        const task = await IsolateTask.create(spec, bootstrap, plugin, {
          hostCall: (id, cap, method, args, raw) => onHostCall(spec, id, cap, method, args, raw),
          failed: (error) => send({ t: 'taskFailed', taskKey: spec.taskKey, error }),
          unhandledRejection: (error, count) => hostLog(spec.taskKey, 'warn', 'unhandled promise rejection in plugin', {
            error: error.message,
            ...(error.stack === undefined ? {} : { stack: error.stack }),
            unhandledRejections: count,
            limit: spec.limits.maxUnhandledRejections,
          }),
        });
        tasks.get(spec.taskKey)?.dispose();
        tasks.set(spec.taskKey, task);
        send({ t: 'reply', req: msg.req, ok: true, value: null, createMs: performance.now() - started });
      } catch (err) {
        send({ t: 'reply', req: msg.req, ok: false, error: asWireError(err) });
      }
      return;
    }
    case 'invoke': {
      const task = tasks.get(msg.taskKey);
      if (task === undefined) {
        send({ t: 'reply', req: msg.req, ok: false, error: { code: ErrorCode.notFound, message: `no task ${msg.taskKey} in sandbox` } });
        return;
      }
      try {
        const out = await task.invoke(msg.method, msg.arg, msg.records);
        send(out.records === undefined ? { t: 'reply', req: msg.req, ok: true, value: out.json } : { t: 'reply', req: msg.req, ok: true, value: out.json, records: out.records });
      } catch (err) {
        send({ t: 'reply', req: msg.req, ok: false, error: asWireError(err) });
      }
      return;
    }
    case 'dispose': {
      tasks.get(msg.taskKey)?.dispose();
      tasks.delete(msg.taskKey);
      pendingCalls.delete(msg.taskKey);
      const budget = logBudgets.get(msg.taskKey);
      if (budget !== undefined) reportDroppedLogs(msg.taskKey, budget, true);
      logBudgets.delete(msg.taskKey);
      send({ t: 'reply', req: msg.req, ok: true, value: null });
      return;
    }
    case 'capResult': {
      const task = tasks.get(msg.taskKey);
      if (task !== undefined) settle(task, msg.id, msg.ok, msg.value);
      return;
    }
    case 'stats':
      send({ t: 'statsReply', req: msg.req, tasks: [...tasks.values()].map((t) => ({ taskKey: t.spec.taskKey, ...t.stats() })), rssBytes: process.memoryUsage.rss() });
      return;
  }
}

setInterval(() => {
  for (const task of tasks.values()) task.checkLimits();
}, WATCHDOG_MS);

setInterval(() => {
  for (const [taskKey, budget] of logBudgets) reportDroppedLogs(taskKey, budget, false);
}, LOG_REPORT_CHECK_MS).unref();

send({ t: 'ready', pid: process.pid });
