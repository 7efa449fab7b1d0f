/**
 * Kafka's SampledStat, as Kafka Connect's metrics use it: values fall into samples of `metrics.sample.window.ms`
 * (30 s) and the two most recent samples make the window, so an average, a maximum or a rate describes the last
 * 30 to 60 seconds rather than the whole life of the task. Recording is a few arithmetic operations (per batch).
 */
export const SAMPLE_WINDOW_MS = 30_000;
export const SAMPLES = 2;

interface Sample {
  start: number;
  count: number;
  sum: number;
  max: number;
}

export class SampledStat {
  readonly #windowMs: number;
  readonly #samples: Sample[] = [];
  readonly #created: number;

  constructor(now = Date.now(), windowMs = SAMPLE_WINDOW_MS) {
    this.#windowMs = windowMs;
    this.#created = now;
  }

  record(value: number, now = Date.now()): void {
    let s = this.#samples.at(-1);
    if (s === undefined || now - s.start >= this.#windowMs) {
      s = { start: now, count: 0, sum: 0, max: Number.NEGATIVE_INFINITY };
      this.#samples.push(s);
      if (this.#samples.length > SAMPLES) this.#samples.shift();
    }
    s.count++;
    s.sum += value;
    if (value > s.max) s.max = value;
  }

  #live(now: number): Sample[] {
    return this.#samples.filter((s) => now - s.start < this.#windowMs * SAMPLES);
  }

  /** Mean of the recorded values in the window; NaN when there are none (Kafka's Avg). */
  avg(now = Date.now()): number {
    let count = 0;
    let sum = 0;
    for (const s of this.#live(now)) {
      count += s.count;
      sum += s.sum;
    }
    return count === 0 ? Number.NaN : sum / count;
  }

  /** Largest recorded value in the window; NaN when there is none (Kafka's Max). */
  max(now = Date.now()): number {
    let max = Number.NEGATIVE_INFINITY;
    for (const s of this.#live(now)) if (s.max > max) max = s.max;
    return max === Number.NEGATIVE_INFINITY ? Number.NaN : max;
  }

  /**
   * Sum of the recorded values per second over the window (Kafka's Rate): the elapsed time is at least one sample
   * less than the window, so a burst right after the start is not reported as a huge rate.
   */
  rate(now = Date.now()): number {
    const live = this.#live(now);
    let sum = 0;
    for (const s of live) sum += s.sum;
    const oldest = live[0]?.start ?? now;
    const elapsed = Math.max(now - Math.max(oldest, this.#created), this.#windowMs * (SAMPLES - 1));
    return (sum * 1000) / elapsed;
  }
}

/** The share of time spent in each state over the task's life so far (Kafka Connect's running-ratio, pause-ratio). */
export class StateRatio<S extends string> {
  readonly #spent = new Map<S, number>();
  #state: S;
  #since: number;
  readonly #start: number;

  constructor(initial: S, now = Date.now()) {
    this.#state = initial;
    this.#since = now;
    this.#start = now;
  }

  get state(): S {
    return this.#state;
  }

  enter(state: S, now = Date.now()): void {
    if (state === this.#state) return;
    this.#spent.set(this.#state, (this.#spent.get(this.#state) ?? 0) + (now - this.#since));
    this.#state = state;
    this.#since = now;
  }

  ratio(state: S, now = Date.now()): number {
    const total = now - this.#start;
    if (total <= 0) return state === this.#state ? 1 : 0;
    const spent = (this.#spent.get(state) ?? 0) + (state === this.#state ? now - this.#since : 0);
    return spent / total;
  }
}

/**
 * A per-second rate of a total counted elsewhere (a pipeline's records), over the same window: each reading keeps
 * the total at most once per sample, and the rate runs from the oldest kept reading (the start, at first).
 */
export class CumulativeRate {
  readonly #points: { at: number; total: number }[];
  readonly #windowMs: number;

  constructor(now = Date.now(), windowMs = SAMPLE_WINDOW_MS) {
    this.#points = [{ at: now, total: 0 }];
    this.#windowMs = windowMs;
  }

  read(total: number, now = Date.now()): number {
    const last = this.#points.at(-1);
    if (last !== undefined && now - last.at >= this.#windowMs) {
      this.#points.push({ at: now, total });
      if (this.#points.length > SAMPLES + 1) this.#points.shift();
    }
    const first = this.#points[0] ?? { at: now, total };
    const elapsed = now - first.at;
    return elapsed <= 0 ? 0 : ((total - first.total) * 1000) / elapsed;
  }
}
