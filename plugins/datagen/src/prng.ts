/** mulberry32: a tiny deterministic PRNG, so the same seed yields the same records on every run. */
export function createPrng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const CODES = Array.from(ALPHABET, (c) => c.charCodeAt(0));
const CHUNK = 4096;
let scratch = new Uint16Array(CHUNK);

/**
 * A payload of exactly `size` characters drawn from the PRNG (4 characters per draw). Built as one flat string
 * from a reused code buffer: concatenating characters would leave long rope chains for the garbage collector.
 */
export function payload(next: () => number, size: number): string {
  if (scratch.length < size) scratch = new Uint16Array(size);
  for (let i = 0; i < size; i += 4) {
    const r = Math.floor(next() * 16777216);
    scratch[i] = CODES[r & 63] ?? 65;
    scratch[i + 1] = CODES[(r >> 6) & 63] ?? 65;
    scratch[i + 2] = CODES[(r >> 12) & 63] ?? 65;
    scratch[i + 3] = CODES[(r >> 18) & 63] ?? 65;
  }
  let out = '';
  for (let i = 0; i < size; i += CHUNK) out += String.fromCharCode.apply(null, scratch.subarray(i, Math.min(size, i + CHUNK)) as unknown as number[]);
  return out;
}
