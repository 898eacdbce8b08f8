import { describe, expect, it } from "vitest";
import { TempoMap } from "../beatmap/tempo.ts";
import { gridBetween, SNAP_DIVISORS, snapLabel, snapMs, snappedDelta, stepDivisor, stepMs } from "./snap.ts";

// 120 BPM from 500 ms, 3/4 from 2500 ms at 60 BPM.
const tempo = TempoMap.fromTiming({
  Bpm: 120,
  Offset: 500,
  TimeSignature: "4/4",
  TimingPoints: [{ Time: 2500, Bpm: 60, TimeSignature: "3/4" }],
});

describe("snapping to the chart's timing", () => {
  it("snaps to straight and triplet divisors, across a tempo change", () => {
    expect(snapMs(tempo, 610, 4)).toBe(625);
    expect(snapMs(tempo, 610, 3)).toBeCloseTo(500 + 500 / 3, 6);
    expect(snapMs(tempo, 2740, 4)).toBe(2750); // 60 BPM: a 1/4 step is 250 ms
    expect(snapMs(tempo, 400, 1)).toBe(500);
  });

  it("steps to the next grid line either way, on or off the grid", () => {
    expect(stepMs(tempo, 625, 4, 1)).toBe(750);
    expect(stepMs(tempo, 625, 4, -1)).toBe(500);
    expect(stepMs(tempo, 630, 4, -1)).toBe(625);
    expect(stepMs(tempo, 2375, 4, 1)).toBe(2500);
    expect(stepMs(tempo, 2500, 4, 1)).toBe(2750);
  });

  it("snaps a dragged group by its anchor", () => {
    expect(snappedDelta(tempo, 500, 140, 4)).toBe(125);
    expect(snappedDelta(tempo, 510, 0, 2)).toBe(-10);
  });

  it("lists grid lines with bars and beats marked, following the time signature", () => {
    const lines = gridBetween(tempo, 2500, 5500, 1);
    expect(lines.map((l) => [l.ms, l.kind])).toEqual([
      [2500, "bar"],
      [3500, "beat"],
      [4500, "beat"],
      [5500, "bar"],
    ]);
    expect(gridBetween(tempo, 500, 1000, 2).map((l) => l.kind)).toEqual(["bar", "sub", "beat"]);
  });

  it("offers 1/1 to 1/16 with triplets, stepping within bounds", () => {
    expect(SNAP_DIVISORS).toEqual([1, 2, 3, 4, 6, 8, 12, 16]);
    expect(snapLabel(12)).toBe("1/12 (triplet)");
    expect(stepDivisor(16, 1)).toBe(16);
    expect(stepDivisor(1, -1)).toBe(1);
    expect(stepDivisor(4, 1)).toBe(6);
  });
});
