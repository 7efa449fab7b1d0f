/**
 * CPU an isolate used since a mark. isolated-vm's cpuTime also grows while the isolate's thread is blocked in
 * Atomics.wait, so blocked time (reported by the guest's trusted wrapper, measured there) is left out, and while a
 * wait is in progress the figure stands still. How long the current wait has lasted is kept for the deadline.
 */
export class CpuMeter {
  private readonly read: () => bigint;
  private mark: bigint;
  private blockedNs = 0n;
  private block: { cpu: bigint; since: number } | null = null;

  constructor(read: () => bigint) {
    this.read = read;
    this.mark = read();
  }

  private effective(): bigint {
    const now = this.read();
    return now - this.blockedNs - (this.block === null ? 0n : now - this.block.cpu);
  }

  /** Starts a new measuring period (a call begins, or the isolate went idle). */
  reset(): void {
    this.mark = this.effective();
  }

  usedMs(): number {
    return Number(this.effective() - this.mark) / 1e6;
  }

  waitStarted(nowMs: number): void {
    if (this.block === null) this.block = { cpu: this.read(), since: nowMs };
  }

  waitEnded(blockedMs: number): void {
    this.block = null;
    if (Number.isFinite(blockedMs) && blockedMs > 0) this.blockedNs += BigInt(Math.round(blockedMs * 1e6));
  }

  /** How long the wait in progress has lasted, or null when the isolate is not blocked. */
  blockedForMs(nowMs: number): number | null {
    return this.block === null ? null : nowMs - this.block.since;
  }
}
