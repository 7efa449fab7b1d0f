import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { WorkerId, WorkUnit } from './types.ts';
import { unitId } from './types.ts';

/**
 * Every key Conveyor keeps in etcd lives under one cluster prefix `/<cluster>/`. Names (connectors, workers) are
 * URI-encoded, so a name never adds a path segment and a prefix scan never matches a longer sibling name.
 *
 *   workers/<worker>                      worker registration, under the worker's lease   {id, url, joinedAt}
 *   election/leader/<lease-hex>           leader candidates, each under its own lease; the oldest key leads    "<worker>"
 *   configs/connectors/<connector>        connector config                                 {"k":"v",...}
 *   configs/tasks/<connector>             task configs, written as one batch               [{"k":"v"},...]
 *   configs/target-states/<connector>     target state                                     "STARTED"|"PAUSED"|"STOPPED"
 *   restarts/<connector>                  pending restart request                          {onlyFailed, includeTasks, requestedAt}
 *   assignments/generation                current assignment generation                    {generation, leader}
 *   assignments/workers/<worker>          one worker's assignment                          {generation, leader, connectors, tasks}
 *   claims/connector/<connector>          ownership of a running connector, under the owner's lease {worker, generation}
 *   claims/task/<connector>/<n>           ownership of a running task, under the owner's lease      {worker, generation}
 *   status/connectors/<connector>         connector status                                 {state, worker_id, trace?, generation}
 *   status/tasks/<connector>/<n>          task status                                      {state, worker_id, trace?, generation}
 *   topics/<connector>/<topic>            a topic the connector's tasks used (active topics)   ""
 *   session-key                           HMAC-SHA256 key signing requests forwarded between workers (base64), made once
 *   tenants/entries/<tenant>              one tenant's entry of the tenants document      {role, tokens, users, ...}
 *   tenant-bundles/<tenant>/<name>        a bundle a tenant installed over REST (.tgz, base64); every worker writes it
 *                                         under its conveyor.tenant.plugin.path and loads it
 *   tenants/version                       bumped by every tenants write (compare-and-swap), present once tenants
 *                                         were ever set up (seeded from conveyor.tenants.file or PUT over REST)   {by, seeded}
 *
 * Source offsets are not here: they stay in the Kafka offsets topic; sink progress is the consumer group's.
 */
export interface ClusterKeys {
  readonly root: string;
  readonly workers: string;
  worker(id: WorkerId): string;
  readonly electionName: string;
  readonly connectorConfigs: string;
  connectorConfig(connector: string): string;
  readonly taskConfigs: string;
  taskConfigsOf(connector: string): string;
  readonly targetStates: string;
  targetState(connector: string): string;
  readonly restarts: string;
  restart(connector: string): string;
  readonly generation: string;
  readonly assignments: string;
  assignment(worker: WorkerId): string;
  readonly claims: string;
  claim(unit: WorkUnit): string;
  readonly connectorStatuses: string;
  connectorStatus(connector: string): string;
  readonly taskStatuses: string;
  taskStatus(connector: string, task: number): string;
  readonly topics: string;
  readonly sessionKey: string;
  /** Everything about tenants: one watch on this prefix sees the entries and the version. */
  readonly tenants: string;
  readonly tenantEntries: string;
  tenantEntry(tenant: string): string;
  readonly tenantsVersion: string;
  readonly tenantBundles: string;
  tenantBundle(tenant: string, name: string): string;
  /** Active topics of one connector: keys topicsOf(c) + encoded topic. */
  topicsOf(connector: string): string;
  /** The encoded name at the end of a key below `prefix`, decoded; undefined when the key is not directly below. */
  nameUnder(prefix: string, key: string): string | undefined;
}

const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function clusterKeys(cluster: string): ClusterKeys {
  if (!CLUSTER_NAME.test(cluster)) {
    throw new ConveyorError(ErrorCode.configInvalid, `cluster name ${JSON.stringify(cluster)} must match ${CLUSTER_NAME.source}`);
  }
  const root = `/${cluster}/`;
  const enc = encodeURIComponent;
  const k = {
    root,
    workers: `${root}workers/`,
    electionName: 'leader',
    connectorConfigs: `${root}configs/connectors/`,
    taskConfigs: `${root}configs/tasks/`,
    targetStates: `${root}configs/target-states/`,
    restarts: `${root}restarts/`,
    generation: `${root}assignments/generation`,
    assignments: `${root}assignments/workers/`,
    claims: `${root}claims/`,
    connectorStatuses: `${root}status/connectors/`,
    taskStatuses: `${root}status/tasks/`,
    topics: `${root}topics/`,
    sessionKey: `${root}session-key`,
    tenants: `${root}tenants/`,
    tenantEntries: `${root}tenants/entries/`,
    tenantsVersion: `${root}tenants/version`,
    tenantBundles: `${root}tenant-bundles/`,
  };
  return {
    ...k,
    worker: (id) => k.workers + enc(id),
    connectorConfig: (c) => k.connectorConfigs + enc(c),
    taskConfigsOf: (c) => k.taskConfigs + enc(c),
    targetState: (c) => k.targetStates + enc(c),
    restart: (c) => k.restarts + enc(c),
    assignment: (w) => k.assignments + enc(w),
    claim: (unit) => k.claims + unitId(unit),
    connectorStatus: (c) => k.connectorStatuses + enc(c),
    taskStatus: (c, t) => `${k.taskStatuses}${enc(c)}/${t}`,
    tenantEntry: (t) => k.tenantEntries + enc(t),
    tenantBundle: (t, name) => `${k.tenantBundles}${enc(t)}/${enc(name)}`,
    topicsOf: (c) => `${k.topics}${enc(c)}/`,
    nameUnder: (prefix, key) => {
      if (!key.startsWith(prefix)) return undefined;
      const rest = key.slice(prefix.length);
      return rest === '' || rest.includes('/') ? undefined : decodeURIComponent(rest);
    },
  };
}
