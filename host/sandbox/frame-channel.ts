/**
 * Length-prefixed message framing over a stream socket between the worker and a sandbox child. Node's built-in
 * IPC parses large messages slowly; batches are large, so we frame them ourselves: a JSON header plus the message's
 * largest field carried raw, so a batch is never escaped twice. That field is either a string (its UTF-8) or a list
 * of strings — a batch's records, one JSON text each — as [u32 bytes][UTF-8] items.
 * Frame: [u32 header bytes][u32 body bytes][header JSON][body].
 *
 * Buffers are kept and reused in both directions: on this machine a fresh 600 KB allocation costs about 1 ms in page
 * faults, more than encoding the batch (see the #12 notes), so neither a frame nor the bytes received are allocated
 * anew per batch. A receiver may name fields it takes as bytes: when such a field is the body it arrives as a Buffer
 * (a copy of the frame's bytes, never decoded).
 */
import type { Duplex } from 'node:stream';

const INLINE_LIMIT = 4096;
const BODY_FIELD = '\u0000body';
const LIST_FIELD = '\u0000list';
const MIN_BUFFER = 64 * 1024;
/** An idle receive buffer larger than this is given back rather than kept for the next batch. */
const KEEP_BUFFER = 8 * 1024 * 1024;
const SPARE_FRAMES = 4;

function isStringList(v: unknown): v is string[] {
  if (!Array.isArray(v)) return false;
  for (const s of v) if (typeof s !== 'string') return false;
  return true;
}

export class FrameChannel<In extends object, Out extends object> {
  private readonly socket: Duplex;
  private readonly bytesFields: ReadonlySet<string>;
  /** Received bytes not yet framed live in inbox[start, end). */
  private inbox = Buffer.allocUnsafe(MIN_BUFFER);
  private start = 0;
  private end = 0;
  /** Frame buffers whose writes completed, ready for the next frames. */
  private readonly spare: Buffer[] = [];

  constructor(socket: Duplex, onMessage: (m: In) => void, bytesFields: ReadonlySet<string> = new Set()) {
    this.socket = socket;
    this.bytesFields = bytesFields;
    socket.on('data', (chunk: Buffer) => {
      this.append(chunk);
      this.drain(onMessage);
    });
  }

  send(message: Out): void {
    let bodyKey: string | null = null;
    let body: string | string[] = '';
    let largest = INLINE_LIMIT;
    for (const [k, v] of Object.entries(message)) {
      if (typeof v === 'string') {
        if (v.length > largest) [bodyKey, body, largest] = [k, v, v.length];
      } else if (isStringList(v)) {
        let n = 0;
        for (const s of v) n += s.length;
        if (n > largest) [bodyKey, body, largest] = [k, v, n];
      }
    }
    const list = typeof body !== 'string';
    const header = JSON.stringify(bodyKey === null ? message : { ...message, [bodyKey]: undefined, [BODY_FIELD]: bodyKey, ...(list ? { [LIST_FIELD]: true } : {}) });
    const hl = Buffer.byteLength(header);
    let bl = 0;
    if (typeof body === 'string') bl = Buffer.byteLength(body);
    else for (const s of body) bl += 4 + Buffer.byteLength(s);
    const size = 8 + hl + bl;
    const frame = this.frameBuffer(size);
    frame.writeUInt32LE(hl, 0);
    frame.writeUInt32LE(bl, 4);
    frame.write(header, 8, 'utf8');
    let off = 8 + hl;
    if (typeof body === 'string') {
      if (bl > 0) frame.write(body, off, 'utf8');
    } else {
      for (const s of body) {
        const n = frame.write(s, off + 4, 'utf8');
        frame.writeUInt32LE(n, off);
        off += 4 + n;
      }
    }
    this.socket.write(frame.subarray(0, size), () => {
      if (this.spare.length < SPARE_FRAMES && frame.length <= KEEP_BUFFER) this.spare.push(frame);
    });
  }

  private frameBuffer(size: number): Buffer {
    for (let i = 0; i < this.spare.length; i++) {
      const b = this.spare[i] as Buffer;
      if (b.length >= size) {
        this.spare.splice(i, 1);
        return b;
      }
    }
    return Buffer.allocUnsafe(Math.max(size, MIN_BUFFER));
  }

  /** Copies a chunk behind the unread bytes, moving them to the front or into a larger buffer when needed. */
  private append(chunk: Buffer): void {
    if (this.end + chunk.length > this.inbox.length) {
      const live = this.end - this.start;
      if (live + chunk.length <= this.inbox.length) {
        this.inbox.copy(this.inbox, 0, this.start, this.end);
      } else {
        const next = Buffer.allocUnsafe(Math.max(this.inbox.length * 2, live + chunk.length));
        this.inbox.copy(next, 0, this.start, this.end);
        this.inbox = next;
      }
      this.start = 0;
      this.end = live;
    }
    chunk.copy(this.inbox, this.end);
    this.end += chunk.length;
  }

  private drain(onMessage: (m: In) => void): void {
    while (this.end - this.start >= 8) {
      const hl = this.inbox.readUInt32LE(this.start);
      const bl = this.inbox.readUInt32LE(this.start + 4);
      if (this.end - this.start < 8 + hl + bl) break;
      const b0 = this.start + 8 + hl;
      const b1 = b0 + bl;
      const header = JSON.parse(this.inbox.toString('utf8', this.start + 8, b0)) as Record<string, unknown>;
      const bodyKey = header[BODY_FIELD];
      if (typeof bodyKey === 'string') {
        delete header[BODY_FIELD];
        if (header[LIST_FIELD] === true) {
          delete header[LIST_FIELD];
          header[bodyKey] = this.list(b0, b1);
        } else if (this.bytesFields.has(bodyKey)) {
          header[bodyKey] = Buffer.from(this.inbox.subarray(b0, b1));
        } else {
          header[bodyKey] = this.inbox.toString('utf8', b0, b1);
        }
      }
      this.start = b1;
      onMessage(header as In);
    }
    if (this.start === this.end) {
      this.start = 0;
      this.end = 0;
      if (this.inbox.length > KEEP_BUFFER) this.inbox = Buffer.allocUnsafe(MIN_BUFFER);
    }
  }

  private list(from: number, to: number): string[] {
    const out: string[] = [];
    let off = from;
    while (off < to) {
      if (to - off < 4) throw new Error('frame list item is truncated');
      const n = this.inbox.readUInt32LE(off);
      if (n > to - off - 4) throw new Error(`frame list item of ${n} bytes overruns its frame`);
      out.push(this.inbox.toString('utf8', off + 4, off + 4 + n));
      off += 4 + n;
    }
    return out;
  }
}
