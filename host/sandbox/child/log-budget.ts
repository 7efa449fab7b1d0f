/**
 * The log budget of one task: lines and bytes per second, bytes per UTC day, and a cap on one line's size. A line
 * over the cap is truncated (its fields replaced by their size when they alone are too large); a line over a rate
 * is dropped. What was truncated or dropped is counted and reported at most once per report interval.
 */
import type { SandboxLimits } from '../protocol.ts';

export type LogLimits = Pick<SandboxLimits, 'logLinesPerSecond' | 'logBytesPerSecond' | 'logBytesPerDay' | 'maxLogLineBytes'>;

export interface LogLine {
  msg: string;
  fields: string;
}

type DropReason = 'linesPerSecond' | 'bytesPerSecond' | 'bytesPerDay';

export interface LogDropReport {
  droppedLines: number;
  droppedBytes: number;
  truncatedLines: number;
  truncatedBytes: number;
  /** Dropped lines per limit that dropped them. */
  droppedBy: Partial<Record<DropReason, number>>;
  /** Totals over the task's life. */
  totalDroppedLines: number;
  totalTruncatedLines: number;
  /** Set when the daily byte budget is spent: when logging resumes. */
  dayBudgetExhaustedUntil?: string;
}

const DAY_MS = 86_400_000;
export const LOG_REPORT_INTERVAL_MS = 10_000;

function cutUtf8(text: string, maxBytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return text;
  let end = Math.max(0, maxBytes);
  while (end > 0 && ((buf[end] ?? 0) & 0xc0) === 0x80) end--;
  return buf.toString('utf8', 0, end);
}

export class LogBudget {
  private readonly limits: LogLimits;
  private readonly now: () => number;
  private second = -1;
  private secondLines = 0;
  private secondBytes = 0;
  private day = -1;
  private dayBytes = 0;
  private pending: Omit<LogDropReport, 'totalDroppedLines' | 'totalTruncatedLines' | 'dayBudgetExhaustedUntil'> = LogBudget.empty();
  private totalDropped = 0;
  private totalTruncated = 0;
  private lastReport = -Infinity;

  constructor(limits: LogLimits, now: () => number = Date.now) {
    this.limits = limits;
    this.now = now;
  }

  private static empty(): Omit<LogDropReport, 'totalDroppedLines' | 'totalTruncatedLines' | 'dayBudgetExhaustedUntil'> {
    return { droppedLines: 0, droppedBytes: 0, truncatedLines: 0, truncatedBytes: 0, droppedBy: {} };
  }

  /** The line to forward (truncated if it was too long), or null when a limit drops it. */
  admit(msg: string, fields: string): LogLine | null {
    const t = this.now();
    const second = Math.floor(t / 1000);
    if (second !== this.second) {
      this.second = second;
      this.secondLines = 0;
      this.secondBytes = 0;
    }
    const day = Math.floor(t / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.dayBytes = 0;
    }
    const line = this.truncate(msg, fields);
    const bytes = Buffer.byteLength(line.msg) + Buffer.byteLength(line.fields);
    const reason: DropReason | null = this.secondLines + 1 > this.limits.logLinesPerSecond ? 'linesPerSecond'
      : this.secondBytes + bytes > this.limits.logBytesPerSecond ? 'bytesPerSecond'
        : this.dayBytes + bytes > this.limits.logBytesPerDay ? 'bytesPerDay'
          : null;
    if (reason !== null) {
      this.pending.droppedLines++;
      this.pending.droppedBytes += bytes;
      this.pending.droppedBy[reason] = (this.pending.droppedBy[reason] ?? 0) + 1;
      this.totalDropped++;
      return null;
    }
    this.secondLines++;
    this.secondBytes += bytes;
    this.dayBytes += bytes;
    return line;
  }

  private truncate(msg: string, fields: string): LogLine {
    const max = this.limits.maxLogLineBytes;
    // Characters bound bytes from below: most lines are decided without encoding them.
    if (msg.length + fields.length <= max / 3) return { msg, fields };
    const msgBytes = Buffer.byteLength(msg);
    let fieldsBytes = Buffer.byteLength(fields);
    if (msgBytes + fieldsBytes <= max) return { msg, fields };
    let outFields = fields;
    if (fieldsBytes > max / 2) {
      outFields = JSON.stringify({ truncatedFieldsBytes: fieldsBytes });
      fieldsBytes = Buffer.byteLength(outFields);
    }
    let outMsg = msg;
    if (msgBytes + fieldsBytes > max) {
      const marker = ` [truncated from ${msgBytes} bytes]`;
      outMsg = cutUtf8(msg, max - fieldsBytes - marker.length) + marker;
    }
    this.pending.truncatedLines++;
    this.pending.truncatedBytes += msgBytes + Buffer.byteLength(fields) - Buffer.byteLength(outMsg) - fieldsBytes;
    this.totalTruncated++;
    return { msg: outMsg, fields: outFields };
  }

  /** What was dropped or truncated since the last report; null when nothing was, or the last report is too recent. */
  report(force = false): LogDropReport | null {
    const p = this.pending;
    if (p.droppedLines === 0 && p.truncatedLines === 0) return null;
    const t = this.now();
    if (!force && t - this.lastReport < LOG_REPORT_INTERVAL_MS) return null;
    this.lastReport = t;
    this.pending = LogBudget.empty();
    const exhausted = (p.droppedBy.bytesPerDay ?? 0) > 0;
    return {
      ...p,
      totalDroppedLines: this.totalDropped,
      totalTruncatedLines: this.totalTruncated,
      ...(exhausted ? { dayBudgetExhaustedUntil: new Date((Math.floor(t / DAY_MS) + 1) * DAY_MS).toISOString() } : {}),
    };
  }
}
