import type { ConfigDef, ParsedConfig } from '../config/config-def.ts';
import { Validators } from '../config/config-def.ts';
import { BigDecimal } from '../data/big-decimal.ts';
import { Decimal } from '../data/logical.ts';
import { Struct } from '../data/struct.ts';
import type { Schema } from '../data/types.ts';
import { LOGICAL_DECIMAL, isPlainObject } from '../data/types.ts';
import { describeValue } from '../data/validate.ts';
import { DataError } from '../errors.ts';
import type { ConnectRecord } from '../record.ts';
import type { Transformation } from './types.ts';
import type { Side } from './util.ts';
import { REPLACE_NULL_WITH_DEFAULT, keyValuePlugins, newMap, putField, requireMap, requireStruct, structGet } from './util.ts';

export const MASK_FIELD_CONFIG: ConfigDef = [
  { name: 'fields', type: 'LIST', importance: 'HIGH', validate: Validators.nonEmptyList, documentation: 'Names of fields to mask.' },
  {
    name: 'replacement',
    type: 'STRING',
    default: null,
    importance: 'LOW',
    validate: Validators.nonEmptyString,
    documentation: 'Custom value replacement, that will be applied to all \'fields\' values (numeric or non-empty string values only).',
  },
  REPLACE_NULL_WITH_DEFAULT,
];

/** The "empty" value Kafka's MaskField puts in place of a value of this kind. */
function nullEquivalent(value: unknown, schema: Schema | null): unknown {
  if (value instanceof BigDecimal) return new BigDecimal(0n, schema?.name === LOGICAL_DECIMAL ? Decimal.scale(schema) : 0);
  if (value instanceof Date) return new Date(0);
  if (typeof value === 'boolean') return false;
  if (typeof value === 'number') return 0;
  if (typeof value === 'bigint') return 0n;
  if (typeof value === 'string') return '';
  if (value instanceof Uint8Array) return new Uint8Array(0);
  if (Array.isArray(value)) return [];
  if (value instanceof Map) return new Map();
  if (isPlainObject(value)) return {};
  throw new DataError(`Cannot mask value of type: ${describeValue(value)}`);
}

function replacementFor(value: unknown, replacement: string, schema: Schema | null): unknown {
  if (typeof value === 'string') return replacement;
  const numeric = (): number => {
    const n = Number(replacement);
    if (replacement.trim() === '' || Number.isNaN(n)) {
      throw new DataError(`Unable to convert ${replacement} (string) to number`);
    }
    return n;
  };
  if (typeof value === 'number') {
    const n = numeric();
    const integral = schema !== null ? ['INT8', 'INT16', 'INT32', 'INT64'].includes(schema.type) : Number.isInteger(value);
    if (integral && !Number.isInteger(n)) throw new DataError(`Unable to convert ${replacement} (string) to an integer`);
    return n;
  }
  if (typeof value === 'bigint') return BigInt(replacement.trim());
  if (value instanceof BigDecimal) {
    const d = BigDecimal.parse(replacement);
    return schema?.name === LOGICAL_DECIMAL ? d.setScale(Decimal.scale(schema)) : d;
  }
  throw new DataError(`Cannot mask value of type ${describeValue(value)} with custom replacement.`);
}

class MaskField implements Transformation {
  readonly #fields: Set<string>;
  readonly #replacement: string | null;
  readonly #side: Side;
  readonly #replaceNull: boolean;

  constructor(config: ParsedConfig, side: Side) {
    this.#fields = new Set(config['fields'] as string[]);
    this.#replacement = config['replacement'] as string | null;
    this.#side = side;
    this.#replaceNull = config['replace.null.with.default'] as boolean;
  }

  #mask(value: unknown, schema: Schema | null): unknown {
    if (value === null || value === undefined) return null;
    return this.#replacement === null ? nullEquivalent(value, schema) : replacementFor(value, this.#replacement, schema);
  }

  apply<R extends ConnectRecord>(record: R): R {
    const value = this.#side.value(record);
    if (value === null || value === undefined) return record;
    const schema = this.#side.schema(record);
    if (schema === null) {
      const out = newMap();
      for (const [k, v] of Object.entries(requireMap(value, 'masking fields'))) putField(out, k, this.#fields.has(k) ? this.#mask(v, null) : v);
      return this.#side.update(record, null, out);
    }
    const struct = requireStruct(value, 'masking fields');
    const out = new Struct(schema);
    for (const f of schema.fields ?? []) {
      const v = structGet(struct, f.name, this.#replaceNull);
      out.put(f.name, this.#fields.has(f.name) ? this.#mask(v, f.schema) : v);
    }
    return this.#side.update(record, schema, out);
  }
}

export const maskFieldPlugins = keyValuePlugins('MaskField', MASK_FIELD_CONFIG, (c, side) => new MaskField(c, side));
