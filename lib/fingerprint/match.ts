// How a fingerprint finds its song: index keys, alignment and the match decision. Pure functions
// (no database), so the server's song identity (server/services/songs.ts), the device's own
// library (lib/store/local-songs.ts), the benchmark and the unit tests share them.
//
// Index keys (measured in bench/identify.bench.ts, docs/BENCHMARKS.md "Song identification"):
//   * Each raw item's top KEY_BITS bits (all 32). The issue suggested AcoustID's 20 bits, but 20-bit
//     keys of unrelated songs collide so often that at a million stored fingerprints a query would
//     touch ~10⁴–10⁵ rows; with whole items unrelated songs share almost no keys, while re-encodes
//     of the same song still share dozens (the corpus measurement in docs/BENCHMARKS.md).
//   * Value-sampled: a key is kept when the top bits of its Fibonacci hash are 0 (1 in
//     KEY_SAMPLING), on both the stored and the query side. Sampling by value (not by position)
//     keeps the same keys whatever the offset (leading silence, a cut intro) and shrinks the GIN
//     index KEY_SAMPLING times. (The hash's top bits, not `% n`: the low bits of a product depend
//     only on the key's low bits, which would sample one classifier's output, not the keys.)
//   * Items of digital silence are the same in every song, so they are never keys.
// Scoring: the candidates' items vote for an alignment offset (query position − stored position of
// equal items, AcoustID style); the bit error rate (BER) is measured at the best-voted offsets.
// Checking every offset in ±16 s (bestAlignment) costs ~1 ms per candidate; voting costs ~50 µs.
import { bitErrorRateAt, ITEMS_PER_SECOND, MATCH_MAX_BER } from "./compare.ts";

export const KEY_BITS = 32;
/** A power of two. */
export const KEY_SAMPLING = 4;
/** The item Chromaprint (algorithm 2) gives digital silence. */
export const SILENCE_ITEM = 627_964_279;

/** The BER threshold and item rate live in lib/fingerprint/compare.ts: the player compares too. */
export { ITEMS_PER_SECOND, MATCH_MAX_BER };

/**
 * Largest difference, in seconds, between where the query's audio ends and where the aligned
 * stored recording ends (AcoustID's lookup allows 7 s of duration difference). Fingerprints read
 * only the first two minutes, so without this a loop of a song, its extended mix or a medley that
 * opens with it would be "the song", and its chart would stop or drift partway through.
 */
export const MATCH_MAX_END_DIFF_SECONDS = 7;
/** Candidates need at least this many shared index keys. */
export const MIN_SHARED_KEYS = 2;
/** Shortest overlap (items, ~8 per second) an alignment must have: 40 items ≈ 5 s. */
export const MIN_OVERLAP_ITEMS = 40;

const SAMPLING_SHIFT = 32 - Math.log2(KEY_SAMPLING);

function keyOf(item: number): number {
  return KEY_BITS === 32 ? item >>> 0 : item >>> (32 - KEY_BITS);
}

function sampled(key: number): boolean {
  return Math.imul(key, 0x9e3779b1) >>> SAMPLING_SHIFT === 0;
}

/** The distinct, sampled index keys of a fingerprint, sorted ascending (for an int4[] GIN column). */
export function indexKeys(raw: ArrayLike<number>): number[] {
  const keys = new Set<number>();
  for (let i = 0; i < raw.length; i++) {
    const item = raw[i]! >>> 0;
    if (item === SILENCE_ITEM) continue;
    const key = keyOf(item);
    if (sampled(key)) keys.add(key);
  }
  return [...keys].sort((a, b) => a - b);
}

export interface Scored {
  bitErrorRate: number;
  /** Items the query is shifted relative to the stored fingerprint (query[i] ↔ stored[i − offset]). */
  offset: number;
  overlap: number;
}

/** Alignment votes compare items' top 24 bits: coarser than index keys, so more of them survive a re-encode. */
const voteKey = (item: number) => item >>> 8;

/**
 * BER of `query` against `stored` at the offsets the shared items vote for (the top `tries`
 * offsets and their neighbours). Returns BER 1 when nothing aligns.
 */
export function scoreAlignment(query: ArrayLike<number>, stored: ArrayLike<number>, tries = 3): Scored {
  const positions = new Map<number, number[]>();
  for (let j = 0; j < stored.length; j++) {
    const item = stored[j]! >>> 0;
    if (item === SILENCE_ITEM) continue;
    const key = voteKey(item);
    const list = positions.get(key);
    if (list) {
      if (list.length < 8) list.push(j); // long runs of one item carry no alignment information
    } else positions.set(key, [j]);
  }
  const votes = new Map<number, number>();
  for (let i = 0; i < query.length; i++) {
    const item = query[i]! >>> 0;
    if (item === SILENCE_ITEM) continue;
    const list = positions.get(voteKey(item));
    if (!list) continue;
    for (const j of list) votes.set(i - j, (votes.get(i - j) ?? 0) + 1);
  }
  const offsets = [...votes.entries()].sort((a, b) => b[1] - a[1]).slice(0, tries);
  const minOverlap = Math.min(MIN_OVERLAP_ITEMS, query.length, stored.length);
  let best: Scored = { bitErrorRate: 1, offset: 0, overlap: 0 };
  const tried = new Set<number>();
  for (const [center] of offsets) {
    for (let offset = center - 1; offset <= center + 1; offset++) {
      if (tried.has(offset)) continue;
      tried.add(offset);
      const a = bitErrorRateAt(query, stored, offset);
      if (a.overlap >= minOverlap && a.bitErrorRate < best.bitErrorRate) best = a;
    }
  }
  return best;
}

/**
 * Whether an aligned query is the same recording as the stored one, not just sharing its opening:
 * query time t is stored time t - offsetSeconds, so a recording of the same length ends at
 * storedSeconds + offsetSeconds (a copy with 2 s of extra silence ends 2 s later, one with its
 * intro cut ends that much sooner).
 */
export function endsAgree(querySeconds: number, storedSeconds: number, offsetSeconds: number): boolean {
  return Math.abs(querySeconds - (storedSeconds + offsetSeconds)) <= MATCH_MAX_END_DIFF_SECONDS;
}

/** 1 for identical fingerprints, 0 at the threshold or beyond; linear in between. */
export function confidenceOf(bitErrorRate: number): number {
  if (bitErrorRate >= MATCH_MAX_BER) return 0;
  return Math.round((1 - bitErrorRate / MATCH_MAX_BER) * 1000) / 1000;
}
