// The beat model's activations as an observation of the grid decoder (bar-pointer.ts
// beatObservation, grid.ts rival check and chooseGrid), on synthetic activations with known
// answers: they must choose the level and the bar line where the drums leave it open, follow tempo
// steps, 6/8 and shuffles, and never outvote a clear backbeat into a 4:3 error, a phase slip or
// other bar lines.
import { describe, expect, it } from "vitest";
import { TempoMap } from "../beatmap/index.ts";
import { type BeatActivations, beatObservation } from "./bar-pointer.ts";
import { oneGridShare, tempoChanges } from "./grid.ts";
import {
  beatGrid,
  DEFAULT_SYNTH_CLASSES,
  layPattern,
  type PatternHit,
  synthesizeActivations,
  synthSong,
} from "./synthetic.ts";
import { chartOf } from "./testing.ts";

/** What a beat model outputs: widened peaks (1 on the frame, ½ beside it) over a low floor. */
function beatActivations(
  beatsMs: readonly number[],
  downbeatsMs: readonly number[],
  durationMs: number,
  options: { height?: number; floor?: number; fps?: number } = {},
): BeatActivations {
  const fps = options.fps ?? 50;
  const frames = Math.ceil((durationMs * fps) / 1000);
  const floor = options.floor ?? 0.01;
  const height = options.height ?? 0.9;
  const beat = new Float32Array(frames).fill(floor);
  const downbeat = new Float32Array(frames).fill(floor);
  const mark = (out: Float32Array, times: readonly number[]) => {
    for (const t of times) {
      const f = Math.round((t * fps) / 1000);
      for (const [d, v] of [
        [-1, 0.5],
        [0, 1],
        [1, 0.5],
      ] as const) {
        if (f + d >= 0 && f + d < frames) out[f + d] = Math.max(out[f + d]!, v * height);
      }
    }
  };
  mark(beat, beatsMs);
  mark(downbeat, downbeatsMs);
  return { fps, beat, downbeat };
}

/** Largest distance from a true beat to the chart's nearest counted beat, ms. */
function gridError(timing: Parameters<typeof TempoMap.fromTiming>[0], beatsMs: readonly number[], qpb = 1) {
  const tempo = TempoMap.fromTiming(timing);
  return Math.max(
    ...beatsMs.map((t) => Math.abs(tempo.beatToMs(Math.round(tempo.msToBeat(t) / qpb) * qpb) - t)),
  );
}

describe("beatObservation", () => {
  it("is neutral at P = 1/16, rewards a peak and costs a confident 'no beat', clipped", () => {
    const act: BeatActivations = {
      fps: 50,
      beat: Float32Array.from([1 / 16, 0.9, 0.0001, 1, 0.5]),
      downbeat: Float32Array.from([1 / 16, 0.9, 0.0001, 0.01, 0.5]),
    };
    const { beat, downbeat } = beatObservation(act, 0, 5, 50, 1, 1);
    expect(beat[0]).toBeCloseTo(0, 2);
    expect(beat[1]).toBeGreaterThan(2);
    expect(beat[2]).toBe(-4); // clipped
    expect(beat[3]).toBe(3); // clipped
    expect(downbeat[1]).toBeCloseTo(0, 3); // as likely a downbeat as a beat: no extra
    expect(downbeat[3]).toBe(-3); // a sure beat the model says is not a bar line
  });

  it("reads the activations at the decoder's frames when the rates differ", () => {
    const act: BeatActivations = {
      fps: 100,
      beat: new Float32Array(200).fill(0.01),
      downbeat: new Float32Array(200),
    };
    act.beat[100] = 0.95;
    const { beat } = beatObservation(act, 500, 50, 50, 1, 1);
    expect(beat.indexOf(Math.max(...beat))).toBe(25); // 500 ms + 25 frames at 50 fps = 1 s
  });
});

