import { describe, expect, it } from "vitest";
import { exportChart, importChart } from "./chart.ts";
import { velocityClass } from "./lanes.ts";
import { lintBeatmap } from "./lint.ts";
import { exportMidi, importMidi } from "./midi.ts";
import { exportOsu, importOsu } from "./osu.ts";
import { createBeatmap } from "./parse.ts";
import type { Beatmap } from "./schema.ts";
import { grooveChart } from "./testing.ts";

/** Asserts every note survives: time within 1 ms, same lane, same velocity class. */
function expectSameNotes(
  actual: Beatmap,
  expected: Beatmap,
  opts: { components?: boolean; kickDynamics?: boolean } = {},
) {
  expect(actual.HitObjects).toHaveLength(expected.HitObjects.length);
  expected.HitObjects.forEach((e, i) => {
    const a = actual.HitObjects[i]!;
    expect(Math.abs(a.Time - e.Time), `note ${i} time`).toBeLessThanOrEqual(1);
    expect(a.Lane, `note ${i} lane`).toBe(e.Lane);
    if (opts.kickDynamics !== false || e.Component !== "kick") {
      expect(velocityClass(a.Velocity), `note ${i} velocity class`).toBe(velocityClass(e.Velocity));
    }
    if (opts.components) expect(a.Component, `note ${i} component`).toBe(e.Component);
  });
}

/** A chart with a tempo change, a 7/8 bar, an odd offset and fractional times. */
function tempoChangeChart(): Beatmap {
  const notes = [];
  let t = 137.25;
  for (let i = 0; i < 400; i++) {
    const lane = [3, 1, 2, 1, 4, 5, 0, 6][i % 8]!;
    const component = (
      ["crash", "hihat_closed", "snare", "kick", "tom_floor", "ride_bell", "splash"] as const
    )[lane]!;
    notes.push({
      Time: Math.round(t * 1000) / 1000,
      Component: component,
      Lane: lane,
      Velocity: [0.3, 0.7, 1][i % 3]!,
    });
    t += i < 200 ? 113.7 : 91.3;
  }
  return createBeatmap({
    Metadata: { Title: "Tempo map", Artist: "tests", Tags: [] },
    Timing: {
      Bpm: 131.9,
      Offset: 137.25,
      TimeSignature: "4/4",
      TimingPoints: [
        { Time: 20_000, Bpm: 164.27, TimeSignature: "7/8" },
        { Time: 31_000.5, Bpm: 97.003 },
      ],
    },
    HitObjects: notes,
  });
}

describe("GM MIDI round trip", () => {
  it("keeps every note's time within 1 ms, component, velocity and chokes", () => {
    const g = grooveChart();
    const back = importMidi(exportMidi(g).data).beatmap;
    expectSameNotes(back, g, { components: true });
    g.HitObjects.forEach((h, i) => {
      expect(Math.abs(back.HitObjects[i]!.Velocity - h.Velocity)).toBeLessThanOrEqual(1 / 127);
      expect(Boolean(back.HitObjects[i]!.Choke)).toBe(Boolean(h.Choke));
    });
    expect(lintBeatmap(back).ok).toBe(true);
  });

  it("keeps times within 1 ms across tempo and time-signature changes", () => {
    const c = tempoChangeChart();
    expectSameNotes(importMidi(exportMidi(c).data).beatmap, c, { components: true });
  });
});

describe("Clone Hero .chart round trip", () => {
  it("keeps times, lanes and velocity classes, toms vs cymbals by marker", () => {
    const g = grooveChart();
    const exported = exportChart(g);
    const back = importChart(exported.data.chart).beatmap;
    // Clone Hero has no kick accents or ghosts.
    expectSameNotes(back, g, { kickDynamics: false });
    expect(exported.warnings.join(" ")).toMatch(/kick accents and ghosts written as normal kicks/);
    const toms = back.HitObjects.filter((h) => h.Lane === 4).map((h) => h.Component);
    expect(new Set(toms)).toEqual(new Set(["tom_high", "tom_mid", "tom_floor"]));
  });

  it("keeps times across tempo changes (tempo stored as BPM × 1000)", () => {
    const c = tempoChangeChart();
    const exported = exportChart(c);
    const back = importChart(exported.data.chart).beatmap;
    // Splash and ride bell become crash and ride: lanes 6 → 0 are the documented loss.
    const expected = structuredClone(c);
    for (const h of expected.HitObjects) if (h.Lane === 6) h.Lane = 0;
    expected.HitObjects.sort((a, b) => a.Time - b.Time || a.Lane - b.Lane);
    expectSameNotes(back, expected, { kickDynamics: false });
    expect(exported.warnings.join(" ")).toMatch(/splash written as crash/);
  });

  it("writes all four difficulties and a song.ini", () => {
    const { chart, songIni } = exportChart(grooveChart()).data;
    for (const d of ["Expert", "Hard", "Medium", "Easy"]) expect(chart).toContain(`[${d}Drums]`);
    expect(songIni).toMatch(/^\[song\]\nname = Groove\n/);
    expect(songIni).toContain("pro_drums = True");
    const hard = importChart(chart, { difficulty: "Hard" }).beatmap;
    const easy = importChart(chart, { difficulty: "Easy" }).beatmap;
    expect(easy.HitObjects.length).toBeLessThan(hard.HitObjects.length);
  });
});

describe("osu!mania round trip", () => {
  it("keeps times within 1 ms, lanes and velocity classes", () => {
    const g = grooveChart();
    expectSameNotes(importOsu(exportOsu(g).data).beatmap, g);
  });

  it("keeps hold notes and timing", () => {
    const c = tempoChangeChart();
    c.HitObjects[3]!.Duration = 250;
    const back = importOsu(exportOsu(c).data).beatmap;
    expectSameNotes(back, c);
    expect(back.HitObjects[3]!.Duration).toBe(250);
    expect(back.Timing?.TimingPoints.map((p) => Math.round(p.Bpm * 100) / 100)).toEqual([164.27, 97]);
  });
});
