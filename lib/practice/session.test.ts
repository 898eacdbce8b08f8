import { describe, expect, it } from "vitest";
import { TempoMap } from "../beatmap/tempo.ts";
import { grooveChart } from "../beatmap/testing.ts";
import { barIndex, PracticeSession, prepareChart } from "./session.ts";

describe("practice session", () => {
  const chart = prepareChart(grooveChart({ bars: 4, bpm: 120, offsetMs: 500 }));

  it("prepares sorted notes with bars from the timing map", () => {
    expect([...chart.times]).toEqual([...chart.times].sort((a, b) => a - b));
    expect(chart.bars[0]).toBe(0);
    expect(chart.bars[chart.bars.length - 1]).toBe(4); // the final crash on the downbeat of bar 5
    const tempo = TempoMap.fromTiming({
      Bpm: 60,
      Offset: 0,
      TimeSignature: "3/4",
      TimingPoints: [{ Time: 6000, Bpm: 60, TimeSignature: "4/4" }],
    });
    expect([0, 2999, 3000, 6000, 9999, 10_000].map((ms) => barIndex(tempo, ms))).toEqual([0, 0, 1, 2, 2, 3]);
  });

  it("every note hit on time gives 100 % perfect and ends the run", () => {
    const s = new PracticeSession(chart);
    s.start(0, Number.POSITIVE_INFINITY, 1);
    chart.times.forEach((t, i) => {
      s.tick(t, 0);
      s.hit(chart.lanes[i]!, t, 0);
    });
    expect(s.isOver(chart.endMs + 100)).toBe(true);
    const r = s.total.summary();
    expect(r.counts).toMatchObject({ perfect: chart.times.length, miss: 0 });
    expect(r.accuracy).toBe(1);
    expect(r.maxCombo).toBe(chart.times.length);
  });

  it("hits 40 ms late at half speed are 80 ms late in real time: all good, all late", () => {
    const s = new PracticeSession(chart);
    s.start(0, Number.POSITIVE_INFINITY, 0.5);
    chart.times.forEach((t, i) => {
      s.hit(chart.lanes[i]!, t + 40, 0);
    });
    const r = s.total.summary();
    expect(r.counts.good).toBe(chart.times.length);
    expect(r.late).toBe(chart.times.length);
    expect(r.limbs.feet.meanMs).toBeCloseTo(80);
  });

  it("a loop pass misses what was left and starts clean", () => {
    const s = new PracticeSession(chart);
    s.start(2500, 4500, 1);
    const inLoop = [...chart.times].filter((t) => t >= 2500 && t < 4500).length;
    const pass = s.nextPass(1);
    expect(pass.counts.miss).toBe(inLoop);
    expect(s.passIndex).toBe(1);
    expect(s.pass.judged).toBe(0);
    expect(s.total.judged).toBe(inLoop);
  });
});

describe("bars and beats", () => {
  it("finds bar starts and snaps to beats through meter changes", async () => {
    const { barStartMs, snapToBeat } = await import("./session.ts");
    const tempo = TempoMap.fromTiming({
      Bpm: 60,
      Offset: 500,
      TimeSignature: "3/4",
      TimingPoints: [{ Time: 6500, Bpm: 120, TimeSignature: "4/4" }],
    });
    expect([0, 1, 2, 3].map((b) => barStartMs(tempo, b))).toEqual([500, 3500, 6500, 8500]);
    expect(snapToBeat(tempo, 1700)).toBe(1500);
    expect(snapToBeat(tempo, 7100)).toBe(7000);
  });
});
