import { describe, expect, it } from "vitest";
import { compressFingerprint, decompressFingerprint, FingerprintFormatError } from "./compress.ts";

// Round-trips here; agreement with fpcalc's own strings (both directions) is in parity.test.ts.
function pseudoRandomItems(n: number, seed: number): Uint32Array {
  const out = new Uint32Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    // Mostly small changes between neighbours, like real fingerprints, plus some big jumps.
    out[i] = i % 17 === 0 ? x : ((out[i - 1] ?? 0) ^ (1 << (x % 32)) ^ (x & 0x101)) >>> 0;
  }
  return out;
}

describe("compressFingerprint / decompressFingerprint", () => {
  it("round-trips items, including all-ones and high bits", () => {
    const items = Uint32Array.from([0, 0xffffffff, 0x80000000, 1, 0x12345678, 0x12345678, 0]);
    const decoded = decompressFingerprint(compressFingerprint(items));
    expect(decoded.algorithm).toBe(1);
    expect(Array.from(decoded.raw)).toEqual(Array.from(items));
  });

  it("round-trips long fingerprints", () => {
    for (const seed of [1, 2, 3]) {
      const items = pseudoRandomItems(950, seed);
      expect(Array.from(decompressFingerprint(compressFingerprint(items)).raw)).toEqual(Array.from(items));
    }
  });

  it("uses URL-safe base64 without padding", () => {
    const encoded = compressFingerprint(pseudoRandomItems(300, 4));
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it("rejects malformed input with a typed error", () => {
    expect(() => decompressFingerprint("A")).toThrow(FingerprintFormatError);
    expect(() => decompressFingerprint("AQAA!!")).toThrow(FingerprintFormatError);
    // Header claims 1000 items but carries none.
    expect(() => decompressFingerprint("AQAD6A")).toThrow(FingerprintFormatError);
  });
});
