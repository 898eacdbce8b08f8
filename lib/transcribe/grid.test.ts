// The chart's grid on synthetic songs with known beats: the decoder's metrical level and bar lines,
// steady sections, the tempo map written from them, feel and confidence. Bounds are a few times
// what the code measures today (noted beside each), tight enough to catch a beat that slips by a
// frame, a metrical-level error or a wobbling map.
import { describe, expect, it } from "vitest";
import { TempoMap, type Timing } from "../beatmap/index.ts";
import { barsToBeats, decodeBars } from "./bar-pointer.ts";
import { gridHits } from "./grid.ts";
import {
  beatGrid,
  DEFAULT_SYNTH_CLASSES,
  type KnownHit,
  layPattern,
  type PatternHit,
  rockBar,
  type SongOptions,
  synthesizeActivations,
  synthSong,
} from "./synthetic.ts";
import { chartOf, matchBeats } from "./testing.ts";

/** How far each true downbeat is from a bar line of the chart, in quarter notes. */
function downbeatError(timing: Timing | undefined, downbeatsMs: readonly number[]): number {
  const tempo = TempoMap.fromTiming(timing);
  return Math.max(
    ...downbeatsMs.map((d) => {
      const { inMeasure, measureBeats } = tempo.measurePosition(tempo.msToBeat(d));
      return Math.min(inMeasure, measureBeats - inMeasure);
    }),
  );
}

/** Largest distance from a true beat to the chart's nearest whole beat, ms. */
function gridError(timing: Timing | undefined, beatsMs: readonly number[], quartersPerBeat = 1): number {
  const tempo = TempoMap.fromTiming(timing);
  return Math.max(
    ...beatsMs.map((t) => {
      const b = tempo.msToBeat(t) / quartersPerBeat;
      return Math.abs(tempo.beatToMs(Math.round(b) * quartersPerBeat) - t);
    }),
  );
}

/** Largest relative error of the chart's tempo against the true tempo, over every true beat. */
function tempoError(timing: Timing | undefined, beatsMs: readonly number[]): number {
  const tempo = TempoMap.fromTiming(timing);
  let worst = 0;
  for (let i = 0; i + 1 < beatsMs.length; i++) {
    const truth = 60_000 / (beatsMs[i + 1]! - beatsMs[i]!);
    worst = Math.max(worst, Math.abs(tempo.bpmAt((beatsMs[i]! + beatsMs[i + 1]!) / 2) / truth - 1));
  }
  return worst;
}

/** A song from a bar pattern on explicit beats. */
function songOn(beats: number[], bar: PatternHit[], beatsPerBar = 4, extra: KnownHit[] = []) {
  const hits = [...layPattern(beats, bar, { beatsPerBar }), ...extra].sort((a, b) => a.timeMs - b.timeMs);
  const durationMs = beats[beats.length - 1]! + 1000;
  const activations = synthesizeActivations(hits, { classes: DEFAULT_SYNTH_CLASSES, durationMs });
  const full = beats.length - 1 - ((beats.length - 1) % beatsPerBar);
  const beatsMs = beats.slice(0, full);
  return {
    activations,
    beatsMs,
    downbeatsMs: beatsMs.filter((_, i) => i % beatsPerBar === 0),
    hits,
    durationMs,
  };
}

