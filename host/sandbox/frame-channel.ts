/**
 * Length-prefixed message framing over a stream socket between the worker and a sandbox child. Node's built-in
 * IPC parses large messages slowly (tens of ms per MB); batches are large, so we frame them ourselves: a JSON
 * header plus the message's largest string field carried raw, so a JSON batch is never escaped twice.
 * Frame: [u32 header bytes][u32 body bytes][header JSON][body UTF-8]. A receiver may name fields it takes as bytes:
 * when such a field is the body, it arrives as a Buffer over the frame's bytes (no decoding, no copy).
 */
import type { Duplex } from 'node:stream';

const INLINE_LIMIT = 4096;
const BODY_FIELD = '\u0000body';

export class FrameChannel<In extends object, Out extends object> {
  private readonly socket: Duplex;
  private pending: Buffer[] = [];
  private size = 0;
  private readonly bytesFields: ReadonlySet<string>;

  constructor(socket: Duplex, onMessage: (m: In) => void, bytesFields: ReadonlySet<string> = new Set()) {
    this.socket = socket;
    this.bytesFields = bytesFields;
    socket.on('data', (chunk: Buffer) => {
      this.pending.push(chunk);
      this.size += chunk.length;
      this.drain(onMessage);
    });
  }

  send(message: Out): void {
    let bodyKey: string | null = null;
    let body = '';
    for (const [k, v] of Object.entries(message)) {
      if (typeof v === 'string' && v.length > INLINE_LIMIT && v.length > body.length) {
        bodyKey = k;
        body = v;
      }
    }
    const header = JSON.stringify(bodyKey === null ? message : { ...message, [bodyKey]: undefined, [BODY_FIELD]: bodyKey });
    const hl = Buffer.byteLength(header);
    const bl = Buffer.byteLength(body);
    const frame = Buffer.allocUnsafe(8 + hl + bl);
    frame.writeUInt32LE(hl, 0);
    frame.writeUInt32LE(bl, 4);
    frame.write(header, 8, 'utf8');
    if (bl > 0) frame.write(body, 8 + hl, 'utf8');
    this.socket.write(frame);
  }

  private drain(onMessage: (m: In) => void): void {
    for (;;) {
      if (this.size < 8) return;
      let first = this.pending[0] as Buffer;
      if (first.length < 8) {
        first = Buffer.concat(this.pending, this.size);
        this.pending = [first];
      }
      const need = 8 + first.readUInt32LE(0) + first.readUInt32LE(4);
      if (this.size < need) return;
      const all = this.pending.length === 1 ? first : Buffer.concat(this.pending, this.size);
      let off = 0;
      while (all.length - off >= 8) {
        const hl = all.readUInt32LE(off);
        const bl = all.readUInt32LE(off + 4);
        if (all.length - off < 8 + hl + bl) break;
        const header = JSON.parse(all.toString('utf8', off + 8, off + 8 + hl)) as Record<string, unknown>;
        const bodyKey = header[BODY_FIELD];
        if (typeof bodyKey === 'string') {
          delete header[BODY_FIELD];
          header[bodyKey] = this.bytesFields.has(bodyKey) ? all.subarray(off + 8 + hl, off + 8 + hl + bl) : all.toString('utf8', off + 8 + hl, off + 8 + hl + bl);
        }
        off += 8 + hl + bl;
        onMessage(header as In);
      }
      const rest = all.subarray(off);
      this.pending = rest.length > 0 ? [rest] : [];
      this.size = rest.length;
    }
  }
}
