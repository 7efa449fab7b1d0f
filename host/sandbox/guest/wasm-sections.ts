/**
 * Reads what WebAssembly's JS API does not show about a module: the limits of its imported memory and of its tables.
 * Runs on bytes V8 has already compiled (so well-formed); a walk that still goes wrong throws.
 */
const IMPORT_SECTION = 2;
const TABLE_SECTION = 4;

export interface Limits {
  min: number;
  max: number | null;
  shared: boolean;
}

export interface ModuleShape {
  /** Limits of each imported memory, by "module.name". */
  memories: Map<string, Limits>;
  /** Limits of every table, imported or defined. */
  tables: Limits[];
}

export function readModuleShape(b: Uint8Array, fail: (message: string) => Error): ModuleShape {
  let pos = 8;
  const n = b.length;
  const byte = (): number => {
    if (pos >= n) throw fail('WebAssembly module is truncated');
    return b[pos++] as number;
  };
  const leb = (): number => {
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const x = byte();
      v += (x & 0x7f) * 2 ** shift;
      if ((x & 0x80) === 0) return v;
    }
    throw fail('WebAssembly module has a malformed LEB128 number');
  };
  const name = (): string => {
    const len = leb();
    let s = '';
    for (let i = 0; i < len; i++) s += String.fromCharCode(byte());
    return s;
  };
  const limits = (): Limits => {
    const flags = byte();
    const min = leb();
    const max = (flags & 1) !== 0 ? leb() : null;
    return { min, max, shared: (flags & 2) !== 0 };
  };
  const out: ModuleShape = { memories: new Map(), tables: [] };
  while (pos < n) {
    const id = byte();
    const size = leb();
    const end = pos + size;
    if (id === IMPORT_SECTION) {
      const count = leb();
      for (let i = 0; i < count; i++) {
        const key = `${name()}.${name()}`;
        const kind = byte();
        if (kind === 0) leb();
        else if (kind === 1) {
          byte();
          out.tables.push(limits());
        } else if (kind === 2) out.memories.set(key, limits());
        else if (kind === 3) {
          byte();
          byte();
        } else if (kind === 4) {
          byte();
          leb();
        } else throw fail(`WebAssembly module has an import of unknown kind ${kind}`);
      }
    } else if (id === TABLE_SECTION) {
      const count = leb();
      for (let i = 0; i < count; i++) {
        byte();
        out.tables.push(limits());
      }
    }
    pos = end;
  }
  return out;
}
