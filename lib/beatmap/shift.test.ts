import { describe, expect, it } from "vitest";
import { lintBeatmap } from "./lint.ts";
import { shiftBeatmap } from "./shift.ts";
import { TempoMap } from "./tempo.ts";
import { grooveChart } from "./testing.ts";

describe("shiftBeatmap", () => {
  const chart = {
    ...grooveChart({ bars: 4, bpm: 120, offsetMs: 500 }),
    Editor: { Bookmarks: [0, 2_500] },
  };
  chart.Metadata.PreviewTime = 1_000;
  chart.Audio = { ...chart.Audio, Hash: "a".repeat(64), Fingerprint: "AQAAx" };
  chart.Timing!.TimingPoints = [{ Time: 4_500, Bpm: 150 }];

  it("moves every time later for a recording with more audio before the song", () => {
    const later = shiftBeatmap(chart, 2_000, 20_000);
    expect(later.HitObjects.map((n) => n.Time)).toEqual(chart.HitObjects.map((n) => n.Time + 2_000));
    expect(later.Timing).toMatchObject({ Offset: 2_500, TimingPoints: [{ Time: 6_500, Bpm: 150 }] });
    expect(later.Metadata.PreviewTime).toBe(3_000);
    expect(later.Editor?.Bookmarks).toEqual([2_000, 4_500]);
    expect(later.Audio).toEqual({ Filename: "groove.ogg", Duration: 20_000 });
    expect(lintBeatmap(later).errors).toEqual([]);
  });

  it("drops what falls before 0 and keeps the grid where the song continues", () => {
    const earlier = shiftBeatmap(chart, -5_000);
    expect(earlier.HitObjects.every((n) => n.Time >= 0)).toBe(true);
    expect(earlier.HitObjects).toHaveLength(chart.HitObjects.filter((n) => n.Time >= 5_000).length);
    // The 150 BPM change at 4.5 s now falls at -0.5 s: it is the chart's starting tempo.
    expect(earlier.Timing).toMatchObject({ Bpm: 150, Offset: -500, TimingPoints: [] });
    expect(earlier.Metadata.PreviewTime).toBeUndefined();
    expect(earlier.Editor?.Bookmarks).toEqual([]);
    expect(earlier.Audio.Duration).toBe((chart.Audio.Duration ?? 0) - 5_000);
    const before = TempoMap.fromTiming(chart.Timing);
    const after = TempoMap.fromTiming(earlier.Timing);
    for (const ms of [5_000, 6_200, 9_000]) {
      expect(after.msToBeat(ms - 5_000) % 1).toBeCloseTo(before.msToBeat(ms) % 1, 6);
    }
    expect(lintBeatmap(earlier).errors).toEqual([]);
  });

  it("changes nothing when the shift is 0", () => {
    expect(shiftBeatmap(chart, 0)).toBe(chart);
  });
});
