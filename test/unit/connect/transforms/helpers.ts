import { buildTransformChain } from '../../../../host/connect/transforms/chain.ts';
import type { ConnectRecord, SinkRecord } from '../../../../host/connect/record.ts';
import { connectRecord } from '../../../../host/connect/record.ts';

/** Applies one transform configured the way a connector config would. */
export function transform(type: string, props: Record<string, unknown> = {}): <R extends ConnectRecord>(r: R) => R | null {
  const config: Record<string, unknown> = { transforms: 'x', 'transforms.x.type': type };
  for (const [k, v] of Object.entries(props)) config[`transforms.x.${k}`] = v;
  const chain = buildTransformChain(config);
  return (r) => chain.apply(r);
}

export function rec(fields: Partial<ConnectRecord> = {}): ConnectRecord {
  return connectRecord({ topic: 'test', kafkaPartition: 0, timestamp: 1483425001864, ...fields });
}

export function sinkRec(fields: Partial<ConnectRecord> = {}): SinkRecord {
  return { ...rec(fields), kafkaPartition: 0, kafkaOffset: 42, timestampType: 'CreateTime' };
}
