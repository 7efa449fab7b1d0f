import type { SinkRecord } from '@conveyor/sdk';

/** A sink record as the sink reads it: the SDK's, with the Connect schemas the host attaches when it has them. */
export type EsSinkRecord = SinkRecord;
