// The AssemblyScript guest SDK for Conveyor's WebAssembly connector ABI, version 1 (see ../README.md).
// A connector's entry file re-exports the ABI functions below and exports start/poll (source) or start/put (sink).

@external("conveyor", "log") declare function hostLog(level: i32, ptr: usize, len: usize): void;
@external("conveyor", "now_ms") declare function hostNow(): f64;
@external("conveyor", "offsets") declare function hostOffsets(mPtr: usize, mLen: usize, aPtr: usize, aLen: usize): i32;
@external("conveyor", "clock") declare function hostClock(mPtr: usize, mLen: usize, aPtr: usize, aLen: usize): i32;

export const OK: i32 = 0;
export const PENDING: i32 = -1;
export const FAILED: i32 = -2;
export const INVALID_CONFIG: i32 = -3;

export const KIND_NULL: u8 = 0;
export const KIND_STRING: u8 = 1;
export const KIND_BYTES: u8 = 2;
export const KIND_JSON: u8 = 3;

// ---- buffers the host writes into ------------------------------------------------------------------------------
let scratch: usize = 0;
let scratchCap: i32 = 0;

/** ABI: a buffer of at least size bytes, valid until the next alloc. */
export function alloc(size: i32): usize {
  if (size > scratchCap) {
    if (scratch != 0) heap.free(scratch);
    scratchCap = max(size, 4096);
    scratch = heap.alloc(<usize>scratchCap);
  }
  return scratch;
}

export function conveyor_abi_version(): i32 {
  return 1;
}

// ---- errors ----------------------------------------------------------------------------------------------------
let errorBuf: usize = 0;

/** Records the message last_error() returns and gives FAILED (or the code passed) back for returning. */
export function fail(message: string, code: i32 = FAILED): i32 {
  const n = String.UTF8.byteLength(message);
  if (errorBuf != 0) heap.free(errorBuf);
  errorBuf = heap.alloc(<usize>(n + 4));
  store<u32>(errorBuf, <u32>n);
  String.UTF8.encodeUnsafe(changetype<usize>(message), message.length, errorBuf + 4);
  return code;
}

export function last_error(): usize {
  return errorBuf;
}

// ---- log and clock ---------------------------------------------------------------------------------------------
function logAt(level: i32, message: string): void {
  const buf = String.UTF8.encode(message);
  hostLog(level, changetype<usize>(buf), <usize>buf.byteLength);
}
export function logDebug(message: string): void { logAt(0, message); }
export function logInfo(message: string): void { logAt(1, message); }
export function logWarn(message: string): void { logAt(2, message); }
export function logError(message: string): void { logAt(3, message); }
export function nowMs(): f64 { return hostNow(); }

// ---- capability calls: issue, return PENDING, read the result when called again --------------------------------
let results = new Map<i32, string>();
let failures = new Map<i32, string>();

/** ABI: the host delivers a capability result (status 0: JSON text) or failure (status < 0: a message). */
export function on_result(id: i32, status: i32, ptr: usize, len: i32): void {
  const text = String.UTF8.decodeUnsafe(ptr, <usize>len);
  if (status == 0) results.set(id, text);
  else failures.set(id, text);
}

/** offsets.get(partition): a request id; its result is the committed offset as JSON text ("null" when none). */
export function requestOffset(partitionJson: string): i32 {
  const m = String.UTF8.encode("get");
  const a = String.UTF8.encode("[" + partitionJson + "]");
  return hostOffsets(changetype<usize>(m), <usize>m.byteLength, changetype<usize>(a), <usize>a.byteLength);
}
/** clock.sleep(ms): a request id; the call that issued it returns PENDING and is called again when the time is up. */
export function requestSleep(ms: i64): i32 {
  const m = String.UTF8.encode("sleep");
  const a = String.UTF8.encode("[" + ms.toString() + "]");
  return hostClock(changetype<usize>(m), <usize>m.byteLength, changetype<usize>(a), <usize>a.byteLength);
}
export function hasResult(id: i32): bool { return results.has(id) || failures.has(id); }
export function resultFailed(id: i32): string | null { return failures.has(id) ? failures.get(id) : null; }
export function takeResult(id: i32): string {
  const r = results.has(id) ? results.get(id) : "null";
  results.delete(id);
  failures.delete(id);
  return r;
}