describe("metrical level: the tempo a drummer counts", () => {
  it.each([70, 120, 170])(
    "a rock beat at %i BPM: one section, exact tempo, bar 1 on the first downbeat",
    (bpm) => {
      const song = synthSong({ bpmAt: () => bpm, crashEveryBars: 4 });
      const r = chartOf(song);
      const timing = r.beatmap.Timing!;
      expect(timing.TimingPoints).toEqual([]); // a steady song has one tempo
      expect(Math.abs(timing.Bpm / bpm - 1)).toBeLessThan(0.0005); // measured < 0.0001
      expect(timing.Offset).toBeCloseTo(1000, 0); // the first downbeat
      expect(gridError(timing, song.beatsMs)).toBeLessThan(1); // measured ≤ 0.1 ms
      expect(downbeatError(timing, song.downbeatsMs)).toBeLessThan(0.05);
      // Measured 0.78 at 70 BPM (140 with the snare on 3 is a fair second reading), 0.97 at 120 and 170.
      expect(timing.Confidence).toBeGreaterThan(bpm < 100 ? 0.7 : 0.9);
    },
  );

  it("keeps the level without crashes to lean on", () => {
    for (const bpm of [70, 170]) {
      const r = chartOf(synthSong({ bpmAt: () => bpm }));
      expect(r.beatmap.Timing!.Bpm).toBeCloseTo(bpm, 1);
      expect(r.beatmap.Timing!.Offset).toBeCloseTo(1000, 0);
    }
  });

  it("charts a half-time feel (snare on 3) at half the tempo, snare on 2 and 4: the chart convention", () => {
    const halfTime: PatternHit[] = [
      { at: 0, cls: "kick" },
      { at: 2, cls: "snare" },
      ...[0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5].map((at) => ({ at, cls: "hihat_closed", height: 0.7 })),
    ];
    const r = chartOf(synthSong({ bpmAt: () => 140, bar: halfTime, crashEveryBars: 4 }));
    expect(r.beatmap.Timing!.Bpm).toBeCloseTo(70, 1);
    expect(r.beatmap.Timing!.Offset).toBeCloseTo(1000, 0);
  });

  it("is not fooled by a 3+3+2 kick figure into a 4:3 tempo (dotted 8ths at 187 BPM)", () => {
    // Kick on 1, the "a" of 1 and the "and" of 2 (3+3+2 sixteenths) in both halves of the bar, so
    // the kick alone repeats every dotted 8th; the snare backbeat and 16th hi-hat say 140.
    const bar: PatternHit[] = [];
    for (const half of [0, 2]) {
      for (const at of [0, 0.75, 1.5]) bar.push({ at: half + at, cls: "kick", height: 0.95 });
    }
    bar.push({ at: 1, cls: "snare" }, { at: 3, cls: "snare" });
    for (let x = 0; x < 4; x += 0.25) bar.push({ at: x, cls: "hihat_closed", height: x % 1 ? 0.6 : 0.8 });
    const song = synthSong({ bpmAt: () => 140, bar, jitterMs: 6, seed: 11 });
    const timing = chartOf(song).beatmap.Timing!;
    expect(timing.Bpm).toBeCloseTo(140, 0);
    expect(timing.TimingPoints).toEqual([]);
    expect(downbeatError(timing, song.downbeatsMs)).toBeLessThan(0.05);
  });

  it("decodes 6/8 (dotted-quarter beats, 8ths in threes) and writes it in quarter-note BPM", () => {
    // 6/8 at a dotted quarter of 70: kick on 1, snare on 4 (the second beat), 8ths on the hi-hat.
    const beats = beatGrid(1000, 41_000, () => 70);
    const bar: PatternHit[] = [
      { at: 0, cls: "kick" },
      { at: 1, cls: "snare" },
      ...[0, 1 / 3, 2 / 3, 1, 4 / 3, 5 / 3].map((at) => ({ at, cls: "hihat_closed", height: 0.75 })),
    ];
    const song = songOn(beats, bar, 2);
    const timing = chartOf(song).beatmap.Timing!;
    // Kick on 1 and snare on the second beat of every 6/8 bar is also a 12/8 backbeat: either way
    // the beats are dotted quarters, counted as quarter notes in the BPM.
    expect(["6/8", "12/8"]).toContain(timing.TimeSignature);
    expect(timing.Bpm).toBeCloseTo(105, 1); // 70 dotted quarters = 105 quarters
    expect(timing.Offset).toBeCloseTo(1000, 0);
    expect(gridError(timing, song.beatsMs, 1.5)).toBeLessThan(1);
  });

  it("decodes a 3/4 waltz", () => {
    const beats = beatGrid(1000, 41_000, () => 150);
    const bar: PatternHit[] = [
      { at: 0, cls: "kick" },
      { at: 1, cls: "snare", height: 0.8 },
      { at: 2, cls: "snare", height: 0.8 },
      ...[0, 1, 2].map((at) => ({ at, cls: "hihat_closed", height: 0.7 })),
    ];
    const song = songOn(beats, bar, 3, [{ timeMs: 1000, cls: "crash", height: 0.9, velocity: 1 }]);
    const timing = chartOf(song).beatmap.Timing!;
    expect(timing.TimeSignature).toBe("3/4");
    expect(timing.Bpm).toBeCloseTo(150, 1);
    expect(downbeatError(timing, song.downbeatsMs)).toBeLessThan(0.05);
  });

  it("hears a shuffle: swing feel, triplet snap, one steady tempo", () => {
    const song = synthSong({ bpmAt: () => 120, swing: 2 / 3, jitterMs: 5, seed: 3 });
    const r = chartOf(song);
    expect(r.beatmap.Timing).toMatchObject({ Bpm: expect.closeTo(120, 1), Feel: "swing", TimingPoints: [] });
    expect(r.beatmap.Editor?.SnapDivisor).toBe(12);
    expect(chartOf(synthSong({ bpmAt: () => 120 })).beatmap.Timing?.Feel).toBeUndefined();
  });
});

