/** Config keys whose values are secrets: never logged, never echoed in errors. */
const SECRET_KEY = /(password|secret|token|api[._-]?key|credentials|sasl\.jaas\.config|private[._-]?key)$/i;
/** Kafka Connect config provider placeholders such as ${file:/path:key}. */
const PROVIDER_PLACEHOLDER = /\$\{[^}:]+:[^}]*\}/;

export const REDACTED = '[hidden]';

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Returns a deep copy with secret-named keys and config-provider placeholders replaced. */
export function redactSecrets<T>(value: T): T {
  return redact(value, 0) as T;
}

function redact(value: unknown, depth: number): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') {
    return typeof value === 'string' && PROVIDER_PLACEHOLDER.test(value) ? REDACTED : value;
  }
  if (value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretKey(k) && v !== undefined && v !== null ? REDACTED : redact(v, depth + 1);
  }
  return out;
}
