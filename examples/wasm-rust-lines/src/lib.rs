//! A Conveyor WebAssembly source in Rust (ABI version 1, see sdk/wasm/README.md): tails a file of InfluxDB
//! line-protocol points (`measurement,tag=v field=1i,other="x" 1700000000000`) through the `files` capability and
//! emits each point as a JSON value {"measurement","tags","fields","timestamp"}; the source offset is the byte
//! position after the line, so a restarted task resumes at the first line Kafka did not acknowledge.

use std::collections::HashMap;

#[link(wasm_import_module = "conveyor")]
extern "C" {
    fn log(level: i32, ptr: *const u8, len: usize);
    fn offsets(m: *const u8, ml: usize, a: *const u8, al: usize) -> i32;
    fn files(m: *const u8, ml: usize, a: *const u8, al: usize) -> i32;
    fn clock(m: *const u8, ml: usize, a: *const u8, al: usize) -> i32;
}

const OK: i32 = 0;
const PENDING: i32 = -1;
const FAILED: i32 = -2;
const INVALID_CONFIG: i32 = -3;
const KIND_STRING: u8 = 1;
const KIND_JSON: u8 = 3;

#[derive(PartialEq)]
enum Waiting { Nothing, Offset, Lines, Sleep }

struct State {
    scratch: Vec<u8>,
    error: Vec<u8>,
    batch: Vec<u8>,
    results: HashMap<i32, Result<String, String>>,
    waiting: Waiting,
    request: i32,
    file: String,
    topic: String,
    interval: u64,
    position: u64,
}

static mut STATE: Option<State> = None;

fn state() -> &'static mut State {
    unsafe {
        if STATE.is_none() {
            STATE = Some(State { scratch: Vec::new(), error: Vec::new(), batch: Vec::new(), results: HashMap::new(), waiting: Waiting::Nothing, request: 0, file: String::new(), topic: String::new(), interval: 200, position: 0 });
        }
        STATE.as_mut().unwrap()
    }
}

fn info(message: &str) {
    unsafe { log(1, message.as_ptr(), message.len()) }
}

fn fail(message: &str, code: i32) -> i32 {
    let s = state();
    s.error.clear();
    s.error.extend_from_slice(&(message.len() as u32).to_le_bytes());
    s.error.extend_from_slice(message.as_bytes());
    code
}

fn request(f: unsafe extern "C" fn(*const u8, usize, *const u8, usize) -> i32, method: &str, args: &str) -> i32 {
    unsafe { f(method.as_ptr(), method.len(), args.as_ptr(), args.len()) }
}

#[no_mangle]
pub extern "C" fn conveyor_abi_version() -> i32 { 1 }

#[no_mangle]
pub extern "C" fn alloc(size: usize) -> *mut u8 {
    let s = state();
    if s.scratch.len() < size { s.scratch.resize(size.max(4096), 0); }
    s.scratch.as_mut_ptr()
}

#[no_mangle]
pub extern "C" fn last_error() -> *const u8 {
    let s = state();
    if s.error.is_empty() { std::ptr::null() } else { s.error.as_ptr() }
}

#[no_mangle]
pub extern "C" fn on_result(id: i32, status: i32, ptr: *const u8, len: usize) {
    let text = unsafe { String::from_utf8_lossy(std::slice::from_raw_parts(ptr, len)).into_owned() };
    state().results.insert(id, if status == 0 { Ok(text) } else { Err(text) });
}

fn take(id: i32) -> Result<String, String> {
    state().results.remove(&id).unwrap_or_else(|| Err("no result delivered".to_string()))
}

// ---- a little JSON: string values of flat documents, a string array, escaping -----------------------------------

fn json_string_at(b: &[u8], mut i: usize) -> Option<(String, usize)> {
    if b.get(i) != Some(&b'"') { return None; }
    i += 1;
    let mut out: Vec<u8> = Vec::new();
    while i < b.len() {
        match b[i] {
            b'"' => return Some((String::from_utf8_lossy(&out).into_owned(), i + 1)),
            b'\\' => {
                let e = *b.get(i + 1)?;
                i += 2;
                match e {
                    b'n' => out.push(b'\n'), b't' => out.push(b'\t'), b'r' => out.push(b'\r'), b'b' => out.push(8), b'f' => out.push(12),
                    b'u' => {
                        let hex = std::str::from_utf8(b.get(i..i + 4)?).ok()?;
                        let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?).unwrap_or('\u{fffd}');
                        let mut buf = [0u8; 4];
                        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        i += 4;
                    }
                    other => out.push(other),
                }
            }
            c => { out.push(c); i += 1; }
        }
    }
    None
}

