// The values a server index stores per fingerprint, AcoustID style: each raw item's top 20 bits.
// The low 12 bits are the ones re-encoding flips most often, so 20-bit keys of the same song keep
// matching; a handful of shared keys find candidates, and bestAlignment() scores them.

export const LOOKUP_HASH_BITS = 20;

/** The top 20 bits of an item, as a non-negative integer < 2^20 (fits PostgreSQL int4). */
export function lookupHash(item: number): number {
  return item >>> (32 - LOOKUP_HASH_BITS);
}

export interface LookupHashOptions {
  /** Use every `step`-th item only (1 = all). The simulation used ~8 for stored rows. */
  step?: number;
  /** Skip this many items at the start (e.g. to drop the fade-in). Default 0. */
  skip?: number;
}

/** Distinct 20-bit hashes of a fingerprint, sorted ascending (ready for an int[] / GIN column). */
export function extractLookupHashes(raw: ArrayLike<number>, options: LookupHashOptions = {}): Int32Array {
  const step = Math.max(1, Math.floor(options.step ?? 1));
  const set = new Set<number>();
  for (let i = options.skip ?? 0; i < raw.length; i += step) set.add(lookupHash(raw[i]!));
  return Int32Array.from([...set].sort((x, y) => x - y));
}
