/**
 * MySQL temporal strings (as the host delivers them: DATE 'YYYY-MM-DD', TIME '[-]H:MM:SS[.ffffff]', DATETIME and
 * TIMESTAMP 'YYYY-MM-DD HH:MM:SS[.ffffff]', TIMESTAMP already in UTC) to the epoch-based numbers Debezium emits.
 * Calendar arithmetic is proleptic Gregorian over the whole 0000-9999 range, without Date's two-digit-year quirks.
 */

/** Days from 1970-01-01 to the given civil date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export interface DateTimeParts {
  days: number;
  /** Microseconds into the day. */
  micros: number;
  /** The fraction as written, digits only ('' when none). */
  fraction: string;
  zero: boolean;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;
const TIME_RE = /^(-)?(\d+):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;

const fractionMicros = (f: string | undefined): number => Number((f ?? '').padEnd(6, '0').slice(0, 6));

/** Days since the epoch, or null for a zero date ('0000-00-00' or with a zero month/day). */
export function parseDate(text: string): number | null {
  const m = DATE_RE.exec(text.trim());
  if (!m) throw new Error(`not a DATE value: ${text}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo === 0 || d === 0) return null;
  return daysFromCivil(y, mo, d);
}

export function parseDateTime(text: string): DateTimeParts {
  const m = DATETIME_RE.exec(text.trim());
  if (!m) {
    const days = parseDate(text);
    if (days === null) return { days: 0, micros: 0, fraction: '', zero: true };
    return { days, micros: 0, fraction: '', zero: false };
  }
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const micros = ((Number(m[4]) * 60 + Number(m[5])) * 60 + Number(m[6])) * 1_000_000 + fractionMicros(m[7]);
  if (mo === 0 || d === 0) return { days: 0, micros, fraction: m[7] ?? '', zero: true };
  return { days: daysFromCivil(y, mo, d), micros, fraction: m[7] ?? '', zero: false };
}

/** Microseconds since the epoch; exact up to year 9999 (< 2^53). */
export function epochMicros(p: DateTimeParts): number {
  return p.days * 86_400_000_000 + p.micros;
}

/** TIME as signed microseconds: MySQL TIME is a duration, -838:59:59 to 838:59:59. */
export function parseTime(text: string): number {
  const m = TIME_RE.exec(text.trim());
  if (!m) throw new Error(`not a TIME value: ${text}`);
  const micros = ((Number(m[2]) * 60 + Number(m[3])) * 60 + Number(m[4])) * 1_000_000 + fractionMicros(m[5]);
  return m[1] === '-' ? -micros : micros;
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

function civilFromDays(z0: number): [number, number, number] {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/**
 * io.debezium.time.ZonedTimestamp text of a UTC instant: ISO-8601 with 'Z', the fraction padded to the column's
 * fractional-second precision (none for TIMESTAMP(0)).
 */
export function zonedTimestamp(days: number, micros: number, fsp: number): string {
  const [y, mo, d] = civilFromDays(days);
  const secs = Math.floor(micros / 1_000_000);
  const frac = micros % 1_000_000;
  const base = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(Math.floor(secs / 3600), 2)}:${pad(Math.floor(secs / 60) % 60, 2)}:${pad(secs % 60, 2)}`;
  return fsp > 0 ? `${base}.${pad(frac, 6).slice(0, fsp)}Z` : `${base}Z`;
}
