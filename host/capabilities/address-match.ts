/**
 * Policy host checks by address, not by spelling. An allowlist entry and the host a plugin names are both resolved,
 * and the plugin's host passes when one of its addresses is one of the entry's (same port): `localhost:3307` matches
 * an entry `127.0.0.1:3307`, and a name that resolves elsewhere (another alias, a rebinding DNS answer) does not slip
 * past an entry it only looks like. The caller connects to the returned address, pinned, so the name cannot resolve
 * somewhere else between the check and the connection. An exact entry match keeps the name (TLS host checks need it).
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export type Lookup = (host: string) => Promise<string[]>;

export const systemLookup: Lookup = async (host) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** A host as written in a URL or host:port (IPv6 in brackets), lower-cased. */
function bare(host: string): string {
  return host.replace(/^\[|\]$/g, '').toLowerCase();
}

/** `::ffff:127.0.0.1` and `127.0.0.1` are the same address. */
function canonical(address: string): string {
  const a = address.toLowerCase();
  return a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

export function splitHostPort(entry: string): { host: string; port: number } | null {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(entry.trim());
  if (m === null) return null;
  return { host: bare(m[1] as string), port: Number(m[2]) };
}

const CACHE_MS = 30_000;

/** Resolves hosts (IP literals as themselves), caching answers for allowlist entries briefly. */
export class AddressMatcher {
  readonly #lookup: Lookup;
  readonly #cache = new Map<string, { at: number; addresses: Promise<string[]> }>();

  constructor(lookup: Lookup = systemLookup) {
    this.#lookup = lookup;
  }

  async #resolve(host: string, cached: boolean): Promise<string[]> {
    const h = bare(host);
    if (isIP(h) !== 0) return [canonical(h)];
    if (!cached) return (await this.#lookup(h)).map(canonical);
    const hit = this.#cache.get(h);
    if (hit !== undefined && Date.now() - hit.at < CACHE_MS) return hit.addresses;
    const addresses = this.#lookup(h).then((list) => list.map(canonical), () => []);
    this.#cache.set(h, { at: Date.now(), addresses });
    return addresses;
  }

  /**
   * Where to connect for host:port under an allowlist of host:port entries: the host itself when an entry names it
   * exactly, else the first of its addresses that an entry with the same port resolves to; null when none does (or
   * the host does not resolve).
   */
  async allowed(host: string, port: number, entries: readonly string[]): Promise<string | null> {
    const h = bare(host);
    const candidates = entries.map(splitHostPort).filter((e): e is { host: string; port: number } => e !== null && e.port === port);
    if (candidates.some((e) => e.host === h)) return h;
    if (candidates.length === 0) return null;
    let mine: string[];
    try {
      mine = await this.#resolve(h, false);
    } catch {
      return null;
    }
    for (const e of candidates) {
      const theirs = new Set(await this.#resolve(e.host, true));
      const hit = mine.find((a) => theirs.has(a));
      if (hit !== undefined) return hit;
    }
    return null;
  }
}

/** A URL's host for a connection: an IPv6 address goes back in brackets. */
export function urlHost(address: string): string {
  return isIP(address) === 6 ? `[${address}]` : address;
}

/** The worker's one matcher: allowlist entries resolved once per cache period for every task. */
export const policyAddresses = new AddressMatcher();
