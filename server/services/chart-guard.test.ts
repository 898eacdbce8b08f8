import { describe, expect, it } from "vitest";
import { grooveChart } from "@/lib/beatmap/testing.ts";
import { checkClientChart, measureJson } from "./chart-guard.ts";

describe("measureJson", () => {
  it("measures without recursion and stops at the first broken limit", () => {
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(measureJson(deep).problem).toMatch(/nests deeper than 32/);
    const wide = Array.from({ length: 5_000 }, () => 1);
    expect(measureJson(wide, { maxBytes: 1e9, maxDepth: 32, maxValues: 1_000 }).problem).toBe(
      "it holds more than 1000 values",
    );
    expect(measureJson(Array.from({ length: 2_000_000 }, () => 1)).problem).toMatch(/larger than 8 MB/);
    expect(measureJson({ a: [1, "two", null, { b: true }] })).toEqual({
      shape: expect.objectContaining({ depth: 4, values: 7 }),
      problem: null,
    });
  });

  it("refuses values JSON cannot carry", () => {
    expect(measureJson({ f: () => 1 }).problem).toMatch(/function/);
  });
});

describe("checkClientChart", () => {
  it("accepts a sound chart with its lint report", () => {
    const checked = checkClientChart(grooveChart());
    expect(checked.ok).toBe(true);
  });

  it("names schema and lint problems", () => {
    const chart = grooveChart();
    const bad = { ...chart, HitObjects: [{ ...chart.HitObjects[0], Velocity: 7 }] };
    const result = checkClientChart(bad);
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/HitObjects/) });
  });
});
