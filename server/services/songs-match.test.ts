import { describe, expect, it } from "vitest";
import {
  confidenceOf,
  endsAgree,
  indexKeys,
  KEY_SAMPLING,
  MATCH_MAX_BER,
  MATCH_MAX_END_DIFF_SECONDS,
  SILENCE_ITEM,
  scoreAlignment,
} from "./songs-match.ts";

function randomItems(count: number, seed: number): Uint32Array {
  let x = seed >>> 0;
  return Uint32Array.from({ length: count }, () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  });
}

describe("indexKeys", () => {
  it("keeps about 1 in KEY_SAMPLING distinct items, sorted, as the same keys whatever the offset", () => {
    const items = randomItems(4000, 7);
    const keys = indexKeys(items);
    expect(keys.length / 4000).toBeGreaterThan(0.8 / KEY_SAMPLING);
    expect(keys.length / 4000).toBeLessThan(1.2 / KEY_SAMPLING);
    expect([...keys].sort((a, b) => a - b)).toEqual(keys);
    // Value sampling: a shifted copy yields a subset of the same keys.
    const shifted = new Set(indexKeys(items.subarray(123)));
    expect([...shifted].every((k) => keys.includes(k))).toBe(true);
  });

  it("never makes a key of digital silence", () => {
    const silence = new Uint32Array(500).fill(SILENCE_ITEM);
    expect(indexKeys(silence)).toEqual([]);
  });
});

describe("scoreAlignment", () => {
  it("finds the offset of a shifted copy and its bit error rate", () => {
    const stored = randomItems(900, 3);
    const query = Uint32Array.from(stored.subarray(40), (x, i) => (i % 10 === 0 ? x ^ 0b111 : x));
    const score = scoreAlignment(query, stored);
    expect(score.offset).toBe(-40);
    expect(score.overlap).toBe(860);
    expect(score.bitErrorRate).toBeCloseTo(3 / 320, 3);
  });

  it("gives unrelated fingerprints a BER near 0.5 (or 1 when nothing aligns)", () => {
    const score = scoreAlignment(randomItems(900, 5), randomItems(900, 6));
    expect(score.bitErrorRate).toBeGreaterThan(0.4);
  });
});

describe("confidenceOf", () => {
  it("is 1 for identical, 0 at and beyond the threshold", () => {
    expect(confidenceOf(0)).toBe(1);
    expect(confidenceOf(MATCH_MAX_BER / 2)).toBe(0.5);
    expect(confidenceOf(MATCH_MAX_BER)).toBe(0);
    expect(confidenceOf(0.45)).toBe(0);
  });
});

describe("endsAgree", () => {
  it("accepts shifted copies that end with the stored recording, not loops or other edits", () => {
    expect(endsAgree(182, 180, 2)).toBe(true); // two seconds of leading silence
    expect(endsAgree(170, 180, -10)).toBe(true); // the first ten seconds cut
    expect(endsAgree(180 + MATCH_MAX_END_DIFF_SECONDS, 180, 0)).toBe(true); // trailing silence
    expect(endsAgree(240, 13, 0)).toBe(false); // a loop of a 13-second song
    expect(endsAgree(200, 240, 0)).toBe(false); // a radio edit of the album version
    expect(endsAgree(180, 180, 30)).toBe(false); // aligned 30 s in, yet the same length
  });
});
