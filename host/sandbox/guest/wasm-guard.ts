/* eslint-disable @typescript-eslint/unbound-method -- built-ins are captured unbound before plugin code runs and called
   through Reflect.apply, so a plugin that later replaces them cannot reach into the guard */
/**
 * WebAssembly inside a task isolate. V8 allocates WebAssembly memory outside the heap and outside isolated-vm's
 * memory limit, so without a bound one memory can grow to gigabytes. Here, before plugin code runs:
 * - without the manifest's `wasm: true` the WebAssembly global is removed;
 * - with it, every WebAssembly.Memory is created through a wrapper that caps its maximum so that the maxima of
 *   the task's live memories never add up to more than its budget (a memory's share returns to the budget once
 *   it is garbage-collected), and modules must import their memory (a module defining its own is refused, as the
 *   design's WebAssembly contract says), so no memory escapes the wrapper.
 * Bytes are copied before they are checked and the copy is what V8 compiles; every built-in used after plugin code
 * may have run is captured here first.
 */

const PAGE_BYTES = 65536;
const MEMORY_SECTION = 5;

/** The parts of the WebAssembly JS API used here (the project's lib has no WebAssembly types). */
type Ctor = (new (...args: unknown[]) => object) & { prototype: object };
interface WasmNamespace {
  Memory: Ctor & { prototype: { grow(delta: number): number } };
  Module: Ctor & { exports: unknown; imports: unknown; customSections: unknown };
  compile(bytes: unknown): Promise<unknown>;
  instantiate(source: unknown, imports?: unknown): Promise<unknown>;
}
type MemoryObject = object;

export interface WasmGuardOptions {
  enabled: boolean;
  budgetPages: number;
  /** Tells the host the bytes the task's live memories hold now. */
  report(bytes: number): void;
  limitError(message: string): Error;
  invalidError(message: string): Error;
}

