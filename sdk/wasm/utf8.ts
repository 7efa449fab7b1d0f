/**
 * UTF-8 without TextEncoder/TextDecoder: an isolate has only V8's built-ins. ASCII runs (the common case) are
 * decoded in chunks with String.fromCharCode.
 */
const CHUNK = 4096;
/** Reused for ASCII runs: fromCharCode.apply over a packed plain array is faster than over a typed array view. */
const scratch: number[] = new Array<number>(CHUNK).fill(0);

/** Writes s as UTF-8 at `at` (room for s.length * 3 bytes is the caller's); returns the end position. */
export function utf8Write(s: string, out: Uint8Array, at: number): number {
  let p = at;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[p++] = c;
    } else if (c < 0x800) {
      out[p++] = 0xc0 | (c >> 6);
      out[p++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          out[p++] = 0xf0 | (c >> 18);
          out[p++] = 0x80 | ((c >> 12) & 0x3f);
          out[p++] = 0x80 | ((c >> 6) & 0x3f);
          out[p++] = 0x80 | (c & 0x3f);
          continue;
        }
      }
      out[p++] = 0xe0 | (c >> 12);
      out[p++] = 0x80 | ((c >> 6) & 0x3f);
      out[p++] = 0x80 | (c & 0x3f);
    }
  }
  return p;
}

/** Decodes bytes [start, end) of b; malformed sequences become U+FFFD. */
export function utf8Read(b: Uint8Array, start: number, end: number): string {
  let out = '';
  let i = start;
  const units: number[] = [];
  while (i < end) {
    const c = b[i] as number;
    if (c < 0x80) {
      let n = 0;
      while (i < end && n < CHUNK) {
        const x = b[i] as number;
        if (x >= 0x80) break;
        scratch[n++] = x;
        i++;
      }
      out += String.fromCharCode.apply(null, n === CHUNK ? scratch : scratch.slice(0, n));
      continue;
    }
    units.length = 0;
    while (i < end && (b[i] as number) >= 0x80 && units.length < CHUNK) {
      const x = b[i] as number;
      const need = x >= 0xf0 ? 3 : x >= 0xe0 ? 2 : x >= 0xc0 ? 1 : -1;
      if (need < 0 || i + need >= end) {
        units.push(0xfffd);
        i++;
        continue;
      }
      let cp = x & (need === 3 ? 0x07 : need === 2 ? 0x0f : 0x1f);
      for (let k = 1; k <= need; k++) cp = (cp << 6) | ((b[i + k] as number) & 0x3f);
      i += need + 1;
      if (cp >= 0x10000) {
        cp -= 0x10000;
        units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
      } else {
        units.push(cp);
      }
    }
    out += String.fromCharCode.apply(null, units);
  }
  return out;
}
