/** What every candidate client of the Kafka bake-off gets, and the produce loop they share. */

export interface BenchSpec {
  bootstrap: string;
  /** Fresh for each candidate: created before its run, deleted after. */
  topic: string;
  group: string;
  records: number;
  /** Records per send() call. */
  batch: number;
  /** send() calls outstanding at once; each client still sends one produce request per broker at a time. */
  inflight: number;
  /** The 1 KB value every record carries (the key is the record's index). */
  value: Buffer;
  /** Fetch settings shared by both consumers (the Java client's defaults). */
  fetch: { maxBytes: number; maxBytesPerPartition: number; maxWaitMs: number };
  autocommitMs: number;
  timeoutMs: number;
}

export interface ConsumeResult {
  /** From the group join to the last record received. */
  ms: number;
  /** From creating the consumer to the group join. */
  joinMs: number;
  count: number;
  bytes: number;
}

export interface Candidate {
  /** The npm package name. */
  name: string;
  /** Produces spec.records records; resolves the milliseconds from the first send to the last acknowledgement. */
  produce(spec: BenchSpec): Promise<number>;
  consume(spec: BenchSpec): Promise<ConsumeResult>;
}

/**
 * Sends records [0, total) in batches of `batch`, keeping `inflight` batches outstanding, as a source pipeline does:
 * the next batch is built while earlier ones wait for their acknowledgements. Rejects on the first failed batch.
 */
export async function pipelinedSend(total: number, batch: number, inflight: number, send: (start: number, count: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < total) {
      const start = next;
      const count = Math.min(batch, total - start);
      next += count;
      await send(start, count);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, inflight) }, lane));
}

/** Settles when `done` is called, or rejects after `ms` with what `progress` says. */
export function deadline(ms: number, what: string, progress: () => string): { promise: Promise<void>; done: () => void; fail: (e: unknown) => void } {
  const { promise, resolve, reject } = Promise.withResolvers<void>();
  const timer = setTimeout(() => reject(new Error(`${what} did not finish in ${ms / 1000} s (${progress()})`)), ms);
  const clear = (): void => clearTimeout(timer);
  return {
    promise,
    done: () => { clear(); resolve(); },
    fail: (e: unknown) => { clear(); reject(e instanceof Error ? e : new Error(String(e))); },
  };
}

export const keyOf = (i: number): Buffer => Buffer.from(String(i));
