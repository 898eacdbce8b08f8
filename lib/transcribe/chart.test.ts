import { describe, expect, it } from "vitest";
import {
  COMPONENT_LANE,
  type HitObject,
  lintBeatmap,
  parseBeatmap,
  serializeBeatmap,
} from "../beatmap/index.ts";
import { estimateDifficulty } from "./estimate-difficulty.ts";
import { resolveSimultaneous } from "./limbs.ts";
import { flattenGenerationInfo, readGenerationInfo } from "./metadata.ts";
import { type KnownHit, type PatternHit, rockBar, synthesizeActivations, synthSong } from "./synthetic.ts";
import { chartOf, matchBeats, TEST_GENERATION } from "./testing.ts";
import type { Onset } from "./types.ts";

/** Per-class onset matching within `tolMs`: how many true hits were found, how many extra. */
function matchNotes(notes: readonly HitObject[], hits: readonly KnownHit[], tolMs: number) {
  let found = 0;
  let worst = 0;
  const used = new Set<number>();
  for (const h of hits) {
    let best = -1;
    notes.forEach((n, i) => {
      if (used.has(i) || n.Component !== h.cls) return;
      if (
        Math.abs(n.Time - h.timeMs) <= tolMs &&
        (best < 0 || Math.abs(n.Time - h.timeMs) < Math.abs(notes[best]!.Time - h.timeMs))
      )
        best = i;
    });
    if (best >= 0) {
      used.add(best);
      found++;
      worst = Math.max(worst, Math.abs(notes[best]!.Time - h.timeMs));
    }
  }
  return { found, extra: notes.length - used.size, worstMs: worst };
}

