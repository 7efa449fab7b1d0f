/** Base64 for plugin code: the sandbox has neither Node's Buffer nor atob/btoa. */
export const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

const DECODE: Readonly<Record<string, number>> = Object.freeze(Object.fromEntries([...BASE64_ALPHABET].map((c, i) => [c, i])));

/** Standard base64 with padding, as Kafka Connect's JsonConverter writes bytes and decimals. */
export function base64Encode(bytes: readonly number[] | Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0;
    const b = bytes[i + 1] ?? 0;
    const c = bytes[i + 2] ?? 0;
    const n = (a << 16) | (b << 8) | c;
    out += BASE64_ALPHABET[(n >> 18) & 63]! + BASE64_ALPHABET[(n >> 12) & 63]!;
    out += i + 1 < bytes.length ? BASE64_ALPHABET[(n >> 6) & 63]! : '=';
    out += i + 2 < bytes.length ? BASE64_ALPHABET[n & 63]! : '=';
  }
  return out;
}

/**
 * The bytes of standard base64 text (how bytes fields, BASE64 decimals and binary columns arrive in records);
 * padding is optional, whitespace is not allowed. Throws on any other character or an impossible length.
 */
export function base64Decode(text: string): Uint8Array {
  const s = text.endsWith('==') ? text.slice(0, -2) : text.endsWith('=') ? text.slice(0, -1) : text;
  if (s.length % 4 === 1) throw new Error(`invalid base64: length ${text.length}`);
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    let n = 0;
    const chunk = Math.min(4, s.length - i);
    for (let j = 0; j < 4; j++) {
      const c = j < chunk ? s[i + j]! : 'A';
      const v = DECODE[c];
      if (v === undefined) throw new Error(`invalid base64 character ${JSON.stringify(c)} at ${i + j}`);
      n = (n << 6) | v;
    }
    out[o++] = (n >> 16) & 255;
    if (chunk > 2) out[o++] = (n >> 8) & 255;
    if (chunk > 3) out[o++] = n & 255;
  }
  return out;
}
