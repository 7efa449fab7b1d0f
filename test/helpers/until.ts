/**
 * Polls until probe returns a value other than undefined; a probe that throws is retried and its last error named if
 * time runs out. The timeout is a bound on waiting, never a performance claim.
 */
export async function until<T>(what: string | (() => string), probe: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  const description = typeof what === 'string' ? what : what();
  throw new Error(`timed out waiting for ${description}${last instanceof Error ? `: ${last.message}` : ''}`);
}
