/**
 * A `password` config value. Its text is reachable only through value(): String(), template literals, JSON and Node's
 * inspector all show `[hidden]`, so logging a config (or an object holding one) never reveals it.
 */
const HIDDEN = '[hidden]';
const INSPECT: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;

export class Password {
  /** What every rendering of a password shows instead of its text. */
  static readonly HIDDEN = HIDDEN;
  readonly #value: string;

  /** Wraps the secret text. */
  constructor(value: string) {
    this.#value = value;
    Object.freeze(this);
  }

  /** The secret text, for the one call that needs it (a connection's options); never log it. */
  value(): string {
    return this.#value;
  }

  /** `[hidden]`. */
  toString(): string {
    return HIDDEN;
  }

  /** `[hidden]`: JSON.stringify of a config shows the key, not the secret. */
  toJSON(): string {
    return HIDDEN;
  }

  /** `[hidden]`, for Node's console.log / util.inspect. */
  [INSPECT](): string {
    return HIDDEN;
  }
}

/** Whether v is a Password. Checked by shape, not instanceof: the SDK's runtime and a plugin's bundle each carry a copy. */
export function isPassword(v: unknown): v is Password {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Partial<Password>;
  return typeof p.value === 'function' && typeof p.toJSON === 'function' && p.toJSON() === HIDDEN;
}
