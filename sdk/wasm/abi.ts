/**
 * The WebAssembly connector ABI (version 1): what a `.wasm` connector imports and exports. Pure constants, shared by
 * the sandbox bootstrap (which instantiates modules), the bundler and the docs (sdk/wasm/README.md).
 */

/** The ABI version a module reports from its `conveyor_abi_version` export; the host refuses others. */
export const WASM_ABI_VERSION = 1;

/** The import module of the capability functions. */
export const IMPORT_MODULE = 'conveyor';
/** The memory is imported as env.memory: what AssemblyScript's --importMemory and wasm-ld's --import-memory emit. */
export const MEMORY_IMPORT = { module: 'env', name: 'memory' } as const;

/** Functions every module may import: log, the wall clock, the task's offsets and the clock capability (sleep). */
export const BASE_IMPORTS = { log: 'log', nowMs: 'now_ms', offsets: 'offsets', clock: 'clock' } as const;

/** Capabilities a module reaches through an import of the same name, granted only when the manifest requests it. */
export const CAPABILITY_IMPORTS = ['files', 'http', 'mysql', 'elasticsearch', 'errantRecordReporter'] as const;

/** Exports: always required, then per connector type. */
export const REQUIRED_EXPORTS = ['conveyor_abi_version', 'alloc', 'last_error', 'on_result', 'start'] as const;
export const SOURCE_EXPORTS = ['poll'] as const;
export const SINK_EXPORTS = ['put'] as const;
/** A transform module (manifest type transform, ABI 1 revision 1.1): transform(ptr, len) over a batch. */
export const TRANSFORM_EXPORTS = ['transform'] as const;
/** Optional: flush (sink), commit (source), stop (both). */

/** Status values returned by start/poll/put/flush/commit/stop. Below ERROR_MIN nothing is defined. */
export const Status = {
  ok: 0,
  /** The call issued capability requests: deliver their results (on_result) and call it again with zero arguments. */
  pending: -1,
  /** A generic failure; last_error() holds the message. */
  failed: -2,
  /** The configuration is unusable; last_error() says why. */
  invalidConfig: -3,
} as const;

/** Log levels of the `log` import. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** Largest table (elements) a module may declare; larger ones are refused at load. */
export const MAX_TABLE_ELEMENTS = 100_000;