describe("the decoder with beat activations", () => {
  it("steady: hi-hat 8ths alone leave level and bar line open; the activations settle both", () => {
    const beats = beatGrid(1000, 41_000, () => 120);
    const bar: PatternHit[] = [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5].map((at) => ({
      at,
      cls: "hihat_closed",
      height: 0.8,
    }));
    const hits = layPattern(beats, bar);
    const durationMs = 42_000;
    const activations = synthesizeActivations(hits, { classes: DEFAULT_SYNTH_CLASSES, durationMs, fps: 50 });
    // Bars start on the second beat of the hi-hat pattern: only the activations can say so.
    const truth = beats.slice(1, -4);
    const downbeats = truth.filter((_, i) => i % 4 === 0);
    const song = { activations, beatsMs: truth, downbeatsMs: downbeats, hits, durationMs };
    const timing = chartOf(song, { beats: beatActivations(truth, downbeats, durationMs) }).beatmap.Timing!;
    expect(timing.Bpm).toBeCloseTo(120, 1);
    expect(timing.TimingPoints.filter((p) => p.Bpm !== undefined && Math.abs(p.Bpm - 120) > 0.5)).toEqual([]);
    expect(gridError(timing, truth)).toBeLessThan(10);
    const tempo = TempoMap.fromTiming(timing);
    for (const d of downbeats.slice(1, -1)) {
      const { inMeasure, measureBeats } = tempo.measurePosition(tempo.msToBeat(d));
      expect(Math.min(inMeasure, measureBeats - inMeasure)).toBeLessThan(0.05);
    }
  });

  it("4:3 trap: a clear backbeat at 120 is not outvoted by weak activations at 160 BPM", () => {
    const song = synthSong({ bpmAt: () => 120, crashEveryBars: 4, jitterMs: 4, seed: 5, fps: 50 });
    const wrong = beatGrid(1000, song.durationMs, () => 160);
    const beats = beatActivations(
      wrong,
      wrong.filter((_, i) => i % 4 === 0),
      song.durationMs,
      { height: 0.5 },
    );
    const timing = chartOf(song, { beats }).beatmap.Timing!;
    expect(timing.Bpm).toBeCloseTo(120, 0);
    expect(gridError(timing, song.beatsMs)).toBeLessThan(10);
  });

  it("4:3 trap: activations at the true level agree with the pattern (16th funk at 100 BPM)", () => {
    const bar: PatternHit[] = [
      { at: 0, cls: "kick" },
      { at: 0.75, cls: "kick", height: 0.8 },
      { at: 1, cls: "snare" },
      { at: 1.75, cls: "snare", height: 0.3 },
      { at: 2.5, cls: "kick" },
      { at: 3, cls: "snare" },
      ...Array.from({ length: 16 }, (_, i) => ({
        at: i / 4,
        cls: "hihat_closed",
        height: i % 4 ? 0.55 : 0.8,
      })),
    ];
    const song = synthSong({ bpmAt: () => 100, bar, jitterMs: 5, seed: 9, fps: 50 });
    const beats = beatActivations(song.beatsMs, song.downbeatsMs, song.durationMs);
    const timing = chartOf(song, { beats }).beatmap.Timing!;
    expect(timing.Bpm).toBeCloseTo(100, 0);
    expect(timing.TimingPoints).toEqual([]);
  });

  it("tempo step: two steady sections, each at its tempo", () => {
    const song = synthSong({
      bpmAt: (t) => (t < 16_000 ? 110 : 140),
      crashEveryBars: 4,
      jitterMs: 4,
      seed: 2,
      fps: 50,
    });
    const beats = beatActivations(song.beatsMs, song.downbeatsMs, song.durationMs);
    const timing = chartOf(song, { beats }).beatmap.Timing!;
    const tempo = TempoMap.fromTiming(timing);
    expect(tempo.bpmAt(8000)).toBeCloseTo(110, 0);
    expect(tempo.bpmAt(26_000)).toBeCloseTo(140, 0);
    expect(timing.TimingPoints.length).toBeLessThanOrEqual(2);
    expect(gridError(timing, song.beatsMs)).toBeLessThan(15);
  });

  it("6/8: dotted-quarter beats and bar lines every two beats", () => {
    const beats = beatGrid(1000, 41_000, () => 70);
    const bar: PatternHit[] = [
      { at: 0, cls: "kick" },
      { at: 1, cls: "snare" },
      ...[0, 1 / 3, 2 / 3, 1, 4 / 3, 5 / 3].map((at) => ({ at, cls: "hihat_closed", height: 0.75 })),
    ];
    const hits = layPattern(beats, bar, { beatsPerBar: 2 });
    const durationMs = 42_000;
    const activations = synthesizeActivations(hits, { classes: DEFAULT_SYNTH_CLASSES, durationMs, fps: 50 });
    const truth = beats.slice(0, -2);
    const downbeats = truth.filter((_, i) => i % 2 === 0);
    const song = { activations, beatsMs: truth, downbeatsMs: downbeats, hits, durationMs };
    const timing = chartOf(song, { beats: beatActivations(truth, downbeats, durationMs) }).beatmap.Timing!;
    expect(["6/8", "12/8"]).toContain(timing.TimeSignature);
    expect(timing.Bpm).toBeCloseTo(105, 1);
    expect(gridError(timing, truth, 1.5)).toBeLessThan(5);
  });

  it("shuffle: swing feel, one steady tempo at the counted beat", () => {
    const song = synthSong({ bpmAt: () => 120, swing: 2 / 3, jitterMs: 5, seed: 3, fps: 50 });
    const beats = beatActivations(song.beatsMs, song.downbeatsMs, song.durationMs);
    const r = chartOf(song, { beats });
    expect(r.beatmap.Timing).toMatchObject({ Bpm: expect.closeTo(120, 1), Feel: "swing", TimingPoints: [] });
  });
});

