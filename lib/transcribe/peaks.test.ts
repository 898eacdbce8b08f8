import { describe, expect, it } from "vitest";
import { componentForClass } from "./classes.ts";
import { TranscribeError } from "./errors.ts";
import { parabolicPeak, peakConfidence, pickPeaks } from "./peaks.ts";
import { type KnownHit, synthesizeActivations } from "./synthetic.ts";

const hit = (timeMs: number, cls: string, height = 0.9, velocity = 0.7): KnownHit => ({
  timeMs,
  cls,
  height,
  velocity,
});

describe("componentForClass", () => {
  it("maps common model class names, GM notes and overrides", () => {
    expect(componentForClass("KD")).toBe("kick");
    expect(componentForClass("BD")).toBe("kick");
    expect(componentForClass("SD")).toBe("snare");
    expect(componentForClass("HH")).toBe("hihat_closed");
    expect(componentForClass("OHH")).toBe("hihat_open");
    expect(componentForClass("Hi-Hat Open")).toBe("hihat_open");
    expect(componentForClass("TT")).toBe("tom_mid");
    expect(componentForClass("floor_tom")).toBe("tom_floor");
    expect(componentForClass("CY")).toBe("crash");
    expect(componentForClass("RD")).toBe("ride");
    expect(componentForClass("ride_bell")).toBe("ride_bell");
    expect(componentForClass("38")).toBe("snare");
    expect(componentForClass("46")).toBe("hihat_open");
    expect(componentForClass("vocals")).toBeNull();
    expect(componentForClass("CY", { cy: "china" })).toBe("china");
    expect(componentForClass("kick", { kick: null })).toBeNull();
  });
});

describe("parabolicPeak", () => {
  it("finds the vertex of a parabola exactly", () => {
    // y = 1 − (x − 0.3)² sampled at −1, 0, 1.
    const y = (x: number) => 1 - (x - 0.3) ** 2;
    const p = parabolicPeak(y(-1), y(0), y(1));
    expect(p.offset).toBeCloseTo(0.3, 9);
    expect(p.height).toBeCloseTo(1, 9);
  });
});

describe("pickPeaks", () => {
  const classes = ["kick", "snare", "HH"];

  it("recovers sub-frame onset times to within 1 ms at 100 fps", () => {
    const truth = [
      hit(1003.7, "kick"),
      hit(1500.2, "snare"),
      hit(2011.9, "HH"),
      hit(2499.5, "kick"),
      hit(3333.3, "snare"),
    ];
    const a = synthesizeActivations(truth, { classes, durationMs: 4000 });
    const { onsets } = pickPeaks(a, { thresholds: { kick: 0.5, snare: 0.5, HH: 0.5 } });
    expect(onsets.map((o) => o.component)).toEqual(["kick", "snare", "hihat_closed", "kick", "snare"]);
    const errors = onsets.map((o, i) => Math.abs(o.timeMs - truth[i]!.timeMs));
    expect(Math.max(...errors)).toBeLessThan(1);
  });

  it("keeps onset times within 3 ms under activation noise", () => {
    const truth = Array.from({ length: 40 }, (_, i) => hit(500 + i * 237.3, classes[i % 3]!));
    const a = synthesizeActivations(truth, { classes, durationMs: 10_500, noise: 0.15, seed: 7 });
    const { onsets } = pickPeaks(a, { thresholds: { kick: 0.5, snare: 0.5, HH: 0.5 } });
    expect(onsets).toHaveLength(40);
    const errors = onsets.map((o, i) => Math.abs(o.timeMs - truth[i]!.timeMs));
    expect(Math.max(...errors)).toBeLessThan(3);
  });

  it("applies per-class thresholds and counts per class", () => {
    const truth = [
      hit(500, "kick", 0.45),
      hit(1000, "kick", 0.9),
      hit(1500, "snare", 0.45),
      hit(2000, "HH", 0.3),
    ];
    const a = synthesizeActivations(truth, { classes, durationMs: 3000 });
    const { onsets } = pickPeaks(a, { thresholds: { kick: 0.5, snare: 0.4 }, defaultThreshold: 0.25 });
    const count = (c: string) => onsets.filter((o) => o.className === c).length;
    expect([count("kick"), count("snare"), count("HH")]).toEqual([1, 1, 1]);
  });

  it("keeps the stronger of two peaks inside the refractory window, whichever comes first", () => {
    const truth = [
      hit(1000, "snare", 0.6),
      hit(1025, "snare", 0.95),
      hit(2000, "snare", 0.95),
      hit(2060, "snare", 0.6),
    ];
    const a = synthesizeActivations(truth, { classes, durationMs: 3000, widthFrames: 0.6 });
    const strict = pickPeaks(a, { thresholds: {}, minGapMs: { snare: 40 } }).onsets;
    expect(strict.map((o) => Math.round(o.timeMs))).toEqual([1025, 2000, 2060]);
    const wide = pickPeaks(a, { thresholds: {}, minGapMs: 80 }).onsets;
    expect(wide.map((o) => Math.round(o.timeMs))).toEqual([1025, 2000]);
  });

  it("orders confidence by peak height, 0.5 at the threshold", () => {
    const heights = [0.55, 0.7, 0.8, 0.9, 0.99];
    const truth = heights.map((h, i) => hit(500 + i * 400, "kick", h));
    const a = synthesizeActivations(truth, { classes, durationMs: 3000 });
    const { onsets } = pickPeaks(a, { thresholds: { kick: 0.5 } });
    const conf = onsets.map((o) => o.confidence);
    for (let i = 1; i < conf.length; i++) expect(conf[i]!).toBeGreaterThan(conf[i - 1]!);
    expect(conf[0]!).toBeGreaterThan(0.5);
    expect(conf[0]!).toBeLessThan(0.6);
    expect(conf[4]!).toBeGreaterThan(0.95);
    expect(peakConfidence(0.3, 0.3)).toBeCloseTo(0.5, 9);
  });

  it("reads velocity from the velocity head, else from height relative to the class median", () => {
    const truth = [hit(500, "kick", 0.9, 0.2), hit(1000, "kick", 0.9, 1), hit(1500, "kick", 0.4, 0.5)];
    const withHead = synthesizeActivations(truth, { classes, durationMs: 2000, withVelocity: true });
    const v = pickPeaks(withHead, { thresholds: { kick: 0.3 } }).onsets.map((o) => o.velocity);
    expect(v[0]).toBeCloseTo(0.2, 1);
    expect(v[1]).toBeCloseTo(1, 1);
    expect(v[2]).toBeCloseTo(0.5, 1);
    const noHead = synthesizeActivations(truth, { classes, durationMs: 2000 });
    const w = pickPeaks(noHead, { thresholds: { kick: 0.3 } }).onsets.map((o) => o.velocity);
    expect(w[0]).toBeCloseTo(0.8, 1); // the median hit is "normal"
    expect(w[2]!).toBeLessThan(0.4); // under half the median: a ghost note
  });

  it("ignores unmapped classes and rejects malformed input", () => {
    const a = synthesizeActivations([hit(500, "snare")], { classes: ["snare", "vocals"], durationMs: 1000 });
    expect(pickPeaks(a, { thresholds: {} }).ignoredClasses).toEqual(["vocals"]);
    expect(() => pickPeaks({ ...a, onset: new Float32Array(3) }, { thresholds: {} })).toThrow(
      TranscribeError,
    );
    expect(() => pickPeaks(a, { thresholds: { snare: 1.5 } })).toThrow(/between 0 and 1/);
  });
});