describe("steady by default, moving only where the music moves", () => {
  it("writes a tempo step as two sections, each one exact BPM", () => {
    const song = synthSong({
      bpmAt: (t) => (t < 16_000 ? 110 : 140),
      crashEveryBars: 4,
      jitterMs: 4,
      seed: 2,
    });
    const timing = chartOf(song).beatmap.Timing!;
    expect(timing.Bpm).toBeCloseTo(110, 0);
    const tempoPoints = timing.TimingPoints.filter((p) => Math.abs(p.Bpm - timing.Bpm) > 1);
    expect(tempoPoints.length).toBeLessThanOrEqual(2); // measured 1
    expect(tempoPoints.at(-1)!.Bpm).toBeCloseTo(140, 0);
    expect(gridError(timing, song.beatsMs)).toBeLessThan(10); // measured ≈ jitter
  });

  it("follows a ramp (ritardando / accelerando) within 2 % per beat", () => {
    for (const bpmAt of [
      (t: number) => 100 + (30 * (t - 1000)) / 30_000,
      (t: number) => 140 - (40 * (t - 1000)) / 30_000,
    ]) {
      const song = synthSong({ bpmAt, crashEveryBars: 4, jitterMs: 3, seed: 5 });
      const timing = chartOf(song).beatmap.Timing!;
      expect(tempoError(timing, song.beatsMs)).toBeLessThan(0.02); // measured ≤ 0.012
      expect(gridError(timing, song.beatsMs)).toBeLessThan(12);
    }
  });

  it("holds one tempo through human jitter, noise, a break and missing hits", () => {
    const cases: SongOptions[] = [
      { bpmAt: () => 120, noise: 0.15, bleed: 0.2, jitterMs: 12, seed: 5 },
      { bpmAt: () => 120, silence: [[12_000, 16_000]], dropFraction: 0.2, seed: 9 },
    ];
    for (const options of cases) {
      const song = synthSong({ crashEveryBars: 4, ...options });
      const timing = chartOf(song).beatmap.Timing!;
      expect(timing.TimingPoints).toEqual([]);
      expect(Math.abs(timing.Bpm / 120 - 1)).toBeLessThan(0.001);
      expect(gridError(timing, song.beatsMs)).toBeLessThan(5); // measured ≤ 3.2 (jitter ±12 ms)
    }
  });

  it("charts a short fill or groove (3–7 s) at its tempo with at most one timing point", () => {
    const fill: PatternHit[] = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.25, 2.5, 2.75].map((at) => ({
      at,
      cls: at >= 1 && at < 2 ? "tom_high" : "snare",
    }));
    fill.push({ at: 3, cls: "kick" }, { at: 3, cls: "crash" });
    for (const [bpm, endMs] of [
      [120, 5000],
      [90, 8000],
      [160, 4000],
    ] as const) {
      for (const bar of [rockBar({ hihat: "16ths" }), fill]) {
        const timing = chartOf(synthSong({ bpmAt: () => bpm, endMs, jitterMs: 8, seed: bpm, bar })).beatmap
          .Timing!;
        expect(Math.abs(timing.Bpm / bpm - 1)).toBeLessThan(0.01); // measured ≤ 0.4 %
        expect(timing.TimingPoints.length).toBeLessThanOrEqual(1); // a fill's pickup bar, at most
      }
    }
  });

  it("fits tempo and offset over the whole section to sub-millisecond precision", () => {
    // 60 s at 123.4 BPM, ±15 ms of jitter on every hit: the fit over ~120 beats averages it out.
    const song = synthSong({ bpmAt: () => 123.4, endMs: 61_000, jitterMs: 15, seed: 8, crashEveryBars: 8 });
    const timing = chartOf(song).beatmap.Timing!;
    expect(timing.TimingPoints).toEqual([]);
    expect(Math.abs(timing.Bpm - 123.4)).toBeLessThan(0.02); // measured ≈ 0.005
    expect(gridError(timing, song.beatsMs)).toBeLessThan(3); // measured 2.0: the hits' ±15 ms averaged
  });
});

