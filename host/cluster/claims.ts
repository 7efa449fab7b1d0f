import type { Etcd3 } from 'etcd3';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { decodeClaim } from './codec.ts';
import type { ClaimRecord } from './codec.ts';
import type { ClusterKeys } from './keys.ts';
import type { OwnershipGuard, WorkUnit, WorkerId } from './types.ts';
import { unitId } from './types.ts';

export interface ClaimsOptions {
  readonly client: Etcd3;
  readonly keys: ClusterKeys;
  readonly workerId: WorkerId;
  /** The session lease the claims live under: they vanish when it is revoked or expires. */
  readonly leaseId: string;
  readonly logger: Logger;
}

/**
 * Ownership of running units. A unit runs only where its claim key is held, and a claim is taken only when the key
 * is absent: so a unit starts on its new worker only after the previous owner released it or its lease expired.
 */
export class Claims {
  readonly #o: ClaimsOptions;
  readonly #log: Logger;

  constructor(options: ClaimsOptions) {
    this.#o = options;
    this.#log = options.logger.child({ component: 'cluster-claims' });
  }

  /** The guard status and offset writes for this unit must present. */
  guard(unit: WorkUnit): OwnershipGuard {
    return { claimKey: this.#o.keys.claim(unit), leaseId: this.#o.leaseId };
  }

  /**
   * Takes the claim, waiting as long as another session holds it. Rejects with the signal's reason when aborted
   * (the unit was assigned elsewhere meanwhile).
   */
  async acquire(unit: WorkUnit, generation: number, signal: AbortSignal): Promise<OwnershipGuard> {
    const { client, keys, leaseId, workerId } = this.#o;
    const key = keys.claim(unit);
    const record: ClaimRecord = { worker: workerId, generation };
    for (;;) {
      signal.throwIfAborted();
      const res = await client
        .if(key, 'Create', '==', 0)
        .then(client.put(key).value(JSON.stringify(record)).lease(leaseId))
        .else(client.get(key))
        .commit();
      if (res.succeeded) {
        this.#log.debug('claim taken', { unit: unitId(unit), generation });
        return this.guard(unit);
      }
      const held = res.responses[0]?.response_range.kvs[0];
      if (held === undefined) continue;
      if (String(held.lease) === leaseId) return this.guard(unit);
      this.#log.info('waiting for the previous owner to release', { unit: unitId(unit), owner: safeOwner(held.value.toString()) });
      await this.#waitForDelete(key, Number(res.header.revision), signal);
    }
  }

  /** Gives the unit up so its next owner can start at once. A claim held by another session is left alone. */
  async release(unit: WorkUnit): Promise<boolean> {
    const { client, keys, leaseId } = this.#o;
    const key = keys.claim(unit);
    const res = await client.if(key, 'Lease', '==', leaseId).then(client.delete().key(key)).commit();
    if (res.succeeded) this.#log.debug('claim released', { unit: unitId(unit) });
    return res.succeeded;
  }

  /** Whether this session still holds the unit, checked against etcd. */
  async holds(unit: WorkUnit): Promise<boolean> {
    const { client, keys, leaseId } = this.#o;
    const res = await client.if(keys.claim(unit), 'Lease', '==', leaseId).commit();
    return res.succeeded;
  }

  /** Throws CONVEYOR_CONFLICT unless this session still holds the unit: call before committing offsets. */
  async assertHolds(unit: WorkUnit): Promise<void> {
    if (!(await this.holds(unit))) {
      throw new ConveyorError(ErrorCode.conflict, `worker ${this.#o.workerId} no longer owns ${unitId(unit)}`);
    }
  }

  async #waitForDelete(key: string, afterRevision: number, signal: AbortSignal): Promise<void> {
    const watcher = await this.#o.client.watch().key(key).startRevision(String(afterRevision + 1)).only('delete').create();
    let cancelledByEtcd = false;
    watcher.once('error', () => (cancelledByEtcd = true));
    try {
      await new Promise<void>((resolve, reject) => {
        const abort = (): void => reject(signal.reason as Error);
        signal.addEventListener('abort', abort, { once: true });
        const done = (): void => {
          signal.removeEventListener('abort', abort);
          resolve();
        };
        watcher.once('delete', done);
        // A broken or cancelled watch: look at the key again rather than trusting the stream.
        watcher.once('error', done);
        watcher.once('disconnected', done);
      });
    } finally {
      // etcd never answers a cancel for a watch it already cancelled, so only live watches are cancelled.
      if (!cancelledByEtcd) await watcher.cancel().catch(() => undefined);
    }
  }
}

function safeOwner(text: string): string {
  try {
    return decodeClaim(text).worker;
  } catch {
    return 'unknown';
  }
}