describe("buildChart", () => {
  const groove: PatternHit[] = [
    ...rockBar({ kickAndOf3: true }),
    { at: 3.5, cls: "hihat_open", height: 0.95 },
    { at: 3.75, cls: "tom_high", height: 0.85 },
  ];

  it("turns a synthetic song into a valid chart that passes lint, every hit found within 2 ms", () => {
    const song = synthSong({
      bpmAt: () => 124,
      bar: groove,
      crashEveryBars: 2,
      noise: 0.05,
      withVelocity: true,
    });
    const r = chartOf(song);
    const b = r.beatmap;
    expect(r.lint.errors).toEqual([]);
    expect(r.lint.warnings).toEqual([]);
    expect(lintBeatmap(parseBeatmap(serializeBeatmap(b))).ok).toBe(true);
    // The 8th hi-hat at 3.5 is played open: the closed reading there is the weaker one and goes.
    const expected = song.hits.filter(
      (h) =>
        !(
          h.cls === "hihat_closed" &&
          song.hits.some((o) => o.cls === "hihat_open" && Math.abs(o.timeMs - h.timeMs) < 1)
        ),
    );
    const m = matchNotes(b.HitObjects, expected, 2);
    expect(m).toMatchObject({ found: expected.length, extra: 0 }); // measured worst ≈ 0.1 ms
    expect(
      r.limbs.dropped.every((d) => d.onset.component === "hihat_closed" && d.reason === "same_lane"),
    ).toBe(true);
    for (const h of b.HitObjects) {
      expect(h.Lane).toBe(COMPONENT_LANE[h.Component]);
      expect(h.Confidence).toBeGreaterThan(0.5);
    }
    expect(b.DrumKit.Components).toEqual([
      "crash",
      "hihat_closed",
      "hihat_open",
      "snare",
      "kick",
      "tom_high",
    ]);
    expect(b.Audio).toMatchObject({ Duration: song.durationMs, SampleRate: 44_100 });
    expect(b.Timing?.Bpm).toBeCloseTo(124, 1);
    expect(b.Metadata.Difficulty).toBeGreaterThanOrEqual(2);
    expect(b.Metadata.Difficulty).toBeLessThanOrEqual(6);
    // Velocity from the velocity head: accented downbeat kicks, softer off-beat hats.
    const kick = b.HitObjects.find((h) => h.Component === "kick")!;
    expect(kick.Velocity).toBeCloseTo(0.9, 1);
    expect(b.Editor?.AiGenerationMetadata).toMatchObject({
      backend: "test",
      "model.adt-test": "0.0.1",
      "stageSeconds.transcribe": 1.5,
      "threshold.kick": 0.5,
      createdAt: TEST_GENERATION.createdAt,
    });
    expect(readGenerationInfo(b.Editor!.AiGenerationMetadata!)).toMatchObject({
      models: TEST_GENERATION.models,
      thresholds: TEST_GENERATION.thresholds,
    });
  });

  it("reports snapping suggestions without moving notes, and applies them on request", () => {
    const song = synthSong({ bpmAt: () => 120, jitterMs: 6, seed: 4 });
    const r = chartOf(song);
    const off = r.snaps.filter((s) => Math.abs(s.deltaMs) > 0.5);
    expect(off.length).toBeGreaterThan(10);
    expect(r.snaps.map((s) => s.timeMs)).toEqual(r.beatmap.HitObjects.map((h) => h.Time));
    const snapped = chartOf(song, { snap: { applyWithinMs: 15 } });
    expect(snapped.snaps.every((s) => Math.abs(s.deltaMs) < 0.01)).toBe(true);
    expect(snapped.lint.issues.map((i) => i.code)).not.toContain("unsnapped");
    expect(snapped.beatmap.HitObjects).toHaveLength(r.beatmap.HitObjects.length);
  });

  it("suggests the triplet grid for swung 8ths", () => {
    const r = chartOf(synthSong({ bpmAt: () => 120, swing: 2 / 3 }));
    const divisors = new Set(
      r.snaps.filter((_, i) => r.beatmap.HitObjects[i]!.Component === "hihat_closed").map((s) => s.divisor),
    );
    expect([...divisors].sort()).toEqual([1, 3]);
    expect(Math.max(...r.snaps.map((s) => Math.abs(s.deltaMs)))).toBeLessThan(2); // measured 0.7
  });

  it("drops notes past the end of the audio and still builds a chart from silence", () => {
    const song = synthSong({ bpmAt: () => 120 });
    const short = chartOf(song, { audio: { durationMs: 10_000, sampleRate: 48_000 } });
    expect(short.beatmap.HitObjects.every((h) => h.Time < 10_000)).toBe(true);
    expect(short.lint.errors).toEqual([]);
    const silent = synthesizeActivations([], { classes: ["kick", "snare"], durationMs: 5000 });
    const empty = chartOf({ ...song, activations: silent, durationMs: 5000 });
    expect(empty.beatmap.HitObjects).toEqual([]);
    expect(empty.beatmap.Timing).toMatchObject({ Bpm: 120, Offset: 0 });
    expect(empty.warnings.join(" ")).toMatch(/No steady beat/);
    expect(empty.lint.errors).toEqual([]);
  });

  it("uses a caller's class mapping and reports classes it ignores", () => {
    const hits: KnownHit[] = [{ timeMs: 500, cls: "Zildjian", height: 0.9, velocity: 0.8 }];
    const a = synthesizeActivations(hits, { classes: ["Zildjian", "vocals"], durationMs: 2000 });
    const r = chartOf(
      { activations: a, beatsMs: [], downbeatsMs: [], hits, durationMs: 2000 },
      { settings: { thresholds: {}, classToComponent: { Zildjian: "china" } } },
    );
    expect(r.beatmap.HitObjects.map((h) => h.Component)).toEqual(["china"]);
    expect(r.warnings[0]).toMatch(/vocals/);
  });
});

describe("resolveSimultaneous", () => {
  const onset = (timeMs: number, component: Onset["component"], confidence: number): Onset => ({
    timeMs,
    classIndex: 0,
    className: component,
    component,
    height: confidence,
    velocity: 0.7,
    confidence,
  });

  it("keeps one note per lane and at most two hands at an instant", () => {
    const r = resolveSimultaneous(
      [
        onset(1000, "hihat_closed", 0.7),
        onset(1004, "hihat_open", 0.9),
        onset(1002, "kick", 0.9),
        onset(1001, "snare", 0.95),
        onset(1003, "crash", 0.8),
        onset(1200, "hihat_closed", 0.6),
      ].sort((a, b) => a.timeMs - b.timeMs),
    );
    expect(r.kept.map((o) => o.component)).toEqual(["snare", "kick", "hihat_open", "hihat_closed"]);
    expect(r.dropped.map((d) => [d.onset.component, d.reason])).toEqual([
      ["crash", "too_many_hands"],
      ["hihat_closed", "same_lane"],
    ]);
  });
});

