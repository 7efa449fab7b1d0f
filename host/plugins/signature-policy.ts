/**
 * Which bundle signatures a worker accepts: `plugin.signature.required` and `plugin.trusted.keys` from the worker's
 * properties. A signature that is present but does not verify is refused whatever `required` says.
 */
import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { embeddedPublicKey, keyIdOf, publicKeyFromPem, readSignature, signatureMatches } from '../../sdk/bundler/signature.ts';
import type { BundleFiles } from '../../sdk/bundler/signature.ts';
import { ConveyorError, ErrorCode } from '../core/errors.ts';

export const SIGNATURE_REQUIRED_KEY = 'plugin.signature.required';
export const TRUSTED_KEYS_KEY = 'plugin.trusted.keys';

export interface SignaturePolicy {
  /** Refuse bundles without a valid signature by a trusted key. */
  required: boolean;
  /** Trusted public keys by key id. */
  trusted: ReadonlyMap<string, KeyObject>;
}

/** The default: unsigned bundles load, signed ones must verify (against the key they carry). */
export const OPEN_SIGNATURE_POLICY: SignaturePolicy = Object.freeze({ required: false, trusted: new Map<string, KeyObject>() });

/** Who signed a bundle that passed the check; null for an unsigned bundle accepted because signatures are optional. */
export type BundleSigner = { keyId: string; trusted: boolean } | null;

/** Why a bundle's signature is refused; `kind` says which check failed. */
export class SignatureRejection extends Error {
  readonly kind: 'unsigned' | 'untrusted' | 'invalid';
  constructor(kind: SignatureRejection['kind'], message: string) {
    super(message);
    this.name = 'SignatureRejection';
    this.kind = kind;
  }
}

function bad(message: string): ConveyorError {
  return new ConveyorError(ErrorCode.configInvalid, `worker config: ${message}`);
}

function trustedKey(entry: string): KeyObject {
  const inline = entry.startsWith('-----BEGIN');
  let pem: string;
  try {
    pem = inline ? entry : readFileSync(entry, 'utf8');
  } catch (err) {
    throw bad(`${TRUSTED_KEYS_KEY}: cannot read ${entry}: ${(err as Error).message}`);
  }
  const what = inline ? 'an inline key' : entry;
  if (pem.includes('PRIVATE KEY')) throw bad(`${TRUSTED_KEYS_KEY}: ${what} is a private key; give the public key (SPKI PEM, e.g. <prefix>.pub)`);
  try {
    return publicKeyFromPem(pem);
  } catch (err) {
    throw bad(`${TRUSTED_KEYS_KEY}: ${what} is not an Ed25519 public key: ${(err as Error).message}`);
  }
}

/** The policy the worker's properties describe; throws configInvalid for an unreadable key or a bad value. */
export function signaturePolicy(props: Readonly<Record<string, string>>): SignaturePolicy {
  const raw = (props[SIGNATURE_REQUIRED_KEY] ?? 'false').trim().toLowerCase();
  if (raw !== 'true' && raw !== 'false') throw bad(`${SIGNATURE_REQUIRED_KEY} must be true or false, not ${JSON.stringify(props[SIGNATURE_REQUIRED_KEY])}`);
  const trusted = new Map<string, KeyObject>();
  for (const entry of (props[TRUSTED_KEYS_KEY] ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const key = trustedKey(entry);
    trusted.set(keyIdOf(key), key);
  }
  if (raw === 'true' && trusted.size === 0) throw bad(`${SIGNATURE_REQUIRED_KEY}=true needs at least one key in ${TRUSTED_KEYS_KEY}`);
  return Object.freeze({ required: raw === 'true', trusted });
}

/**
 * Checks a bundle's signature against the policy. Returns the signer (or null: unsigned and not required);
 * throws a SignatureRejection naming the reason otherwise.
 */
export function checkBundleSignature(files: BundleFiles, policy: SignaturePolicy): BundleSigner {
  let sig;
  try {
    sig = readSignature(files);
  } catch (err) {
    throw new SignatureRejection('invalid', `bad signature: ${(err as Error).message}`);
  }
  if (sig === null) {
    if (policy.required) throw new SignatureRejection('unsigned', `unsigned bundle: ${SIGNATURE_REQUIRED_KEY}=true accepts only bundles signed by a key in ${TRUSTED_KEYS_KEY}`);
    return null;
  }
  const trusted = policy.trusted.get(sig.keyId);
  if (trusted === undefined && policy.required) throw new SignatureRejection('untrusted', `signed by untrusted key ${sig.keyId} (not in ${TRUSTED_KEYS_KEY})`);
  let key = trusted;
  if (key === undefined) {
    try {
      key = embeddedPublicKey(sig);
    } catch (err) {
      throw new SignatureRejection('invalid', `bad signature: ${(err as Error).message}`);
    }
  }
  if (!signatureMatches(files, sig, key)) {
    throw new SignatureRejection('invalid', `signature by key ${sig.keyId} does not match the bundle's content: a file was changed, added or removed after signing`);
  }
  return { keyId: sig.keyId, trusted: trusted !== undefined };
}
