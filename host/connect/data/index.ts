export { BigDecimal, bigintFromBytes, bigintToBytes } from './big-decimal.ts';
export { Decimal, DateType, TimeType, TimestampType, isLogicalName } from './logical.ts';
export { SchemaBuilder, Schemas, describeSchema, optionalSchemaOf, schemaField } from './schema.ts';
export { Struct, isStruct } from './struct.ts';
export { javaString } from './to-string.ts';
export type { Field, Schema, SchemaType, StructLike } from './types.ts';
export {
  DECIMAL_SCALE_PARAM,
  LOGICAL_DATE,
  LOGICAL_DECIMAL,
  LOGICAL_TIME,
  LOGICAL_TIMESTAMP,
  SCHEMA_TYPES,
  isPlainObject,
  isPrimitiveType,
  isSchemaType,
} from './types.ts';
export { describeValue, isMapValue, mapEntries, schemaEquals, validateValue, valuesEqual } from './validate.ts';
