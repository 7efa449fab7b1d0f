/**
 * BinlogReader on @vlasky/zongji: opens the replication stream at a file/position, a GTID position or the current end,
 * and hands out plain JSON-safe events in batches. The queue is bounded: at the high-water mark the socket is paused
 * (zongji itself has no pause), and reading below the low-water mark resumes it.
 */
import ZongJi from '@vlasky/zongji';
import type { Logger } from '../core/logger.ts';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import { classifyServerError } from './errors.ts';
import type { BinlogEvent } from './events.ts';
import { ZongjiTranslator } from './translate.ts';
import { connectionOptions } from './row-values.ts';

const OPEN_WAIT_MS = 10_000;

export type BinlogStart = { file: string; pos: number } | { gtids: string } | 'end';

export interface BinlogReaderOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Replica id; unique among the server's replicas and readers. */
  serverId: number;
  start: BinlogStart;
  /** Row events of other tables are dropped on the host side. */
  includeTable?: (db: string, table: string) => boolean;
  /** Ask for the statement text behind row events (MariaDB annotate rows). */
  includeQuery?: boolean;
  /** Most events buffered before the socket is paused. */
  maxQueued?: number;
  logger?: Logger;
}

export type BinlogReaderState = 'opening' | 'streaming' | 'failed' | 'closed';

export interface BinlogReader {
  readonly state: BinlogReaderState;
  /** Up to max events; waits up to waitMs when none are queued. Throws the stream's error once the queue is empty. */
  read(max: number, waitMs: number): Promise<BinlogEvent[]>;
  close(): Promise<void>;
}

interface Paused {
  pause?: () => void;
  resume?: () => void;
}

export async function openBinlogReader(options: BinlogReaderOptions): Promise<BinlogReader> {
  const target = { host: options.host, port: options.port, user: options.user };
  const maxQueued = options.maxQueued ?? 10_000;
  const log = options.logger?.child({ component: 'binlog-reader', serverId: options.serverId });
  const zongji = new ZongJi({ host: options.host, port: options.port, user: options.user, password: options.password, ...connectionOptions });
  const translator = new ZongjiTranslator(options.start, options.includeTable);
  const queue: BinlogEvent[] = [];
  let state: BinlogReaderState = 'opening';
  let failure: ConveyorError | null = null;
  let wake: (() => void) | null = null;
  let paused = false;
  const setState = (next: BinlogReaderState): void => {
    if (next !== state) log?.debug('binlog reader state', { from: state, to: next });
    state = next;
  };

  const socket = (): Paused => zongji.connection ?? {};

  // Open completes at the server's first event (it sends a rotate as soon as the dump starts), so a bad start
  // position fails open() rather than a later read().
  let firstEvent: (() => void) | null = null;
  let openTimer: NodeJS.Timeout | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    zongji.on('ready', () => {
      translator.setServer(zongji.isMariaDb, zongji.useChecksum);
      openTimer = setTimeout(() => firstEvent?.(), OPEN_WAIT_MS);
      firstEvent = () => {
        clearTimeout(openTimer);
        firstEvent = null;
        setState('streaming');
        resolve();
      };
    });
    zongji.on('error', (err: Error) => {
      const classified = classifyServerError(err, target, 'reading the binlog');
      if (state === 'opening') {
        clearTimeout(openTimer);
        firstEvent = null;
        reject(classified);
      }
      else if (state !== 'closed') {
        failure ??= classified;
        setState('failed');
        log?.error('binlog stream failed', { err: classified });
        wake?.();
      }
    });
  });
  zongji.on('binlog', (evt: unknown) => {
    firstEvent?.();
    const out = translator.translate(evt as Parameters<ZongjiTranslator['translate']>[0]);
    if (out === null) return;
    queue.push(out);
    if (queue.length >= maxQueued && !paused) {
      paused = true;
      socket().pause?.();
    }
    wake?.();
  });

  const start: Record<string, unknown> = {
    serverId: options.serverId,
    includeEvents: ['rotate', 'mariadbgtid', 'gtid', 'anonymousgtid', 'query', 'xid', 'tablemap', 'writerows', 'updaterows', 'deleterows', 'heartbeat', 'annotaterows', 'rowsquery'],
    requestAnnotateRows: options.includeQuery === true,
  };
  const s = options.start;
  if (s === 'end') start['startAtEnd'] = true;
  else if ('gtids' in s) start['gtidSet'] = s.gtids;
  else Object.assign(start, { filename: s.file, position: s.pos });
  zongji.start(start);
  try {
    await ready;
  } catch (err) {
    zongji.stop();
    setState('failed');
    throw err;
  }

  return {
    get state() {
      return state;
    },
    async read(max, waitMs) {
      if (state === 'closed') throw new ConveyorError(ErrorCode.badRequest, 'binlog reader is closed');
      if (queue.length === 0 && failure === null && waitMs > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, waitMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
      if (queue.length === 0 && failure !== null) throw failure;
      const batch = queue.splice(0, max);
      if (paused && queue.length < maxQueued / 2) {
        paused = false;
        socket().resume?.();
      }
      return batch;
    },
    async close() {
      if (state === 'closed') return;
      setState('closed');
      wake?.();
      const stopped = new Promise<void>((resolve) => {
        zongji.once('stopped', () => resolve());
        setTimeout(resolve, 2000).unref();
      });
      zongji.stop();
      await stopped;
    },
  };
}
