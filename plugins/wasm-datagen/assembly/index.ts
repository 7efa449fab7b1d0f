// A datagen source as a WebAssembly connector: each record's value is record.size pseudo-random letters; the
// source offset {"seq":N} lets a restarted task continue where Kafka acknowledged.
import { BatchWriter, INVALID_CONFIG, KIND_STRING, OK, PENDING, fail, logInfo, readStart, requestOffset, resultFailed, takeResult, numberField } from "@conveyor/sdk/wasm/assembly/conveyor";
export { alloc, conveyor_abi_version, last_error, on_result } from "@conveyor/sdk/wasm/assembly/conveyor";

let topic = "";
let recordSize: i32 = 1024;
let batchSize: i32 = 500;
let maxRecords: i64 = -1;
let taskId: i32 = 0;
let seq: i64 = 0;
let offsetCall: i32 = 0;
let partitionJson = "";
let rng: u32 = 42;
const out = new BatchWriter();

export function start(ptr: usize, len: i32): i32 {
  if (offsetCall == 0) {
    const doc = readStart(ptr, len);
    topic = doc.config("topic", "");
    if (topic.length == 0) return fail("topic is required", INVALID_CONFIG);
    recordSize = <i32>doc.configInt("record.size", 1024);
    batchSize = <i32>doc.configInt("batch.size", 500);
    maxRecords = doc.configInt("max.records", -1);
    taskId = doc.taskId();
    rng = 0x9e3779b9 ^ <u32>(taskId + 1);
    partitionJson = "{\"task\":" + taskId.toString() + "}";
    offsetCall = requestOffset(partitionJson);
    return offsetCall > 0 ? PENDING : fail("offsets.get was refused");
  }
  const failed = resultFailed(offsetCall);
  if (failed !== null) return fail("offsets.get failed: " + failed);
  const committed = takeResult(offsetCall);
  const n = numberField(committed, "seq");
  seq = n > 0 ? <i64>n : 0;
  logInfo("wasm datagen task started at seq " + seq.toString());
  return OK;
}

export function poll(): usize {
  let n = batchSize;
  if (maxRecords >= 0) {
    const left = maxRecords - seq;
    if (left <= 0) return 0;
    if (<i64>n > left) n = <i32>left;
  }
  out.begin();
  for (let i = 0; i < n; i++) {
    seq++;
    out.record(topic);
    out.value(KIND_STRING, "key-" + (seq % 1000).toString());
    const at = out.rawValue(KIND_STRING, <usize>recordSize);
    for (let j = 0; j < recordSize; j++) {
      rng ^= rng << 13;
      rng ^= rng >> 17;
      rng ^= rng << 5;
      store<u8>(at + <usize>j, <u8>(97 + rng % 26));
    }
    out.end(partitionJson, "{\"seq\":" + seq.toString() + "}");
  }
  return out.finish();
}

export function stop(): i32 {
  logInfo("wasm datagen task stopped at seq " + seq.toString());
  return OK;
}