// ---- the start document: {"config":{...strings...},"connector":"...","taskId":N} -------------------------------
export class StartDoc {
  constructor(public json: string) {}

  /** A config value (every raw config value is a string), or the fallback when the key is absent. */
  config(key: string, fallback: string): string {
    const v = stringField(this.json, key);
    return v === null ? fallback : v;
  }
  configInt(key: string, fallback: i64): i64 {
    const v = stringField(this.json, key);
    return v === null ? fallback : I64.parseInt(v);
  }
  taskId(): i32 { return <i32>numberField(this.json, "taskId"); }
}

/** Reads the first "key":"value" string of a flat JSON document (the start document's keys are unique). */
export function stringField(json: string, key: string): string | null {
  const at = json.indexOf("\"" + key + "\":\"");
  if (at < 0) return null;
  let i = at + key.length + 4;
  let out = "";
  let from = i;
  while (i < json.length) {
    const c = json.charCodeAt(i);
    if (c == 34) break;
    if (c == 92) {
      out += json.substring(from, i);
      const e = json.charCodeAt(i + 1);
      out += e == 110 ? "\n" : e == 116 ? "\t" : e == 114 ? "\r" : String.fromCharCode(e);
      i += 2;
      from = i;
      continue;
    }
    i++;
  }
  return out + json.substring(from, i);
}

/** Reads the first "key":<number> of a JSON document, or -1. */
export function numberField(json: string, key: string): f64 {
  const at = json.indexOf("\"" + key + "\":");
  if (at < 0) return -1;
  let i = at + key.length + 3;
  let end = i;
  while (end < json.length) {
    const c = json.charCodeAt(end);
    if (!((c >= 48 && c <= 57) || c == 45 || c == 46 || c == 101 || c == 69 || c == 43)) break;
    end++;
  }
  return end == i ? -1 : F64.parseFloat(json.substring(i, end));
}

/** The start document as passed to start(ptr, len). */
export function readStart(ptr: usize, len: i32): StartDoc {
  return new StartDoc(String.UTF8.decodeUnsafe(ptr, <usize>len));
}

// ---- writing a source batch ------------------------------------------------------------------------------------
export class BatchWriter {
  buf: usize = 0;
  cap: usize = 0;
  pos: usize = 0;
  count: u32 = 0;
  recStart: usize = 0;

  private ensure(n: usize): void {
    if (this.pos + n <= this.cap) return;
    let next = max<usize>(this.cap * 2, 65536);
    while (next < this.pos + n) next *= 2;
    this.buf = this.buf == 0 ? heap.alloc(next) : heap.realloc(this.buf, next);
    this.cap = next;
  }

  /** Starts a batch; the previous one may be overwritten. */
  begin(): void {
    this.pos = 12;
    this.count = 0;
    this.ensure(0);
  }

  /** Starts a record: partition (-1: any), timestamp in ms (-1: now, set by the host). */
  record(topic: string, partition: i32 = -1, timestamp: f64 = -1): void {
    this.ensure(24);
    this.recStart = this.pos;
    store<i32>(this.buf + this.pos + 4, partition);
    store<f64>(this.buf + this.pos + 8, timestamp);
    store<f64>(this.buf + this.pos + 16, -1);
    this.pos += 24;
    this.str(topic);
  }

