import { describe, expect, it } from "vitest";
import { type LintCode, lintBeatmap } from "./lint.ts";
import type { Beatmap, HitObject } from "./schema.ts";
import { grooveChart } from "./testing.ts";

const codes = (b: Beatmap): LintCode[] => lintBeatmap(b).issues.map((i) => i.code);
const note = (Time: number, Component: HitObject["Component"], Lane: number, Velocity = 0.7): HitObject => ({
  Time,
  Component,
  Lane,
  Velocity,
});

describe("lintBeatmap", () => {
  it("passes a clean groove with no errors or warnings", () => {
    const report = lintBeatmap(grooveChart());
    expect(report.ok).toBe(true);
    expect(report.issues.filter((i) => i.severity !== "info")).toEqual([]);
  });

  it("flags a lane that contradicts the component", () => {
    const b = grooveChart();
    b.HitObjects[2]!.Lane = b.HitObjects[2]!.Lane === 2 ? 5 : 2;
    const report = lintBeatmap(b);
    expect(report.ok).toBe(false);
    expect(report.errors[0]).toMatchObject({ code: "lane_mismatch", path: "HitObjects[2].Lane" });
  });

  it("flags unsorted, non-finite and negative times", () => {
    const b = grooveChart();
    [b.HitObjects[3], b.HitObjects[20]] = [b.HitObjects[20]!, b.HitObjects[3]!];
    b.HitObjects[0]!.Time = -5;
    b.HitObjects[10]!.Velocity = Number.NaN;
    expect(codes(b)).toEqual(expect.arrayContaining(["unsorted", "negative_time", "non_finite"]));
  });

  it("flags notes past the end of the audio and absurd BPM", () => {
    const b = grooveChart();
    b.Audio.Duration = 2000;
    b.Timing!.TimingPoints.push({ Time: 3000, Bpm: 5000 });
    expect(codes(b)).toEqual(expect.arrayContaining(["past_audio_end", "absurd_bpm"]));
  });

  it("flags more notes per second on a lane than anyone can play", () => {
    const b = grooveChart();
    b.HitObjects = Array.from({ length: 60 }, (_, i) => note(1000 + i * 10, "snare", 2));
    const issue = lintBeatmap(b).errors.find((i) => i.code === "too_dense");
    expect(issue?.message).toMatch(/41 Snare notes within one second/);
    // 20 per second is fine.
    b.HitObjects = Array.from({ length: 60 }, (_, i) => note(1000 + i * 50, "snare", 2));
    expect(codes(b)).not.toContain("too_dense");
  });

  it("warns about drummer problems: early notes, limbs, hands, duplicates, chokes on drums", () => {
    const b = grooveChart();
    b.HitObjects = [
      note(100, "kick", 3),
      note(1000, "crash", 0),
      note(1000, "hihat_closed", 1),
      note(1000, "snare", 2),
      note(1000.5, "snare", 2),
      note(2000, "crash", 0),
      note(2000, "hihat_pedal", 1),
      note(2000, "snare", 2),
      note(2000, "kick", 3),
      note(2001, "tom_mid", 4),
      { ...note(3000, "snare", 2), Choke: true },
    ];
    expect(codes(b)).toEqual(
      expect.arrayContaining([
        "before_first_beat",
        "too_many_hands",
        "duplicate_note",
        "too_many_limbs",
        "choke_on_drum",
      ]),
    );
    expect(lintBeatmap(b).ok).toBe(true);
  });

  it("warns about empty charts and a missing timing map, and counts repeats", () => {
    const b = grooveChart();
    b.HitObjects = [];
    delete b.Timing;
    expect(codes(b)).toEqual(expect.arrayContaining(["empty_chart", "missing_timing"]));
    const c = grooveChart();
    c.HitObjects = [note(1003, "kick", 3, 0.7), note(1220, "kick", 3), note(1375, "kick", 3)];
    const unsnapped = lintBeatmap(c).issues.find((i) => i.code === "unsnapped");
    expect(unsnapped).toMatchObject({ severity: "info", count: 2, path: "HitObjects[0].Time" });
  });
});
