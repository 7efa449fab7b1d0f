/**
 * Bundle signatures (Ed25519), shared by the bundler that signs and the host that verifies. Node-only.
 *
 * What is signed is a statement listing every file of the bundle, sorted by path, each with its SHA-256, in
 * `sha256sum` form. The manifest's entry hashes the manifest without its `signature` field, serialised canonically
 * (object keys sorted, no whitespace), so adding the signature does not change what it covers. The signature is
 * Ed25519 over the SHA-256 of that statement.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { MANIFEST_FILE } from './manifest.ts';
import type { BundleSignature } from './manifest.ts';

export const SIGNATURE_ALGORITHM: BundleSignature['algorithm'] = 'ed25519';
const STATEMENT_HEADER = 'conveyor-bundle-signature/1\n';

/** A bundle's files by path ('/'-separated, relative to the bundle root). */
export type BundleFiles = ReadonlyMap<string, Uint8Array>;

/** JSON with object keys sorted at every level and no whitespace. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function parseManifest(files: BundleFiles): Record<string, unknown> {
  const bytes = files.get(MANIFEST_FILE);
  if (bytes === undefined) throw new Error(`no ${MANIFEST_FILE}`);
  const raw = JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${MANIFEST_FILE} is not a JSON object`);
  return raw as Record<string, unknown>;
}

/** The statement a signature covers: one `<sha256>  <path>` line per file, sorted by path. */
export function bundleStatement(files: BundleFiles): string {
  const { signature: _signature, ...manifest } = parseManifest(files);
  const paths = [...files.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const lines = paths.map((p) => `${p === MANIFEST_FILE ? sha256(canonicalJson(manifest)) : sha256(files.get(p) ?? new Uint8Array())}  ${p}\n`);
  return STATEMENT_HEADER + lines.join('');
}

/** The 32 bytes the signature is over. */
export function bundleDigest(files: BundleFiles): Buffer {
  return createHash('sha256').update(bundleStatement(files)).digest();
}

/** A key's id: the first 16 hex digits of the SHA-256 of its SPKI DER. */
export function keyIdOf(publicKey: KeyObject): string {
  return sha256(publicKey.export({ type: 'spki', format: 'der' })).slice(0, 16);
}

function requireEd25519(key: KeyObject, what: string): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${what} is a ${key.asymmetricKeyType ?? key.type} key, not an Ed25519 key`);
  return key;
}

/** An Ed25519 private key from PEM (PKCS8) text. */
export function privateKeyFromPem(pem: string): KeyObject {
  return requireEd25519(createPrivateKey(pem), 'the signing key');
}

/** An Ed25519 public key from PEM (SPKI) text; a private key's PEM yields its public half. */
export function publicKeyFromPem(pem: string): KeyObject {
  return requireEd25519(createPublicKey(pem), 'the public key');
}

/** A new key pair for a plugin author: PKCS8 PEM private key, SPKI PEM public key, and the key id. */
export function generateSigningKeys(): { privateKeyPem: string; publicKeyPem: string; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

/** Signs the bundle's files (its manifest.json's own signature field, if any, is not covered). */
export function signBundle(files: BundleFiles, privateKey: KeyObject): BundleSignature {
  const publicKey = createPublicKey(requireEd25519(privateKey, 'the signing key'));
  return {
    algorithm: SIGNATURE_ALGORITHM,
    keyId: keyIdOf(publicKey),
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    value: sign(null, bundleDigest(files), privateKey).toString('base64'),
  };
}

/** The `signature` field of the bundle's manifest: null when absent; throws when present but malformed. */
export function readSignature(files: BundleFiles): BundleSignature | null {
  const s = parseManifest(files)['signature'];
  if (s === undefined) return null;
  if (typeof s !== 'object' || s === null || Array.isArray(s)) throw new Error('signature must be an object');
  const sig = s as Record<string, unknown>;
  if (sig['algorithm'] !== SIGNATURE_ALGORITHM) throw new Error(`unsupported signature algorithm ${JSON.stringify(sig['algorithm'])}`);
  for (const k of ['keyId', 'publicKey', 'value'] as const) if (typeof sig[k] !== 'string' || sig[k] === '') throw new Error(`signature.${k} must be a non-empty string`);
  return { algorithm: SIGNATURE_ALGORITHM, keyId: sig['keyId'] as string, publicKey: sig['publicKey'] as string, value: sig['value'] as string };
}

/** The public key embedded in a signature; throws when it is not Ed25519 or does not match the key id. */
export function embeddedPublicKey(sig: BundleSignature): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(sig.publicKey, 'base64'), format: 'der', type: 'spki' });
  } catch {
    throw new Error('signature.publicKey is not a public key');
  }
  requireEd25519(key, 'signature.publicKey');
  if (keyIdOf(key) !== sig.keyId) throw new Error(`signature.publicKey does not match keyId ${sig.keyId}`);
  return key;
}

/** Whether the signature is valid for these files under this public key. */
export function signatureMatches(files: BundleFiles, sig: BundleSignature, publicKey: KeyObject): boolean {
  try {
    return verify(null, bundleDigest(files), publicKey, Buffer.from(sig.value, 'base64'));
  } catch {
    return false;
  }
}
