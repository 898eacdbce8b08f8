import { describe, expect, it } from "vitest";
import { computePeaks, peakBetween } from "./waveform.ts";

describe("waveform peaks", () => {
  it("sums stems and keeps min / max per bucket, folded per pixel", () => {
    const rate = 1000;
    const drums = new Float32Array(1000);
    const acc = new Float32Array(1000);
    drums[120] = 0.5;
    acc[120] = 0.25;
    acc[700] = -0.9;
    const p = computePeaks([drums, acc], rate, 10);
    expect(p.min).toHaveLength(100);
    expect(p.max[12]).toBeCloseTo(0.75, 6);
    expect(peakBetween(p, 0, 500)).toEqual({ min: 0, max: expect.closeTo(0.75, 6) });
    expect(peakBetween(p, 600, 800).min).toBeCloseTo(-0.9, 6);
    expect(peakBetween(p, 5000, 6000)).toEqual({ min: 0, max: 0 });
  });
});
