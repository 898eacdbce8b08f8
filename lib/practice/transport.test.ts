import { describe, expect, it } from "vitest";
import { TempoMap } from "../beatmap/tempo.ts";
import {
  beatsBetween,
  clicksBetween,
  ctxAt,
  passAt,
  piecesBetween,
  planStart,
  songAt,
  type TransportPlan,
} from "./transport.ts";

const tempo120 = TempoMap.fromTiming({ Bpm: 120, Offset: 0, TimeSignature: "4/4", TimingPoints: [] });

describe("song time from the audio clock", () => {
  it("runs at the rate from the start point", () => {
    const plan: TransportPlan = { ctxStart: 10, songStart: 2000, audioFrom: 2000, rate: 0.5 };
    expect(songAt(plan, 10)).toBe(2000);
    expect(songAt(plan, 12)).toBe(3000);
    expect(ctxAt(plan, 3000)).toBe(12);
    expect(piecesBetween(plan, 0, 1000)).toHaveLength(1);
  });

  it("starts a count-in whole beats before the start, audio from the start", () => {
    const plan = planStart({ ctxNow: 0, leadS: 0, fromMs: 4000, rate: 1, countInBeats: 4, tempo: tempo120 });
    expect(plan.songStart).toBe(2000);
    expect(plan.audioFrom).toBe(4000);
    const clicks = clicksBetween(plan, tempo120, 0, 2.6);
    expect(clicks.map((c) => c.songMs)).toEqual([2000, 2500, 3000, 3500, 4000, 4500]);
    expect(clicks.map((c) => c.countIn)).toEqual([true, true, true, true, false, false]);
    expect(clicks[0]!.downbeat).toBe(true);
    expect(clicks[4]!.downbeat).toBe(true);
    expect(clicks[1]!.downbeat).toBe(false);
  });
});

describe("A–B loop", () => {
  const loop = { a: 2000, b: 4000 };
  const plan = planStart({
    ctxNow: 0,
    leadS: 0,
    fromMs: 2000,
    rate: 1,
    countInBeats: 2,
    tempo: tempo120,
    loop,
  });

  it("wraps exactly at B back to A, pass after pass", () => {
    expect(plan.songStart).toBe(1000);
    expect(passAt(plan, 2.999)).toBe(0);
    expect(passAt(plan, 3)).toBe(1);
    expect(songAt(plan, 2.999)).toBeCloseTo(3999);
    expect(songAt(plan, 3)).toBe(2000);
    expect(songAt(plan, 4.5)).toBe(3500);
    expect(passAt(plan, 5)).toBe(2);
    expect(songAt(plan, 5.25)).toBe(2250);
    expect(ctxAt(plan, 2000, 3)).toBe(7);
  });

  it("lists the pieces whose audio must be scheduled, each pass starting at A", () => {
    const pieces = piecesBetween(plan, 2.9, 5.1);
    expect(pieces.map((p) => [p.pass, p.ctxFrom, p.songFrom, p.audioFrom])).toEqual([
      [0, 0, 1000, 2000],
      [1, 3, 2000, 2000],
      [2, 5, 2000, 2000],
    ]);
  });

  it("clicks across the loop boundary without a doubled or missing beat; count-in only once", () => {
    const clicks = clicksBetween(plan, tempo120, 0, 5.01);
    expect(clicks.map((c) => [c.ctx, c.songMs])).toEqual([
      [0, 1000],
      [0.5, 1500],
      [1, 2000],
      [1.5, 2500],
      [2, 3000],
      [2.5, 3500],
      [3, 2000],
      [3.5, 2500],
      [4, 3000],
      [4.5, 3500],
      [5, 2000],
    ]);
    expect(clicks.filter((c) => c.countIn).map((c) => c.songMs)).toEqual([1000, 1500]);
    // Windows that split the timeline anywhere give the same clicks.
    const split = [...clicksBetween(plan, tempo120, 0, 3), ...clicksBetween(plan, tempo120, 3, 5.01)];
    expect(split.map((c) => c.ctx)).toEqual(clicks.map((c) => c.ctx));
  });

  it("loops at a slower rate in proportion", () => {
    const slow = planStart({ ctxNow: 1, leadS: 0, fromMs: 2000, rate: 0.5, tempo: tempo120, loop });
    expect(passAt(slow, 4.999)).toBe(0);
    expect(songAt(slow, 5)).toBe(2000);
    expect(clicksBetween(slow, tempo120, 1, 5).map((c) => c.ctx)).toEqual([1, 2, 3, 4]);
  });
});

describe("metronome from the timing map", () => {
  it("follows tempo changes and time signatures", () => {
    const tempo = TempoMap.fromTiming({
      Bpm: 120,
      Offset: 100,
      TimeSignature: "4/4",
      TimingPoints: [{ Time: 2100, Bpm: 60, TimeSignature: "3/4" }],
    });
    const beats = beatsBetween(tempo, 0, 8200);
    expect(beats.map((b) => b.ms)).toEqual([100, 600, 1100, 1600, 2100, 3100, 4100, 5100, 6100, 7100, 8100]);
    expect(beats.filter((b) => b.downbeat).map((b) => b.ms)).toEqual([100, 2100, 5100, 8100]);
  });

  it("clicks eighths in 6/8 with the bar on 1", () => {
    const tempo = TempoMap.fromTiming({ Bpm: 60, Offset: 0, TimeSignature: "6/8", TimingPoints: [] });
    const beats = beatsBetween(tempo, 0, 3500);
    expect(beats.map((b) => b.ms)).toEqual([0, 500, 1000, 1500, 2000, 2500, 3000]);
    expect(beats.filter((b) => b.downbeat).map((b) => b.ms)).toEqual([0, 3000]);
  });

  it("schedules clicks through a tempo change at the right ctx times", () => {
    const tempo = TempoMap.fromTiming({
      Bpm: 120,
      Offset: 0,
      TimeSignature: "4/4",
      TimingPoints: [{ Time: 1000, Bpm: 240 }],
    });
    const plan = planStart({ ctxNow: 0, leadS: 0, fromMs: 0, rate: 1, tempo });
    expect(clicksBetween(plan, tempo, 0, 1.6).map((c) => c.ctx)).toEqual([0, 0.5, 1, 1.25, 1.5]);
  });
});
