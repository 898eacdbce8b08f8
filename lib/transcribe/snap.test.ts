import { describe, expect, it } from "vitest";
import type { HitObject, Timing } from "../beatmap/index.ts";
import { applySnaps, suggestSnaps } from "./snap.ts";

const timing: Timing = {
  Bpm: 120,
  Offset: 1000,
  TimeSignature: "4/4",
  TimingPoints: [{ Time: 5000, Bpm: 90 }],
};
const note = (Time: number): HitObject => ({ Time, Component: "snare", Lane: 2, Velocity: 0.7 });

describe("suggestSnaps", () => {
  it("finds the nearest line of the 1/4–1/16 and triplet grids, with the distance", () => {
    const s = suggestSnaps(
      [note(1500), note(1507), note(1124), note(1333.3), note(1000 + 500 * (5 / 6) - 3)],
      timing,
    );
    expect(s.map((x) => x.divisor)).toEqual([1, 1, 4, 3, 6]);
    expect(s[0]!.deltaMs).toBeCloseTo(0, 6);
    expect(s[1]!.deltaMs).toBeCloseTo(-7, 6); // late by 7 ms
    expect(s[2]!.gridMs).toBeCloseTo(1125, 6);
    expect(s[3]!.gridMs).toBeCloseTo(1000 + (500 * 2) / 3, 6);
    expect(s[4]!.deltaMs).toBeCloseTo(3, 6);
  });

  it("uses the tempo map after a timing point", () => {
    // 90 BPM from 5000 ms: beats every 666.67 ms.
    const [s] = suggestSnaps([note(5000 + 666.667 + 4)], timing);
    expect(s!.gridMs).toBeCloseTo(5666.667, 2);
    expect(s!.beat).toBe(9);
  });

  it("does not move notes unless asked, and only within the tolerance", () => {
    const notes = [note(1500), note(1507), note(2020)];
    const s = suggestSnaps(notes, timing);
    expect(applySnaps(notes, s, 0).map((n) => n.Time)).toEqual([1500, 1507, 2020]);
    // 1507 lands on the snare already at 1500: one note.
    expect(applySnaps(notes, s, 5).map((n) => n.Time)).toEqual([1500, 1507, 2020]);
    expect(applySnaps(notes, s, 10).map((n) => n.Time)).toEqual([1500, 2020]);
    expect(applySnaps(notes, s, 25).map((n) => n.Time)).toEqual([1500, 2000]);
    expect(notes[1]!.Time).toBe(1507); // the input is untouched
  });

  it("merges two notes of a lane snapped onto one line, keeping the more confident", () => {
    const a = { ...note(1490), Confidence: 0.6 };
    const b = { ...note(1508), Confidence: 0.9 };
    const kick = { ...note(1495), Component: "kick" as const, Lane: 3 };
    const out = applySnaps([a, kick, b], suggestSnaps([a, kick, b], timing), 12);
    expect(out).toEqual([
      { ...b, Time: 1500 },
      { ...kick, Time: 1500 },
    ]);
  });
});
