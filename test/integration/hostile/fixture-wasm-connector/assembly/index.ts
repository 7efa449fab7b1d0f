// A hostile WebAssembly connector: poll() misbehaves as the mode says.
import { BatchWriter, KIND_JSON, KIND_STRING, OK, readStart } from "@conveyor/sdk/wasm/assembly/conveyor";
export { alloc, conveyor_abi_version, last_error, on_result } from "@conveyor/sdk/wasm/assembly/conveyor";

let mode = "";
let topic = "hostile-out";
let spin: i64 = 0;
const out = new BatchWriter();

export function start(ptr: usize, len: i32): i32 {
  const s = readStart(ptr, len);
  mode = s.config("mode", "ok");
  topic = s.config("topic", "hostile-out");
  return OK;
}

export function poll(): usize {
  if (mode == "grow") {
    // Unbounded memory.grow: the imported memory's maximum stops it; then the module traps.
    for (;;) if (memory.grow(16) < 0) unreachable();
  }
  if (mode == "loop") {
    for (;;) spin++;
  }
  if (mode == "trap") unreachable();
  if (mode == "bad-batch") {
    store<u32>(8, 0x7fffffff);
    return 8;
  }
  out.begin();
  out.record(topic);
  out.value(KIND_STRING, null);
  out.value(KIND_JSON, "{\"wasm\":true}");
  out.end("{}", "{}");
  return out.finish();
}
