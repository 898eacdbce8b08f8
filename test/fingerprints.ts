// Synthetic Chromaprint-like fingerprints for database tests (no audio needed).
import { compressFingerprint } from "../lib/fingerprint/index.ts";

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Chromaprint-like item sequence: a random walk where a few bits change per item. */
export function syntheticItems(seed: number, count = 900): Uint32Array {
  const r = rng(seed);
  const out = new Uint32Array(count);
  let x = Math.floor(r() * 2 ** 32) >>> 0;
  for (let i = 0; i < count; i++) {
    const flips = 1 + Math.floor(r() * 8);
    for (let f = 0; f < flips; f++) x = (x ^ (1 << Math.floor(r() * 32))) >>> 0;
    out[i] = x;
  }
  return out;
}

/** fpcalc's compressed form of a synthetic fingerprint (algorithm 2, fpcalc's default). */
export function syntheticFingerprint(seed: number, count = 900): string {
  return compressFingerprint(syntheticItems(seed, count));
}
