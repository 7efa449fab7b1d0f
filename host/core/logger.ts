import { redactSecrets } from './redact.ts';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
export type LogContext = Readonly<Record<string, unknown>>;

/** The one logger interface; components receive it and derive children with their context. */
export interface Logger {
  trace(msg: string, fields?: LogContext): void;
  debug(msg: string, fields?: LogContext): void;
  info(msg: string, fields?: LogContext): void;
  warn(msg: string, fields?: LogContext): void;
  error(msg: string, fields?: LogContext): void;
  /** A child logger; a `component` in its context names it (see loggerName) and places it in the level hierarchy. */
  child(context: LogContext): Logger;
  /** This logger's effective level. */
  level(): LogLevel;
  /** Sets the root level (and, as Kafka Connect does for root, every named logger's). */
  setLevel(level: LogLevel): void;
  /** The tree of named loggers this logger belongs to (Kafka Connect's /admin/loggers). */
  readonly levels: LoggerLevels;
}

export const ROOT_LOGGER = 'root';

export interface LoggerLevel {
  level: LogLevel;
  /** Epoch ms of the last change through setLevel, null when never changed at runtime. */
  lastModified: number | null;
}

/**
 * Named loggers in a dotted hierarchy under "root", as log4j's are in Kafka Connect. A logger without an explicit
 * level takes its nearest ancestor's; setting a level sets the named logger and every known descendant explicitly
 * (root: every logger), which is what PUT /admin/loggers/{name} does in Kafka Connect.
 */
export class LoggerLevels {
  readonly #explicit = new Map<string, LoggerLevel>();
  readonly #known = new Set<string>([ROOT_LOGGER]);
  #version = 0;

  constructor(root: LogLevel) {
    this.#explicit.set(ROOT_LOGGER, { level: root, lastModified: null });
  }

  /** Bumped on every change, so loggers can cache their effective level. */
  get version(): number {
    return this.#version;
  }

  register(name: string): void {
    this.#known.add(name);
  }

  /** The effective level of a logger, or null for a name no component uses and nobody set. */
  effective(name: string): LoggerLevel | null {
    if (!this.#known.has(name) && !this.#explicit.has(name)) return null;
    for (let n: string | null = name; n !== null; n = parent(n)) {
      const set = this.#explicit.get(n);
      if (set !== undefined) return set;
    }
    return this.#explicit.get(ROOT_LOGGER) as LoggerLevel;
  }

  /** Loggers with an explicit level, root first. */
  explicit(): [string, LoggerLevel][] {
    return [...this.#explicit].sort(([a], [b]) => (a === ROOT_LOGGER ? -1 : b === ROOT_LOGGER ? 1 : a.localeCompare(b)));
  }

  /** Sets the named logger and its known descendants; returns their names, sorted. */
  set(name: string, level: LogLevel, now = Date.now()): string[] {
    this.#known.add(name);
    const affected = [...this.#known].filter((n) => name === ROOT_LOGGER || n === name || n.startsWith(`${name}.`)).sort();
    for (const n of affected) this.#explicit.set(n, { level, lastModified: now });
    this.#version++;
    return affected;
  }
}

function parent(name: string): string | null {
  if (name === ROOT_LOGGER) return null;
  const dot = name.lastIndexOf('.');
  return dot < 0 ? ROOT_LOGGER : name.slice(0, dot);
}

/** A component's logger name: `conveyor.` plus its dashed name as dotted segments (sink-consumer → conveyor.sink.consumer). */
export function loggerName(component: string): string {
  return `conveyor.${component.replaceAll('-', '.')}`;
}

const rank: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50 };

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && value in rank;
}

export interface JsonLoggerOptions {
  level?: LogLevel;
  write?: (line: string) => void;
  clock?: () => Date;
}

/** Writes one JSON object per line; secrets in fields are redacted before serialisation. */
export function createJsonLogger(options: JsonLoggerOptions = {}, context: LogContext = {}): Logger {
  const levels = new LoggerLevels(options.level ?? 'info');
  const write = options.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const clock = options.clock ?? (() => new Date());
  return makeLogger(levels, write, clock, context, nameOf(context, ROOT_LOGGER));
}

function nameOf(context: LogContext, inherited: string): string {
  const component = context['component'];
  return typeof component === 'string' && component !== '' ? loggerName(component) : inherited;
}

function makeLogger(levels: LoggerLevels, write: (line: string) => void, clock: () => Date, context: LogContext, name: string): Logger {
  levels.register(name);
  let seen = -1;
  let threshold = 0;
  const current = (): number => {
    if (seen !== levels.version) {
      seen = levels.version;
      threshold = rank[(levels.effective(name) as LoggerLevel).level];
    }
    return threshold;
  };
  const emit = (lvl: LogLevel, msg: string, fields?: LogContext): void => {
    if (rank[lvl] < current()) return;
    const entry = { time: clock().toISOString(), level: lvl, msg, ...context, ...fields };
    write(JSON.stringify(redactSecrets(entry), errorReplacer));
  };
  return {
    trace: (m, f) => emit('trace', m, f),
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (extra) => makeLogger(levels, write, clock, { ...context, ...extra }, nameOf(extra, name)),
    level: () => (levels.effective(name) as LoggerLevel).level,
    setLevel: (l) => {
      levels.set(ROOT_LOGGER, l);
    },
    levels,
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code === undefined ? {} : { code }), stack: value.stack };
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}
