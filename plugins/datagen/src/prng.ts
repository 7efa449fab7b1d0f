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

/** A payload of exactly `size` characters drawn from the PRNG (4 characters per draw). */
export function payload(next: () => number, size: number): string {
  let out = '';
  while (out.length < size) {
    const r = Math.floor(next() * 16777216);
    out += ALPHABET.charAt(r & 63) + ALPHABET.charAt((r >> 6) & 63) + ALPHABET.charAt((r >> 12) & 63) + ALPHABET.charAt((r >> 18) & 63);
  }
  return out.length === size ? out : out.slice(0, size);
}
