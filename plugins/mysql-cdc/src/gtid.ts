/**
 * GTID positions in both flavours, as strings: MariaDB 'domain-server-seq,...' (the last transaction per domain) and
 * MySQL 'uuid:1-5:7,...' (the set of executed transactions). Sequence numbers stay exact (BigInt).
 */
const MARIADB_GTID = /^(\d+)-(\d+)-(\d+)$/;

export function isMariadbGtid(gtid: string): boolean {
  return MARIADB_GTID.test(gtid.trim());
}

function addMariadb(position: string, gtid: string): string {
  const m = MARIADB_GTID.exec(gtid.trim())!;
  const entries = position.split(',').map((s) => s.trim()).filter((s) => s !== '' && s.split('-')[0] !== m[1]);
  entries.push(gtid.trim());
  return entries.sort((a, b) => Number(a.split('-')[0]) - Number(b.split('-')[0])).join(',');
}

type Interval = [bigint, bigint];

function parseMysqlSet(set: string): Map<string, Interval[]> {
  const out = new Map<string, Interval[]>();
  for (const part of set.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const [uuid, ...ranges] = part.split(':');
    const list = out.get(uuid!.toLowerCase()) ?? [];
    for (const r of ranges) {
      const [lo, hi] = r.split('-');
      list.push([BigInt(lo!), BigInt(hi ?? lo!)]);
    }
    out.set(uuid!.toLowerCase(), list);
  }
  return out;
}

function formatMysqlSet(set: Map<string, Interval[]>): string {
  return [...set.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([uuid, list]) => {
      const merged: Interval[] = [];
      for (const iv of [...list].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
        const last = merged.at(-1);
        if (last && iv[0] <= last[1] + 1n) last[1] = iv[1] > last[1] ? iv[1] : last[1];
        else merged.push([iv[0], iv[1]]);
      }
      return `${uuid}:${merged.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(':')}`;
    })
    .join(',');
}

/** The position after the transaction `gtid` committed. Tagged MySQL GTIDs (uuid:tag:n) are kept as their own entry. */
export function addGtid(position: string | null, gtid: string): string {
  if (isMariadbGtid(gtid)) return addMariadb(position ?? '', gtid);
  const idx = gtid.lastIndexOf(':');
  const source = gtid.slice(0, idx);
  const gno = gtid.slice(idx + 1);
  if (source.includes(':')) return position ? `${position},${gtid}` : gtid;
  const set = parseMysqlSet(position ?? '');
  set.set(source.toLowerCase(), [...(set.get(source.toLowerCase()) ?? []), [BigInt(gno), BigInt(gno)]]);
  return formatMysqlSet(set);
}
