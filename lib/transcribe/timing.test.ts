import { describe, expect, it } from "vitest";
import { TempoMap } from "../beatmap/index.ts";
import { beatsToTiming } from "./timing.ts";
import type { BeatTrack } from "./types.ts";

const track = (beatsMs: number[], firstDownbeat = 0): BeatTrack => ({
  beatsMs,
  firstDownbeat,
  downbeats: [],
  beatsPerBar: 4,
  bpm: 120,
  octave: "as-tracked",
});

const steady = (start: number, period: number, n: number) =>
  Array.from({ length: n }, (_, i) => start + i * period);

describe("beatsToTiming", () => {
  it("gives a steady song one tempo and the first downbeat as Offset", () => {
    const t = beatsToTiming(track(steady(1234.5, 500, 40), 2))!;
    // Beats before the first downbeat matter only if notes come before it.
    expect(t.timing).toEqual({ Bpm: 120, Offset: 2234.5, TimeSignature: "4/4", TimingPoints: [] });
    const early = beatsToTiming(track(steady(1234.5, 500, 40), 2), { firstNoteMs: 300 })!;
    expect(early.timing).toEqual({ Bpm: 120, Offset: 234.5, TimeSignature: "4/4", TimingPoints: [] });
    expect(t.maxErrorMs).toBeLessThan(0.01);
  });

  it("puts a timing point where the tempo steps and none elsewhere", () => {
    const beats = [...steady(1000, 500, 16), ...steady(9000, 400, 16)];
    const t = beatsToTiming(track(beats))!;
    expect(t.timing.Bpm).toBe(120);
    expect(t.timing.TimingPoints).toEqual([{ Time: 9000, Bpm: 150 }]);
  });

  it("follows a ramp within tolerance with fewer points than beats", () => {
    const beats: number[] = [1000];
    for (let i = 1; i < 80; i++) beats.push(beats[i - 1]! + 60_000 / (100 + (30 * i) / 80));
    for (const tol of [1, 2, 5]) {
      const t = beatsToTiming(track(beats), { toleranceMs: tol })!;
      expect(t.maxErrorMs).toBeLessThanOrEqual(tol + 0.001);
      const tempo = TempoMap.fromTiming(t.timing);
      const worst = Math.max(...beats.map((b, i) => Math.abs(tempo.beatToMs(i) - b)));
      expect(worst).toBeLessThanOrEqual(tol + 0.001);
      expect(t.timing.TimingPoints.length).toBeLessThan(beats.length / (tol >= 2 ? 3 : 1.5));
    }
  });

  it("starts a pickup bar when the first notes come less than a bar before the first downbeat", () => {
    // Downbeat at 1000 ms; notes from 600 ms; a whole bar back would be −1000 ms.
    const t = beatsToTiming(track(steady(1000, 500, 20)), { firstNoteMs: 600 })!;
    expect(t.timing.Offset).toBe(500);
    expect(t.timing.TimeSignature).toBe("1/4");
    expect(t.timing.TimingPoints[0]).toEqual({ Time: 1000, Bpm: 120, TimeSignature: "4/4" });
    const tempo = TempoMap.fromTiming(t.timing);
    expect(tempo.measurePosition(tempo.msToBeat(1000)).inMeasure).toBeCloseTo(0, 6);
    expect(tempo.measurePosition(tempo.msToBeat(3000)).inMeasure).toBeCloseTo(0, 6);
  });

  it("moves the first beat onto a first note played a few ms early instead of adding a bar", () => {
    const t = beatsToTiming(track(steady(1000, 500, 20)), { firstNoteMs: 992 })!;
    expect(t.timing.Offset).toBe(992);
    expect(t.timing.TimeSignature).toBe("4/4");
  });

  it("returns undefined without two beats", () => {
    expect(beatsToTiming(track([1000]))).toBeUndefined();
  });
});
