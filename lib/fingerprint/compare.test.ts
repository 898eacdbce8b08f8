import { describe, expect, it } from "vitest";
import { bestAlignment, bitErrorRateAt, identicalBitShare, popcount32 } from "./compare.ts";
import { extractLookupHashes, lookupHash } from "./lookup-hash.ts";

function randomItems(n: number, seed: number): Uint32Array {
  const out = new Uint32Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x >>> 0;
  }
  return out;
}

describe("popcount32", () => {
  it("counts bits", () => {
    expect(popcount32(0)).toBe(0);
    expect(popcount32(0xffffffff)).toBe(32);
    expect(popcount32(0x80000001)).toBe(2);
    expect(popcount32(0x0f0f0f0f)).toBe(16);
  });
});

describe("bestAlignment", () => {
  const song = randomItems(900, 7);

  it("finds a shifted copy at its offset with zero errors", () => {
    const cut = song.subarray(81); // "first 10 s cut": ~81 items
    const best = bestAlignment(song, cut);
    expect(best).toMatchObject({ offset: 81, bitErrorRate: 0, overlap: 819 });
  });

  it("keeps a low error rate with a few flipped bits", () => {
    const noisy = song.map((v, i) => (i % 3 === 0 ? (v ^ 0b1011) >>> 0 : v));
    expect(bestAlignment(song, noisy).bitErrorRate).toBeCloseTo(3 / 32 / 3, 5);
  });

  it("scores unrelated fingerprints near 0.5", () => {
    const best = bestAlignment(song, randomItems(900, 99));
    expect(best.bitErrorRate).toBeGreaterThan(0.4);
  });

  it("bitErrorRateAt pairs a[i] with b[i - offset]", () => {
    const a = Uint32Array.from([1, 2, 3, 4]);
    const b = Uint32Array.from([3, 4]);
    expect(bitErrorRateAt(a, b, 2)).toEqual({ bitErrorRate: 0, offset: 2, overlap: 2 });
  });
});

describe("identicalBitShare", () => {
  it("counts missing items as different", () => {
    expect(identicalBitShare([1, 2, 3, 4], [1, 2, 3, 4])).toBe(1);
    expect(identicalBitShare([1, 2, 3, 4], [1, 2])).toBe(0.5);
  });
});

describe("lookup hashes", () => {
  it("takes the top 20 bits", () => {
    expect(lookupHash(0xffffffff)).toBe(0xfffff);
    expect(lookupHash(0x00000fff)).toBe(0);
    expect(lookupHash(0x12345678)).toBe(0x12345);
  });

  it("returns distinct sorted values, optionally subsampled", () => {
    const items = [0x12345000, 0x12345fff, 0x00001000, 0xfffff000];
    expect(Array.from(extractLookupHashes(items))).toEqual([1, 0x12345, 0xfffff]);
    expect(Array.from(extractLookupHashes(items, { step: 2 }))).toEqual([1, 0x12345]);
  });
});
