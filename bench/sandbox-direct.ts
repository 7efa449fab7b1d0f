/** The same plugin code called directly in the host process, behind the SandboxInstance interface (no isolate). */
import type { Capabilities } from '../sdk/capabilities.ts';
import type { PluginDefinition } from '../sdk/connector.ts';
import { createPluginRuntime } from '../sdk/runtime.ts';
import type { RuntimeMethod } from '../sdk/runtime.ts';
import type { SandboxInstance } from '../host/sandbox/sandbox-pool.ts';

const unavailable = new Proxy({}, { get: () => () => Promise.reject(new Error('not available in the direct benchmark')) });

export function directInstance(taskKey: string, def: PluginDefinition): SandboxInstance {
  const caps: Capabilities = {
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    clock: { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
    offsets: { get: () => Promise.resolve(null) },
    metrics: { set: () => undefined, inc: () => undefined, observe: () => undefined },
    mysql: unavailable as Capabilities['mysql'],
    elasticsearch: unavailable as Capabilities['elasticsearch'],
    http: unavailable as Capabilities['http'],
    files: unavailable as Capabilities['files'],
    errantRecordReporter: unavailable as Capabilities['errantRecordReporter'],
  };
  const runtime = createPluginRuntime(def, caps);
  return {
    taskKey,
    createMs: 0,
    invoke: async <T>(method: RuntimeMethod, arg?: unknown) => {
      // Yield a macrotask like a real crossing does, so source and sink loops interleave on one event loop.
      await new Promise((r) => setImmediate(r));
      return (await runtime.call(method, arg ?? null)) as T;
    },
    onFailure: () => undefined,
    dispose: () => Promise.resolve(),
  };
}
