/** Capability call counters per connector, task and call (served as conveyor_sandbox_capability_* by host/metrics). */
export interface CallCounters {
  calls: number;
  errors: number;
  denied: number;
  totalMs: number;
}

export class CapabilityMetrics {
  private readonly counters = new Map<string, CallCounters>();

  record(connector: string, task: number, call: string, outcome: 'ok' | 'error' | 'denied', ms: number): void {
    const key = `${connector}\u0000${task}\u0000${call}`;
    const c = this.counters.get(key) ?? { calls: 0, errors: 0, denied: 0, totalMs: 0 };
    c.calls++;
    if (outcome === 'error') c.errors++;
    if (outcome === 'denied') c.denied++;
    c.totalMs += ms;
    this.counters.set(key, c);
  }

  snapshot(connector?: string): { connector: string; task: number; call: string; counters: CallCounters }[] {
    const out = [];
    for (const [key, counters] of this.counters) {
      const [c = '', t = '0', call = ''] = key.split('\u0000');
      if (connector === undefined || connector === c) out.push({ connector: c, task: Number(t), call, counters: { ...counters } });
    }
    return out;
  }
}
