/**
 * Drives a transform definition: describe, validate, start (config and the stage alias), transform (a batch), stop.
 * Pure, like runtime.ts: runs in the sandbox bootstrap and in the test harness.
 */
import type { Capabilities } from './capabilities.ts';
import { parseConfig, validateConfig } from './config.ts';
import type { RawConfig } from './connector.ts';
import type { TransformOf, TransformPluginDefinition, TransformRecord } from './transform.ts';
import type { ParsedConfig } from './config.ts';

/** runtime.ts's PluginRuntime, declared here so the two files do not import each other. */
interface Runtime {
  call(method: string, arg: unknown): Promise<unknown>;
}

export function createTransformRuntime(def: TransformPluginDefinition, description: unknown, caps: Capabilities): Runtime {
  let instance: TransformOf<ParsedConfig> | null = null;
  const started = (): TransformOf<ParsedConfig> => {
    if (instance === null) throw new Error('transform not started');
    return instance;
  };
  const handlers: Record<string, (arg: unknown) => unknown> = {
    describe: () => description,
    validate: (arg) => {
      const raw = arg as RawConfig;
      const out: Record<string, string[]> = {};
      for (const r of validateConfig(def.config, raw)) if (r.errors.length > 0) out[r.name] = r.errors;
      if (Object.keys(out).length === 0 && def.validate) {
        for (const [k, errs] of Object.entries(def.validate(parseConfig(def.config, raw), raw))) if (errs.length > 0) out[k] = [...(out[k] ?? []), ...errs];
      }
      return out;
    },
    start: async (arg) => {
      const { raw, alias } = arg as { raw: RawConfig; alias: string };
      if (instance !== null) throw new Error('transform already started');
      const t = def.transform();
      instance = t;
      await t.start?.(Object.freeze({ ...caps, raw: Object.freeze({ ...raw }), config: parseConfig(def.config, raw), alias }));
      return null;
    },
    transform: async (arg) => {
      const records = arg as TransformRecord[];
      const out = await started().apply(records);
      if (!Array.isArray(out)) throw new Error(`${def.className}.apply() must return an array, not ${out === null ? 'null' : typeof out}`);
      if (out.length !== records.length) throw new Error(`${def.className}.apply() returned ${out.length} slots for ${records.length} records (return null in a slot to drop its record)`);
      return out;
    },
    stop: async () => {
      const t = instance;
      instance = null;
      await t?.stop?.();
      return null;
    },
  };
  return {
    call: async (method, arg) => {
      const handler = handlers[method];
      if (handler === undefined) throw new Error(`${def.className} is a transform: it has no ${String(method)}`);
      return await handler(arg);
    },
  };
}
