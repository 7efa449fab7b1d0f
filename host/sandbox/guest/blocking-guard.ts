/**
 * Atomics.wait is the one way guest code can block its thread. isolated-vm counts blocked time as CPU time, so the
 * host is told when a wait starts and how long it lasted (measured here, with clocks captured before plugin code
 * runs): the CPU watchdog leaves blocked time out and a call that stays blocked is named as such at its deadline.
 */
export function guardAtomicsWait(g: Record<string, unknown>, notify: (event: 'wait' | 'done', blockedMs: number) => void): void {
  const atomics = g['Atomics'] as typeof Atomics | undefined;
  if (atomics === undefined) return;
  // Captured before plugin code runs, so later replacements cannot intercept the wait or fake its duration.
  const nativeWait = atomics.wait;
  const apply = Reflect.apply as (fn: unknown, self: unknown, args: readonly unknown[]) => unknown;
  const now = Date.now;
  // An arrow, like the built-in not a constructor; named 'wait' by the binding.
  const wait = (typedArray: unknown, index: unknown, value: unknown, timeout?: unknown): string => {
    notify('wait', 0);
    const started = now();
    try {
      return apply(nativeWait, atomics, [typedArray, index, value, timeout]) as string;
    } finally {
      notify('done', now() - started);
    }
  };
  Object.defineProperty(atomics, 'wait', { value: wait, writable: true, enumerable: false, configurable: true });
}