/** Returns a sampler that reports the live memories' bytes when they changed (call it after every call in). */
export function guardWebAssembly(g: Record<string, unknown>, o: WasmGuardOptions): () => void {
  if (!o.enabled) {
    delete g['WebAssembly'];
    return () => undefined;
  }
  const W = g['WebAssembly'] as WasmNamespace;
  const apply = Reflect.apply as (fn: unknown, self: unknown, args: readonly unknown[]) => unknown;
  const construct = Reflect.construct as (target: unknown, args: readonly unknown[], newTarget: unknown) => object;
  const define = Object.defineProperty;
  const getter = (proto: object, key: string): ((...a: unknown[]) => unknown) => Object.getOwnPropertyDescriptor(proto, key)?.get as (...a: unknown[]) => unknown;
  const U8 = Uint8Array;
  const typedArrayProto = Object.getPrototypeOf(U8.prototype) as object;
  const taSet = (typedArrayProto as { set: (...a: unknown[]) => void }).set;
  const taBuffer = getter(typedArrayProto, 'buffer');
  const taOffset = getter(typedArrayProto, 'byteOffset');
  const taLength = getter(typedArrayProto, 'byteLength');
  const dvBuffer = getter(DataView.prototype, 'buffer');
  const dvOffset = getter(DataView.prototype, 'byteOffset');
  const dvLength = getter(DataView.prototype, 'byteLength');
  const abLength = getter(ArrayBuffer.prototype, 'byteLength');
  const sabLength = getter(SharedArrayBuffer.prototype, 'byteLength');
  const isView = ArrayBuffer.isView;
  const WeakRefCtor = WeakRef;
  const derefFn = WeakRef.prototype.deref;
  const NativeMemory = W.Memory;
  const memoryBuffer = getter(NativeMemory.prototype, 'buffer');
  const nativeGrow = NativeMemory.prototype.grow;
  const NativeModule = W.Module;
  const nativeCompile = W.compile;
  const nativeInstantiate = W.instantiate;
  const TypeErrorCtor = TypeError;
  const NumberCtor = Number;
  const PromiseCtor = Promise;
  const promiseReject = Promise.reject;
  const weakMapGet = WeakMap.prototype.get;
  const weakMapSet = WeakMap.prototype.set;
  const budgetMb = o.budgetPages / 16;

  // Plain records and index loops only: the plugin may have replaced Array, Map and iterator methods by now.
  interface Live { ref: WeakRef<MemoryObject>; maxPages: number; shared: boolean }
  let live: Live[] = [];
  let reserving = 0;
  const maxima = new WeakMap<object, Live>();
  let reportedBytes = -1;

  const tryCall = (fn: (...a: unknown[]) => unknown, self: unknown): unknown => {
    try {
      return apply(fn, self, []);
    } catch {
      return undefined;
    }
  };
  const bytesOf = (m: Live, mem: object): number => apply(m.shared ? sabLength : abLength, apply(memoryBuffer, mem, []), []) as number;
  /** Pages reserved by live memories (and by one being created); forgets memories the GC collected. */
  const reserved = (): number => {
    let total = reserving;
    const kept: Live[] = [];
    for (let i = 0; i < live.length; i++) {
      const m = live[i] as Live;
      if (apply(derefFn, m.ref, []) === undefined) continue;
      define(kept, kept.length, { value: m, writable: true, enumerable: true, configurable: true });
      total += m.maxPages;
    }
    live = kept;
    return total;
  };
  const sample = (): void => {
    let bytes = 0;
    for (let i = 0; i < live.length; i++) {
      const m = live[i] as Live;
      const mem = apply(derefFn, m.ref, []) as object | undefined;
      if (mem !== undefined) bytes += bytesOf(m, mem);
    }
    if (bytes !== reportedBytes) {
      reportedBytes = bytes;
      o.report(bytes);
    }
  };
  const pages = (v: unknown, name: string): number => {
    const n = typeof v === 'number' ? v : NumberCtor(v);
    if (!(n >= 0 && n <= 65536 && n % 1 === 0)) throw new TypeErrorCtor(`WebAssembly.Memory(): ${name} must be a page count in [0, 65536]`);
    return n;
  };

  function Memory(this: unknown, descriptor: unknown): MemoryObject {
    if (new.target === undefined) throw new TypeErrorCtor("WebAssembly.Memory must be invoked with 'new'");
    if (typeof descriptor !== 'object' || descriptor === null) throw new TypeErrorCtor('WebAssembly.Memory(): Argument 0 must be a memory descriptor');
    const d = descriptor as { initial?: unknown; maximum?: unknown; shared?: unknown };
    const initial = pages(d.initial, 'initial');
    const rawMax = d.maximum;
    const asked = rawMax === undefined ? undefined : pages(rawMax, 'maximum');
    const shared = d.shared === true;
    const used = reserved();
    const free = o.budgetPages - used;
    const maxPages = asked === undefined || asked > free ? free : asked;
    if (initial > maxPages) {
      throw o.limitError(`memory limit exceeded: a WebAssembly.Memory of ${initial} pages does not fit in what remains of the task's WebAssembly budget (measured ${(used + initial) / 16} MB, limit ${budgetMb} MB)`);
    }
    // Reserved before construction: constructing may run plugin code (new.target's prototype getter).
    reserving += maxPages;
    let mem: MemoryObject;
    try {
      mem = construct(NativeMemory, [{ initial, maximum: maxPages, shared }], new.target);
    } finally {
      reserving -= maxPages;
    }
    const entry: Live = { ref: new WeakRefCtor(mem), maxPages, shared };
    define(live, live.length, { value: entry, writable: true, enumerable: true, configurable: true });
    apply(weakMapSet, maxima, [mem, entry]);
    sample();
    return mem;
  }

  function grow(this: MemoryObject, delta: unknown): number {
    const more = typeof delta === 'number' ? delta : NumberCtor(delta);
    const entry = apply(weakMapGet, maxima, [this]) as Live | undefined;
    if (entry !== undefined) {
      const now = bytesOf(entry, this) / PAGE_BYTES;
      if (now + more > entry.maxPages) {
        throw o.limitError(`memory limit exceeded: WebAssembly.Memory.grow(${more}) from ${now} pages past its maximum of ${entry.maxPages} pages, which the task's WebAssembly budget bounds (measured ${(now + more) / 16} MB, limit ${budgetMb} MB)`);
      }
    }
    try {
      return apply(nativeGrow, this, [more]) as number;
    } finally {
      sample();
    }
  }

  /** A genuine copy of a BufferSource, or null when the value is not one (V8 then reports the type error). */
  const copyOf = (source: unknown): Uint8Array | null => {
    let view: Uint8Array;
    if (isView(source)) {
      const dv = tryCall(dvBuffer, source) !== undefined;
      const buffer = apply(dv ? dvBuffer : taBuffer, source, []) as ArrayBufferLike;
      view = new U8(buffer, apply(dv ? dvOffset : taOffset, source, []) as number, apply(dv ? dvLength : taLength, source, []) as number);
    } else if (tryCall(abLength, source) !== undefined || tryCall(sabLength, source) !== undefined) {
      view = new U8(source as ArrayBufferLike);
    } else {
      return null;
    }
    const copy = new U8(apply(taLength, view, []) as number);
    apply(taSet, copy, [view]);
    return copy;
  };

  /** Refuses a module that defines a memory (section 5 with entries) or whose sections cannot be walked. */
  const check = (b: Uint8Array): Uint8Array => {
    const n = apply(taLength, b, []) as number;
    if (n < 8 || b[0] !== 0x00 || b[1] !== 0x61 || b[2] !== 0x73 || b[3] !== 0x6d) return b;
    let pos = 8;
    const leb = (): number => {
      let v = 0;
      for (let shift = 0; shift < 35; shift += 7) {
        if (pos >= n) throw o.invalidError('WebAssembly module is truncated');
        const byte = b[pos++] as number;
        v += (byte & 0x7f) * 2 ** shift;
        if ((byte & 0x80) === 0) return v;
      }
      throw o.invalidError('WebAssembly module has a malformed section size');
    };
    while (pos < n) {
      const id = b[pos++] as number;
      const size = leb();
      const end = pos + size;
      if (end > n) throw o.invalidError('WebAssembly module section extends past its end');
      if (id === MEMORY_SECTION && leb() > 0) {
        throw o.invalidError('WebAssembly module defines its own memory; import a WebAssembly.Memory instead (the task\'s memory budget bounds its maximum)');
      }
      pos = end;
    }
    return b;
  };
  const checked = (source: unknown): unknown => {
    const copy = copyOf(source);
    return copy === null ? source : check(copy);
  };

  function Module(this: unknown, bytes: unknown): object {
    if (new.target === undefined) throw new TypeErrorCtor("WebAssembly.Module must be invoked with 'new'");
    return construct(NativeModule, [checked(bytes)], new.target);
  }
  for (const k of ['exports', 'imports', 'customSections'] as const) define(Module, k, { value: NativeModule[k], writable: true, configurable: true });

  const replace = (owner: object, key: string, value: unknown): void => {
    define(owner, key, { value, writable: true, configurable: true, enumerable: false });
  };
  const asClass = (wrapper: object, native: { prototype: object }): void => {
    define(wrapper, 'prototype', { value: native.prototype, writable: false, enumerable: false, configurable: false });
    replace(native.prototype, 'constructor', wrapper);
  };
  asClass(Memory, NativeMemory);
  asClass(Module, NativeModule);
  replace(NativeMemory.prototype, 'grow', grow);
  replace(W, 'Memory', Memory);
  replace(W, 'Module', Module);
  replace(W, 'compile', function compile(bytes: unknown): Promise<unknown> {
    try {
      return apply(nativeCompile, W, [checked(bytes)]) as Promise<unknown>;
    } catch (err) {
      return apply(promiseReject, PromiseCtor, [err]) as Promise<unknown>;
    }
  });
  replace(W, 'instantiate', function instantiate(source: unknown, imports?: unknown): Promise<unknown> {
    try {
      return apply(nativeInstantiate, W, [checked(source), imports]) as Promise<unknown>;
    } catch (err) {
      return apply(promiseReject, PromiseCtor, [err]) as Promise<unknown>;
    }
  });
  return sample;
}
