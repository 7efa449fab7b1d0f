// InsertField$Value with static.field/static.value, for schemaless JSON object values, as a WebAssembly transform.
// Each output record names the input record it came from; key and headers are copied as they are.
import { BatchReader, BatchWriter, KIND_JSON, OK, fail, readStart } from "@conveyor/sdk/wasm/assembly/conveyor";
export { alloc, conveyor_abi_version, last_error, on_result } from "@conveyor/sdk/wasm/assembly/conveyor";

let insert = new ArrayBuffer(0);
let failOn = "";
let spinOn = "";
const out = new BatchWriter();

/** JSON text of a string. */
function quote(s: string): string {
  let q = "\"";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 34 || c == 92) q += "\\" + String.fromCharCode(c);
    else if (c < 32) q += "\\u" + c.toString(16).padStart(4, "0");
    else q += String.fromCharCode(c);
  }
  return q + "\"";
}

export function start(ptr: usize, len: i32): i32 {
  const doc = readStart(ptr, len);
  const field = doc.config("static.field", "");
  if (field.length == 0) return fail("static.field is required", -3);
  insert = String.UTF8.encode(quote(field) + ":" + quote(doc.config("static.value", "")));
  failOn = doc.config("fail.on.value", "");
  spinOn = doc.config("spin.on.value", "");
  return OK;
}

/** Whether the value is a JSON object: its last non-space byte is '}'. Returns that byte's position or -1. */
function closingBrace(ptr: usize, n: u32): i32 {
  let i = <i32>n - 1;
  while (i >= 0 && load<u8>(ptr + <usize>i) <= 32) i--;
  return i >= 0 && load<u8>(ptr + <usize>i) == 125 ? i : -1;
}

/** Whether the object between ptr and the brace at `end` has no members. */
function isEmptyObject(ptr: usize, end: i32): bool {
  for (let i = 0; i < end; i++) {
    const c = load<u8>(ptr + <usize>i);
    if (c > 32 && c != 123) return false;
  }
  return true;
}

export function transform(ptr: usize, len: i32): usize {
  const r = new BatchReader(ptr, len);
  out.begin();
  let index = 0;
  while (r.next()) {
    if (failOn.length > 0 && r.valueString().includes(failOn)) return <usize>fail("record " + index.toString() + " of " + r.topic() + " contains " + failOn);
    if (spinOn.length > 0 && r.valueString().includes(spinOn)) while (spinOn.length > 0) index = index | 0;
    out.transformed(index, r.topic(), r.partition, r.timestamp);
    out.copyValue(r.keyKind, r.keyPtr, r.keyLen);
    const brace = r.valueKind == KIND_JSON ? closingBrace(r.valuePtr, r.valueLen) : -1;
    if (brace < 0) {
      out.copyValue(r.valueKind, r.valuePtr, r.valueLen);
    } else {
      const extra = <u32>insert.byteLength + (isEmptyObject(r.valuePtr, brace) ? 0 : 1);
      const at = out.rawValue(KIND_JSON, <usize>(<u32>brace + extra + 1));
      memory.copy(at, r.valuePtr, <usize>brace);
      let p = at + <usize>brace;
      if (extra > <u32>insert.byteLength) store<u8>(p++, 44);
      memory.copy(p, changetype<usize>(insert), <usize>insert.byteLength);
      store<u8>(p + <usize>insert.byteLength, 125);
    }
    out.endWithHeaders(r);
    index++;
  }
  return out.finish();
}
