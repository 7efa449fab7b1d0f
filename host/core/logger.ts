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
  child(context: LogContext): Logger;
  level(): LogLevel;
  setLevel(level: LogLevel): void;
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
  const state = { level: options.level ?? 'info' };
  const write = options.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const clock = options.clock ?? (() => new Date());
  return makeLogger(state, write, clock, context);
}

function makeLogger(
  state: { level: LogLevel },
  write: (line: string) => void,
  clock: () => Date,
  context: LogContext,
): Logger {
  const emit = (lvl: LogLevel, msg: string, fields?: LogContext): void => {
    if (rank[lvl] < rank[state.level]) return;
    const entry = { time: clock().toISOString(), level: lvl, msg, ...context, ...fields };
    write(JSON.stringify(redactSecrets(entry), errorReplacer));
  };
  return {
    trace: (m, f) => emit('trace', m, f),
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (extra) => makeLogger(state, write, clock, { ...context, ...extra }),
    level: () => state.level,
    setLevel: (l) => {
      state.level = l;
    },
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
