/**
 * A SandboxInstance backed by the SDK's plugin runtime in this process: a real plugin definition driven through the
 * same runtime the sandbox bootstrap runs, with every argument and result copied as JSON as it would cross the
 * isolate boundary. For tests of the host's runners and pipelines whose subject is not the sandbox itself.
 */
import type { Capabilities } from '../../sdk/capabilities.ts';
import type { PluginDefinition } from '../../sdk/connector.ts';
import { createPluginRuntime } from '../../sdk/runtime.ts';
import type { RuntimeMethod } from '../../sdk/runtime.ts';
import type { SandboxInstance } from '../../host/sandbox/sandbox-pool.ts';

const unavailable = (name: string) => new Proxy({}, { get: (_t, prop) => () => Promise.reject(new Error(`${name}.${String(prop)} is not available here`)) });

export function runtimeInstance(def: PluginDefinition, taskKey: string, calls: RuntimeMethod[] = []): SandboxInstance {
  const quiet = (): void => undefined;
  const caps = {
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    clock: { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) },
    offsets: { get: () => Promise.resolve(null) },
    metrics: { set: quiet, inc: quiet, observe: quiet },
    mysql: unavailable('mysql'),
    elasticsearch: unavailable('elasticsearch'),
    http: unavailable('http'),
    files: unavailable('files'),
    errantRecordReporter: unavailable('errantRecordReporter'),
  } as unknown as Capabilities;
  const runtime = createPluginRuntime(def, caps);
  const copy = <T>(v: unknown): T => JSON.parse(JSON.stringify(v ?? null)) as T;
  return {
    taskKey,
    createMs: 0,
    invoke: async <T>(method: RuntimeMethod, arg?: unknown): Promise<T> => {
      calls.push(method);
      return copy<T>(await runtime.call(method, copy(arg)));
    },
    onFailure: () => undefined,
    dispose: () => Promise.resolve(),
  };
}
