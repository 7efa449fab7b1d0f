import type { SinkRecord } from '../../../sdk/records.ts';
import type { ConnectSchema } from './connect-schema.ts';

/** A sink record as the sink reads it: the SDK's, plus the Connect schemas the host attaches when it has them. */
export type EsSinkRecord = SinkRecord & {
  readonly keySchema?: ConnectSchema | null;
  readonly valueSchema?: ConnectSchema | null;
};