describe("choosing between the hits' grid and the joint one (grid.ts chooseGrid)", () => {
  it("activations that slip an 8th mid-song do not split a steady backbeat's grid", () => {
    const song = synthSong({ bpmAt: () => 120, crashEveryBars: 4, jitterMs: 4, seed: 7, fps: 50 });
    const half = song.durationMs / 2;
    const slipped = song.beatsMs.map((t) => (t < half ? t : t + 250));
    const beats = beatActivations(
      slipped,
      slipped.filter((_, i) => i % 4 === 0),
      song.durationMs,
    );
    // Decoded with them (counted a little more than by default), the grid follows the slip:
    // tempo changes, much of it off one line.
    const decoder = { beatWeight: 0.4 };
    const joint = chartOf(song, { beats, grid: { decoder, beatModelChoice: "always" } });
    expect(tempoChanges(joint.beatmap.Timing!)).toBeGreaterThan(0);
    expect(joint.grid?.beatModel?.oneGrid[1]).toBeLessThan(0.5);
    // The product keeps the drums' grid: one tempo, on the beats.
    const chosen = chartOf(song, { beats, grid: { decoder } });
    expect(chosen.grid?.beatModel).toMatchObject({ used: false, tempoChanges: [0, expect.any(Number)] });
    expect(chosen.beatmap.Timing!.TimingPoints).toEqual([]);
    expect(chosen.beatmap.Timing!.Bpm).toBeCloseTo(120, 1);
    expect(gridError(chosen.beatmap.Timing!, song.beatsMs)).toBeLessThan(10);
  });

  it("bar lines the drum pattern prefers stand against downbeat activations on the same beats", () => {
    const song = synthSong({ bpmAt: () => 120, crashEveryBars: 2, jitterMs: 4, seed: 7, fps: 50 });
    const beats = beatActivations(
      song.beatsMs,
      song.beatsMs.filter((_, i) => i % 4 === 2),
      song.durationMs,
    );
    // A heavy downbeat weight moves the joint decoding's bar lines to beat 3 ...
    const decoder = { downbeatWeight: 2 };
    const joint = chartOf(song, { beats, grid: { decoder, beatModelChoice: "always" } });
    expect(joint.grid!.downbeatsMs[0]).toBeCloseTo(song.beatsMs[2]!, -1);
    // ... but the crash and kick on 1 keep them on 1 in the chart.
    const chosen = chartOf(song, { beats, grid: { decoder } });
    expect(chosen.grid?.beatModel?.used).toBe(false);
    expect(chosen.grid!.downbeatsMs[0]).toBeCloseTo(song.downbeatsMs[0]!, -1);
  });

  it("counts tempo changes, not a pickup's time signature, and the share of beats on one line", () => {
    expect(
      tempoChanges({
        Bpm: 120,
        Offset: 0,
        TimeSignature: "1/4",
        TimingPoints: [
          { Time: 500, Bpm: 120, TimeSignature: "4/4" },
          { Time: 8500, Bpm: 90 },
          { Time: 9000, Bpm: 90, TimeSignature: "3/4" },
        ],
      }),
    ).toBe(1);
    const steady = Array.from({ length: 40 }, (_, k) => 1000 + 500 * k);
    expect(oneGridShare(steady)).toBe(1);
    // The second half an 8th late: about half the beats are off any one line.
    expect(oneGridShare(steady.map((t, k) => (k < 20 ? t : t + 250)))).toBeLessThan(0.6);
  });
});
