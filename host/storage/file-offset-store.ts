import { readFile } from 'node:fs/promises';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { writeFileAtomic } from './atomic-file.ts';
import { canonicalKey, decodeOffsetRecord, serializeOffsetKey, serializeOffsetValue } from './offset-format.ts';
import type { OffsetBackingStore, OffsetEntry, OffsetKey } from './offset-store.ts';

export const FILE_OFFSET_FORMAT_VERSION = 1;

/**
 * Stored format: each entry keeps the exact key and value strings Kafka Connect would write to its offsets topic,
 * so a file can be replayed into a topic (or compared with one) without re-encoding.
 */
interface StoredOffsets {
  version: number;
  offsets: { key: string; value: string }[];
}

export interface FileOffsetStoreOptions {
  /** offset.storage.file.filename */
  filename: string;
  logger: Logger;
}

/** Standalone-mode offsets: a JSON file rewritten atomically on every set. */
export class FileOffsetBackingStore implements OffsetBackingStore {
  readonly #filename: string;
  readonly #log: Logger;
  readonly #data = new Map<string, { entry: OffsetEntry; key: string; value: string }>();
  #writes: Promise<void> = Promise.resolve();
  #started = false;

  constructor(options: FileOffsetStoreOptions) {
    this.#filename = options.filename;
    this.#log = options.logger.child({ component: 'file-offset-store' });
  }

  async start(): Promise<void> {
    this.#data.clear();
    let text: string | undefined;
    try {
      text = await readFile(this.#filename, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (text !== undefined) this.#load(text);
    this.#started = true;
    this.#log.info('offset store started', { file: this.#filename, entries: this.#data.size });
  }

  #load(text: string): void {
    let stored: StoredOffsets;
    try {
      stored = JSON.parse(text) as StoredOffsets;
    } catch (e) {
      throw new ConveyorError(ErrorCode.internal, `offset file ${this.#filename} is not valid JSON`, { cause: e });
    }
    if (stored.version !== FILE_OFFSET_FORMAT_VERSION || !Array.isArray(stored.offsets)) {
      throw new ConveyorError(ErrorCode.internal, `offset file ${this.#filename} has unsupported format version ${String(stored.version)}`);
    }
    for (const { key, value } of stored.offsets) {
      const entry = decodeOffsetRecord(key, value);
      if (entry === undefined || entry.offset === null) continue;
      this.#data.set(canonicalKey(entry.connector, entry.partition), { entry, key, value });
    }
  }

  stop(): Promise<void> {
    this.#started = false;
    return this.#writes;
  }

  get(keys: readonly OffsetKey[]): Promise<OffsetEntry[]> {
    this.#assertStarted();
    const out: OffsetEntry[] = [];
    for (const k of keys) {
      const found = this.#data.get(canonicalKey(k.connector, k.partition));
      if (found !== undefined) out.push(found.entry);
    }
    return Promise.resolve(out);
  }

  getAll(connector: string): Promise<OffsetEntry[]> {
    this.#assertStarted();
    return Promise.resolve([...this.#data.values()].filter((d) => d.entry.connector === connector).map((d) => d.entry));
  }

  set(entries: readonly OffsetEntry[]): Promise<void> {
    this.#assertStarted();
    for (const entry of entries) {
      const id = canonicalKey(entry.connector, entry.partition);
      const value = serializeOffsetValue(entry.offset);
      if (value === null) this.#data.delete(id);
      else this.#data.set(id, { entry, key: serializeOffsetKey(entry.connector, entry.partition).toString('utf8'), value: value.toString('utf8') });
    }
    const snapshot = this.#serialize();
    // Writes are chained so a slower earlier write can never overwrite a newer snapshot.
    const write = this.#writes.then(() => writeFileAtomic(this.#filename, snapshot));
    this.#writes = write.catch(() => undefined);
    return write;
  }

  flush(): Promise<void> {
    return this.#writes;
  }

  #serialize(): string {
    const stored: StoredOffsets = {
      version: FILE_OFFSET_FORMAT_VERSION,
      offsets: [...this.#data.values()].map(({ key, value }) => ({ key, value })),
    };
    return JSON.stringify(stored, null, 2) + '\n';
  }

  #assertStarted(): void {
    if (!this.#started) throw new ConveyorError(ErrorCode.unavailable, 'offset store is not started', { retriable: true });
  }
}
