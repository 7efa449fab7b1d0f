/**
 * connect-distributed's worker.properties for a Conveyor cluster on etcd: the standalone keys (listeners,
 * bootstrap.servers, plugin.path, converters, conveyor.*) plus the cluster's own.
 *
 *   cluster.id                   etcd prefix /<cluster.id>/ shared by the cluster's workers (alias: group.id)
 *   etcd.endpoints               comma-separated http://host:port list
 *   etcd.lease.ttl.seconds       worker lease TTL, default 5: a dead worker's tasks move after about this long
 *   rest.advertised.url          the URL other workers forward writes to (default from listeners / rest.advertised.*)
 *   offset.storage.topic         source offsets, default connect-offsets (compacted; partitions and replication
 *                                factor from offset.storage.partitions / offset.storage.replication.factor)
 *   exactly.once.source.support  enabled: each source task writes records and offsets in one Kafka transaction
 */
import { listenerScheme } from '../rest/tls.ts';
import { hostname } from 'node:os';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import { workerInputFromProperties } from '../cli/standalone.ts';

export interface DistributedSettings {
  readonly clusterId: string;
  readonly etcdEndpoints: readonly string[];
  readonly leaseTtlSeconds: number;
  readonly advertisedUrl: string;
  readonly exactlyOnceSource: boolean;
}

export interface DistributedInput {
  /** WorkerConfig input (see workerConfig). */
  readonly worker: Record<string, unknown>;
  readonly settings: DistributedSettings;
}

function bad(message: string): ConveyorError {
  return new ConveyorError(ErrorCode.configInvalid, `worker config: ${message}`);
}

function endpoints(value: string): string[] {
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) throw bad('etcd.endpoints must list at least one http://host:port');
  for (const e of list) {
    let url: URL;
    try {
      url = new URL(e);
    } catch {
      throw bad(`etcd.endpoints: ${e} is not a URL like http://127.0.0.1:2379`);
    }
    if (url.protocol !== 'http:') throw bad(`etcd.endpoints: only http is supported, got ${e}`);
  }
  return list;
}

function advertised(props: Record<string, string>, host: string, port: number): string {
  const explicit = props['rest.advertised.url'];
  if (explicit !== undefined && explicit.trim() !== '') {
    try {
      return new URL(explicit.trim()).toString().replace(/\/$/, '');
    } catch {
      throw bad(`rest.advertised.url: ${explicit} is not a URL`);
    }
  }
  const h = props['rest.advertised.host.name'] ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
  const p = props['rest.advertised.port'] ?? String(port);
  return `${listenerScheme(props)}://${h.includes(':') ? `[${h}]` : h}:${p}`;
}

export function distributedInputFromProperties(props: Record<string, string>): DistributedInput {
  if (props['offset.storage.file.filename'] !== undefined) throw bad('offset.storage.file.filename is a standalone key; distributed workers keep offsets in offset.storage.topic');
  const worker = workerInputFromProperties(props);
  const named = (props['cluster.id'] ?? '').trim();
  const clusterId = named !== '' ? named : (props['group.id'] ?? '').trim();
  if (clusterId === '') throw bad('cluster.id (or group.id) is required in distributed mode');
  const etcd = props['etcd.endpoints'];
  if (etcd === undefined) throw bad('etcd.endpoints is required in distributed mode');
  const ttl = Number(props['etcd.lease.ttl.seconds'] ?? '5');
  if (!Number.isInteger(ttl) || ttl < 2 || ttl > 300) throw bad('etcd.lease.ttl.seconds must be an integer in [2, 300]');
  const eos = (props['exactly.once.source.support'] ?? 'disabled').trim().toLowerCase();
  if (!['enabled', 'disabled', 'preparing'].includes(eos)) throw bad('exactly.once.source.support must be enabled, preparing or disabled');
  if (worker['bootstrapServers'] === undefined) throw bad('bootstrap.servers is required in distributed mode');
  const host = typeof worker['restHost'] === 'string' ? worker['restHost'] : '127.0.0.1';
  const port = typeof worker['restPort'] === 'number' ? worker['restPort'] : 8083;
  const advertisedUrl = advertised(props, host, port);
  return {
    worker: {
      ...worker,
      offsetStorageTopic: props['offset.storage.topic'] ?? 'connect-offsets',
      // With listeners on port 0 the advertised URL is only known once listening; the id must still be unique.
      workerId: worker['workerId'] ?? (port === 0 ? `${hostname()}-${process.pid}` : new URL(advertisedUrl).host),
    },
    settings: { clusterId, etcdEndpoints: endpoints(etcd), leaseTtlSeconds: ttl, advertisedUrl, exactlyOnceSource: eos === 'enabled' },
  };
}
