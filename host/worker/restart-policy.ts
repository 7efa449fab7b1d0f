/**
 * Opt-in automatic restart of failed tasks (Kafka Connect leaves them FAILED): exponential backoff with a cap.
 * Keys: conveyor.task.restart.enabled (false), conveyor.task.restart.backoff.initial.ms (1000),
 * conveyor.task.restart.backoff.max.ms (60000), conveyor.task.restart.max.attempts (-1 = unbounded).
 */
export const RESTART_KEYS = {
  enabled: 'conveyor.task.restart.enabled',
  initialMs: 'conveyor.task.restart.backoff.initial.ms',
  maxMs: 'conveyor.task.restart.backoff.max.ms',
  maxAttempts: 'conveyor.task.restart.max.attempts',
} as const;

export interface RestartPolicy {
  enabled: boolean;
  initialMs: number;
  maxMs: number;
  /** -1 = unbounded. */
  maxAttempts: number;
}

function num(config: Readonly<Record<string, string>>, key: string, fallback: number, min: number): number {
  const raw = config[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n >= min ? n : fallback;
}

export function restartPolicy(config: Readonly<Record<string, string>>): RestartPolicy {
  return {
    enabled: (config[RESTART_KEYS.enabled] ?? 'false').trim().toLowerCase() === 'true',
    initialMs: num(config, RESTART_KEYS.initialMs, 1000, 1),
    maxMs: num(config, RESTART_KEYS.maxMs, 60_000, 1),
    maxAttempts: num(config, RESTART_KEYS.maxAttempts, -1, -1),
  };
}

/** Delay before restart attempt `attempt` (0-based): initial * 2^attempt, capped at max. */
export function restartDelay(policy: RestartPolicy, attempt: number): number {
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 30));
}

/** Framework-level validation errors for the restart keys, keyed by config name. */
export function restartConfigErrors(config: Readonly<Record<string, string>>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const enabled = config[RESTART_KEYS.enabled];
  if (enabled !== undefined && !['true', 'false'].includes(enabled.trim().toLowerCase())) out[RESTART_KEYS.enabled] = [`Invalid value ${enabled} for configuration ${RESTART_KEYS.enabled}: Expected value to be either true or false`];
  for (const [key, min] of [[RESTART_KEYS.initialMs, 1], [RESTART_KEYS.maxMs, 1], [RESTART_KEYS.maxAttempts, -1]] as const) {
    const raw = config[key];
    if (raw !== undefined && !(Number.isInteger(Number(raw)) && Number(raw) >= min)) out[key] = [`Invalid value ${raw} for configuration ${key}: Value must be an integer at least ${min}`];
  }
  return out;
}
