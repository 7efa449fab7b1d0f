import { isConveyorError } from '../../core/errors.ts';
import { parseConfig, withPrefix } from '../config/config-def.ts';
import { DataError, configError, isDataError } from '../errors.ts';
import type { ConnectRecord } from '../record.ts';
import type { PredicateRegistry, TransformRegistry } from './builtins.ts';
import { createPredicateRegistry, createTransformRegistry } from './builtins.ts';
import type { BatchTransformation, Predicate, Transformation } from './types.ts';

export interface TransformStage {
  readonly alias: string;
  readonly className: string;
  /** For a batch stage, one that refuses single records (run the chain with processing.ts's transformBatch). */
  readonly transformation: Transformation;
  /** A sandboxed plugin's stage, run a batch at a time; null for the built-in SMTs. */
  readonly batch: BatchTransformation | null;
  readonly predicate: Predicate | null;
  readonly predicateAlias: string | null;
  readonly negate: boolean;
}

/** The transforms of one connector, applied in order; null means the record was dropped. */
export interface TransformChain {
  readonly stages: readonly TransformStage[];
  /** Some stage runs a batch at a time: the pipelines then take the batch path. */
  readonly batched: boolean;
  apply<R extends ConnectRecord>(record: R): R | null;
  close(): void;
}

export interface ChainRegistries {
  readonly transforms?: TransformRegistry;
  readonly predicates?: PredicateRegistry;
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

const STAGE_KEYS = new Set(['type', 'predicate', 'negate']);

function aliasList(config: Readonly<Record<string, unknown>>, key: 'transforms' | 'predicates'): string[] {
  const raw = config[key];
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw.map((x) => String(x).trim()) : typeof raw === 'string' ? raw.split(',').map((x) => x.trim()) : null;
  if (list === null) throw configError(`Invalid value for configuration ${key}: expected a comma-separated list of aliases`);
  const aliases = list.filter((x) => x !== '');
  const dup = aliases.find((a, i) => aliases.indexOf(a) !== i);
  if (dup !== undefined) throw configError(`Invalid value ${text(raw)} for configuration ${key}: Duplicate alias provided: ${dup}`);
  return aliases;
}

function typeOf(config: Readonly<Record<string, unknown>>, key: string): string {
  const t = config[key];
  if (typeof t !== 'string' || t.trim() === '') throw configError(`Missing required configuration "${key}" which has no default value.`);
  return t.trim();
}

/** The single-record face of a batch stage: a programming error to call (the pipelines use the batch path). */
function singleRefused(what: string): Transformation {
  return {
    apply() {
      throw new DataError(`${what} runs a batch at a time in the sandbox; it cannot transform a single record synchronously`);
    },
  };
}

/** Runs a plugin's create(), turning its config errors into ones that name the alias and key prefix. */
function instantiate<T>(what: string, prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (isConveyorError(err) && err.code === 'CONVEYOR_CONFIG_INVALID' && err.message.startsWith(what)) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    throw configError(`${what}: invalid configuration under "${prefix}*": ${msg}`, err);
  }
}

function subConfig(config: Readonly<Record<string, unknown>>, prefix: string): Record<string, unknown> {
  const sub = withPrefix(config, prefix);
  for (const k of STAGE_KEYS) delete sub[k];
  return sub;
}

function buildPredicates(config: Readonly<Record<string, unknown>>, registry: PredicateRegistry): Map<string, Predicate> {
  const out = new Map<string, Predicate>();
  for (const alias of aliasList(config, 'predicates')) {
    const prefix = `predicates.${alias}.`;
    const cls = typeOf(config, `${prefix}type`);
    const plugin = registry.find(cls);
    if (plugin === undefined) {
      throw configError(`Invalid value ${cls} for configuration ${prefix}type: Class ${cls} could not be found as a predicate.`);
    }
    const what = `Predicate "${alias}" (${plugin.className})`;
    const raw = withPrefix(config, prefix);
    delete raw['type'];
    const parsed = parseConfig(plugin.configDef, raw, { context: what, keyPrefix: prefix, ignore: plugin.acceptedAliasKeys });
    out.set(alias, instantiate(what, prefix, () => plugin.create(parsed)));
  }
  return out;
}

/**
 * Reads `transforms`, `transforms.<alias>.type|predicate|negate|*` and `predicates`, `predicates.<alias>.*` from
 * a connector config and builds the chain Kafka Connect would run. Config problems throw a configInvalid
 * ConveyorError naming the alias and key.
 */
export function buildTransformChain(config: Readonly<Record<string, unknown>>, registries: ChainRegistries = {}): TransformChain {
  const transforms = registries.transforms ?? createTransformRegistry();
  const predicates = buildPredicates(config, registries.predicates ?? createPredicateRegistry());
  const stages: TransformStage[] = [];
  for (const alias of aliasList(config, 'transforms')) {
    const prefix = `transforms.${alias}.`;
    const cls = typeOf(config, `${prefix}type`);
    const plugin = transforms.find(cls);
    if (plugin === undefined) {
      throw configError(`Invalid value ${cls} for configuration ${prefix}type: Class ${cls} could not be found as a transformation.`);
    }
    const what = `Transformation "${alias}" (${plugin.className})`;
    const raw = subConfig(config, prefix);
    const parsed = parseConfig(plugin.configDef, raw, { context: what, keyPrefix: prefix, ignore: plugin.acceptedAliasKeys });
    const createBatch = plugin.createBatch;
    const batch = createBatch === undefined ? null : instantiate(what, prefix, () => createBatch(parsed, raw, alias));
    const transformation = batch === null ? instantiate(what, prefix, () => plugin.create(parsed, raw)) : singleRefused(what);
    const predicateAlias = config[`${prefix}predicate`];
    let predicate: Predicate | null = null;
    if (predicateAlias !== undefined && predicateAlias !== null && predicateAlias !== '') {
      predicate = predicates.get(text(predicateAlias)) ?? null;
      if (predicate === null) {
        throw configError(`Invalid value ${text(predicateAlias)} for configuration ${prefix}predicate: no predicate with that alias is listed in "predicates"`);
      }
    }
    const negateRaw = config[`${prefix}negate`];
    const negateText = negateRaw === undefined ? 'false' : text(negateRaw).trim().toLowerCase();
    if (negateText !== 'true' && negateText !== 'false') {
      throw configError(`Invalid value ${text(negateRaw)} for configuration ${prefix}negate: expected true or false`);
    }
    stages.push({ alias, className: plugin.className, transformation, batch, predicate, predicateAlias: predicate === null ? null : text(predicateAlias), negate: negateText === 'true' });
  }
  const predicateList = [...predicates.values()];
  return {
    stages,
    batched: stages.some((s) => s.batch !== null),
    apply<R extends ConnectRecord>(record: R): R | null {
      let current: R | null = record;
      for (const stage of stages) {
        if (current === null) return null;
        if (stage.predicate !== null && stage.predicate.test(current) === stage.negate) continue;
        try {
          current = stage.transformation.apply(current);
        } catch (err) {
          if (!isDataError(err)) throw err;
          throw new DataError(`Transformation "${stage.alias}" (${stage.className}) failed: ${err.message}`, { cause: err });
        }
      }
      return current;
    },
    close() {
      for (const s of stages) {
        s.transformation.close?.();
        s.batch?.close?.();
      }
      for (const p of predicateList) p.close?.();
    },
  };
}
