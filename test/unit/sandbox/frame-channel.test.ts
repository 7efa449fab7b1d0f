import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { FrameChannel } from '../../../host/sandbox/frame-channel.ts';

type Msg = { t: string; req?: number; arg?: string; note?: string };

test('frames round-trip, whatever the chunking, with the largest string carried raw', () => {
  const wire = new PassThrough();
  const chunks: Buffer[] = [];
  wire.on('data', (c: Buffer) => chunks.push(c));
  const sender = new FrameChannel<Msg, Msg>(wire, () => undefined);
  const big = JSON.stringify({ records: Array.from({ length: 500 }, (_, i) => ({ v: `é-"${i}"-`.repeat(10) })) });
  const sent: Msg[] = [{ t: 'invoke', req: 1, arg: big, note: 'x' }, { t: 'small', req: 2, arg: '"tiny"' }, { t: 'empty' }];
  for (const m of sent) sender.send(m);
  const all = Buffer.concat(chunks);
  for (const size of [1, 7, 4096, all.length]) {
    const received: Msg[] = [];
    const input = new PassThrough();
    new FrameChannel<Msg, Msg>(input, (m) => received.push(m));
    for (let i = 0; i < all.length; i += size) input.write(all.subarray(i, i + size));
    assert.deepEqual(received, sent, `chunk size ${size}`);
  }
  assert.ok(!all.includes(Buffer.from(JSON.stringify(big).slice(1, 40))), 'the batch is not escaped into the header');
});

test('a field the receiver takes as bytes arrives as the UTF-8 Buffer when it is the body, as text when it was inlined', () => {
  const wire = new PassThrough();
  const chunks: Buffer[] = [];
  wire.on('data', (c: Buffer) => chunks.push(c));
  const sender = new FrameChannel<Msg, Msg>(wire, () => undefined);
  const body = 'ligne é\n'.repeat(4000);
  sender.send({ t: 'cap', arg: '[null]', note: body });
  sender.send({ t: 'cap', arg: '[null]', note: 'short' });
  const received: { t: string; note?: unknown }[] = [];
  const input = new PassThrough();
  new FrameChannel<{ t: string; note?: unknown }, Msg>(input, (m) => received.push(m), new Set(['note']));
  for (const c of chunks) input.write(c);
  assert.equal(received.length, 2);
  assert.ok(Buffer.isBuffer(received[0]?.note));
  assert.equal((received[0]?.note).toString('utf8'), body);
  assert.equal(received[1]?.note, 'short');
});

test('a list of strings (a batch, one JSON text per record) travels as the body and arrives as the same list', () => {
  const wire = new PassThrough();
  const chunks: Buffer[] = [];
  wire.on('data', (c: Buffer) => chunks.push(c));
  type Batch = { t: string; arg: string; records?: string[] };
  const sender = new FrameChannel<Batch, Batch>(wire, () => undefined);
  const records = Array.from({ length: 300 }, (_, i) => JSON.stringify({ offset: i, value: `é-${i}-`.repeat(20) }));
  sender.send({ t: 'invoke', arg: 'null', records });
  sender.send({ t: 'invoke', arg: 'null', records: ['{"small":1}'] });
  sender.send({ t: 'invoke', arg: 'null', records: [] });
  const all = Buffer.concat(chunks);
  for (const size of [3, 65536, all.length]) {
    const received: Batch[] = [];
    const input = new PassThrough();
    new FrameChannel<Batch, Batch>(input, (m) => received.push(m));
    for (let i = 0; i < all.length; i += size) input.write(all.subarray(i, i + size));
    assert.deepEqual(received, [{ t: 'invoke', arg: 'null', records }, { t: 'invoke', arg: 'null', records: ['{"small":1}'] }, { t: 'invoke', arg: 'null', records: [] }], `chunk size ${size}`);
  }
});