  /** A string field: u32 length, UTF-8. */
  str(s: string): void {
    const n = <usize>String.UTF8.byteLength(s);
    this.ensure(n + 4);
    store<u32>(this.buf + this.pos, <u32>n);
    String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, this.buf + this.pos + 4);
    this.pos += n + 4;
  }

  /** A key or value: kind (KIND_*), then a string field. */
  value(kind: u8, s: string | null): void {
    this.ensure(1);
    if (s === null) {
      this.ensure(5);
      store<u8>(this.buf + this.pos, KIND_NULL);
      store<u32>(this.buf + this.pos + 1, 0);
      this.pos += 5;
      return;
    }
    store<u8>(this.buf + this.pos, kind);
    this.pos += 1;
    this.str(s);
  }

  /** A value of n raw bytes the caller fills: returns where to write them. */
  rawValue(kind: u8, n: usize): usize {
    this.ensure(n + 5);
    store<u8>(this.buf + this.pos, kind);
    store<u32>(this.buf + this.pos + 1, <u32>n);
    const at = this.buf + this.pos + 5;
    this.pos += n + 5;
    return at;
  }

  /** Ends a record: its source partition and offset as JSON objects, no headers. */
  end(sourcePartitionJson: string, sourceOffsetJson: string): void {
    this.str(sourcePartitionJson);
    this.str(sourceOffsetJson);
    this.ensure(4);
    store<u32>(this.buf + this.pos, 0);
    this.pos += 4;
    store<u32>(this.buf + this.recStart, <u32>(this.pos - this.recStart - 4));
    this.count++;
  }

  /** Starts a transform's output record: the index of the input record it came from (in increasing order). */
  transformed(index: i32, topic: string, partition: i32 = -1, timestamp: f64 = -1): void {
    this.record(topic, partition, timestamp);
    store<f64>(this.buf + this.recStart + 16, <f64>index);
  }

  /** A key or value copied from n bytes at ptr (a BatchReader's keyPtr/valuePtr), with its kind. */
  copyValue(kind: u8, ptr: usize, n: u32): void {
    memory.copy(this.rawValue(kind, <usize>n), ptr, <usize>n);
  }

  /** Ends a transform's output record with the headers of the input record the reader is on. */
  endWithHeaders(r: BatchReader): void {
    this.str("");
    this.str("");
    this.ensure(<usize>r.headersLen);
    memory.copy(this.buf + this.pos, r.headersPtr, <usize>r.headersLen);
    this.pos += <usize>r.headersLen;
    store<u32>(this.buf + this.recStart, <u32>(this.pos - this.recStart - 4));
    this.count++;
  }

  /** Closes the batch; returns what poll() returns (0 when empty). */
  finish(): usize {
    if (this.count == 0) return 0;
    store<u32>(this.buf, <u32>(this.pos - 4));
    store<u16>(this.buf + 4, 1);
    store<u16>(this.buf + 6, 0);
    store<u32>(this.buf + 8, this.count);
    return this.buf;
  }
}

// ---- reading a sink batch --------------------------------------------------------------------------------------
export class BatchReader {
  pos: usize;
  end: usize;
  remaining: u32;
  partition: i32 = 0;
  timestamp: f64 = 0;
  offset: f64 = 0;
  topicPtr: usize = 0;
  topicLen: u32 = 0;
  keyKind: u8 = 0;
  keyPtr: usize = 0;
  keyLen: u32 = 0;
  valueKind: u8 = 0;
  valuePtr: usize = 0;
  valueLen: u32 = 0;
  /** The record's header block (u32 count, then name/value pairs), for copying into a transform's output. */
  headersPtr: usize = 0;
  headersLen: u32 = 0;
  private next_: usize = 0;

  constructor(ptr: usize, len: i32) {
    this.end = ptr + <usize>len;
    this.remaining = load<u32>(ptr + 8);
    this.pos = ptr + 12;
  }

  /** Moves to the next record; false at the end. */
  next(): bool {
    if (this.remaining == 0) return false;
    this.remaining--;
    const p = this.pos;
    this.next_ = p + 4 + <usize>load<u32>(p);
    this.partition = load<i32>(p + 4);
    this.timestamp = load<f64>(p + 8);
    this.offset = load<f64>(p + 16);
    let q = p + 24;
    this.topicLen = load<u32>(q);
    this.topicPtr = q + 4;
    q += 4 + <usize>this.topicLen;
    this.keyKind = load<u8>(q);
    this.keyLen = load<u32>(q + 1);
    this.keyPtr = q + 5;
    q += 5 + <usize>this.keyLen;
    this.valueKind = load<u8>(q);
    this.valueLen = load<u32>(q + 1);
    this.valuePtr = q + 5;
    q += 5 + <usize>this.valueLen;
    q += 4 + <usize>load<u32>(q);
    q += 4 + <usize>load<u32>(q);
    this.headersPtr = q;
    this.headersLen = <u32>(this.next_ - q);
    this.pos = this.next_;
    return true;
  }

  topic(): string { return String.UTF8.decodeUnsafe(this.topicPtr, <usize>this.topicLen); }
  valueString(): string { return String.UTF8.decodeUnsafe(this.valuePtr, <usize>this.valueLen); }
}
