/**
 * The iteration order of a java.util.HashMap<String, …> filled in the given order: Debezium lists an END event's
 * data_collections from such a map, so the order depends on the names' String.hashCode, not on when each table's
 * first event came. Buckets are hash ^ (hash >>> 16) masked by the table size (16, doubled whenever the entries
 * exceed three quarters of it); entries of one bucket keep their insertion order (a resize splits a bucket without
 * reordering it). Buckets of eight or more entries become trees in Java — far beyond a transaction's tables here.
 */

/** java.lang.String.hashCode over UTF-16 code units, as a signed 32-bit integer. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

export function javaHashMapOrder<T>(keys: readonly T[], name: (key: T) => string): T[] {
  let capacity = 16;
  while (keys.length > capacity * 0.75) capacity *= 2;
  const bucket = (k: T): number => {
    const h = javaStringHash(name(k));
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  return keys.map((k, i) => ({ k, i, b: bucket(k) })).sort((x, y) => x.b - y.b || x.i - y.i).map((e) => e.k);
}
