import type { CapabilityName } from '../capabilities.ts';
import type { ConfigDefinition } from '../config.ts';
import type { PluginMetricDeclaration } from '../metrics.ts';
import type { WasmConnectorSource, WasmModuleSource } from './wasm-build.ts';

/** The manifest source a plugin package keeps next to its code: conveyor-plugin.json. */
export interface PluginSource {
  name: string;
  version: string;
  description?: string;
  entry: string;
  capabilities: CapabilityName[];
  /** The plugin uses WebAssembly; without it the sandbox removes the WebAssembly global. */
  wasm?: boolean;
  /** The Prometheus metrics the plugin's tasks may report through ctx.metrics (sdk/metrics.ts). */
  metrics?: PluginMetricDeclaration[];
  /** The connector is a WebAssembly module built from this source (then `connector` describes it). */
  module?: WasmModuleSource;
  connector?: WasmConnectorSource;
}

/** The `signature` field of a signed bundle's manifest.json (see signature.ts). */
export interface BundleSignature {
  algorithm: 'ed25519';
  /** The first 16 hex digits of the SHA-256 of the signer's public key (SPKI DER). */
  keyId: string;
  /** The signer's public key (SPKI DER, base64): lets a worker check integrity even when it does not trust the key. */
  publicKey: string;
  /** The Ed25519 signature of the bundle digest, base64. */
  value: string;
}

/** manifest.json inside a built bundle. */
export interface BundleManifest {
  manifestVersion: 1;
  name: string;
  version: string;
  description: string;
  /** 'transform': a transform plugin, named in transforms.<alias>.type (never in connector.class). */
  type: 'source' | 'sink' | 'transform';
  className: string;
  aliases: string[];
  config: ConfigDefinition;
  capabilities: CapabilityName[];
  /** WebAssembly is available in the plugin's isolates only when this is true. */
  wasm?: boolean;
  /** The metrics its tasks may report; the worker refuses any other. */
  metrics?: PluginMetricDeclaration[];
  code: { file: string; sha256: string };
  /** A WebAssembly connector: its module file (plugin.js then only registers the description). See sdk/wasm/README.md. */
  module?: { file: string; sha256: string };
  /** Present in a signed bundle: see signature.ts. */
  signature?: BundleSignature;
}

export const MANIFEST_FILE = 'manifest.json';
export const SOURCE_MANIFEST_FILE = 'conveyor-plugin.json';
export const CODE_FILE = 'plugin.js';
/** The global the bundle calls once with its definition; defined by the sandbox bootstrap. */
export const REGISTER_GLOBAL = '__conveyorRegister';
