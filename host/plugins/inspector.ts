/** Checks bundle code by loading it in a throwaway sandbox isolate and asking it to describe itself. */
import type { CapabilityName } from '../../sdk/capabilities.ts';
import type { PluginDescription } from '../../sdk/runtime.ts';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { SandboxCreator } from '../sandbox/sandbox-pool.ts';
import type { BundleInspector } from './loader.ts';

let seq = 0;

export function sandboxInspector(sandbox: SandboxCreator, log: Logger): BundleInspector {
  return async (key: string, code: string, options: { wasm?: boolean; module?: Uint8Array; capabilities?: readonly CapabilityName[] } = {}): Promise<PluginDescription> => {
    const instance = await sandbox.create({
      taskKey: `inspect-${++seq}-${key}`,
      plugin: { key, code, capabilities: options.capabilities ?? [], wasm: options.wasm === true, ...(options.module === undefined ? {} : { module: options.module }) },
      capabilities: () => Promise.reject(new ConveyorError(ErrorCode.capabilityDenied, 'capability denied: no capabilities while inspecting a bundle')),
      log: log.child({ plugin: key }),
      limits: { memoryMb: 64, callDeadlineMs: 5000, cpuQuotaMs: 5000 },
    });
    try {
      return await instance.invoke<PluginDescription>('describe');
    } finally {
      await instance.dispose();
    }
  };
}
