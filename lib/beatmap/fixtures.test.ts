// Hand-made fixtures in the real formats (see fixtures/README.md).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { importChart } from "./chart.ts";
import { lintBeatmap } from "./lint.ts";
import { importOsu } from "./osu.ts";

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

describe("backbeat.chart", () => {
  const { beatmap, warnings } = importChart(fixture("backbeat.chart"));
  const at = (ms: number) => beatmap.HitObjects.filter((h) => Math.abs(h.Time - ms) < 0.01);

  it("reads metadata, resolution and the tempo map", () => {
    expect(warnings).toEqual([]);
    expect(beatmap.Metadata).toMatchObject({
      Title: "Backbeat Study",
      Artist: "BeatSight fixtures",
      Creator: "BeatSight team",
    });
    expect(beatmap.Audio.Filename).toBe("song.ogg");
    expect(beatmap.Timing).toMatchObject({ Bpm: 120, Offset: 0, TimeSignature: "4/4" });
    // 1536 ticks at 192/beat and 120 BPM = 8 beats = 4 s; 768 ticks more at 150 BPM = 1.6 s.
    expect(beatmap.Timing!.TimingPoints).toEqual([
      { Time: 4000, Bpm: 150 },
      { Time: 5600, Bpm: 150, TimeSignature: "3/4" },
    ]);
  });

  it("maps pads, cymbal markers, accents, ghosts and double kick", () => {
    expect(at(0).map((h) => [h.Component, h.Velocity])).toEqual([
      ["crash", 1],
      ["kick", 0.7],
    ]);
    expect(at(250).map((h) => h.Component)).toEqual(["hihat_closed"]);
    expect(at(625).map((h) => [h.Component, h.Velocity])).toEqual([["snare", 0.3]]); // ghost 40
    expect(at(1500).map((h) => [h.Component, h.Velocity])).toEqual([
      ["snare", 1], // accent 34
      ["ride", 0.7], // blue + 67
    ]);
    expect(at(1750).map((h) => h.Component)).toEqual(["kick"]); // N 32, Expert+ kick
    // Unmarked yellow / blue / green are toms.
    expect([3500, 3625, 3750, 3875].map((ms) => at(ms)[0]?.Component)).toEqual([
      "tom_high",
      "tom_high",
      "tom_mid",
      "tom_floor",
    ]);
    expect(lintBeatmap(beatmap).ok).toBe(true);
  });

  it("reads another difficulty on request", () => {
    expect(importChart(fixture("backbeat.chart"), { difficulty: "Hard" }).beatmap.HitObjects).toHaveLength(2);
    expect(() => importChart(fixture("backbeat.chart"), { difficulty: "Easy" })).toThrow(
      /no \[EasyDrums\] section \(it has \[ExpertDrums\], \[HardDrums\]\)/,
    );
  });
});

describe("backbeat.osu", () => {
  it("reads a 7-key map: columns, volumes, holds, timing", () => {
    const { beatmap, warnings } = importOsu(fixture("backbeat.osu"));
    expect(warnings).toEqual([]);
    expect(beatmap.Metadata).toMatchObject({ Title: "Backbeat Study", PreviewTime: 2000 });
    expect(beatmap.Timing).toMatchObject({ Bpm: 120, Offset: 250, TimingPoints: [{ Time: 4250, Bpm: 150 }] });
    const first = beatmap.HitObjects.slice(0, 2).map((h) => [h.Lane, h.Component, h.Velocity]);
    expect(first).toEqual([
      [0, "crash", 1],
      [3, "kick", 0.7],
    ]);
    const hold = beatmap.HitObjects.find((h) => h.Duration);
    expect(hold).toMatchObject({ Time: 2000, Lane: 4, Duration: 250, Velocity: 0.8 });
    expect(beatmap.HitObjects.map((h) => h.Lane)).toContain(6);
    expect(lintBeatmap(beatmap).ok).toBe(true);
  });

  it("spreads other key counts across the lanes and says so", () => {
    const { beatmap, warnings } = importOsu(fixture("5k-mania.osu"));
    expect(beatmap.HitObjects.map((h) => h.Lane)).toEqual([0, 2, 3, 5, 6]);
    expect(warnings[0]).toMatch(/5-key map/);
  });
});
