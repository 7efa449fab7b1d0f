/**
 * Requests one worker forwards to another carry the caller's identity and an HMAC-SHA256 signature made with the
 * cluster's session key (Kafka Connect signs its inter-worker requests the same way, with a key the leader
 * distributes; ours lives in etcd). A worker accepts a forwarded identity only with a valid, fresh signature, so a
 * client cannot claim to be a worker, or another tenant, by sending the forwarding headers itself.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Identity } from '../tenants/directory.ts';
import { ROLES } from '../tenants/directory.ts';

export const FORWARDED_HEADER = 'x-conveyor-forwarded-by';
export const IDENTITY_HEADER = 'x-conveyor-identity';
export const SIGNATURE_HEADER = 'x-conveyor-signature';
export const SIGNED_AT_HEADER = 'x-conveyor-signed-at';

/** A signature older (or further in the future) than this is refused: a captured request cannot be replayed later. */
export const SIGNATURE_WINDOW_MS = 5 * 60_000;

export interface SignedRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  body: Buffer | string;
}

function payload(r: SignedRequest, forwardedBy: string, identity: string, signedAt: string): string {
  const bodyHash = createHash('sha256').update(r.body).digest('hex');
  return [r.method.toUpperCase(), r.url, bodyHash, forwardedBy, identity, signedAt].join('\n');
}

export function signForward(key: Buffer, r: SignedRequest, forwardedBy: string, identity: Identity, now = Date.now()): Record<string, string> {
  const id = Buffer.from(JSON.stringify(identity), 'utf8').toString('base64url');
  const signedAt = String(now);
  const signature = createHmac('sha256', key).update(payload(r, forwardedBy, id, signedAt)).digest('base64url');
  return { [FORWARDED_HEADER]: forwardedBy, [IDENTITY_HEADER]: id, [SIGNATURE_HEADER]: signature, [SIGNED_AT_HEADER]: signedAt };
}

/** True when the request carries any of the forwarding headers (then it must verify). */
export function claimsForwarding(headers: Record<string, string | string[] | undefined>): boolean {
  return [FORWARDED_HEADER, IDENTITY_HEADER, SIGNATURE_HEADER, SIGNED_AT_HEADER].some((h) => headers[h] !== undefined);
}

/** The forwarded identity when the signature is valid and fresh; a reason otherwise. */
export function verifyForward(key: Buffer, r: SignedRequest, headers: Record<string, string | string[] | undefined>, now = Date.now()): { identity: Identity; forwardedBy: string } | { refused: string } {
  const one = (h: string): string | undefined => (typeof headers[h] === 'string' ? headers[h] : undefined);
  const forwardedBy = one(FORWARDED_HEADER);
  const id = one(IDENTITY_HEADER);
  const signature = one(SIGNATURE_HEADER);
  const signedAt = one(SIGNED_AT_HEADER);
  if (forwardedBy === undefined || id === undefined || signature === undefined || signedAt === undefined) return { refused: 'the request claims to be forwarded by a worker but is not signed' };
  const at = Number(signedAt);
  if (!Number.isFinite(at) || Math.abs(now - at) > SIGNATURE_WINDOW_MS) return { refused: 'the forwarded request\'s signature has expired' };
  const expected = createHmac('sha256', key).update(payload(r, forwardedBy, id, signedAt)).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { refused: 'the forwarded request\'s signature is invalid' };
  let identity: Identity;
  try {
    identity = JSON.parse(Buffer.from(id, 'base64url').toString('utf8')) as Identity;
  } catch {
    return { refused: 'the forwarded identity cannot be read' };
  }
  if (typeof identity.name !== 'string' || !ROLES.includes(identity.role) || (identity.tenant !== null && typeof identity.tenant !== 'string')) return { refused: 'the forwarded identity is malformed' };
  return { identity: Object.freeze({ ...identity }), forwardedBy };
}
