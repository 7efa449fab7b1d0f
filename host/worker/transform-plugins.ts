/**
 * Transform bundles (manifest type transform) as the chain's transform plugins: each stage gets its own sandbox
 * instance, with the task's limits, started with the stage's config. The built-in SMTs keep their names: a bundle
 * whose class or alias collides with one is not offered.
 */
import type { ConfigKey as SdkConfigKey } from '../../sdk/config.ts';
import { validateConfig } from '../../sdk/config.ts';
import type { ConfigDef } from '../connect/config/config-def.ts';
import { configError } from '../connect/errors.ts';
import { BUILTIN_TRANSFORMS } from '../connect/transforms/builtins.ts';
import type { TransformRegistry } from '../connect/transforms/builtins.ts';
import { PluginRegistry } from '../connect/transforms/registry.ts';
import type { TransformPlugin } from '../connect/transforms/types.ts';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { SandboxedTransformation } from '../pipeline/sandboxed-transform.ts';
import type { PluginVersion } from '../plugins/plugin-version.ts';
import type { SandboxLimits } from '../sandbox/protocol.ts';
import type { SandboxCreator } from '../sandbox/sandbox-pool.ts';

export interface TransformPluginContext {
  sandbox: SandboxCreator;
  /** The task the stages belong to: their sandbox keys start with it. */
  taskKey: string;
  limits?: Partial<SandboxLimits>;
  log: Logger;
}

const IMPORTANCE = { high: 'HIGH', medium: 'MEDIUM', low: 'LOW' } as const;

/**
 * The manifest's keys for the host's parse (unknown keys, required keys): every value is read as text and checked
 * with the SDK's own parser and validators, the rules the plugin applies to the same raw strings.
 */
function hostConfigDef(keys: readonly SdkConfigKey[]): ConfigDef {
  return keys.map((key) => ({
    name: key.name,
    type: 'STRING' as const,
    ...(key.default === undefined ? {} : { default: null }),
    importance: IMPORTANCE[key.importance],
    documentation: key.documentation ?? '',
    validate: (value: unknown) => validateConfig([key], { [key.name]: String(value) })[0]?.errors[0],
  }));
}

function stringConfig(raw: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== null && v !== undefined) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

let seq = 0;

export function sandboxedTransformPlugin(v: PluginVersion, ctx: TransformPluginContext): TransformPlugin {
  const m = v.manifest;
  return {
    className: m.className,
    aliases: m.aliases,
    version: m.version,
    configDef: hostConfigDef(m.config),
    create: () => {
      throw new ConveyorError(ErrorCode.internal, `${m.className} is a sandboxed transform; the chain builds it with createBatch`);
    },
    createBatch: (_parsed, raw, alias) => {
      const config = stringConfig(raw);
      const what = `Transformation "${alias}" (${m.className})`;
      const problems = validateConfig(m.config, config).flatMap((r) => r.errors.map((e) => `transforms.${alias}.${r.name}: ${e}`));
      if (problems.length > 0) throw configError(`${what}: ${problems.join('; ')}`);
      const log = ctx.log.child({ transform: alias, plugin: v.key });
      return new SandboxedTransformation(what, async () => {
        const instance = await ctx.sandbox.create({
          taskKey: `${ctx.taskKey}/transform/${alias}#${++seq}`,
          plugin: { key: v.key, code: v.code, capabilities: [], wasm: m.wasm === true, ...(v.module === undefined ? {} : { module: v.module }) },
          capabilities: (cap, method) => Promise.reject(new ConveyorError(ErrorCode.capabilityDenied, `capability denied: a transform has no ${cap}.${method}`)),
          log,
          ...(ctx.limits === undefined ? {} : { limits: ctx.limits }),
        });
        try {
          await instance.invoke('start', { raw: config, alias });
        } catch (err) {
          await instance.dispose();
          throw err;
        }
        return instance;
      });
    },
  };
}

/** The built-in SMTs plus the transform bundles a connector may use. */
export function transformRegistry(bundles: readonly PluginVersion[], ctx: TransformPluginContext): TransformRegistry {
  const registry = new PluginRegistry<TransformPlugin>('Transformation', BUILTIN_TRANSFORMS);
  for (const v of bundles) {
    const names = [v.manifest.className, ...v.manifest.aliases];
    if (names.some((n) => registry.find(n) !== undefined)) {
      ctx.log.warn('transform bundle not offered: its class name is taken', { plugin: v.key, className: v.manifest.className });
      continue;
    }
    registry.register(sandboxedTransformPlugin(v, ctx));
  }
  return registry;
}