describe("estimateDifficulty", () => {
  const chartNotes = (bpm: number, bar: PatternHit[]) =>
    chartOf(synthSong({ bpmAt: () => bpm, bar })).beatmap.HitObjects;

  it("rates denser, faster parts harder, within 1–10", () => {
    const easy = estimateDifficulty(chartNotes(90, rockBar({ hihat: "none" })));
    const rock = estimateDifficulty(chartNotes(120, rockBar()));
    const doubleBass: PatternHit[] = [
      ...rockBar({ hihat: "8ths" }).filter((h) => h.cls !== "kick"),
      ...Array.from({ length: 16 }, (_, i) => ({ at: i / 4, cls: "kick", height: 0.9 })),
    ];
    const metal = estimateDifficulty(chartNotes(180, doubleBass));
    expect(easy.value).toBeLessThan(rock.value);
    expect(rock.value).toBeLessThan(metal.value);
    expect(easy.value).toBeGreaterThanOrEqual(1);
    expect(rock.value).toBeGreaterThanOrEqual(2.5);
    expect(rock.value).toBeLessThanOrEqual(4.5);
    expect(metal.value).toBeGreaterThanOrEqual(8);
    expect(metal.value).toBeLessThanOrEqual(10);
    expect(metal.peakKickNotesPerSecond).toBeCloseTo(12, 0);
    expect(estimateDifficulty([]).value).toBe(1);
  });
});

describe("generation metadata", () => {
  it("flattens into the chart's scalar record and refuses more than it can hold", () => {
    expect(flattenGenerationInfo(TEST_GENERATION)).toEqual({
      backend: "test",
      createdAt: TEST_GENERATION.createdAt,
      postprocess: "transcribe/2",
      "model.adt-test": "0.0.1",
      "stageSeconds.transcribe": 1.5,
      "threshold.kick": 0.5,
      "threshold.snare": 0.5,
      "threshold.hihat_closed": 0.4,
    });
    const many = Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`c${i}`, 0.5]));
    expect(() => flattenGenerationInfo({ ...TEST_GENERATION, thresholds: many })).toThrow(/at most 64/);
  });
});

describe("buildChart inputs", () => {
  it("stops when the signal is aborted", () => {
    const controller = new AbortController();
    controller.abort();
    expect(() => chartOf(synthSong({ bpmAt: () => 120 }), { signal: controller.signal })).toThrow(/abort/i);
  });
});

describe("frame rates", () => {
  // 22 050 Hz / 512 hop, 16 kHz / 320 hop, 44 100 Hz / 441 hop, 200 fps. Measured at 43.07 fps:
  // onsets within 2.6 ms; at 100 fps: 1.1 ms.
  it.each([43.066, 50, 100, 200])("recovers onsets and beats of a noisy ramp at %d fps", (fps) => {
    const song = synthSong({
      bpmAt: (t) => 100 + (30 * (t - 1000)) / 30_000,
      fps,
      noise: 0.05,
      crashEveryBars: 4,
    });
    const r = chartOf(song);
    const m = matchNotes(r.beatmap.HitObjects, song.hits, 4);
    expect(m).toMatchObject({ found: song.hits.length, extra: 0 });
    expect(m.worstMs).toBeLessThan(fps < 60 ? 4 : 2);
    const beats = matchBeats(r.grid!.beatsMs, song.beatsMs, 20);
    expect(beats).toMatchObject({ missed: 0, extra: 0 });
    // The first bars of the ramp fit one tempo within the steady tolerance (measured ≤ 6.4 ms at
    // every rate); the rest is written beat by beat on the smoothed curve.
    expect(beats.maxErrorMs).toBeLessThan(8);
  });
});

describe("the shipped transcriber's contract (training/export.py manifest entry)", () => {
  it("reads its classes and 50 fps frames as they are", () => {
    const classes = ["kick", "snare", "hihat_closed", "hihat_open", "tom", "crash", "ride"];
    const bar: PatternHit[] = [
      ...rockBar({ hihat: "none" }),
      ...[0, 0.5, 1, 1.5, 2, 2.5, 3].map((at) => ({ at, cls: "ride", height: 0.8 })),
      { at: 3.5, cls: "tom", height: 0.85 },
    ];
    const song = synthSong({ bpmAt: () => 132, bar, classes, fps: 50, crashEveryBars: 4, noise: 0.05 });
    const r = chartOf(song, { settings: { thresholds: Object.fromEntries(classes.map((c) => [c, 0.5])) } });
    expect(r.warnings).toEqual([]);
    expect(r.lint.errors).toEqual([]);
    const expected = song.hits.map((h) => ({ ...h, cls: h.cls === "tom" ? "tom_mid" : h.cls }));
    const m = matchNotes(r.beatmap.HitObjects, expected, 5);
    expect(m).toMatchObject({ found: expected.length, extra: 0 });
    expect(r.beatmap.Timing!.Bpm).toBeCloseTo(132, 1);
  });
});
