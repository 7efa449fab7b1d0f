/**
 * Kafka Connect schemas as JsonConverter writes them in its envelope
 * ({"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":false,"name":"..."}).
 * Records carry them as keySchema/valueSchema across the sandbox boundary; values stay JsonConverter payload
 * JSON (bytes and BASE64 decimals as base64 strings, non-string-keyed maps as [key, value] pairs, logical dates
 * and times as integers).
 */
import type { JsonValue } from './records.ts';

export type ConnectSchemaType =
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'float'
  | 'float32'
  | 'double'
  | 'float64'
  | 'boolean'
  | 'string'
  | 'bytes'
  | 'array'
  | 'map'
  | 'struct';

export interface ConnectSchema {
  readonly type: ConnectSchemaType;
  readonly optional?: boolean;
  readonly name?: string | null;
  readonly version?: number | null;
  readonly doc?: string | null;
  readonly parameters?: Readonly<Record<string, string>> | null;
  readonly default?: JsonValue;
  /** struct only; each field is a schema plus its name. */
  readonly fields?: readonly ConnectField[];
  /** array only. */
  readonly items?: ConnectSchema;
  /** map only. */
  readonly keys?: ConnectSchema;
  readonly values?: ConnectSchema;
}

export type ConnectField = ConnectSchema & { readonly field: string };
