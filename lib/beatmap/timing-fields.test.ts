// The per-section grid fields of Timing (Confidence, Feel) survive everything that rewrites a
// chart's timing inside BeatSight: shifting onto another recording, automatic reductions, diffs.
import { describe, expect, it } from "vitest";
import { serializeBeatmap } from "./canonical.ts";
import { applyDiff, diffCharts, summarizeDiff } from "./diff.ts";
import { reduceDifficulty } from "./difficulty.ts";
import { parseBeatmap } from "./parse.ts";
import type { Beatmap } from "./schema.ts";
import { shiftBeatmap } from "./shift.ts";
import { grooveChart } from "./testing.ts";

function chartWithGridFields(): Beatmap {
  const chart = grooveChart({ bars: 8, bpm: 120, offsetMs: 500 });
  chart.Timing = {
    ...chart.Timing!,
    Confidence: 0.45,
    Feel: "swing",
    TimingPoints: [
      { Time: 4_500, Bpm: 120, TimeSignature: "4/4", Confidence: 0.9 },
      { Time: 8_500, Bpm: 126, Feel: "straight" },
      { Time: 12_500, Bpm: 130, Confidence: 0.3, Feel: "swing" },
    ],
  };
  return chart;
}

describe("grid Confidence and Feel", () => {
  it("survive the canonical form", () => {
    const chart = chartWithGridFields();
    expect(parseBeatmap(serializeBeatmap(chart)).Timing).toEqual(chart.Timing);
  });

  it("move with their sections when a chart is shifted later", () => {
    const later = shiftBeatmap(chartWithGridFields(), 1_000);
    expect(later.Timing).toEqual({
      Bpm: 120,
      Offset: 1_500,
      TimeSignature: "4/4",
      Confidence: 0.45,
      Feel: "swing",
      TimingPoints: [
        { Time: 5_500, Bpm: 120, TimeSignature: "4/4", Confidence: 0.9 },
        { Time: 9_500, Bpm: 126, Feel: "straight" },
        { Time: 13_500, Bpm: 130, Confidence: 0.3, Feel: "swing" },
      ],
    });
  });

  it("pass to the start when the section's point falls before 0, keeping what it did not set", () => {
    // The points at 4.5 s and 8.5 s fall before 0: the start takes the 8.5 s point's tempo and
    // feel, and the 4.5 s point's confidence (the 8.5 s point sets none, so it carried on).
    const earlier = shiftBeatmap(chartWithGridFields(), -9_000);
    expect(earlier.Timing).toEqual({
      Bpm: 126,
      Offset: -500,
      TimeSignature: "4/4",
      Confidence: 0.9,
      Feel: "straight",
      TimingPoints: [{ Time: 3_500, Bpm: 130, Confidence: 0.3, Feel: "swing" }],
    });
    // Only the first point falls before 0: its confidence replaces the start's, the feel carries on.
    const bit = shiftBeatmap(chartWithGridFields(), -5_000);
    expect(bit.Timing).toMatchObject({ Bpm: 120, Offset: -500, Confidence: 0.9, Feel: "swing" });
    expect(bit.Timing!.TimingPoints).toHaveLength(2);
  });

  it("are kept by every automatic reduction", () => {
    const chart = chartWithGridFields();
    for (const level of ["hard", "medium", "easy"] as const) {
      expect(reduceDifficulty(chart, level).Timing).toEqual(chart.Timing);
    }
  });

  it("are part of the Timing section of a diff, applied and summarised as a timing change", () => {
    const base = chartWithGridFields();
    const next = structuredClone(base);
    next.Timing!.TimingPoints[1]!.Feel = "swing";
    next.Timing!.Confidence = 0.8;
    const diff = diffCharts(base, next);
    expect(Object.keys(diff.sections)).toEqual(["Timing"]);
    expect(summarizeDiff(diff).timingChanged).toBe(true);
    expect(applyDiff(base, diff).Timing).toEqual(next.Timing);
  });
});
