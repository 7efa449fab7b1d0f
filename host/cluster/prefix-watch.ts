import type { Etcd3, IKeyValue, Watcher } from 'etcd3';
import type { Logger } from '../core/logger.ts';

export interface WatchEvent {
  readonly type: 'put' | 'delete';
  readonly key: string;
  /** Empty for deletes. */
  readonly value: string;
  readonly revision: number;
  /** The etcd lease the key was put under ('0' when none); empty for deletes. */
  readonly lease: string;
}

/** Receives a range's state: a full snapshot first (and again after a compaction), then increments. */
export interface WatchSink {
  reset(entries: ReadonlyMap<string, string>, revision: number): void;
  apply(events: readonly WatchEvent[]): void;
}

export type WatchRange = { readonly prefix: string } | { readonly key: string };
export type PrefixWatchState = 'listing' | 'watching' | 'reconnecting' | 'closed';

export interface PrefixWatchOptions {
  readonly client: Etcd3;
  readonly range: WatchRange;
  readonly sink: WatchSink;
  readonly logger: Logger;
  /** First retry delay after a disconnect or failed listing; doubles up to maxBackoffMs. */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
}

/**
 * A watch that survives the connection: after a disconnect it resumes from the revision after the last event it
 * delivered (the etcd3 client would resume from the last response header, which can skip events still in flight),
 * and when that revision has been compacted away etcd cancels the watch, so it lists the range again and hands the
 * sink a fresh snapshot.
 */
export class PrefixWatch {
  readonly #o: PrefixWatchOptions;
  readonly #log: Logger;
  #state: PrefixWatchState = 'listing';
  #revision = 0;
  #watcher: Watcher | undefined;
  #epoch = 0;
  #backoff: number;
  #timer: NodeJS.Timeout | undefined;

  private constructor(options: PrefixWatchOptions) {
    this.#o = options;
    this.#backoff = options.backoffMs ?? 100;
    const range = 'prefix' in options.range ? { prefix: options.range.prefix } : { key: options.range.key };
    this.#log = options.logger.child({ component: 'cluster-watch', ...range });
  }

  /** Resolves after the first snapshot has been delivered. */
  static async create(options: PrefixWatchOptions): Promise<PrefixWatch> {
    const w = new PrefixWatch(options);
    await w.#listAndWatch();
    return w;
  }

  get state(): PrefixWatchState {
    return this.#state;
  }

  /** The revision of the last snapshot or event delivered. */
  get revision(): number {
    return this.#revision;
  }

  async close(): Promise<void> {
    this.#setState('closed', 'closed');
    this.#epoch++;
    clearTimeout(this.#timer);
    await this.#dropWatcher();
  }

  #setState(next: PrefixWatchState, reason: string, fields: Record<string, unknown> = {}): void {
    if (this.#state === next || this.#state === 'closed') return;
    const prev = this.#state;
    this.#state = next;
    this.#log.debug('watch state', { from: prev, to: next, reason, revision: this.#revision, ...fields });
  }

  async #listAndWatch(): Promise<void> {
    this.#setState('listing', 'snapshot needed');
    const epoch = ++this.#epoch;
    const r = this.#o.range;
    const res = 'prefix' in r ? await this.#o.client.getAll().prefix(r.prefix).exec() : await this.#o.client.get(r.key).exec();
    if (epoch !== this.#epoch) return;
    const entries = new Map(res.kvs.map((kv) => [kv.key.toString(), kv.value.toString()]));
    this.#revision = Number(res.header.revision);
    this.#deliver(() => this.#o.sink.reset(entries, this.#revision));
    this.#startWatcher(epoch);
  }

  #startWatcher(epoch: number): void {
    const r = this.#o.range;
    const builder = this.#o.client.watch().startRevision(String(this.#revision + 1));
    const watcher = ('prefix' in r ? builder.prefix(r.prefix) : builder.key(r.key)).watcher();
    this.#watcher = watcher;
    watcher.on('connected', () => {
      if (epoch !== this.#epoch) return;
      this.#backoff = this.#o.backoffMs ?? 100;
      this.#setState('watching', 'connected');
    });
    watcher.on('data', (res) => {
      if (epoch !== this.#epoch || res.events.length === 0) return;
      const events = res.events.map((ev) => toEvent(ev.type === 'Put' ? 'put' : 'delete', ev.kv));
      this.#revision = Math.max(this.#revision, ...events.map((e) => e.revision));
      this.#deliver(() => this.#o.sink.apply(events));
    });
    watcher.on('disconnected', (err: Error) => {
      if (epoch !== this.#epoch) return;
      this.#setState('reconnecting', 'disconnected', { err: err.message });
      this.#retry(() => this.#resume(), true);
    });
    watcher.on('error', (err: Error) => {
      if (epoch !== this.#epoch) return;
      this.#log.warn('watch cancelled by etcd; listing again', { err, revision: this.#revision });
      // etcd has already dropped this watcher; cancelling it again would send a cancel for an unknown watch id.
      this.#retry(() => this.#listAndWatch(), false);
    });
  }

  #resume(): Promise<void> {
    this.#startWatcher(++this.#epoch);
    return Promise.resolve();
  }

  #retry(action: () => Promise<void>, cancel: boolean): void {
    this.#epoch++;
    if (cancel) void this.#dropWatcher();
    else this.#forgetWatcher();
    clearTimeout(this.#timer);
    const delay = this.#backoff;
    this.#backoff = Math.min(this.#backoff * 2, this.#o.maxBackoffMs ?? 5000);
    this.#timer = setTimeout(() => {
      if (this.#state === 'closed') return;
      action().catch((err: unknown) => {
        this.#log.warn('watch restart failed; retrying', { err });
        this.#retry(action, true);
      });
    }, delay);
  }

  async #dropWatcher(): Promise<void> {
    const w = this.#forgetWatcher();
    await w?.cancel().catch(() => undefined);
  }

  #forgetWatcher(): Watcher | undefined {
    const w = this.#watcher;
    this.#watcher = undefined;
    w?.removeAllListeners();
    w?.on('error', () => undefined);
    return w;
  }

  #deliver(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#log.error('watch sink failed', { err });
    }
  }
}

function toEvent(type: 'put' | 'delete', kv: IKeyValue): WatchEvent {
  return {
    type,
    key: kv.key.toString(),
    value: type === 'put' ? kv.value.toString() : '',
    revision: Number(kv.mod_revision),
    lease: type === 'put' ? String(kv.lease) : '',
  };
}

/** A sink that mirrors the range into a map and reports every change with the whole map. */
export class MirrorSink implements WatchSink {
  readonly entries = new Map<string, string>();
  readonly #onChange: (entries: ReadonlyMap<string, string>) => void;

  constructor(onChange: (entries: ReadonlyMap<string, string>) => void = () => undefined) {
    this.#onChange = onChange;
  }

  reset(entries: ReadonlyMap<string, string>): void {
    this.entries.clear();
    for (const [k, v] of entries) this.entries.set(k, v);
    this.#onChange(this.entries);
  }

  apply(events: readonly WatchEvent[]): void {
    for (const e of events) {
      if (e.type === 'put') this.entries.set(e.key, e.value);
      else this.entries.delete(e.key);
    }
    this.#onChange(this.entries);
  }
}