fn field_string(json: &str, key: &str) -> Option<String> {
    let pat = format!("\"{}\":", key);
    let at = json.find(&pat)? + pat.len();
    json_string_at(json.as_bytes(), at).map(|(s, _)| s)
}

fn field_number(json: &str, key: &str) -> Option<f64> {
    let pat = format!("\"{}\":", key);
    let at = json.find(&pat)? + pat.len();
    let rest = &json[at..];
    let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '-' || c == '.' || c == 'e' || c == 'E' || c == '+')).unwrap_or(rest.len());
    rest[..end].parse().ok()
}

fn string_array(json: &str, key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let pat = format!("\"{}\":[", key);
    let start = match json.find(&pat) { Some(x) => x, None => return out };
    let b = json.as_bytes();
    let mut i = start + pat.len();
    while i < b.len() && b[i] != b']' {
        if b[i] == b'"' {
            match json_string_at(b, i) { Some((s, next)) => { out.push(s); i = next; } None => break }
        } else { i += 1; }
    }
    out
}

fn escape(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""), '\\' => out.push_str("\\\\"), '\n' => out.push_str("\\n"), '\r' => out.push_str("\\r"), '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

// ---- line protocol -----------------------------------------------------------------------------------------------

/** Splits on `sep` outside double quotes and not after a backslash. */
fn split(s: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut quoted, mut escaped, mut from) = (false, false, 0);
    for (i, c) in s.char_indices() {
        if escaped { escaped = false; continue; }
        if c == '\\' { escaped = true; continue; }
        if c == '"' { quoted = !quoted; continue; }
        if c == sep && !quoted { parts.push(&s[from..i]); from = i + 1; }
    }
    parts.push(&s[from..]);
    parts
}

fn unescape(s: &str) -> String { s.replace("\\,", ",").replace("\\ ", " ").replace("\\=", "=") }

fn field_value(v: &str, out: &mut String) -> bool {
    if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') {
        escape(&v[1..v.len() - 1].replace("\\\"", "\""), out);
    } else if (v.ends_with('i') || v.ends_with('u')) && v[..v.len() - 1].parse::<i64>().is_ok() {
        out.push_str(&v[..v.len() - 1]);
    } else if matches!(v, "t" | "T" | "true" | "True" | "TRUE") {
        out.push_str("true");
    } else if matches!(v, "f" | "F" | "false" | "False" | "FALSE") {
        out.push_str("false");
    } else if let Ok(x) = v.parse::<f64>() {
        if !x.is_finite() { return false; }
        out.push_str(&format!("{}", x));
    } else {
        return false;
    }
    true
}

/** One point as JSON, or None when the line is blank, a comment or malformed. */
fn point(line: &str) -> Option<String> {
    let line = line.trim_end_matches('\r').trim();
    if line.is_empty() || line.starts_with('#') { return None; }
    let parts: Vec<&str> = split(line, ' ').into_iter().filter(|p| !p.is_empty()).collect();
    if parts.len() < 2 || parts.len() > 3 { return None; }
    let head = split(parts[0], ',');
    let mut out = String::from("{\"measurement\":");
    escape(&unescape(head[0]), &mut out);
    out.push_str(",\"tags\":{");
    for (n, tag) in head[1..].iter().enumerate() {
        let kv = split(tag, '=');
        if kv.len() != 2 { return None; }
        if n > 0 { out.push(','); }
        escape(&unescape(kv[0]), &mut out);
        out.push(':');
        escape(&unescape(kv[1]), &mut out);
    }
    out.push_str("},\"fields\":{");
    for (n, field) in split(parts[1], ',').iter().enumerate() {
        let kv = split(field, '=');
        if kv.len() != 2 { return None; }
        if n > 0 { out.push(','); }
        escape(&unescape(kv[0]), &mut out);
        out.push(':');
        if !field_value(kv[1], &mut out) { return None; }
    }
    out.push_str("},\"timestamp\":");
    match parts.get(2) {
        Some(t) => { t.parse::<i64>().ok()?; out.push_str(t); }
        None => out.push_str("null"),
    }
    out.push('}');
    Some(out)
}

// ---- the batch ---------------------------------------------------------------------------------------------------

