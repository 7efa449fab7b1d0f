/** A capability's host side: method name → handler over the call's (already JSON-decoded) arguments. */
export type CapabilityMethods = Record<string, (args: unknown[]) => Promise<unknown>>;

/** Released when the task ends: open connections, streams. */
export interface Closeable {
  release(): Promise<void>;
}
