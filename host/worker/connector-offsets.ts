/**
 * GET/PATCH/DELETE /connectors/{c}/offsets in Kafka Connect's shapes. Source offsets live in the offset store;
 * sink offsets are the committed offsets of consumer group connect-<connector>
 * (partition keys kafka_topic/kafka_partition, offset key kafka_offset).
 */
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { TopicAdmin } from '../kafka/admin.ts';
import type { OffsetBackingStore, OffsetEntry } from '../storage/offset-store.ts';

export interface ConnectorOffset {
  partition: Record<string, unknown>;
  offset: Record<string, unknown> | null;
}

export interface OffsetsBackend {
  offsetStore: OffsetBackingStore;
  admin(): Promise<TopicAdmin>;
}

export async function readOffsets(backend: OffsetsBackend, connector: string, type: 'source' | 'sink', topics: readonly string[]): Promise<ConnectorOffset[]> {
  if (type === 'source') return (await backend.offsetStore.getAll(connector)).map((e) => ({ partition: { ...e.partition }, offset: e.offset === null ? null : { ...e.offset } }));
  const admin = await backend.admin();
  const out: ConnectorOffset[] = [];
  const existing = await admin.existingTopics(topics);
  const fetched = await admin.groupOffsets(`connect-${connector}`, topics.filter((t) => existing.has(t)));
  for (const [topic, partitions] of fetched) {
    for (const [partition, offset] of partitions) {
      if (offset >= 0n) out.push({ partition: { kafka_topic: topic, kafka_partition: partition }, offset: { kafka_offset: Number(offset) } });
    }
  }
  return out;
}

function asObject(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConveyorError(ErrorCode.badRequest, `${what} must be a JSON object`);
  return v as Record<string, unknown>;
}

/** Parses the PATCH body {offsets:[{partition, offset}]}; a null offset resets that partition. */
export function parseOffsetsBody(body: unknown): ConnectorOffset[] {
  const list = asObject(body, 'request body')['offsets'];
  if (!Array.isArray(list) || list.length === 0) throw new ConveyorError(ErrorCode.badRequest, 'Partitions / offsets need to be provided for an alter offsets request');
  return list.map((e, i) => {
    const o = asObject(e, `offsets[${i}]`);
    return { partition: asObject(o['partition'], `offsets[${i}].partition`), offset: o['offset'] === null || o['offset'] === undefined ? null : asObject(o['offset'], `offsets[${i}].offset`) };
  });
}

export async function alterOffsets(backend: OffsetsBackend, connector: string, type: 'source' | 'sink', offsets: ConnectorOffset[]): Promise<void> {
  if (type === 'source') {
    await backend.offsetStore.set(offsets.map((o): OffsetEntry => ({ connector, partition: o.partition as OffsetEntry['partition'], offset: o.offset as OffsetEntry['offset'] })));
    await backend.offsetStore.flush();
    return;
  }
  const altered: { topic: string; partition: number; offset: bigint }[] = [];
  const resets: { topic: string; partition: number }[] = [];
  for (const o of offsets) {
    const topic = o.partition['kafka_topic'];
    const partition = o.partition['kafka_partition'];
    if (typeof topic !== 'string' || typeof partition !== 'number' || !Number.isInteger(partition)) throw new ConveyorError(ErrorCode.badRequest, 'Sink partitions need a string kafka_topic and an integer kafka_partition');
    if (o.offset === null) {
      resets.push({ topic, partition });
      continue;
    }
    const off = o.offset['kafka_offset'];
    if (typeof off !== 'number' || !Number.isInteger(off) || off < 0) throw new ConveyorError(ErrorCode.badRequest, 'Sink offsets need a non-negative integer kafka_offset');
    altered.push({ topic, partition, offset: BigInt(off) });
  }
  const admin = await backend.admin();
  await admin.alterGroupOffsets(`connect-${connector}`, altered);
  // A null offset deletes the partition's committed offset, as Kafka Connect does: the sink starts it from the earliest.
  await admin.deleteGroupOffsets(`connect-${connector}`, resets);
}

export async function resetOffsets(backend: OffsetsBackend, connector: string, type: 'source' | 'sink'): Promise<void> {
  if (type === 'source') {
    const all = await backend.offsetStore.getAll(connector);
    await backend.offsetStore.set(all.map((e) => ({ connector, partition: e.partition, offset: null })));
    await backend.offsetStore.flush();
    return;
  }
  // A group that does not exist had nothing committed: deleting it is then a no-op.
  await (await backend.admin()).deleteGroups([`connect-${connector}`]);
}