fn put_str(b: &mut Vec<u8>, s: &str) {
    b.extend_from_slice(&(s.len() as u32).to_le_bytes());
    b.extend_from_slice(s.as_bytes());
}

fn put_value(b: &mut Vec<u8>, kind: u8, s: &str) {
    b.push(kind);
    put_str(b, s);
}

fn partition_json(file: &str) -> String {
    let mut p = String::from("{\"file\":");
    escape(file, &mut p);
    p.push('}');
    p
}

// ---- the connector -----------------------------------------------------------------------------------------------

#[no_mangle]
pub extern "C" fn start(ptr: *const u8, len: usize) -> i32 {
    let s = state();
    if s.waiting == Waiting::Offset {
        s.waiting = Waiting::Nothing;
        return match take(s.request) {
            Ok(json) => {
                s.position = field_number(&json, "position").unwrap_or(0.0) as u64;
                info(&format!("line-protocol source starts at byte {} of {}", s.position, s.file));
                OK
            }
            Err(e) => fail(&format!("offsets.get failed: {}", e), FAILED),
        };
    }
    let doc = unsafe { String::from_utf8_lossy(std::slice::from_raw_parts(ptr, len)).into_owned() };
    s.file = field_string(&doc, "file").unwrap_or_default();
    s.topic = field_string(&doc, "topic").unwrap_or_default();
    s.interval = field_string(&doc, "poll.interval.ms").and_then(|v| v.parse().ok()).unwrap_or(200);
    if s.file.is_empty() || s.topic.is_empty() { return fail("file and topic are required", INVALID_CONFIG); }
    s.request = request(offsets, "get", &format!("[{}]", partition_json(&s.file)));
    if s.request <= 0 { return fail("offsets.get was refused", FAILED); }
    s.waiting = Waiting::Offset;
    PENDING
}

#[no_mangle]
pub extern "C" fn poll() -> *const u8 {
    let s = state();
    match s.waiting {
        Waiting::Sleep => { let _ = take(s.request); s.waiting = Waiting::Nothing; return std::ptr::null(); }
        Waiting::Lines => {}
        _ => {
            let mut args = String::from("[");
            escape(&s.file, &mut args);
            args.push_str(&format!(",{},65536]", s.position));
            s.request = request(files, "readLines", &args);
            if s.request <= 0 { return fail("files.readLines was refused", FAILED) as isize as *const u8; }
            s.waiting = Waiting::Lines;
            return PENDING as isize as *const u8;
        }
    }
    s.waiting = Waiting::Nothing;
    let json = match take(s.request) {
        Ok(j) => j,
        Err(e) => return fail(&format!("files.readLines of {} failed: {}", s.file, e), FAILED) as isize as *const u8,
    };
    let lines = string_array(&json, "lines");
    if lines.is_empty() {
        s.request = request(clock, "sleep", &format!("[{}]", s.interval));
        if s.request <= 0 { return std::ptr::null(); }
        s.waiting = Waiting::Sleep;
        return PENDING as isize as *const u8;
    }
    let partition = partition_json(&s.file);
    let b = &mut s.batch;
    b.clear();
    b.extend_from_slice(&[0u8; 12]);
    let mut count: u32 = 0;
    for line in &lines {
        s.position += line.len() as u64 + 1;
        let value = match point(line) { Some(v) => v, None => continue };
        let start = b.len();
        b.extend_from_slice(&[0u8; 4]);
        b.extend_from_slice(&(-1i32).to_le_bytes());
        b.extend_from_slice(&(-1f64).to_le_bytes());
        b.extend_from_slice(&(-1f64).to_le_bytes());
        put_str(b, &s.topic);
        put_value(b, KIND_STRING, line.split(|c| c == ',' || c == ' ').next().unwrap_or(""));
        put_value(b, KIND_JSON, &value);
        put_str(b, &partition);
        put_str(b, &format!("{{\"position\":{}}}", s.position));
        b.extend_from_slice(&0u32.to_le_bytes());
        let n = (b.len() - start - 4) as u32;
        b[start..start + 4].copy_from_slice(&n.to_le_bytes());
        count += 1;
    }
    if count == 0 { return std::ptr::null(); }
    let total = (b.len() - 4) as u32;
    b[0..4].copy_from_slice(&total.to_le_bytes());
    b[4..6].copy_from_slice(&1u16.to_le_bytes());
    b[8..12].copy_from_slice(&count.to_le_bytes());
    b.as_ptr()
}
