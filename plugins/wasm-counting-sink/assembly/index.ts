// A counting sink as a WebAssembly connector: reads each batch in place, counts records and value bytes.
import { BatchReader, OK, fail, logInfo, readStart } from "@conveyor/sdk/wasm/assembly/conveyor";
export { alloc, conveyor_abi_version, last_error, on_result } from "@conveyor/sdk/wasm/assembly/conveyor";

let records: i64 = 0;
let bytes: i64 = 0;
let logEvery: i64 = 0;
let nextLog: i64 = 0;
let failOn = "";

export function start(ptr: usize, len: i32): i32 {
  const doc = readStart(ptr, len);
  logEvery = doc.configInt("log.every", 0);
  nextLog = logEvery;
  failOn = doc.config("fail.on.value", "");
  return OK;
}

export function put(ptr: usize, len: i32): i32 {
  const r = new BatchReader(ptr, len);
  while (r.next()) {
    if (failOn.length > 0 && r.valueString() == failOn) return fail("record at offset " + r.offset.toString() + " of " + r.topic() + " has the value " + failOn);
    records++;
    bytes += <i64>r.valueLen;
  }
  if (nextLog > 0 && records >= nextLog) {
    logInfo("wasm counting sink totals: " + records.toString() + " records, " + bytes.toString() + " bytes");
    nextLog += logEvery;
  }
  return OK;
}

export function flush(): i32 {
  return OK;
}

export function stop(): i32 {
  logInfo("wasm counting sink stopped: " + records.toString() + " records, " + bytes.toString() + " bytes");
  return OK;
}