describe("bar lines and pickups", () => {
  it("starts on the first beat before the music and bar 1 on the first downbeat (a pickup bar)", () => {
    const rotated = rockBar({ kickAndOf3: true }).map((h) => ({ ...h, at: (h.at + 1) % 4 }));
    const song = synthSong({ bpmAt: () => 120, bar: rotated, crashEveryBars: 0 });
    const r = chartOf(song, {});
    // The first note is at 1000 ms on beat 4; bar 1 starts at 1500.
    expect(r.beatmap.Timing).toMatchObject({ Offset: expect.closeTo(1000, 0), TimeSignature: "1/4" });
    expect(r.beatmap.Timing!.TimingPoints[0]).toMatchObject({
      Time: expect.closeTo(1500, 0),
      TimeSignature: "4/4",
    });
    expect(r.lint.issues.map((i) => i.code)).not.toContain("before_first_beat");
  });

  it("writes an odd 3/4 bar as one and goes back to 4/4", () => {
    const lengths = [4, 4, 4, 4, 4, 4, 3, 4, 4, 4, 4, 4, 4, 4];
    const beats = Array.from({ length: lengths.reduce((s, l) => s + l, 0) + 1 }, (_, i) => 1000 + i * 500);
    const hits: KnownHit[] = [];
    const downbeatsMs: number[] = [];
    let b0 = 0;
    lengths.forEach((length, barIndex) => {
      downbeatsMs.push(beats[b0]!);
      for (const h of rockBar({ kickAndOf3: true }).filter((x) => x.at < length))
        hits.push({ timeMs: beats[b0]! + h.at * 500, cls: h.cls, height: h.height ?? 0.9, velocity: 0.7 });
      if (barIndex % 4 === 0 || barIndex === 7)
        hits.push({ timeMs: beats[b0]!, cls: "crash", height: 0.9, velocity: 1 });
      b0 += length;
    });
    hits.sort((x, y) => x.timeMs - y.timeMs);
    const durationMs = beats[b0]! + 1000;
    const activations = synthesizeActivations(hits, { classes: DEFAULT_SYNTH_CLASSES, durationMs });
    const r = chartOf({ activations, beatsMs: beats.slice(0, b0), downbeatsMs, hits, durationMs });
    expect(r.lint.errors).toEqual([]);
    expect(downbeatError(r.beatmap.Timing, downbeatsMs)).toBeLessThan(0.05);
    expect(r.beatmap.Timing!.TimingPoints.filter((p) => p.TimeSignature)).toEqual([
      expect.objectContaining({
        Time: expect.closeTo(1000 + 24 * 500, 0),
        Bpm: expect.closeTo(120, 1),
        TimeSignature: "3/4",
      }),
      expect.objectContaining({
        Time: expect.closeTo(1000 + 27 * 500, 0),
        Bpm: expect.closeTo(120, 1),
        TimeSignature: "4/4",
      }),
    ]);
  });
});

describe("grid confidence", () => {
  it("is high for a clear groove and low where the grid is a guess", () => {
    const clear = chartOf(synthSong({ bpmAt: () => 120, crashEveryBars: 4 })).beatmap.Timing!;
    expect(clear.Confidence).toBeGreaterThan(0.8);
    // Hi-hat alone, 8ths: no backbeat to say which level is the beat.
    const hatOnly: PatternHit[] = [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5].map((at) => ({ at, cls: "hihat_closed" }));
    const vague = chartOf(synthSong({ bpmAt: () => 120, bar: hatOnly })).beatmap.Timing!;
    expect(vague.Confidence).toBeLessThan(0.6);
  });
});

describe("the decoder on its own", () => {
  it("finds bars and beats of a steady groove from its hits", () => {
    const song = synthSong({ bpmAt: () => 96, crashEveryBars: 4 });
    const hits = gridHits(
      song.hits.map((h) => ({
        timeMs: h.timeMs,
        component: h.cls === "tom_high" ? "tom_high" : (h.cls as "kick"),
        weight: 1,
      })),
    );
    const bars = decodeBars(hits, song.durationMs);
    expect(new Set(bars.map((b) => b.meter))).toEqual(new Set(["4/4"]));
    const beats = barsToBeats(bars).map((b) => b.timeMs);
    expect(matchBeats(beats, song.beatsMs, 25)).toMatchObject({ missed: 0, extra: 0 });
  });
});
