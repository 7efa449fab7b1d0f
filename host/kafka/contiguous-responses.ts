/**
 * @platformatic/kafka 2.12 parses each response through a DynamicBuffer over the socket chunks it arrived in, and
 * every read (each varint of each record) walks that chunk list from its start: a 1 MB fetch response in ~16 chunks
 * costs O(chunks) per read. The CPU profile of the file sink bench showed `readVarInt` as the worker's hottest frame.
 * Handing the parser one contiguous buffer (one memcpy per response) puts every read on the library's single-buffer
 * fast path. Imported once by host/kafka's client modules; remove when the library reads multi-chunk buffers directly.
 */
import { DynamicBuffer } from '@platformatic/dynamic-buffer';

// eslint-disable-next-line @typescript-eslint/unbound-method -- re-bound with call(this) below
const original = DynamicBuffer.prototype.subarray;
const FLAG = Symbol.for('conveyor.contiguousResponses');
const proto = DynamicBuffer.prototype as DynamicBuffer & { [FLAG]?: true };

if (proto[FLAG] !== true) {
  proto[FLAG] = true;
  DynamicBuffer.prototype.subarray = function subarray(this: DynamicBuffer, start?: number, end?: number): DynamicBuffer {
    const view = original.call(this, start, end);
    return view.buffers.length > 1 ? new DynamicBuffer(Buffer.concat(view.buffers, view.length)) : view;
  };
}
